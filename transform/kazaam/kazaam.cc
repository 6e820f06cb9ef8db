#include "transform/kazaam/kazaam.h"

#include <algorithm>
#include <exception>
#include <string>

#include "transform/exact_json.h"
#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;
using config::Node;

namespace {

using Compiler = std::unique_ptr<Operation> (*)(const Context&);

struct OperationType {
  std::string_view name;
  Compiler compile;
};

const std::vector<OperationType>& OperationTypes() {
  static const std::vector<OperationType> types = {
      {"shift", CompileShift},     {"concat", CompileConcat},       {"coalesce", CompileCoalesce},
      {"extract", CompileExtract}, {"default", CompileDefault},     {"delete", CompileDelete},
      {"pass", CompilePass},       {"timestamp", CompileTimestamp}, {"uuid", CompileUuid}};
  return types;
}

const std::vector<std::string_view> kOperationKeys = {"operation", "spec",         "require",
                                                      "inplace",   "keySeparator", "over"};

constexpr std::string_view kOverKeys[] = {"spec", "require", "inplace", "keySeparator"};

std::string Suggest(std::string_view given, const std::vector<std::string_view>& known) {
  const std::string closest = config::ClosestMatch(given, known);
  return closest.empty() ? "" : "; did you mean '" + closest + "'?";
}

// Runs an operation on each element of the array at a path (kazaam.md §6); each element is
// the whole document for that run.
class Over : public Operation {
 public:
  // `path`: nullopt for "$", the document itself.
  Over(std::string text, std::optional<Path> path, std::unique_ptr<Operation> inner)
      : text_(std::move(text)), path_(std::move(path)), inner_(std::move(inner)) {}

  Status Apply(json::value& document) const override {
    json::value* target = path_ ? FindMutable(document, *path_) : &document;
    if (target == nullptr) {
      return Status::DataError("over '" + text_ + "': the path does not exist");
    }
    json::array* array = target->if_array();
    if (array == nullptr) {
      return Status::DataError("over '" + text_ + "': not an array");
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (Status status = inner_->Apply((*array)[i]); !status.ok()) {
        return status.Annotate("over '" + text_ + "', element " + std::to_string(i));
      }
    }
    return Status::Ok();
  }

 private:
  std::string text_;
  std::optional<Path> path_;
  std::unique_ptr<Operation> inner_;
};

struct Step {
  std::string name;
  std::unique_ptr<Operation> operation;
};

class KazaamTransform : public Transform {
 public:
  explicit KazaamTransform(std::vector<Step> steps) : steps_(std::move(steps)) {}

  Result<std::optional<json::value>> Apply(json::value document) const override {
    try {
      for (std::size_t i = 0; i < steps_.size(); ++i) {
        const Status status = steps_[i].operation->Apply(document);
        if (!status.ok()) {
          return status.Annotate("operation " + std::to_string(i + 1) + " (" + steps_[i].name +
                                 ")");
        }
      }
    } catch (const std::exception& e) {  // allocation failures, Boost.JSON size limits
      return Status::DataError(std::string("transform failed: ") + e.what());
    }
    return std::optional<json::value>(std::move(document));
  }

