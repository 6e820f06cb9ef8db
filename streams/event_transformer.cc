#include "streams/event_transformer.h"

namespace replicad::streams {

namespace {

constexpr std::string_view kMarker = "\x01replicad-key-column-";

}  // namespace

EventTransformer::EventTransformer(std::shared_ptr<const transform::Transform> transform,
                                   config::TransformScope scope)
    : transform_(std::move(transform)), scope_(scope) {
  Result<std::optional<boost::json::value>> probe = transform_->Apply(boost::json::object());
  if (probe.ok() && *probe && (*probe)->is_object()) {
    for (const auto& [name, value] : (*probe)->as_object()) {
      if (!value.is_null()) {
        constant_fields_.emplace(name);
      }
    }
  }
}

Result<std::optional<boost::json::object>> EventTransformer::Reshape(
    const boost::json::value& document, std::string_view what) const {
  Result<std::optional<boost::json::value>> result = transform_->Apply(document);
  if (!result.ok()) {
    return result.status().Annotate("transforming " + std::string(what));
  }
  if (!*result) {
    return std::optional<boost::json::object>();
  }
  if (!(*result)->is_object()) {
    return Status::DataError("the transformation made " + std::string(what) +
                             " something other than a JSON object");
  }
  return std::optional<boost::json::object>(std::move((*result)->as_object()));
}

const EventTransformer::KeyMapping* EventTransformer::MappingFor(const Event& event) const {
  std::string id = event.source.schema + "." + event.source.table;
  for (const auto& [column, value] : event.key) {
    id += '\0';
    id += column;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto found = mappings_.find(id); found != mappings_.end()) {
    return &found->second;
  }
  const boost::json::value& image = event.after.is_object() ? event.after : event.before;
  if (!image.is_object()) {
    return nullptr;  // learn from the first event with a row image
  }
  boost::json::object probe = image.as_object();
  std::vector<std::string> columns;
  for (const auto& [column, value] : event.key) {
    probe[column] = std::string(kMarker) + std::to_string(columns.size());
    columns.emplace_back(column);
  }
  KeyMapping mapping;
  Result<std::optional<boost::json::value>> moved = transform_->Apply(std::move(probe));
  if (moved.ok() && *moved && (*moved)->is_object()) {
    for (const auto& [name, value] : (*moved)->as_object()) {
      if (value.is_string() && value.as_string().starts_with(kMarker)) {
        const std::size_t index =
            std::stoul(std::string(value.as_string().subview(kMarker.size())));
        if (index < columns.size()) {
          mapping.emplace_back(name, columns[index]);
        }
      }
    }
  }
  std::set<std::string_view> covered;
  for (const auto& [name, column] : mapping) {
    covered.insert(column);
  }
  if (covered.size() != columns.size()) {
    mapping.clear();
  }
  return &mappings_.emplace(std::move(id), std::move(mapping)).first->second;
}

Result<boost::json::object> EventTransformer::TransformKey(const Event& event) const {
  boost::json::object kept;
  if (const KeyMapping* mapping = MappingFor(event); mapping != nullptr && !mapping->empty()) {
    for (const auto& [name, column] : *mapping) {
      kept[name] = event.key.at(column);
    }
    return kept;
  }
  ASSIGN_OR_RETURN(std::optional<boost::json::object> key, Reshape(event.key, "the key"));
  for (auto& [name, value] : key ? *key : boost::json::object()) {
    if (!value.is_null() && !constant_fields_.contains(std::string_view(name))) {
      kept.emplace(name, std::move(value));
    }
  }
  if (kept.empty()) {
    return Status::DataError("the transformation left the key empty");
  }
  return kept;
}

Result<std::optional<Event>> EventTransformer::Apply(Event event) const {
  if (scope_ == config::TransformScope::kEvent) {
    ASSIGN_OR_RETURN(std::optional<boost::json::object> envelope,
                     Reshape(ToJson(event), "the event"));
    if (!envelope) {
      return std::optional<Event>();
    }
    Result<Event> reshaped = EventFromJson(*envelope);
    if (!reshaped.ok()) {
      return Status::DataError("the transformed envelope is not a change event: " +
                               reshaped.status().message());
    }
    reshaped->position = std::move(event.position);
    reshaped->transaction_end = event.transaction_end;
    return std::optional<Event>(std::move(*reshaped));
  }
  boost::json::object key;
  if (!event.key.empty()) {
    ASSIGN_OR_RETURN(key, TransformKey(event));  // learns from the images as they came
  }
  if (event.after.is_object()) {
    ASSIGN_OR_RETURN(std::optional<boost::json::object> after, Reshape(event.after, "after"));
    if (!after) {
      return std::optional<Event>();
    }
    event.after = std::move(*after);
  }
  if (event.before.is_object()) {
    // Often only the old key (no REPLICA IDENTITY FULL), which a spec written for whole rows
    // may reject: then the event goes on without a before image.
    Result<std::optional<boost::json::object>> before = Reshape(event.before, "before");
    event.before = before.ok() && *before ? boost::json::value(std::move(**before))
                                          : boost::json::value(nullptr);
  }
  event.key = std::move(key);
  return std::optional<Event>(std::move(event));
}

}  // namespace replicad::streams
