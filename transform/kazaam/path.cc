#include "transform/kazaam/path.h"

#include <algorithm>
#include <span>

namespace replicad::transform::kazaam {

namespace json = boost::json;

using Segments = std::span<const Segment>;

namespace {

std::string_view KindName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::string:
      return "a string";
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    default:
      return "a number";
  }
}

Result<Segment> ParseSegment(std::string_view text, std::string_view path) {
  Segment segment;
  const std::size_t open = text.find('[');
  if (open == std::string_view::npos) {
    segment.key = std::string(text);
    return segment;
  }
  const std::size_t close = text.find(']', open);
  auto error = [&](std::string_view why) {
    return Status::InvalidArgument("path '" + std::string(path) + "': segment '" +
                                   std::string(text) + "' " + std::string(why));
  };
  if (close == std::string_view::npos || close + 1 != text.size()) {
    return error("must end with its only index, as in name[0]");
  }
  segment.key = std::string(text.substr(0, open));
  segment.has_key = open > 0;
  const std::string_view index = text.substr(open + 1, close - open - 1);
  if (index == "*") {
    segment.index = Segment::Index::kEach;
  } else if (index == "+") {
    segment.index = Segment::Index::kAppend;
  } else if (index == "-") {
    segment.index = Segment::Index::kPrepend;
  } else if (!index.empty() &&
             std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    segment.index = Segment::Index::kAt;
    for (const char digit : index) {
      segment.position = segment.position * 10 + static_cast<std::size_t>(digit - '0');
      if (segment.position > Path::kMaxIndex) {
        return error("has an index above " + std::to_string(Path::kMaxIndex));
      }
    }
  } else {
    return error("has index '" + std::string(index) +
                 "': an index is a non-negative integer, *, + or -");
  }
  return segment;
}

bool HasEach(Segments segments) {
  return std::any_of(segments.begin(), segments.end(),
                     [](const Segment& s) { return s.index == Segment::Index::kEach; });
}

struct ReadState {
  const Path& path;
  bool require;
  bool lenient;
  bool failed = false;
};

const json::value* Member(const json::value& node, const std::string& key) {
  const json::object* object = node.if_object();
  if (object == nullptr) {
    return nullptr;
  }
  const auto it = object->find(key);
  return it == object->end() ? nullptr : &it->value();
}

Result<Found> ReadFrom(const json::value& node, Segments segments, ReadState& state) {
  const json::value* current = &node;
  for (std::size_t i = 0; i < segments.size() && current != nullptr; ++i) {
    const Segment& segment = segments[i];
    if (segment.has_key) {
      current = Member(*current, segment.key);
      if (current == nullptr) {
        break;
      }
    }
    const json::array* array = current->if_array();
    switch (segment.index) {
      case Segment::Index::kNone:
        break;
      case Segment::Index::kAt:
        current = array != nullptr && segment.position < array->size() ? &(*array)[segment.position]
                                                                       : nullptr;
        break;
      case Segment::Index::kAppend:
      case Segment::Index::kPrepend:
        current = nullptr;
        break;
      case Segment::Index::kEach: {
        if (array == nullptr) {
          if (state.lenient) {
            state.failed = true;
            return Found::Missing();
          }
          return Status::DataError("path '" + state.path.text() + "': [*] needs an array, found " +
                                   std::string(KindName(*current)));
        }
        const Segments rest = segments.subspan(i + 1);
        json::array built(node.storage());
        built.reserve(array->size());
        for (const json::value& element : *array) {
          if (rest.empty()) {
            built.push_back(element);
            continue;
          }
          Result<Found> found = ReadFrom(element, rest, state);
          if (!found.ok() || state.failed) {
            return found;
          }
          built.push_back(std::move(*found).Take(node.storage()));
        }
        return Found::Built(json::value(std::move(built)));
      }
    }
  }
  if (current != nullptr) {
    return Found::At(*current);
  }
  if (state.require) {
    return RequiredMissing(state.path);
  }
  // A [*] over a missing array still gives an array.
  return HasEach(segments) ? Found::Built(json::array(node.storage())) : Found::Missing();
}

json::value* Step(json::value& node, const Segment& segment) {
  json::value* current = &node;
  if (segment.has_key) {
    json::object* object = current->if_object();
    if (object == nullptr) {
      return nullptr;
    }
    const auto it = object->find(segment.key);
    if (it == object->end()) {
      return nullptr;
    }
    current = &it->value();
  }
  if (segment.index == Segment::Index::kNone) {
    return current;
  }
  json::array* array = current->if_array();
  if (segment.index != Segment::Index::kAt || array == nullptr ||
      segment.position >= array->size()) {
    return nullptr;
  }
  return &(*array)[segment.position];
}

