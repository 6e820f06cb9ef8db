#pragma once

// Captures what the process writes to file descriptor 2 (replicad's log) while it lives.

#include <string>

namespace replicad::testing {

class CapturedStderr {
 public:
  CapturedStderr();
  ~CapturedStderr();
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;

  // Everything written so far.
  std::string Text() const;

 private:
  int saved_ = -1;
  int file_ = -1;
};

}  // namespace replicad::testing
