// shift (kazaam.md §3): remaps values; the spec maps target path -> source path (or a list of
// source paths, each written to the target wrapped in a one-element array, in turn).

#include <algorithm>
#include <string_view>
#include <vector>

#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

struct Source {
  std::optional<Path> path;  // nullopt: "$", the whole document
  // The value may be moved out of the input instead of copied: the output does not start as
  // the input and no other source of this shift reads any part of it.
  bool movable = false;
};

struct Entry {
  Path target;
  std::vector<Source> sources;
  bool wrap = false;  // the sources were given as a list
};

class Shift : public Operation {
 public:
  Shift(std::vector<Entry> entries, bool require, bool inplace, std::size_t top_level_keys)
      : entries_(std::move(entries)),
        require_(require),
        inplace_(inplace),
        top_level_keys_(top_level_keys) {}

  Status Apply(json::value& document) const override {
    if (!inplace_) {
      json::value output = json::object(document.storage());
      output.get_object().reserve(top_level_keys_);
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
  Result<json::value> ReadSource(json::value& document, const Entry& entry,
                                 const Source& source) const {
    ASSIGN_OR_RETURN(json::value value, ReadValue(document, source));
    if (entry.wrap) {
      json::array wrapped(document.storage());
      wrapped.push_back(std::move(value));
      return json::value(std::move(wrapped));
    }
    return value;
  }

  // Constructed in place, never assigned: assigning a json::value costs a copy and a swap.
  Result<json::value> ReadValue(json::value& document, const Source& source) const {
    if (!source.path) {
      return json::value(document, document.storage());
    }
    if (!source.movable) {
      ASSIGN_OR_RETURN(Found found, Read(document, *source.path, require_));
      return std::move(found).Take(document.storage());
    }
    json::value* found = FindMutable(document, *source.path);
    if (found == nullptr) {
      if (require_) {
        return RequiredMissing(*source.path);
      }
      return json::value(document.storage());
    }
    return json::value(std::move(*found));
  }

  std::vector<Entry> entries_;
  bool require_;
  bool inplace_;
  std::size_t top_level_keys_;
};

// True when one path may lead into the other (member names only, indices ignored).
bool Overlap(const Path& a, const Path& b) {
  const std::size_t common = std::min(a.segments().size(), b.segments().size());
  for (std::size_t i = 0; i < common; ++i) {
    const Segment& x = a.segments()[i];
    const Segment& y = b.segments()[i];
    if (x.has_key != y.has_key || x.key != y.key) {
      return false;
    }
  }
  return true;
}

void MarkMovable(std::vector<Entry>& entries) {
  std::vector<Source*> sources;
  for (Entry& entry : entries) {
    for (Source& source : entry.sources) {
      if (!source.path) {
        return;  // "$" reads everything
      }
      sources.push_back(&source);
    }
  }
  for (Source* source : sources) {
    source->movable = !source->path->HasEach() &&
                      std::none_of(sources.begin(), sources.end(), [&](const Source* other) {
                        return other != source && Overlap(*source->path, *other->path);
                      });
  }
}

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
                                        "' must be a path string or a list of path strings" +
                                        QuoteHint(*source));
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
  if (!context.options().inplace) {
    MarkMovable(entries);
  }
  std::vector<Path*> targets;
  for (Entry& entry : entries) {
    targets.push_back(&entry.target);
  }
  Path::ReserveForTargets(targets);
  const std::size_t top_level_keys = entries.front().target.segments().front().object_size;
  return std::make_unique<Shift>(std::move(entries), context.options().require,
                                 context.options().inplace, top_level_keys);
}

}  // namespace replicad::transform::kazaam
