#pragma once

#include "drivers/driver.h"

namespace replicad::drivers::mysql {

// MySQL and MariaDB: row-based binlog as a source, SQL as a destination.
DriverSpec Spec();

}  // namespace replicad::drivers::mysql
