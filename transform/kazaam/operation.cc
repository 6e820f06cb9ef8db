#include "transform/kazaam/operation.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <vector>

#include "transform/exact_json.h"

namespace replicad::transform::kazaam {

using config::Node;

Context::Context(std::string_view operation, const Node* spec, Options options,
                 config::Diagnostics& diagnostics)
    : operation_(operation),
      spec_(spec),
      options_(std::move(options)),
      diagnostics_(diagnostics),
      errors_before_(diagnostics.size()) {}

void Context::Error(config::Mark mark, std::string_view message) const {
  diagnostics_.Add(mark, operation_ + ": " + std::string(message));
}

std::optional<Path> Context::ParsePath(std::string_view text, config::Mark mark) const {
  Result<Path> path = Path::Parse(text, options_.separator);
  if (!path.ok()) {
    Error(mark, path.status().message());
    return std::nullopt;
  }
  return std::move(*path);
}

std::optional<Path> Context::PathOf(const Node& node, std::string_view what) const {
  if (!IsString(node)) {
    Error(node.mark, std::string(what) + " must be a path string" + QuoteHint(node));
    return std::nullopt;
  }
  return ParsePath(node.scalar, node.mark);
}

void Context::RejectUnknownKeys(const Node& map, std::initializer_list<std::string_view> known,
                                std::string_view where) const {
  const std::vector<std::string_view> names(known);
  for (const config::MapEntry& entry : map.entries) {
    if (std::find(names.begin(), names.end(), entry.key) != names.end()) {
      continue;
    }
    const std::string closest = config::ClosestMatch(entry.key, names);
    Error(entry.key_mark, "unknown key '" + entry.key + "' in " + std::string(where) +
                              (closest.empty() ? "" : "; did you mean '" + closest + "'?"));
  }
}

const Node* Context::ListAt(const Node& map, std::string_view key) const {
  const Node* list = map.Find(key);
  if (list == nullptr) {
    Error(map.mark, "needs '" + std::string(key) + "' (a list)");
    return nullptr;
  }
  if (!list->IsSequence()) {
    Error(list->mark, "'" + std::string(key) + "' must be a list");
    return nullptr;
  }
  return list;
}

bool IsBool(const Node& node) {
  return node.IsScalar() && !node.quoted && (node.scalar == "true" || node.scalar == "false");
}

std::string QuoteHint(const Node& node) {
  return node.IsScalar() && !IsString(node) ? " (in YAML, write " + node.scalar + " in quotes)"
                                            : "";
}

bool IsString(const Node& node) {
  return node.IsScalar() && (node.quoted || !(IsBool(node) || IsJsonNumber(node.scalar)));
}

boost::json::value ToJson(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return nullptr;
    case Node::Kind::kSequence: {
      boost::json::array array;
      for (const Node& item : node.items) {
        array.push_back(ToJson(item));
      }
      return array;
    }
    case Node::Kind::kMap: {
      boost::json::object object;
      for (const config::MapEntry& entry : node.entries) {
        object[entry.key] = ToJson(entry.value);
      }
      return object;
    }
    case Node::Kind::kScalar:
      break;
  }
  if (IsBool(node)) {
    return node.scalar == "true";
  }
  if (!IsString(node)) {
    boost::system::error_code error;
    boost::json::value number = boost::json::parse(node.scalar, error);
    if (!error && !(number.is_double() && !std::isfinite(number.get_double()))) {
      return number;
    }
  }
  return boost::json::string(node.scalar);
}

}  // namespace replicad::transform::kazaam
