#pragma once

// Inside the Kazaam engine: the compiled form of one operation, and what compiling one needs.
// Each operation lives in its own file (shift.cc, concat.cc, ...) and exposes only its
// compiler; kazaam.cc runs them in order.

#include <boost/json/value.hpp>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostics.h"
#include "config/node.h"
#include "streams/core/status.h"
#include "transform/kazaam/path.h"

namespace replicad::transform::kazaam {

// One step of a spec, compiled. Apply is const and thread-safe like Transform::Apply.
class Operation {
 public:
  virtual ~Operation() = default;
  // Rewrites `document` (an operation that replaces the whole document assigns to it).
  // DataError when this document cannot be transformed; `document` is then unspecified.
  virtual Status Apply(boost::json::value& document) const = 0;
};

// The options of an operation object (kazaam.md §1, §5).
struct Options {
  bool require = false;
  bool inplace = false;
  std::string separator = ".";
};

// What an operation's compiler gets. Every problem becomes a diagnostic at the node it is
// about, prefixed with the operation's name.
class Context {
 public:
  Context(std::string_view operation, const config::Node* spec, Options options,
          config::Diagnostics& diagnostics);

  // The `spec` mapping: never empty, nullptr only for pass.
  const config::Node* spec() const { return spec_; }
  const Options& options() const { return options_; }
  // True iff an error was added through this context.
  bool failed() const { return diagnostics_.size() != errors_before_; }

  void Error(config::Mark mark, std::string_view message) const;
  // `text` as a path with this operation's separator, or nullopt after a diagnostic.
  std::optional<Path> ParsePath(std::string_view text, config::Mark mark) const;
  // `node` must be a string holding a path; `what` names it in the diagnostic otherwise.
  std::optional<Path> PathOf(const config::Node& node, std::string_view what) const;
  // A diagnostic (with "did you mean") for each key of `map` not in `known`.
  void RejectUnknownKeys(const config::Node& map, std::initializer_list<std::string_view> known,
                         std::string_view where) const;
  // The value of `key` in `map` if it is a list, else nullptr after a diagnostic.
  const config::Node* ListAt(const config::Node& map, std::string_view key) const;

 private:
  std::string operation_;
  const config::Node* spec_;
  Options options_;
  config::Diagnostics& diagnostics_;
  std::size_t errors_before_;
};

// A quoted scalar, or a plain one that does not read as a number, true or false.
bool IsString(const config::Node& node);
// True for the plain scalars true and false.
bool IsBool(const config::Node& node);
// For a diagnostic about a value that is not a string: how to make it one, if it is a number
// or boolean written without quotes; "" otherwise.
std::string QuoteHint(const config::Node& node);
// The spec value as JSON: plain scalars that read as JSON numbers, true, false become those;
// null stays null; every other scalar is a string.
boost::json::value ToJson(const config::Node& node);

// The compiler of each operation: nullptr iff it added a diagnostic.
std::unique_ptr<Operation> CompileShift(const Context& context);
std::unique_ptr<Operation> CompileConcat(const Context& context);
std::unique_ptr<Operation> CompileCoalesce(const Context& context);
std::unique_ptr<Operation> CompileExtract(const Context& context);
std::unique_ptr<Operation> CompileDefault(const Context& context);
std::unique_ptr<Operation> CompileDelete(const Context& context);
std::unique_ptr<Operation> CompilePass(const Context& context);
std::unique_ptr<Operation> CompileTimestamp(const Context& context);
std::unique_ptr<Operation> CompileUuid(const Context& context);

}  // namespace replicad::transform::kazaam
