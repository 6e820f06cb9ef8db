#include "config/duration.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace replicad::config {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t nanos;
};

// Longest names first so "ms" is not read as "m".
constexpr std::array<Unit, 6> kUnits{{{"ns", 1},
                                      {"us", 1'000},
                                      {"ms", 1'000'000},
                                      {"s", 1'000'000'000},
                                      {"m", 60'000'000'000},
                                      {"h", 3'600'000'000'000}}};

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text.empty()) {
    return Status::InvalidArgument("empty duration");
  }
  long double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t number_start = i;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
      ++i;
    }
    const std::string_view number = text.substr(number_start, i - number_start);
    if (number.empty() || number == "." || number.find('.') != number.rfind('.')) {
      return Status::InvalidArgument("invalid duration " + quoted +
                                     ": expected a number and a unit, like 100ms, 30s or 5m");
    }
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (text.substr(i).starts_with(candidate.name)) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) {
      return Status::InvalidArgument("invalid duration " + quoted +
                                     ": missing or unknown unit (use ns, us, ms, s, m or h)");
    }
    i += unit->name.size();
    double value = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error != std::errc() || end != number.data() + number.size()) {
      return Status::InvalidArgument("duration " + quoted + " is out of range");
    }
    total += static_cast<long double>(value) * unit->nanos;
  }
  if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    return Status::InvalidArgument("duration " + quoted + " is too long");
  }
  return Duration(static_cast<std::int64_t>(std::llround(total)));
}

std::string FormatDuration(Duration duration) {
  const std::int64_t nanos = duration.count();
  if (nanos == 0) {
    return "0s";
  }
  for (auto unit = kUnits.rbegin(); unit != kUnits.rend(); ++unit) {
    if (nanos % unit->nanos == 0) {
      return std::to_string(nanos / unit->nanos) + std::string(unit->name);
    }
  }
  return std::to_string(nanos) + "ns";
}

}  // namespace replicad::config
