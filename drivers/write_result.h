#pragma once

#include <cstddef>

#include "streams/core/status.h"

namespace replicad::drivers {

// The outcome of writing a batch in one destination transaction. On success `written` is the
// batch size. On failure nothing of the batch is committed; `status` describes
// events[written], and the events before it were accepted (the pipeline may write them again
// without it, e.g. after dead-lettering a DataError).
struct WriteResult {
  std::size_t written = 0;
  Status status;
};

}  // namespace replicad::drivers
