// default (kazaam.md §3): writes fixed values, always (also over existing ones).

#include <utility>
#include <vector>

#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

class Default : public Operation {
 public:
  explicit Default(std::vector<std::pair<Path, json::value>> entries)
      : entries_(std::move(entries)) {}

  Status Apply(json::value& document) const override {
    for (const auto& [target, value] : entries_) {
      RETURN_IF_ERROR(Write(document, target, json::value(value, document.storage())));
    }
    return Status::Ok();
  }

 private:
  std::vector<std::pair<Path, json::value>> entries_;
};

}  // namespace

std::unique_ptr<Operation> CompileDefault(const Context& context) {
  std::vector<std::pair<Path, json::value>> entries;
  for (const config::MapEntry& item : context.spec()->entries) {
    if (std::optional<Path> target = context.ParsePath(item.key, item.key_mark)) {
      entries.emplace_back(std::move(*target), ToJson(item.value));
    }
  }
  if (context.failed()) {
    return nullptr;
  }
  std::vector<Path*> targets;
  for (auto& entry : entries) {
    targets.push_back(&entry.first);
  }
  Path::ReserveForTargets(targets);
  return std::make_unique<Default>(std::move(entries));
}

}  // namespace replicad::transform::kazaam
