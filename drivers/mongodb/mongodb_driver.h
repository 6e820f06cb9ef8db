#pragma once

#include "drivers/driver.h"

namespace replicad::drivers::mongodb {

// MongoDB change streams as a source, documents as a destination.
DriverSpec MongoDbSpec();
// Azure Cosmos DB for MongoDB: the same driver with Cosmos DB's change-stream limits.
DriverSpec CosmosDbSpec();

}  // namespace replicad::drivers::mongodb
