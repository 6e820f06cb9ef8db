#include "streams/core/event.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

namespace replicad {
namespace {

TEST_CASE("an event survives the trip through its JSON envelope") {
  Event event;
  event.stream_id = "orders";
  event.event_id = "0/16B3748:3";
  event.operation = Operation::kUpdate;
  event.timestamp =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  event.source = {"postgres", "shop", "public", "orders"};
  event.key = {{"id", 7}};
  event.before = boost::json::object{{"id", 7}, {"total", "10.50"}};
  event.after = boost::json::object{{"id", 7}, {"total", "12.00"}, {"doc", {{"a", 1}}}};
  event.unchanged_columns = {"body"};
  event.metadata = {{"txid", 991}};
  const std::string text = boost::json::serialize(ToJson(event));
  Result<Event> back = EventFromJson(boost::json::parse(text).as_object());
  REQUIRE(back.ok());
  CHECK(back->stream_id == event.stream_id);
  CHECK(back->event_id == event.event_id);
  CHECK(back->operation == event.operation);
  CHECK(back->timestamp == event.timestamp);
  CHECK(back->source.table == "orders");
  CHECK(back->source.schema == "public");
  CHECK(back->key == event.key);
  CHECK(back->before == event.before);
  CHECK(back->after == event.after);
  CHECK(back->unchanged_columns == event.unchanged_columns);
  CHECK(back->metadata == event.metadata);
}

TEST_CASE("a JSON object that is not an event envelope is refused") {
  CHECK(EventFromJson(boost::json::parse(R"({"id": 1})").as_object()).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK_FALSE(EventFromJson(boost::json::parse(
                                R"({"stream_id":"s","event_id":"1","operation":"upsert",
                                    "timestamp":"2026-01-01T00:00:00.000Z","source":{},"key":{}})")
                                .as_object())
                  .ok());
}

}  // namespace
}  // namespace replicad

namespace replicad {
namespace {

Event ArenaEvent(const std::shared_ptr<boost::json::monotonic_resource>& arena, int id) {
  Event event(arena);
  event.key.emplace("id", id);
  event.after.emplace_object().emplace(
      "note", "a note long enough not to fit inline " + std::to_string(id));
  return event;
}

TEST_CASE("an event keeps its arena alive, through copies, moves and assignments") {
  auto arena = std::make_shared<boost::json::monotonic_resource>();
  std::weak_ptr<boost::json::monotonic_resource> watched = arena;
  std::weak_ptr<boost::json::monotonic_resource> replaced;
  const boost::json::memory_resource* raw = arena.get();
  std::vector<Event> kept;
  {
    Event first = ArenaEvent(arena, 1);
    Event second = ArenaEvent(arena, 2);
    arena.reset();
    kept.push_back(first);  // a copy
    Event assigned;
    assigned = std::move(second);  // into an event with other (default) storage
    kept.push_back(std::move(assigned));
    Event other = ArenaEvent(std::make_shared<boost::json::monotonic_resource>(), 3);
    replaced = other.arena;
    other = first;  // over an event of another arena, which is freed now
    CHECK(replaced.expired());
    kept.push_back(other);
  }
  REQUIRE_FALSE(watched.expired());
  for (const Event& event : kept) {  // none holds a value in storage it does not keep alive
    CHECK(event.key.storage().get() == raw);
    CHECK(event.after.storage().get() == raw);
  }
  CHECK(kept[0].after.at("note") == "a note long enough not to fit inline 1");
  CHECK(kept[1].after.at("note") == "a note long enough not to fit inline 2");
  CHECK(kept[2].key.at("id") == 1);
  kept.erase(kept.begin());  // moves the others down by assignment
  CHECK(kept[0].after.at("note") == "a note long enough not to fit inline 2");
  CHECK(kept[1].after.at("note") == "a note long enough not to fit inline 1");
  kept.clear();
  CHECK(watched.expired());
}

}  // namespace
}  // namespace replicad
