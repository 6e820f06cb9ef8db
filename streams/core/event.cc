#include "streams/core/event.h"

#include <ctime>

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

}  // namespace

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
