#pragma once

// REPLICAD_CHECK(cond): an impossible state. Active in every build; prints where and aborts.
// Anything a user, a config file or a remote server can cause is a Status, never a CHECK.

namespace replicad::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);
}  // namespace replicad::internal

#define REPLICAD_CHECK(cond)                                        \
  do {                                                              \
    if (!(cond)) {                                                  \
      ::replicad::internal::CheckFailed(__FILE__, __LINE__, #cond); \
    }                                                               \
  } while (false)
