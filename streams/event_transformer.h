#pragma once

// Applies a stream's transformation to its change events.
//
// scope row (the default): the spec reshapes each row image, `after` and `before`, and the
// key follows: the first time a table is seen, a probe row whose key columns hold markers
// shows where the spec moves each key column (`id` -> `order_id`), and the key is renamed
// the same way, so deletes, which carry only the key, land on the same rows. When the spec
// does more to a key column than move it, the key document itself is transformed instead,
// keeping the fields that come from its values (not constants, not nulls).
// scope event: the spec reshapes the whole envelope (ToJson), which must still be a change
// event afterwards; it may rename the table, drop fields, or change the key itself.
// The event's position and transaction boundary never change.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/model.h"
#include "streams/core/event.h"
#include "transform/transform.h"

namespace replicad::streams {

class EventTransformer {
 public:
  EventTransformer(std::shared_ptr<const transform::Transform> transform,
                   config::TransformScope scope);

  // The transformed event; nullopt when the transform filtered it out; DataError when this
  // event cannot be transformed.
  Result<std::optional<Event>> Apply(Event event) const;

 private:
  // Output field -> key column it copies, for every key column; empty when the spec does
  // more than move them.
  using KeyMapping = std::vector<std::pair<std::string, std::string>>;

  Result<std::optional<boost::json::object>> Reshape(const boost::json::value& document,
                                                     std::string_view what) const;
  const KeyMapping* MappingFor(const Event& event) const;
  Result<boost::json::object> TransformKey(const Event& event) const;

  std::shared_ptr<const transform::Transform> transform_;
  config::TransformScope scope_;
  std::set<std::string, std::less<>> constant_fields_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, KeyMapping, std::less<>> mappings_;  // by table and key columns
};

}  // namespace replicad::streams
