#pragma once

// Rules that span several keys, run on a tree that passed the schema pass: unique ids,
// references that exist, driver roles, parseable connection strings, a stream never
// writing the table it reads, and no cycle of streams feeding each other.

#include "config/catalog.h"
#include "config/diagnostics.h"
#include "config/node.h"

namespace replicad::config {

void CheckConsistency(const Node& root, const Catalog& catalog, Diagnostics& diagnostics);

// Shell-style glob with `*` and `?` (used for collection_table filters).
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace replicad::config
