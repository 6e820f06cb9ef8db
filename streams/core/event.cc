#include "streams/core/event.h"

#include <cstdio>
#include <ctime>
#include <new>

namespace replicad {

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kSnapshot:
      return "snapshot";
    case Operation::kInsert:
      return "insert";
    case Operation::kUpdate:
      return "update";
    case Operation::kDelete:
      return "delete";
    case Operation::kTruncate:
      return "truncate";
  }
  return "unknown";
}

namespace {

std::string Iso8601(std::chrono::system_clock::time_point time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  const std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + length, sizeof buffer - length, ".%03dZ",
                static_cast<int>((micros / 1000) % 1000));
  return buffer;
}

Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text) {
  std::tm utc{};
  int millis = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis) != 7) {
    return Status::InvalidArgument("timestamp '" + copy + "' is not ISO-8601 UTC");
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&utc)) + std::chrono::milliseconds(millis);
}

const boost::json::value* Field(const boost::json::object& object, std::string_view name,
                                boost::json::kind kind) {
  const boost::json::value* value = object.if_contains(name);
  return value != nullptr && value->kind() == kind ? value : nullptr;
}

Result<Operation> ParseOperation(std::string_view name) {
  for (Operation operation : {Operation::kSnapshot, Operation::kInsert, Operation::kUpdate,
                              Operation::kDelete, Operation::kTruncate}) {
    if (OperationName(operation) == name) {
      return operation;
    }
  }
  return Status::InvalidArgument("unknown operation '" + std::string(name) + "'");
}

}  // namespace

Result<Event> EventFromJson(const boost::json::object& envelope) {
  const boost::json::value* stream_id = Field(envelope, "stream_id", boost::json::kind::string);
  const boost::json::value* event_id = Field(envelope, "event_id", boost::json::kind::string);
  const boost::json::value* operation = Field(envelope, "operation", boost::json::kind::string);
  const boost::json::value* timestamp = Field(envelope, "timestamp", boost::json::kind::string);
  const boost::json::value* source = Field(envelope, "source", boost::json::kind::object);
  const boost::json::value* key = Field(envelope, "key", boost::json::kind::object);
  if (!stream_id || !event_id || !operation || !timestamp || !source || !key) {
    return Status::InvalidArgument(
        "not a change event: needs stream_id, event_id, operation, timestamp, source, key");
  }
  Event event;
  event.stream_id = stream_id->as_string();
  event.event_id = event_id->as_string();
  ASSIGN_OR_RETURN(event.operation, ParseOperation(operation->as_string()));
  ASSIGN_OR_RETURN(event.timestamp, ParseIso8601(timestamp->as_string()));
  auto text = [&](std::string_view name) -> std::string {
    const boost::json::value* value = Field(source->as_object(), name, boost::json::kind::string);
    return value != nullptr ? std::string(value->as_string()) : std::string();
  };
  event.source = {text("type"), text("database"), text("schema"), text("table")};
  event.key = key->as_object();
  if (const boost::json::value* before = envelope.if_contains("before")) {
    event.before = *before;
  }
  if (const boost::json::value* after = envelope.if_contains("after")) {
    event.after = *after;
  }
  if (const boost::json::value* unchanged =
          Field(envelope, "unchanged_columns", boost::json::kind::array)) {
    for (const boost::json::value& column : unchanged->as_array()) {
      if (!column.is_string()) {
        return Status::InvalidArgument("unchanged_columns holds a non-string");
      }
      event.unchanged_columns.emplace_back(column.as_string());
    }
  }
  if (const boost::json::value* metadata = Field(envelope, "metadata", boost::json::kind::object)) {
    event.metadata = metadata->as_object();
  }
  return event;
}

Event::Event(std::shared_ptr<boost::json::monotonic_resource> arena_in)
    : arena(std::move(arena_in)),
      // From the typed pointer: the storage then knows deallocation is trivial, and freeing
      // a document does not walk it.
      key(boost::json::storage_ptr(arena.get())),
      before(boost::json::storage_ptr(arena.get())),
      after(boost::json::storage_ptr(arena.get())),
      metadata(boost::json::storage_ptr(arena.get())) {}

Event& Event::operator=(Event&& other) noexcept {
  if (this != &other) {
    this->~Event();
    new (this) Event(std::move(other));
  }
  return *this;
}

Event& Event::operator=(const Event& other) {
  if (this != &other) {
    *this = Event(other);
  }
  return *this;
}

boost::json::object ToJson(const Event& event) {
  boost::json::object out;
  out["stream_id"] = event.stream_id;
  out["event_id"] = event.event_id;
  out["operation"] = OperationName(event.operation);
  out["timestamp"] = Iso8601(event.timestamp);
  out["source"] = boost::json::object{{"type", event.source.type},
                                      {"database", event.source.database},
                                      {"schema", event.source.schema},
                                      {"table", event.source.table}};
  out["key"] = event.key;
  if (!event.before.is_null()) {
    out["before"] = event.before;
  }
  if (!event.after.is_null()) {
    out["after"] = event.after;
  }
  if (!event.unchanged_columns.empty()) {
    boost::json::array unchanged;
    for (const std::string& column : event.unchanged_columns) {
      unchanged.emplace_back(column);
    }
    out["unchanged_columns"] = std::move(unchanged);
  }
  out["metadata"] = event.metadata;
  return out;
}

}  // namespace replicad
