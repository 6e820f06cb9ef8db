#include "config/apply_schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "config/duration.h"

namespace replicad::config {

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

namespace {

std::string Join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) {
    out += out.empty() ? "" : ", ";
    out += name;
  }
  return out;
}

std::string DidYouMean(std::string_view given, const std::vector<std::string_view>& known) {
  const std::string closest = ClosestMatch(given, known);
  return closest.empty() ? "" : "; did you mean '" + closest + "'?";
}

// A value as it may appear in a message: never a secret or anything from ${...}.
std::string Shown(const Node& value) {
  return value.secret || value.interpolated ? std::string("***") : value.scalar;
}

std::string Where(const Section& section) {
  return section.name.empty() ? "at the top level" : "in " + std::string(section.name);
}

class SchemaWalker {
 public:
  SchemaWalker(const Catalog& catalog, Diagnostics& diagnostics)
      : catalog_(catalog), diagnostics_(diagnostics) {}

  void WalkSection(Node& node, const Section& section) {
    if (node.IsNull()) {
      const bool defaulted = node.defaulted;
      node = Node::Map(node.mark);
      node.defaulted = defaulted;
    }
    if (!node.IsMap()) {
      Error(node.mark, "expected a mapping " + Where(section));
      return;
    }
    for (const MapEntry& entry : node.entries) {
      if (section.Find(entry.key) == nullptr) {
        Error(entry.key_mark, "unknown key '" + entry.key + "' " + Where(section) +
                                  DidYouMean(entry.key, section.KeyNames()));
      }
    }
    InsertDefaults(node, section);
    for (MapEntry& entry : node.entries) {
      if (const KeySpec* spec = section.Find(entry.key)) {
        WalkValue(node, entry, *spec);
      }
    }
  }

 private:
  void Error(Mark mark, std::string message) { diagnostics_.Add(mark, std::move(message)); }

  void InsertDefaults(Node& node, const Section& section) {
    // An explicit null ("key:" or "key: ~") means "not set": the default applies.
    std::erase_if(node.entries, [&section](const MapEntry& entry) {
      const KeySpec* spec = section.Find(entry.key);
      return entry.value.IsNull() && spec != nullptr && !spec->required;
    });
    for (const KeySpec& spec : section.keys) {
      if (node.Find(spec.name) != nullptr) {
        continue;
      }
      if (spec.required) {
        Error(node.mark, "missing required key '" + std::string(spec.name) + "' " + Where(section));
        continue;
      }
      MapEntry entry{std::string(spec.name), node.mark, Node{}};
      entry.value.mark = node.mark;
      entry.value.defaulted = true;
      if (!spec.default_value.empty()) {
        entry.value = Node::Scalar(std::string(spec.default_value), node.mark);
        entry.value.defaulted = true;
      } else if (spec.type != ValueType::kSection && spec.type != ValueType::kSourceOptions &&
                 spec.type != ValueType::kSinkOptions) {
        continue;  // absent sections still get their defaults; other keys stay absent
      }
      node.entries.push_back(std::move(entry));
    }
    auto rank = [&section](const MapEntry& entry) {
      const KeySpec* spec = section.Find(entry.key);
      return spec == nullptr ? section.keys.size()
                             : static_cast<std::size_t>(spec - &section.keys[0]);
    };
    std::stable_sort(node.entries.begin(), node.entries.end(),
                     [&](const MapEntry& a, const MapEntry& b) { return rank(a) < rank(b); });
  }

  bool ExpectScalar(const Node& value, const KeySpec& spec, std::string_view what) {
    if (value.IsScalar()) {
      return true;
    }
    if (value.IsNull() && !spec.required) {
      return false;
    }
    Error(value.mark, "'" + std::string(spec.name) + "' must be " + std::string(what));
    return false;
  }

  void CheckRange(const Node& value, const KeySpec& spec, double number) {
    if ((spec.min && number < *spec.min) || (spec.max && number > *spec.max)) {
      std::string range;
      if (spec.min && spec.max) {
        range = "between " + FormatLimit(*spec.min) + " and " + FormatLimit(*spec.max);
      } else if (spec.min) {
        range = "at least " + FormatLimit(*spec.min);
      } else {
        range = "at most " + FormatLimit(*spec.max);
      }
      Error(value.mark,
            "'" + std::string(spec.name) + "' must be " + range + ", got " + Shown(value));
    }
  }

  void CheckChoice(const Node& value, const KeySpec& spec,
                   const std::vector<std::string_view>& choices) {
    if (!ExpectScalar(value, spec, "a string")) {
      return;
    }
    if (std::find(choices.begin(), choices.end(), value.scalar) == choices.end()) {
      Error(value.mark, "invalid " + std::string(spec.name) + " '" + Shown(value) +
                            "'; expected one of: " + Join(choices) +
                            (value.interpolated ? "" : DidYouMean(value.scalar, choices)));
    }
  }

  void CheckStringList(const Node& value, const KeySpec& spec) {
    if (!value.IsSequence()) {
      Error(value.mark, "'" + std::string(spec.name) + "' must be a list");
      return;
    }
    for (const Node& item : value.items) {
      if (!item.IsScalar()) {
        Error(item.mark, "items of '" + std::string(spec.name) + "' must be strings");
      }
    }
  }

