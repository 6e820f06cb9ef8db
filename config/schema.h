#pragma once

// Config keys, each declared once: name, type, default, limits and a doc sentence.
//
// The same tables drive validation (unknown keys with "did you mean", types, ranges,
// required keys), defaults (filled into the tree in one place, so `validate --print` shows
// them), secret masking and the README's config reference. Drivers declare their
// `change_stream_options` / `write_options` with the same types.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replicad::config {

struct Section;

enum class ValueType {
  kString,
  kBool,
  kInt,
  kDouble,
  kDuration,          // "100ms", "30s", "5m"; always > 0
  kEnum,              // one of `choices`
  kStringOrList,      // "public.orders" or ["a", "b"]
  kStringList,        // ["23505", 1062]
  kConnectionString,  // a string whose password part is masked in printouts
  kSection,           // a nested map described by `section`
  kSectionList,       // a list of maps described by `section`
  kDriverType,        // a registered driver name (catalog)
  kTransformType,     // a registered transformation type (catalog)
  kAuthConfig,        // map whose keys depend on the sibling `type` (authentication kinds)
  kSourceOptions,     // map declared by the driver named in the sibling `type`
  kSinkOptions,       // likewise, for writing
  kTransformSpec,     // checked by the transformation type named in the sibling `type`
  kMap,               // free-form map
  kList,              // free-form list
  kIdentifier,        // a database object name: [a-z0-9_], 1-63 characters
};

struct KeySpec {
  std::string_view name;
  ValueType type = ValueType::kString;
  std::string_view default_value;  // empty: no default
  std::string_view doc;
  bool required = false;
  bool secret = false;  // a credential: masked everywhere
  std::vector<std::string_view> choices;
  std::optional<double> min;  // kInt / kDouble
  std::optional<double> max;
  const Section* section = nullptr;
};

struct Section {
  std::string_view name;  // dotted path for messages and docs, e.g. "streams[].retry_policy"
  std::string_view doc;
  std::vector<KeySpec> keys;

  const KeySpec* Find(std::string_view key) const;
  std::vector<std::string_view> KeyNames() const;
};

// The document root and the kinds of `authentication[].config`.
const Section& RootSection();
const Section* AuthConfigSection(std::string_view auth_type);
std::vector<std::string_view> AuthTypes();

// A limit as written in messages and docs: 1024, 0.5 (no trailing zeros).
std::string FormatLimit(double value);

// Supported `version` values.
inline constexpr std::string_view kConfigVersion = "1";

}  // namespace replicad::config
