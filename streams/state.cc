#include "streams/state.h"

namespace replicad::streams {

std::string_view StreamStateName(StreamState state) {
  switch (state) {
    case StreamState::kStarting:
      return "starting";
    case StreamState::kSnapshotting:
      return "snapshotting";
    case StreamState::kRunning:
      return "running";
    case StreamState::kPaused:
      return "paused";
    case StreamState::kRetrying:
      return "retrying";
    case StreamState::kFailed:
      return "failed";
    case StreamState::kStopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace replicad::streams
