#include "config/diagnostics.h"

#include <algorithm>
#include <cctype>

namespace replicad::config {

void Diagnostics::Add(Mark mark, std::string message) {
  items_.push_back({mark, std::move(message)});
}

std::vector<Diagnostic> Diagnostics::Sorted() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.mark.line != b.mark.line ? a.mark.line < b.mark.line : a.mark.column < b.mark.column;
  });
  return sorted;
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const Diagnostic& d : Sorted()) {
    out += file_;
    if (d.mark.line > 0) {
      out += ':' + std::to_string(d.mark.line) + ':' + std::to_string(d.mark.column);
    }
    out += ": " + d.message + '\n';
  }
  return out;
}

namespace {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view unknown, const std::vector<std::string_view>& known) {
  // A suggestion must keep something of what was typed: never replace it wholesale.
  const std::size_t limit = std::min(std::max<std::size_t>(1, unknown.size() / 3),
                                     unknown.size() > 0 ? unknown.size() - 1 : 0);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (std::string_view candidate : known) {
    std::size_t distance = EditDistance(unknown, candidate);
    if (unknown.size() >= 3 && (candidate.starts_with(unknown) || unknown.starts_with(candidate))) {
      distance = std::min(distance, limit);
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

}  // namespace replicad::config
