// delete (kazaam.md §3, §2.3): removes members and array elements, one path after another.

#include <vector>

#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

class Delete : public Operation {
 public:
  Delete(std::vector<Path> paths, bool require) : paths_(std::move(paths)), require_(require) {}

  Status Apply(json::value& document) const override {
    for (const Path& path : paths_) {
      if (!Erase(document, path) && require_) {
        return RequiredMissing(path);
      }
    }
    return Status::Ok();
  }

 private:
  std::vector<Path> paths_;
  bool require_;
};

}  // namespace

std::unique_ptr<Operation> CompileDelete(const Context& context) {
  const config::Node& spec = *context.spec();
  context.RejectUnknownKeys(spec, {"paths"}, "the delete spec");
  std::vector<Path> paths;
  if (const config::Node* list = context.ListAt(spec, "paths")) {
    for (const config::Node& item : list->items) {
      std::optional<Path> path = context.PathOf(item, "each of 'paths'");
      if (path && path->HasEach()) {
        context.Error(item.mark, "path '" + path->text() + "': [*] is not supported by delete");
      } else if (path) {
        paths.push_back(std::move(*path));
      }
    }
  }
  if (context.failed()) {
    return nullptr;
  }
  return std::make_unique<Delete>(std::move(paths), context.options().require);
}

}  // namespace replicad::transform::kazaam
