// shift (kazaam.md §3): remaps values; the spec maps target path -> source path (or a list of
// source paths, each written to the target wrapped in a one-element array, in turn).

#include <vector>

#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

struct Source {
  std::optional<Path> path;  // nullopt: "$", the whole document
};

struct Entry {
  Path target;
  std::vector<Source> sources;
  bool wrap = false;  // the sources were given as a list
};

class Shift : public Operation {
 public:
  Shift(std::vector<Entry> entries, bool require, bool inplace)
      : entries_(std::move(entries)), require_(require), inplace_(inplace) {}

  Status Apply(json::value& document) const override {
    if (!inplace_) {
      json::value output = json::object();
      for (const Entry& entry : entries_) {
        for (const Source& source : entry.sources) {
          ASSIGN_OR_RETURN(json::value value, ReadSource(document, entry, source));
          RETURN_IF_ERROR(Write(output, entry.target, std::move(value)));
        }
      }
      document = std::move(output);
      return Status::Ok();
    }
    // In place, sources still come from the input, never from this operation's own writes.
    std::vector<json::value> values;
    for (const Entry& entry : entries_) {
      for (const Source& source : entry.sources) {
        ASSIGN_OR_RETURN(json::value value, ReadSource(document, entry, source));
        values.push_back(std::move(value));
      }
    }
    auto value = values.begin();
    for (const Entry& entry : entries_) {
      for (std::size_t i = 0; i < entry.sources.size(); ++i) {
        RETURN_IF_ERROR(Write(document, entry.target, std::move(*value++)));
      }
    }
    return Status::Ok();
  }

 private:
  Result<json::value> ReadSource(const json::value& document, const Entry& entry,
                                 const Source& source) const {
    json::value value;
    if (!source.path) {
      value = document;
    } else {
      ASSIGN_OR_RETURN(Found found, Read(document, *source.path, require_));
      value = std::move(found).Take();
    }
    if (entry.wrap) {
      json::array wrapped;
      wrapped.push_back(std::move(value));
      return json::value(std::move(wrapped));
    }
    return value;
  }

  std::vector<Entry> entries_;
  bool require_;
  bool inplace_;
};

}  // namespace

std::unique_ptr<Operation> CompileShift(const Context& context) {
  std::vector<Entry> entries;
  for (const config::MapEntry& item : context.spec()->entries) {
    Entry entry;
    std::vector<const config::Node*> sources;
    if (item.value.IsSequence()) {
      entry.wrap = true;
      for (const config::Node& source : item.value.items) {
        sources.push_back(&source);
      }
    } else {
      sources.push_back(&item.value);
    }
    for (const config::Node* source : sources) {
      if (!IsString(*source)) {
        context.Error(source->mark, "the source of '" + item.key +
                                        "' must be a path string or a list of path strings");
      } else if (source->scalar == "$") {
        entry.sources.push_back(Source{});
      } else if (std::optional<Path> path = context.ParsePath(source->scalar, source->mark)) {
        entry.sources.push_back(Source{std::move(path)});
      }
    }
    if (std::optional<Path> target = context.ParsePath(item.key, item.key_mark)) {
      entry.target = std::move(*target);
      entries.push_back(std::move(entry));
    }
  }
  if (context.failed()) {
    return nullptr;
  }
  return std::make_unique<Shift>(std::move(entries), context.options().require,
                                 context.options().inplace);
}

}  // namespace replicad::transform::kazaam
