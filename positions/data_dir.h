#pragma once

// The data dir: one RocksDB database holding every stream's positions, checkpoint history
// and dead letters. One process owns it at a time.

#include <memory>
#include <string>

#include "positions/dead_letter_store.h"
#include "positions/store.h"

namespace replicad::positions {

struct DataDir {
  std::unique_ptr<PositionStore> positions;
  std::unique_ptr<DeadLetterStore> dead_letters;
};

// Opens (creating if needed) the data dir. FailedPrecondition if another process holds it.
Result<DataDir> OpenDataDir(const std::string& directory, StoreOptions options = {});

// Opens an existing data dir to read it, also while a daemon holds it (a consistent view as
// of opening). NotFound when `directory` holds no store; writes fail.
Result<DataDir> OpenDataDirReadOnly(const std::string& directory);

}  // namespace replicad::positions