 private:
  std::vector<Step> steps_;
};

std::optional<Options> CompileOptions(const Node& operation, config::Diagnostics& diagnostics) {
  Options options;
  const std::size_t errors_before = diagnostics.size();
  for (const auto& [flag, field] :
       {std::pair{"require", &options.require}, std::pair{"inplace", &options.inplace}}) {
    if (const Node* value = operation.Find(flag)) {
      if (IsBool(*value)) {
        *field = value->scalar == "true";
      } else {
        diagnostics.Add(value->mark, "'" + std::string(flag) + "' must be true or false");
      }
    }
  }
  for (std::string_view text : {"over", "keySeparator"}) {
    if (const Node* value = operation.Find(text); value && !IsString(*value)) {
      diagnostics.Add(value->mark,
                      "'" + std::string(text) + "' must be a string" + QuoteHint(*value));
    }
  }
  if (const Node* separator = operation.Find("keySeparator");
      separator != nullptr && IsString(*separator) && !separator->scalar.empty()) {
    options.separator = separator->scalar;
  }
  if (diagnostics.size() != errors_before) {
    return std::nullopt;
  }
  return options;
}

// `over` applies only when the operation object has one of these (kazaam.md §6).
bool OverApplies(const Node& operation) {
  return std::any_of(std::begin(kOverKeys), std::end(kOverKeys),
                     [&](std::string_view key) { return operation.Find(key) != nullptr; });
}

std::optional<Step> CompileStep(const Node& operation, config::Diagnostics& diagnostics) {
  if (!operation.IsMap()) {
    diagnostics.Add(operation.mark, "each Kazaam operation must be a mapping with 'operation'");
    return std::nullopt;
  }
  for (const config::MapEntry& entry : operation.entries) {
    if (std::find(kOperationKeys.begin(), kOperationKeys.end(), entry.key) ==
        kOperationKeys.end()) {
      diagnostics.Add(entry.key_mark, "unknown key '" + entry.key + "' in a Kazaam operation" +
                                          Suggest(entry.key, kOperationKeys));
    }
  }
  const Node* name = operation.Find("operation");
  if (name == nullptr || !IsString(*name)) {
    diagnostics.Add(name ? name->mark : operation.mark,
                    "a Kazaam operation needs 'operation' (one of shift, concat, coalesce, "
                    "extract, default, delete, pass, timestamp, uuid)");
    return std::nullopt;
  }
  const auto& types = OperationTypes();
  const auto type = std::find_if(types.begin(), types.end(),
                                 [&](const OperationType& t) { return t.name == name->scalar; });
  if (type == types.end()) {
    diagnostics.Add(name->mark, "unknown Kazaam operation '" + name->scalar + "'" +
                                    Suggest(name->scalar, OperationNames()));
    return std::nullopt;
  }
  const Node* spec = operation.Find("spec");
  bool usable = true;
  if (spec == nullptr || spec->IsNull()) {
    spec = nullptr;
    if (type->name != "pass") {
      diagnostics.Add(operation.Find("spec") ? operation.Find("spec")->mark : name->mark,
                      "Kazaam operation '" + name->scalar + "' needs a 'spec' mapping");
      usable = false;
    }
  } else if (!spec->IsMap() || spec->entries.empty()) {
    diagnostics.Add(spec->mark, "'spec' must be a mapping with at least one entry");
    usable = false;
  }
  std::optional<Options> options = CompileOptions(operation, diagnostics);
  if (type->name == "coalesce" && options && options->require) {
    diagnostics.Add(operation.Find("require")->mark, "coalesce does not support 'require'");
    usable = false;
  }
  const Node* over = operation.Find("over");
  if (over != nullptr && IsString(*over) && over->scalar.find('[') != std::string::npos) {
    diagnostics.Add(over->mark, "'over' takes member names separated by '.' (or '$'), no index");
    usable = false;
  }
  if (!usable || !options) {
    return std::nullopt;
  }
  std::unique_ptr<Operation> compiled =
      type->compile(Context(type->name, spec, std::move(*options), diagnostics));
  if (compiled == nullptr) {
    return std::nullopt;
  }
  if (over != nullptr && OverApplies(operation)) {
    // Always split on '.', whatever keySeparator says (as the reference does).
    std::optional<Path> path;
    if (over->scalar != "$") {
      path = *Path::Parse(over->scalar, ".");
    }
    compiled = std::make_unique<Over>(over->scalar, std::move(path), std::move(compiled));
  }
  return Step{std::string(type->name), std::move(compiled)};
}

}  // namespace

const std::vector<std::string_view>& OperationNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> built;
    for (const OperationType& type : OperationTypes()) {
      built.push_back(type.name);
    }
    return built;
  }();
  return names;
}

std::unique_ptr<Transform> Compile(const Node& specification, config::Diagnostics& diagnostics) {
  if (specification.IsNull() || (specification.IsScalar() && specification.scalar.empty())) {
    return std::make_unique<KazaamTransform>(std::vector<Step>());  // Kazaam's "pass"
  }
  if (specification.IsScalar()) {
    std::optional<Node> parsed =
        config::ParseJsonAt(specification.scalar, specification.mark, diagnostics);
    return parsed ? Compile(*parsed, diagnostics) : nullptr;
  }
  if (!specification.IsSequence()) {
    diagnostics.Add(specification.mark,
                    "a Kazaam specification must be a list of operations (or a JSON array)");
    return nullptr;
  }
  const std::size_t errors_before = diagnostics.size();
  std::vector<Step> steps;
  for (const Node& operation : specification.items) {
    if (std::optional<Step> step = CompileStep(operation, diagnostics)) {
      steps.push_back(std::move(*step));
    }
  }
  if (diagnostics.size() != errors_before) {
    return nullptr;
  }
  return std::make_unique<KazaamTransform>(std::move(steps));
}

void CheckSpec(const Node& specification, config::Diagnostics& diagnostics) {
  (void)Compile(specification, diagnostics);
}

}  // namespace replicad::transform::kazaam
