#pragma once

// Diagnostics: every problem found in a config file, each tied to a place in it.
// Loading never stops at the first problem; it collects them all and the caller prints
// them as "FILE:LINE:COL: message", sorted by position.

#include <string>
#include <string_view>
#include <vector>

namespace replicad::config {

// 1-based line and column; 0 means "unknown" (then only the file is named).
struct Mark {
  int line = 0;
  int column = 0;
  friend bool operator==(const Mark&, const Mark&) = default;
};

struct Diagnostic {
  Mark mark;
  std::string message;
};

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void Add(Mark mark, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::string& file() const { return file_; }

  // Sorted by line, then column, then insertion order.
  std::vector<Diagnostic> Sorted() const;
  // One "FILE:LINE:COL: message" line per diagnostic, sorted.
  std::string ToString() const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
};

// The known name closest to `unknown` (small edit distance), or empty if none is close.
std::string ClosestMatch(std::string_view unknown, const std::vector<std::string_view>& known);

}  // namespace replicad::config
