#pragma once

// Turns a stream's config into running parts: its source and sink from the driver registry,
// with credentials resolved from `authentication`, and its pipeline.

#include <memory>

#include "config/model.h"
#include "drivers/driver.h"
#include "positions/data_dir.h"
#include "streams/pipeline.h"

namespace prometheus {
class Registry;
}

namespace replicad::daemon {

Result<std::unique_ptr<streams::Pipeline>> BuildPipeline(const config::Config& config,
                                                         const config::StreamConfig& stream,
                                                         positions::DataDir& data_dir,
                                                         prometheus::Registry& registry,
                                                         Executor strand);

// What a driver gets for one of the stream's endpoints: credentials resolved.
Result<drivers::EndpointContext> Context(const config::Config& config,
                                         const config::StreamConfig& stream,
                                         const config::EndpointConfig& endpoint, Executor strand);

// The stream's destination alone (replaying dead letters).
Result<std::unique_ptr<drivers::Sink>> BuildSink(const config::Config& config,
                                                 const config::StreamConfig& stream,
                                                 Executor executor);

}  // namespace replicad::daemon