Status WriteFrom(json::value& node, Segments segments, json::value& value, const Path& path,
                 bool at_root) {
  const Segment& segment = segments.front();
  const Segments rest = segments.subspan(1);
  auto error = [&](const std::string& why) {
    return Status::DataError("cannot write path '" + path.text() + "': " + why);
  };
  json::value* slot = &node;
  if (segment.has_key) {
    if (segment.index == Segment::Index::kEach) {
      json::value* array = Step(node, Segment{.key = segment.key});
      if (array == nullptr || !array->is_array()) {
        return error("no array at '" + segment.key + "' to write each element of");
      }
      slot = array;
    } else {
      if (at_root && node.is_array()) {
        return error("the document is an array, it has no member '" + segment.key + "'");
      }
      if (!node.is_object()) {
        node = json::object(node.storage());
        node.get_object().reserve(segment.object_size);
      }
      slot = &node.get_object()[segment.key];
    }
  }
  if (segment.index != Segment::Index::kNone) {
    if (slot->is_object()) {
      return error("cannot write an index into an object");
    }
    if (!slot->is_array()) {
      if (segment.index == Segment::Index::kEach) {
        return error("[*] needs an array to write into");
      }
      *slot = json::array(slot->storage());
    }
    json::array& array = slot->get_array();
    switch (segment.index) {
      case Segment::Index::kAt:
        if (array.size() <= segment.position) {
          array.resize(segment.position + 1);
        }
        slot = &array[segment.position];
        break;
      case Segment::Index::kAppend:
        slot = &array.emplace_back(nullptr);
        break;
      case Segment::Index::kPrepend:
        slot = &*array.emplace(array.begin(), nullptr);
        break;
      case Segment::Index::kEach:
        for (json::value& element : array) {
          json::value copy(value, element.storage());
          if (rest.empty()) {
            element = std::move(copy);
          } else {
            RETURN_IF_ERROR(WriteFrom(element, rest, copy, path, false));
          }
        }
        return Status::Ok();
      case Segment::Index::kNone:
        break;
    }
  }
  if (rest.empty()) {
    slot->swap(value);  // cheaper than assigning; the old value goes with `value`
    return Status::Ok();
  }
  return WriteFrom(*slot, rest, value, path, false);
}

}  // namespace

Result<Path> Path::Parse(std::string_view text, std::string_view separator) {
  Path path;
  path.text_ = std::string(text);
  std::size_t from = 0;
  while (true) {
    const std::size_t end = text.find(separator, from);
    ASSIGN_OR_RETURN(Segment segment, ParseSegment(text.substr(from, end - from), text));
    path.segments_.push_back(std::move(segment));
    if (end == std::string_view::npos) {
      break;
    }
    from = end + separator.size();
  }
  return path;
}

bool Path::HasEach() const { return kazaam::HasEach(segments_); }

Path Path::WithFirstEachAt(std::size_t i) const {
  Path copy = *this;
  for (Segment& segment : copy.segments_) {
    if (segment.index == Segment::Index::kEach) {
      segment.index = Segment::Index::kAt;
      segment.position = i;
      break;
    }
  }
  return copy;
}

void Path::ReserveForTargets(const std::vector<Path*>& targets) {
  // Segments are siblings when every segment before them is the same.
  auto same_before = [](const Path& a, const Path& b, std::size_t depth) {
    for (std::size_t i = 0; i < depth; ++i) {
      const Segment& x = a.segments_[i];
      const Segment& y = b.segments_[i];
      if (x.key != y.key || x.has_key != y.has_key || x.index != y.index ||
          x.position != y.position) {
        return false;
      }
    }
    return true;
  };
  for (Path* path : targets) {
    for (std::size_t depth = 0; depth < path->segments_.size(); ++depth) {
      std::vector<std::string_view> names;
      for (const Path* other : targets) {
        if (other->segments_.size() > depth && other->segments_[depth].has_key &&
            same_before(*path, *other, depth) &&
            std::find(names.begin(), names.end(), other->segments_[depth].key) == names.end()) {
          names.push_back(other->segments_[depth].key);
        }
      }
      path->segments_[depth].object_size = names.size();
    }
  }
}

const json::value& Found::value() const {
  static const json::value kNull;
  return built_ ? owned_ : at_ != nullptr ? *at_ : kNull;
}

json::value Found::Take(const json::storage_ptr& storage) && {
  return built_ ? std::move(owned_) : json::value(value(), storage);
}

Result<Found> Read(const json::value& document, const Path& path, bool require) {
  ReadState state{.path = path, .require = require, .lenient = false};
  return ReadFrom(document, path.segments(), state);
}

Result<Found> ReadLenient(const json::value& document, const Path& path, bool require,
                          bool* failed) {
  ReadState state{.path = path, .require = require, .lenient = true};
  Result<Found> found = ReadFrom(document, path.segments(), state);
  *failed = state.failed;
  if (state.failed) {
    return Found::Missing();
  }
  return found;
}

json::value* FindMutable(json::value& document, const Path& path) {
  json::value* current = &document;
  for (const Segment& segment : path.segments()) {
    current = Step(*current, segment);
    if (current == nullptr) {
      return nullptr;
    }
  }
  return current;
}

Status Write(json::value& document, const Path& path, json::value value) {
  return WriteFrom(document, path.segments(), value, path, true);
}

bool Erase(json::value& document, const Path& path) {
  const Segments segments = path.segments();
  json::value* parent = &document;
  for (const Segment& segment : segments.first(segments.size() - 1)) {
    parent = Step(*parent, segment);
    if (parent == nullptr) {
      return false;
    }
  }
  const Segment& last = segments.back();
  if (last.index == Segment::Index::kNone) {
    json::object* object = parent->if_object();
    return object != nullptr && object->stable_erase(last.key) == 1;
  }
  if (last.has_key) {
    parent = Step(*parent, Segment{.key = last.key});
  }
  json::array* array = parent != nullptr ? parent->if_array() : nullptr;
  if (array == nullptr || last.index != Segment::Index::kAt || last.position >= array->size()) {
    return false;
  }
  array->erase(array->begin() + static_cast<std::ptrdiff_t>(last.position));
  return true;
}

Status RequiredMissing(const Path& path) {
  return Status::DataError("required path '" + path.text() + "' does not exist");
}

}  // namespace replicad::transform::kazaam
