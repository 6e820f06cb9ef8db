#include <yaml-cpp/yaml.h>

#include "config/load.h"
#include "streams/core/redact.h"

namespace replicad::config {
namespace {

void Emit(YAML::Emitter& out, const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      out << YAML::Null;
      break;
    case Node::Kind::kScalar:
      if (node.secret || node.interpolated) {
        out << YAML::DoubleQuoted << std::string(kMasked);
      } else if (node.quoted) {
        out << YAML::DoubleQuoted << RedactCredentials(node.scalar);
      } else {
        out << RedactCredentials(node.scalar);
      }
      if (node.defaulted) {
        out << YAML::Comment("default");
      }
      break;
    case Node::Kind::kMap:
      out << YAML::BeginMap;
      for (const MapEntry& entry : node.entries) {
        out << YAML::Key << entry.key << YAML::Value;
        Emit(out, entry.value);
      }
      out << YAML::EndMap;
      break;
    case Node::Kind::kSequence:
      out << YAML::BeginSeq;
      for (const Node& item : node.items) {
        Emit(out, item);
      }
      out << YAML::EndSeq;
      break;
  }
}

}  // namespace

boost::json::value MaskedJson(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return nullptr;
    case Node::Kind::kScalar:
      if (node.secret || node.interpolated) {
        return boost::json::string(kMasked);
      }
      return boost::json::string(RedactCredentials(node.scalar));
    case Node::Kind::kMap: {
      boost::json::object object;
      for (const MapEntry& entry : node.entries) {
        object[entry.key] = MaskedJson(entry.value);
      }
      return object;
    }
    case Node::Kind::kSequence: {
      boost::json::array array;
      for (const Node& item : node.items) {
        array.push_back(MaskedJson(item));
      }
      return array;
    }
  }
  return nullptr;
}

namespace {

std::string Join(const std::vector<std::string_view>& names, std::string_view separator) {
  std::string out;
  for (std::string_view name : names) {
    out += out.empty() ? "" : std::string(separator);
    out += name;
  }
  return out;
}

std::string TypeName(const KeySpec& spec, const Catalog& catalog) {
  switch (spec.type) {
    case ValueType::kString:
      return "string";
    case ValueType::kBool:
      return "bool";
    case ValueType::kInt:
      return "integer";
    case ValueType::kDouble:
      return "number";
    case ValueType::kDuration:
      return "duration";
    case ValueType::kEnum:
      return Join(spec.choices, " \\| ");
    case ValueType::kStringOrList:
      return "string or list";
    case ValueType::kStringList:
      return "list of strings";
    case ValueType::kConnectionString:
      return "connection string";
    case ValueType::kSection:
      return "mapping";
    case ValueType::kSectionList:
      return "list of mappings";
    case ValueType::kDriverType: {
      std::vector<std::string_view> names;
      for (const DriverDescriptor& driver : catalog.drivers) {
        names.push_back(driver.type);
      }
      return Join(names, " \\| ");
    }
    case ValueType::kTransformType: {
      std::vector<std::string_view> names;
      for (const TransformDescriptor& transform : catalog.transforms) {
        names.push_back(transform.type);
      }
      return Join(names, " \\| ");
    }
    case ValueType::kAuthConfig:
    case ValueType::kSourceOptions:
    case ValueType::kSinkOptions:
    case ValueType::kMap:
      return "mapping";
    case ValueType::kTransformSpec:
      return "list or JSON string";
    case ValueType::kList:
      return "list";
    case ValueType::kIdentifier:
      return "name ([a-z0-9_], ≤ 63)";
  }
  return "?";
}

std::string Limits(const KeySpec& spec) {
  std::string out;
  if (spec.min && spec.max) {
    out = " (" + FormatLimit(*spec.min) + "–" + FormatLimit(*spec.max) + ")";
  } else if (spec.min) {
    out = " (≥ " + FormatLimit(*spec.min) + ")";
  }
  if (spec.required) {
    out += " **required**";
  }
  if (spec.secret) {
    out += " *secret*";
  }
  return out;
}

void Table(std::string& out, const Section& section, std::string_view title,
           const Catalog& catalog) {
  out += "### " + std::string(title) + "\n\n" + std::string(section.doc) + "\n\n";
  out += "| key | type | default | description |\n|---|---|---|---|\n";
  for (const KeySpec& spec : section.keys) {
    const std::string default_value =
        spec.default_value.empty() ? "" : "`" + std::string(spec.default_value) + "`";
    out += "| `" + std::string(spec.name) + "` | " + TypeName(spec, catalog) + Limits(spec) +
           " | " + default_value + " | " + std::string(spec.doc) + " |\n";
  }
  out += "\n";
  for (const KeySpec& spec : section.keys) {
    if (spec.section != nullptr) {
      Table(out, *spec.section, "`" + std::string(spec.section->name) + "`", catalog);
    }
  }
}

}  // namespace

std::string PrintEffective(const Node& tree) {
  YAML::Emitter out;
  out.SetIndent(2);
  Emit(out, tree);
  return std::string(out.c_str()) + "\n";
}

std::string ConfigReference(const Catalog& catalog) {
  std::string out;
  Table(out, RootSection(), "Top level", catalog);
  for (std::string_view kind : AuthTypes()) {
    const Section* section = AuthConfigSection(kind);
    Table(out, *section, "`" + std::string(section->name) + "`", catalog);
  }
  for (const DriverDescriptor& driver : catalog.drivers) {
    if (driver.source_options != nullptr) {
      Table(out, *driver.source_options,
            "`" + std::string(driver.type) + "` source: `change_stream_options`", catalog);
    }
    if (driver.sink_options != nullptr) {
      Table(out, *driver.sink_options,
            "`" + std::string(driver.type) + "` destination: `write_options`", catalog);
    }
  }
  return out;
}

}  // namespace replicad::config