  void WalkValue(Node& parent, MapEntry& entry, const KeySpec& spec) {
    Node& value = entry.value;
    if (spec.secret) {
      value.secret = true;
    }
    switch (spec.type) {
      case ValueType::kString:
      case ValueType::kConnectionString:
        if (ExpectScalar(value, spec, "a string") && spec.required && value.scalar.empty()) {
          Error(value.mark, "'" + std::string(spec.name) + "' must not be empty");
        }
        break;
      case ValueType::kBool:
        if (ExpectScalar(value, spec, "true or false") && !ParseBool(value.scalar)) {
          Error(value.mark, "'" + std::string(spec.name) + "' must be true or false, got '" +
                                Shown(value) + "'");
        }
        break;
      case ValueType::kInt:
        if (ExpectScalar(value, spec, "an integer")) {
          if (auto number = ParseInt(value.scalar)) {
            CheckRange(value, spec, static_cast<double>(*number));
          } else {
            Error(value.mark, "'" + std::string(spec.name) + "' must be an integer, got '" +
                                  Shown(value) + "'");
          }
        }
        break;
      case ValueType::kDouble:
        if (ExpectScalar(value, spec, "a number")) {
          if (auto number = ParseDouble(value.scalar); number && std::isfinite(*number)) {
            CheckRange(value, spec, *number);
          } else {
            Error(value.mark, "'" + std::string(spec.name) + "' must be a finite number, got '" +
                                  Shown(value) + "'");
          }
        }
        break;
      case ValueType::kDuration:
        if (ExpectScalar(value, spec, "a duration like 100ms, 30s or 5m")) {
          Result<Duration> duration = ParseDuration(value.scalar);
          if (!duration.ok()) {
            Error(value.mark, "'" + std::string(spec.name) + "': " +
                                  (value.interpolated ? std::string("invalid duration")
                                                      : duration.status().message()));
          } else if (duration->count() <= 0) {
            Error(value.mark,
                  "'" + std::string(spec.name) + "' must be positive, got '" + Shown(value) + "'");
          }
        }
        break;
      case ValueType::kEnum:
        CheckChoice(value, spec, spec.choices);
        break;
      case ValueType::kStringOrList:
        if (!value.IsScalar() && !value.IsNull()) {
          CheckStringList(value, spec);
        }
        break;
      case ValueType::kStringList:
        if (!value.IsNull()) {
          CheckStringList(value, spec);
        }
        break;
      case ValueType::kSection:
        WalkSection(value, *spec.section);
        break;
      case ValueType::kSectionList:
        if (value.IsNull()) {
          break;
        }
        if (!value.IsSequence()) {
          Error(value.mark, "'" + std::string(spec.name) + "' must be a list");
          break;
        }
        for (Node& item : value.items) {
          WalkSection(item, *spec.section);
        }
        break;
      case ValueType::kDriverType: {
        std::vector<std::string_view> names;
        for (const DriverDescriptor& driver : catalog_.drivers) {
          names.push_back(driver.type);
        }
        CheckChoice(value, spec, names);
        break;
      }
      case ValueType::kTransformType: {
        std::vector<std::string_view> names;
        for (const TransformDescriptor& transform : catalog_.transforms) {
          names.push_back(transform.type);
        }
        CheckChoice(value, spec, names);
        break;
      }
      case ValueType::kAuthConfig:
        if (const Section* section = AuthConfigSection(parent.GetScalar("type"))) {
          WalkSection(value, *section);
        }
        break;
      case ValueType::kSourceOptions:
      case ValueType::kSinkOptions:
        if (const DriverDescriptor* driver = catalog_.FindDriver(parent.GetScalar("type"))) {
          const Section* options = spec.type == ValueType::kSourceOptions ? driver->source_options
                                                                          : driver->sink_options;
          if (options != nullptr) {
            WalkSection(value, *options);
          }
        }
        break;
      case ValueType::kTransformSpec:
        if (const TransformDescriptor* transform =
                catalog_.FindTransform(parent.GetScalar("type"))) {
          if (value.IsScalar() && !value.scalar.empty()) {
            if (std::optional<Node> parsed = ParseJsonAt(value.scalar, value.mark, diagnostics_)) {
              transform->check(*parsed, diagnostics_);
            }
          } else {
            transform->check(value, diagnostics_);
          }
        }
        break;
      case ValueType::kMap:
        if (!value.IsMap() && !value.IsNull()) {
          Error(value.mark, "'" + std::string(spec.name) + "' must be a mapping");
        }
        break;
      case ValueType::kIdentifier:
        if (ExpectScalar(value, spec, "a name") &&
            (value.scalar.empty() || value.scalar.size() > 63 ||
             !std::all_of(value.scalar.begin(), value.scalar.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
             }))) {
          Error(value.mark, "'" + std::string(spec.name) +
                                "' must be 1-63 lowercase letters, digits or '_', got '" +
                                Shown(value) + "'");
        }
        break;
      case ValueType::kList:
        if (!value.IsSequence() && !value.IsNull()) {
          Error(value.mark, "'" + std::string(spec.name) + "' must be a list");
        }
        break;
    }
  }

  const Catalog& catalog_;
  Diagnostics& diagnostics_;
};

}  // namespace

void ApplySection(Node& node, const Section& section, const Catalog& catalog,
                  Diagnostics& diagnostics) {
  SchemaWalker(catalog, diagnostics).WalkSection(node, section);
}

void ApplySchema(Node& root, const Catalog& catalog, Diagnostics& diagnostics) {
  if (!root.IsMap() && !root.IsNull()) {
    diagnostics.Add(root.mark, "the config must be a mapping with 'version' and 'streams'");
    return;
  }
  ApplySection(root, RootSection(), catalog, diagnostics);
}

}  // namespace replicad::config
