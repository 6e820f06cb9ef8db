#include "streams/event_transformer.h"

#include <catch2/catch.hpp>

namespace replicad::streams {
namespace {

// Renames `id` to `order_id`, adds a constant `source_system`; drops documents marked
// {"drop": true}; fails on documents holding "poison".
class RenamingTransform final : public transform::Transform {
 public:
  Result<std::optional<boost::json::value>> Apply(boost::json::value document) const override {
    boost::json::object& in = document.as_object();
    if (in.contains("poison")) {
      return Status::DataError("poison");
    }
    if (in.contains("drop")) {
      return std::optional<boost::json::value>();
    }
    boost::json::object out;
    for (auto& [name, value] : in) {
      out[name == "id" ? "order_id" : std::string(name)] = value;
    }
    if (!out.contains("order_id")) {
      out["order_id"] = nullptr;  // like a Kazaam shift of a missing path
    }
    out["source_system"] = "shop";
    return std::optional<boost::json::value>(std::move(out));
  }
};

Event Change(boost::json::object after) {
  Event event;
  event.event_id = "1";
  event.operation = Operation::kUpdate;
  event.position = Position{"P"};
  event.transaction_end = true;
  event.key = {{"id", 7}};
  event.before = boost::json::object{{"id", 7}, {"total", 1}};
  event.after = std::move(after);
  return event;
}

TEST_CASE("row scope reshapes after, before and the key, which keeps only key-derived fields") {
  EventTransformer transformer(std::make_shared<RenamingTransform>(), config::TransformScope::kRow);
  Result<std::optional<Event>> result = transformer.Apply(Change({{"id", 7}, {"total", 2}}));
  REQUIRE(result.ok());
  REQUIRE(*result);
  const Event& event = **result;
  CHECK(event.after ==
        boost::json::value({{"order_id", 7}, {"total", 2}, {"source_system", "shop"}}));
  CHECK(event.before ==
        boost::json::value({{"order_id", 7}, {"total", 1}, {"source_system", "shop"}}));
  CHECK(event.key == boost::json::object{{"order_id", 7}});
  CHECK(event.position.bytes == "P");
  CHECK(event.transaction_end);
}

TEST_CASE("a filtered row drops the event; a failing one is a DataError") {
  EventTransformer transformer(std::make_shared<RenamingTransform>(), config::TransformScope::kRow);
  Result<std::optional<Event>> dropped = transformer.Apply(Change({{"id", 7}, {"drop", true}}));
  REQUIRE(dropped.ok());
  CHECK_FALSE(*dropped);
  Result<std::optional<Event>> failed = transformer.Apply(Change({{"id", 7}, {"poison", 1}}));
  CHECK(failed.status().code() == StatusCode::kDataError);
  CHECK(failed.status().message().find("transforming after") != std::string::npos);
}

TEST_CASE("event scope reshapes the whole envelope and keeps the position") {
  EventTransformer transformer(std::make_shared<RenamingTransform>(),
                               config::TransformScope::kEvent);
  Result<std::optional<Event>> result = transformer.Apply(Change({{"id", 7}}));
  REQUIRE(result.ok());
  REQUIRE(*result);
  CHECK((*result)->key == boost::json::object{{"id", 7}});  // the envelope's key, as it was
  CHECK((*result)->position.bytes == "P");
  CHECK((*result)->transaction_end);
}

}  // namespace
}  // namespace replicad::streams
