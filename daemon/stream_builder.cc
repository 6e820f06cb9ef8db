#include "daemon/stream_builder.h"

#include "drivers/registry.h"
#include "transform/registry.h"

namespace replicad::daemon {

Result<drivers::EndpointContext> Context(const config::Config& config,
                                         const config::StreamConfig& stream,
                                         const config::EndpointConfig& endpoint, Executor strand) {
  drivers::EndpointContext context{stream.id, &endpoint, "", "", std::move(strand)};
  if (endpoint.auth_id.empty()) {
    return context;
  }
  for (const config::AuthenticationConfig& auth : config.authentication) {
    if (auth.id != endpoint.auth_id) {
      continue;
    }
    if (auth.type != "username_password") {
      return Status::FailedPrecondition("authentication type " + auth.type +
                                        " is not supported yet by driver " + endpoint.type);
    }
    context.user = auth.settings.at("username");
    context.password = auth.settings.at("password");
  }
  return context;
}

Result<std::unique_ptr<drivers::Sink>> BuildSink(const config::Config& config,
                                                 const config::StreamConfig& stream,
                                                 Executor executor) {
  const drivers::DriverSpec* driver = drivers::FindDriver(stream.destination.type);
  if (!driver->make_sink) {
    return Status::FailedPrecondition("driver " + stream.destination.type +
                                      " cannot write changes yet in this version");
  }
  ASSIGN_OR_RETURN(drivers::EndpointContext context,
                   Context(config, stream, stream.destination, std::move(executor)));
  return driver->make_sink(context);
}

Result<std::unique_ptr<streams::Pipeline>> BuildPipeline(const config::Config& config,
                                                         const config::StreamConfig& stream,
                                                         positions::DataDir& data_dir,
                                                         prometheus::Registry& registry,
                                                         Executor strand) {
  const drivers::DriverSpec* source_driver = drivers::FindDriver(stream.source.type);
  if (!source_driver->make_source) {
    return Status::FailedPrecondition("driver " + stream.source.type +
                                      " cannot read changes yet in this version");
  }
  if (stream.error_handling.on_error == config::OnError::kDeadLetter &&
      stream.error_handling.dead_letter_destination != "local") {
    return Status::FailedPrecondition(
        "error_handling.dead_letter_destination: only `local` is supported in this version");
  }
  ASSIGN_OR_RETURN(drivers::EndpointContext source_context,
                   Context(config, stream, stream.source, strand));
  ASSIGN_OR_RETURN(std::unique_ptr<drivers::Source> source,
                   source_driver->make_source(source_context));
  ASSIGN_OR_RETURN(std::unique_ptr<drivers::Sink> sink, BuildSink(config, stream, strand));
  std::shared_ptr<const streams::EventTransformer> transformer;
  config::ErrorHandlingConfig transform_errors;
  if (!stream.transformation_id.empty()) {
    const config::TransformationConfig* transformation =
        config.FindTransformation(stream.transformation_id);
    REPLICAD_CHECK(transformation != nullptr);  // the config checked the reference
    ASSIGN_OR_RETURN(std::unique_ptr<transform::Transform> built,
                     transform::Build(*transformation));
    transformer =
        std::make_shared<const streams::EventTransformer>(std::move(built), transformation->scope);
    transform_errors = transformation->error_handling;
    if (transform_errors.on_error == config::OnError::kDeadLetter &&
        transform_errors.dead_letter_destination != "local") {
      return Status::FailedPrecondition(
          "error_handling.dead_letter_destination: only `local` is supported in this version");
    }
  }
  streams::PipelineOptions options{.stream_id = stream.id,
                                   .source_type = stream.source.type,
                                   .batch_size = static_cast<std::size_t>(stream.batch_size),
                                   .retry = stream.retry_policy,
                                   .bad_data = stream.error_handling,
                                   .dead_letters = data_dir.dead_letters.get(),
                                   .transformer = std::move(transformer),
                                   .transform_errors = transform_errors};
  return std::make_unique<streams::Pipeline>(
      strand, std::move(source), std::move(sink), *data_dir.positions, std::move(options),
      std::make_unique<streams::StreamMetrics>(registry, stream.id));
}

}  // namespace replicad::daemon
