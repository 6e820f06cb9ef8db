#include "config/node.h"

#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace replicad::config {

const Node* Node::Find(std::string_view key) const {
  for (const MapEntry& entry : entries) {
    if (entry.key == key) {
      return &entry.value;
    }
  }
  return nullptr;
}

Node* Node::Find(std::string_view key) {
  return const_cast<Node*>(static_cast<const Node*>(this)->Find(key));
}

Mark Node::KeyMark(std::string_view key) const {
  for (const MapEntry& entry : entries) {
    if (entry.key == key) {
      return entry.key_mark;
    }
  }
  return mark;
}

std::string_view Node::GetScalar(std::string_view key) const {
  const Node* value = Find(key);
  return value != nullptr && value->IsScalar() ? std::string_view(value->scalar) : "";
}

Node Node::Scalar(std::string value, Mark mark) {
  Node node;
  node.kind = Kind::kScalar;
  node.scalar = std::move(value);
  node.mark = mark;
  return node;
}

Node Node::Map(Mark mark) {
  Node node;
  node.kind = Kind::kMap;
  node.mark = mark;
  return node;
}

namespace {

Mark ToMark(const YAML::Mark& mark, Mark fallback) {
  if (mark.line < 0 || mark.column < 0) {
    return fallback;
  }
  return Mark{mark.line + 1, mark.column + 1};
}

// Aliases can make a YAML document a cycle, or expand exponentially: both are bounded.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 1'000'000;

struct Budget {
  std::size_t nodes = 0;
  bool exceeded = false;
};

Node Convert(const YAML::Node& yaml, Mark fallback, const Environment& environment,
             Diagnostics& diagnostics, Budget& budget, int depth) {
  Node node;
  node.mark = ToMark(yaml.Mark(), fallback);
  if (depth > kMaxDepth || ++budget.nodes > kMaxNodes) {
    if (!budget.exceeded) {
      diagnostics.Add(node.mark,
                      "the document nests too deeply or expands too far (a recursive "
                      "or exponential alias?)");
      budget.exceeded = true;
    }
    return node;
  }
  switch (yaml.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      node.kind = Node::Kind::kNull;
      break;
    case YAML::NodeType::Scalar: {
      node.kind = Node::Kind::kScalar;
      node.quoted = yaml.Tag() == "!";
      Result<Expanded> expanded = Interpolate(yaml.Scalar(), environment);
      if (expanded.ok()) {
        node.scalar = std::move(expanded->text);
        node.interpolated = expanded->interpolated;
      } else {
        diagnostics.Add(node.mark, expanded.status().message());
        // Keep the reference itself, so no later check reports an empty value as well.
        node.scalar = yaml.Scalar();
        node.interpolated = true;
      }
      break;
    }
    case YAML::NodeType::Sequence:
      node.kind = Node::Kind::kSequence;
      for (const YAML::Node& item : yaml) {
        node.items.push_back(Convert(item, node.mark, environment, diagnostics, budget, depth + 1));
      }
      break;
    case YAML::NodeType::Map:
      node.kind = Node::Kind::kMap;
      for (const auto& pair : yaml) {
        MapEntry entry;
        entry.key_mark = ToMark(pair.first.Mark(), node.mark);
        if (!pair.first.IsScalar()) {
          diagnostics.Add(entry.key_mark, "keys must be plain strings");
          continue;
        }
        entry.key = pair.first.Scalar();
        if (node.Find(entry.key) != nullptr) {
          const Mark earlier = node.KeyMark(entry.key);
          diagnostics.Add(entry.key_mark, "duplicate key '" + entry.key + "' (first at line " +
                                              std::to_string(earlier.line) + ")");
          continue;
        }
        entry.value =
            Convert(pair.second, entry.key_mark, environment, diagnostics, budget, depth + 1);
        node.entries.push_back(std::move(entry));
      }
      break;
  }
  return node;
}

Node FromJson(const boost::json::value& json, Mark mark) {
  Node node;
  node.mark = mark;
  switch (json.kind()) {
    case boost::json::kind::null:
      break;
    case boost::json::kind::object:
      node.kind = Node::Kind::kMap;
      for (const auto& member : json.get_object()) {
        node.entries.push_back({std::string(member.key()), mark, FromJson(member.value(), mark)});
      }
      break;
    case boost::json::kind::array:
      node.kind = Node::Kind::kSequence;
      for (const auto& item : json.get_array()) {
        node.items.push_back(FromJson(item, mark));
      }
      break;
    case boost::json::kind::string:
      node = Node::Scalar(std::string(json.get_string()), mark);
      node.quoted = true;
      break;
    default:
      node = Node::Scalar(boost::json::serialize(json), mark);
      break;
  }
  return node;
}

}  // namespace

std::optional<Node> ParseYaml(std::string_view text, const Environment& environment,
                              Diagnostics& diagnostics) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    diagnostics.Add(ToMark(e.mark, Mark{}), "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (documents.size() > 1) {
    diagnostics.Add(ToMark(documents[1].Mark(), Mark{}),
                    "a config file holds one YAML document; this is a second one");
  }
  Budget budget;
  return documents.empty() ? Node{}
                           : Convert(documents[0], Mark{1, 1}, environment, diagnostics, budget, 0);
}

std::optional<Node> ParseJsonAt(std::string_view text, Mark mark, Diagnostics& diagnostics) {
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(text, error);
  if (error) {
    diagnostics.Add(mark, "invalid JSON: " + error.message());
    return std::nullopt;
  }
  return FromJson(json, mark);
}

std::string CanonicalText(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return "~";
    case Node::Kind::kScalar:
      return (node.quoted ? "\"" : "'") + std::to_string(node.scalar.size()) + ":" + node.scalar;
    case Node::Kind::kMap: {
      std::string text = "{";
      for (const MapEntry& entry : node.entries) {
        text += std::to_string(entry.key.size()) + ":" + entry.key + "=" +
                CanonicalText(entry.value) + ",";
      }
      return text + "}";
    }
    case Node::Kind::kSequence: {
      std::string text = "[";
      for (const Node& item : node.items) {
        text += CanonicalText(item) + ",";
      }
      return text + "]";
    }
  }
  return "";
}

}  // namespace replicad::config
