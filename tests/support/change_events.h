#pragma once

// Change events for the writer tests, written as JSON text.

#include <boost/json/parse.hpp>

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

}  // namespace replicad::testing
