#pragma once

#include "drivers/driver.h"

namespace replicad::drivers::postgres {

// PostgreSQL: logical replication (pgoutput) as a source, SQL as a destination.
DriverSpec Spec();

}  // namespace replicad::drivers::postgres
