// extract (kazaam.md §3): the value at a path becomes the whole document.

#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

class Extract : public Operation {
 public:
  Extract(Path path, bool require) : path_(std::move(path)), require_(require) {}

  Status Apply(json::value& document) const override {
    if (path_.HasEach()) {
      ASSIGN_OR_RETURN(Found found, Read(document, path_, require_));
      document = std::move(found).Take(document.storage());
      return Status::Ok();
    }
    json::value* value = FindMutable(document, path_);
    if (value == nullptr && require_) {
      return RequiredMissing(path_);
    }
    // Moved out of the document before the document is replaced: no copy.
    json::value extracted = value != nullptr ? std::move(*value) : json::value(document.storage());
    document = std::move(extracted);
    return Status::Ok();
  }

 private:
  Path path_;
  bool require_;
};

}  // namespace

std::unique_ptr<Operation> CompileExtract(const Context& context) {
  const config::Node& spec = *context.spec();
  context.RejectUnknownKeys(spec, {"path"}, "the extract spec");
  std::optional<Path> path;
  if (const config::Node* text = spec.Find("path")) {
    path = context.PathOf(*text, "'path'");
  } else {
    context.Error(spec.mark, "needs 'path'");
  }
  if (context.failed()) {
    return nullptr;
  }
  return std::make_unique<Extract>(std::move(*path), context.options().require);
}

}  // namespace replicad::transform::kazaam
