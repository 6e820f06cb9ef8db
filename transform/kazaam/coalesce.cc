// coalesce (kazaam.md §3): writes the first candidate that is neither null nor ignored.

#include <cstdlib>
#include <string>
#include <vector>

#include "transform/exact_json.h"
#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

double AsDouble(const json::value& number) {
  if (IsRawNumber(number)) {
    const std::string text(number.get_string().subview(1));
    return std::strtod(text.c_str(), nullptr);
  }
  return number.to_number<double>();
}

// JSON equality, where the reference compares raw text: numbers by value (5 ignores 5.0),
// object members in any order.
bool SameJson(const json::value& a, const json::value& b) {
  if (IsNumber(a) || IsNumber(b)) {
    if (!IsNumber(a) || !IsNumber(b)) {
      return false;
    }
    if (a.is_int64() || a.is_uint64()) {
      if (b.is_int64() || b.is_uint64()) {
        return a == b;
      }
    }
    return AsDouble(a) == AsDouble(b);
  }
  if (a.kind() != b.kind()) {
    return false;
  }
  if (const json::array* left = a.if_array()) {
    const json::array& right = b.get_array();
    if (left->size() != right.size()) {
      return false;
    }
    for (std::size_t i = 0; i < left->size(); ++i) {
      if (!SameJson((*left)[i], right[i])) {
        return false;
      }
    }
    return true;
  }
  if (const json::object* left = a.if_object()) {
    const json::object& right = b.get_object();
    if (left->size() != right.size()) {
      return false;
    }
    for (const json::key_value_pair& member : *left) {
      const json::value* other = right.if_contains(member.key());
      if (other == nullptr || !SameJson(member.value(), *other)) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

struct Entry {
  Path target;
  std::vector<Path> candidates;
};

class Coalesce : public Operation {
 public:
  Coalesce(std::vector<Entry> entries, std::vector<json::value> ignore)
      : entries_(std::move(entries)), ignore_(std::move(ignore)) {}

  Status Apply(json::value& document) const override {
    for (const Entry& entry : entries_) {
      for (const Path& candidate : entry.candidates) {
        ASSIGN_OR_RETURN(Found found, Read(document, candidate, false));
        if (found.value().is_null() || Ignored(found.value())) {
          continue;
        }
        RETURN_IF_ERROR(Write(document, entry.target, std::move(found).Take(document.storage())));
        break;
      }
    }
    return Status::Ok();
  }

 private:
  bool Ignored(const json::value& value) const {
    for (const json::value& ignored : ignore_) {
      if (SameJson(value, ignored)) {
        return true;
      }
    }
    return false;
  }

  std::vector<Entry> entries_;
  std::vector<json::value> ignore_;
};

}  // namespace

std::unique_ptr<Operation> CompileCoalesce(const Context& context) {
  std::vector<Entry> entries;
  std::vector<json::value> ignore;
  for (const config::MapEntry& item : context.spec()->entries) {
    if (item.key == "ignore") {
      if (const config::Node* list = context.ListAt(*context.spec(), "ignore")) {
        for (const config::Node& value : list->items) {
          ignore.push_back(ToJson(value));
        }
      }
      continue;
    }
    if (!item.value.IsSequence()) {
      context.Error(item.value.mark,
                    "the candidates of '" + item.key + "' must be a list of paths");
      continue;
    }
    Entry entry;
    for (const config::Node& candidate : item.value.items) {
      if (std::optional<Path> path = context.PathOf(candidate, "each candidate")) {
        entry.candidates.push_back(std::move(*path));
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
  return std::make_unique<Coalesce>(std::move(entries), std::move(ignore));
}

}  // namespace replicad::transform::kazaam
