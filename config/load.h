#pragma once

// Loading a config file: read → parse YAML (interpolating ${...}) → schema pass (unknown
// keys, types, ranges, defaults) → consistency rules → typed model. Every problem is
// collected; a config is returned only when there are none.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "config/catalog.h"
#include "config/diagnostics.h"
#include "config/interpolate.h"
#include "config/model.h"

namespace replicad::config {

// `file` names the text in diagnostics. Returns nullopt iff `diagnostics` is not empty.
std::optional<Config> LoadConfigText(std::string_view text, std::string file,
                                     const Catalog& catalog, const Environment& environment,
                                     Diagnostics& diagnostics);

// Reads `path` first; an unreadable file is a diagnostic too.
std::optional<Config> LoadConfigFile(const std::string& path, const Catalog& catalog,
                                     const Environment& environment, Diagnostics& diagnostics);

// The effective config as YAML: defaults filled in (commented "# default"), every secret,
// interpolated value and connection-string password shown as ***.
std::string PrintEffective(const Node& tree);

// The same as JSON (scalars as strings), masked alike: for the HTTP API.
boost::json::value MaskedJson(const Node& tree);

// The Markdown config reference, generated from the schema and the catalog.
std::string ConfigReference(const Catalog& catalog);

}  // namespace replicad::config
