#pragma once

// The life of a stream, as the API, /readyz and replicad_stream_state show it.
//
//   starting -> (snapshotting ->) running <-> retrying -> failed
//   any -> paused (by an operator) -> starting;  any -> stopped (shutdown, removed by reload)

#include <array>
#include <string_view>

namespace replicad::streams {

enum class StreamState {
  kStarting,
  kSnapshotting,
  kRunning,
  kPaused,
  kRetrying,
  kFailed,
  kStopped
};

inline constexpr std::array<StreamState, 7> kAllStreamStates = {
    StreamState::kStarting, StreamState::kSnapshotting, StreamState::kRunning, StreamState::kPaused,
    StreamState::kRetrying, StreamState::kFailed,       StreamState::kStopped};

std::string_view StreamStateName(StreamState state);

}  // namespace replicad::streams
