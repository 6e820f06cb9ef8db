#pragma once

// The config document as a tree that remembers where every value came from.
//
// ParseYaml turns YAML text into Nodes, expanding ${...} references in scalar values on
// the way (see interpolate.h) and recording each node's file position, so that every later
// check can point at the exact key or value. The schema pass then fills in defaults
// (marked `defaulted`) and marks credentials `secret`; printouts mask secret and
// interpolated values as "***".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/interpolate.h"

namespace replicad::config {

class Node;

struct MapEntry;

class Node {
 public:
  enum class Kind { kNull, kScalar, kMap, kSequence };

  Kind kind = Kind::kNull;
  Mark mark;
  std::string scalar;             // kScalar only, after interpolation
  bool quoted = false;            // the scalar was quoted: always a string, never null/bool/number
  bool interpolated = false;      // the scalar came (partly) from ${...}
  bool secret = false;            // a credential: never printed
  bool defaulted = false;         // inserted by the schema, not written by the user
  std::vector<MapEntry> entries;  // kMap, in document order
  std::vector<Node> items;        // kSequence

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSequence() const { return kind == Kind::kSequence; }

  // The value under `key` of a map, or nullptr (also when this is not a map).
  const Node* Find(std::string_view key) const;
  Node* Find(std::string_view key);
  // The mark of `key` itself (not its value), or this node's mark if absent.
  Mark KeyMark(std::string_view key) const;

  // Convenience for validated trees: the scalar under `key`, or "" if absent or not scalar.
  std::string_view GetScalar(std::string_view key) const;

  static Node Scalar(std::string value, Mark mark);
  static Node Map(Mark mark);
};

// The node's content (kinds, keys, values) as text, without marks: equal texts mean equal
// configs. Holds secrets in clear: compare it, never print it.
std::string CanonicalText(const Node& node);

struct MapEntry {
  std::string key;
  Mark key_mark;
  Node value;
};

// Parses YAML text. Syntax errors and interpolation errors go to `diagnostics`; returns
// nullopt only when the text is not YAML at all.
std::optional<Node> ParseYaml(std::string_view text, const Environment& environment,
                              Diagnostics& diagnostics);

// Parses JSON text into Nodes, every node marked at `mark` (used for specs given as JSON
// strings inside YAML). Returns nullopt and adds a diagnostic on a syntax error.
std::optional<Node> ParseJsonAt(std::string_view text, Mark mark, Diagnostics& diagnostics);

}  // namespace replicad::config
