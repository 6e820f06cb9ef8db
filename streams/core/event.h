#pragma once

// The change event: the unit every source produces and every sink consumes
// (DESIGN.md "The change event"). Values inside key/before/after are already typed JSON.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streams/core/position.h"
#include "streams/core/status.h"

namespace replicad {

enum class Operation { kSnapshot, kInsert, kUpdate, kDelete, kTruncate };

std::string_view OperationName(Operation operation);

struct SourceInfo {
  std::string type;  // driver type, e.g. "postgres"
  std::string database;
  std::string schema;
  std::string table;  // table or collection
};

struct Event {
  Event() = default;
  // key, before, after and metadata allocate from `arena` (a source's arena for one read),
  // which the event keeps alive; freeing them costs nothing. A JSON value copied out of them
  // shares the arena and must not outlive the events that hold it.
  explicit Event(std::shared_ptr<boost::json::monotonic_resource> arena);
  Event(const Event&) = default;
  Event(Event&&) noexcept = default;
  // Unlike JSON assignment, which keeps the target's storage, these take the other event's
  // storage and arena with its values.
  Event& operator=(const Event& other);
  Event& operator=(Event&& other) noexcept;

  std::shared_ptr<boost::json::monotonic_resource> arena;  // declared first: destroyed last
  std::string stream_id;
  std::string event_id;  // unique within the stream, e.g. "0/16B3748:3"
  Operation operation = Operation::kInsert;
  std::chrono::system_clock::time_point timestamp;  // source commit time
  // Where to resume once this event is applied. Only meaningful when transaction_end is set:
  // a checkpoint never splits a source transaction.
  Position position;
  bool transaction_end = false;
  SourceInfo source;
  boost::json::object key;    // primary key columns (MongoDB: _id)
  boost::json::value before;  // null when the source does not give it
  boost::json::value after;   // null for delete and truncate
  // Columns of `after` the source did not send because they did not change (PostgreSQL's
  // unchanged TOAST): a sink must leave them as they are, never write NULL over them.
  std::vector<std::string> unchanged_columns;
  boost::json::object metadata;  // source specifics: txid, commit_lsn, ...
};

// The envelope of DESIGN.md as JSON (dead letters, the API, `scope: event` transforms).
boost::json::object ToJson(const Event& event);

// The inverse of ToJson, for events read back from the dead-letter queue. The position is
// not part of the envelope and stays empty. InvalidArgument when a field is missing or of
// the wrong type.
Result<Event> EventFromJson(const boost::json::object& envelope);

}  // namespace replicad
