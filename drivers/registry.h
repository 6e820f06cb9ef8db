#pragma once

// The drivers compiled into this binary, in one explicit list.

#include <string_view>
#include <vector>

#include "drivers/driver.h"

namespace replicad::drivers {

const std::vector<DriverSpec>& Registry();
const DriverSpec* FindDriver(std::string_view type);

}  // namespace replicad::drivers
