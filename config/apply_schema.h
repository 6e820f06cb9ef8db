#pragma once

// The schema pass over a parsed config tree: rejects unknown keys (with "did you mean"),
// reports missing required keys, checks every value's type and range, marks credentials
// secret, and inserts declared defaults (marked `defaulted`). Entries end up in declared
// order so printouts read like the reference.

#include "config/catalog.h"
#include "config/diagnostics.h"
#include "config/node.h"
#include "config/schema.h"

namespace replicad::config {

void ApplySchema(Node& root, const Catalog& catalog, Diagnostics& diagnostics);

// Applies one section to a map node (exposed for drivers' option maps and tests).
void ApplySection(Node& node, const Section& section, const Catalog& catalog,
                  Diagnostics& diagnostics);

// Parsers shared by the schema pass and the typed model; nullopt when malformed.
std::optional<bool> ParseBool(std::string_view text);
std::optional<std::int64_t> ParseInt(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);

}  // namespace replicad::config
