#pragma once

// Change events for the writer tests, written as JSON text.

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "streams/core/event.h"

namespace replicad::testing {

// An event from public.`table` of a PostgreSQL source; `key`, `after`, `before` are JSON.
inline Event Change(Operation operation, const char* key, const char* after,
                    const char* before = "null", const char* table = "writer_test") {
  Event event;
  event.operation = operation;
  event.event_id = "test";
  event.source = {"postgres", "src", "public", table};
  event.key = boost::json::parse(key).as_object();
  event.after = boost::json::parse(after);
  event.before = boost::json::parse(before);
  return event;
}

// Inserts of ids first..first+count-1 into a table with a key `id` and a column `qty`: qty is
// id + qty_offset, except -1 for `bad` (a value the tests' targets refuse).
inline std::vector<Event> QtyInserts(int first, int count, int bad = 0, int qty_offset = 0) {
  std::vector<Event> events;
  for (int id = first; id < first + count; ++id) {
    const std::string key = "{\"id\":" + std::to_string(id) + "}";
    const int qty = id == bad ? -1 : id + qty_offset;
    const std::string row =
        "{\"id\":" + std::to_string(id) + ",\"qty\":" + std::to_string(qty) + "}";
    events.push_back(Change(Operation::kInsert, key.c_str(), row.c_str()));
  }
  return events;
}

}  // namespace replicad::testing
