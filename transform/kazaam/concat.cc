// concat (kazaam.md §3): joins literals and the text of values into one string.

#include <vector>

#include "transform/exact_json.h"
#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

struct Source {
  std::string literal;
  std::optional<Path> path;  // nullopt: the literal
};

class Concat : public Operation {
 public:
  Concat(std::vector<Source> sources, Path target, std::string delimiter, bool require)
      : sources_(std::move(sources)),
        target_(std::move(target)),
        delimiter_(std::move(delimiter)),
        require_(require) {}

  Status Apply(json::value& document) const override {
    std::string text;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (i > 0) {
        text += delimiter_;
      }
      if (!sources_[i].path) {
        text += sources_[i].literal;
      } else {
        RETURN_IF_ERROR(AppendSource(document, *sources_[i].path, text));
      }
    }
    return Write(document, target_, json::string(text, document.storage()));
  }

 private:
  // A missing path reads "null"; a [*] over something else than an array reads "".
  Status AppendSource(const json::value& document, const Path& path, std::string& text) const {
    bool failed = false;
    ASSIGN_OR_RETURN(Found found, ReadLenient(document, path, require_, &failed));
    if (failed) {
      return Status::Ok();
    }
    const json::value& value = found.value();
    if (value.is_object()) {
      return Status::DataError("cannot concatenate path '" + path.text() + "': it holds an object");
    }
    if (const json::array* array = value.if_array()) {
      // Elements are joined without the delimiter, nulls left out.
      for (const json::value& element : *array) {
        if (!element.is_null()) {
          AppendPlainText(element, text);
        }
      }
      return Status::Ok();
    }
    AppendPlainText(value, text);
    return Status::Ok();
  }

  std::vector<Source> sources_;
  Path target_;
  std::string delimiter_;
  bool require_;
};

std::optional<Source> CompileSource(const Context& context, const config::Node& node) {
  if (!node.IsMap()) {
    context.Error(node.mark, "each of 'sources' must be a mapping with 'value' or 'path'");
    return std::nullopt;
  }
  context.RejectUnknownKeys(node, {"value", "path"}, "a concat source");
  if (const config::Node* literal = node.Find("value")) {
    if (!IsString(*literal)) {
      context.Error(literal->mark, "a source's 'value' must be a string" + QuoteHint(*literal));
      return std::nullopt;
    }
    return Source{.literal = literal->scalar};
  }
  if (const config::Node* path = node.Find("path")) {
    std::optional<Path> parsed = context.PathOf(*path, "a source's 'path'");
    return parsed ? std::optional<Source>(Source{.path = std::move(parsed)}) : std::nullopt;
  }
  context.Error(node.mark, "a source needs 'value' or 'path'");
  return std::nullopt;
}

}  // namespace

std::unique_ptr<Operation> CompileConcat(const Context& context) {
  const config::Node& spec = *context.spec();
  context.RejectUnknownKeys(spec, {"sources", "targetPath", "delim"}, "the concat spec");
  std::vector<Source> sources;
  if (const config::Node* list = context.ListAt(spec, "sources")) {
    for (const config::Node& item : list->items) {
      if (std::optional<Source> source = CompileSource(context, item)) {
        sources.push_back(std::move(*source));
      }
    }
  }
  std::optional<Path> target;
  if (const config::Node* target_path = spec.Find("targetPath")) {
    target = context.PathOf(*target_path, "'targetPath'");
  } else {
    context.Error(spec.mark, "needs 'targetPath'");
  }
  std::string delimiter;
  if (const config::Node* delim = spec.Find("delim")) {
    if (IsString(*delim)) {
      delimiter = delim->scalar;
    } else {
      context.Error(delim->mark, "'delim' must be a string" + QuoteHint(*delim));
    }
  }
  if (context.failed()) {
    return nullptr;
  }
  return std::make_unique<Concat>(std::move(sources), std::move(*target), std::move(delimiter),
                                  context.options().require);
}

}  // namespace replicad::transform::kazaam
