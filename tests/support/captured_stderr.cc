#include "tests/support/captured_stderr.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace replicad::testing {

CapturedStderr::CapturedStderr() {
  char path[] = "/tmp/replicad-stderr-XXXXXX";
  file_ = mkstemp(path);
  if (file_ < 0) {
    throw std::runtime_error("mkstemp failed");
  }
  unlink(path);
  std::fflush(stderr);
  saved_ = dup(2);
  dup2(file_, 2);
}

CapturedStderr::~CapturedStderr() {
  std::fflush(stderr);
  dup2(saved_, 2);
  close(saved_);
  close(file_);
}

std::string CapturedStderr::Text() const {
  std::fflush(stderr);
  std::string text;
  char buffer[4096];
  for (off_t offset = 0;;) {
    const ssize_t got = pread(file_, buffer, sizeof buffer, offset);
    if (got <= 0) {
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(got));
    offset += got;
  }
}

}  // namespace replicad::testing
