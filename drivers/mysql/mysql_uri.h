#pragma once

// MySQL/MariaDB connection URIs:
//   mysql://[user[:password]@]host[:port][/database][?key=value&...]   (also mariadb://)
// User, password and database are percent-decoded. Errors never repeat the password.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "streams/core/status.h"

namespace replicad::drivers::mysql {

struct MysqlUri {
  std::string user;
  std::string password;
  std::string host;
  int port = 3306;
  std::string database;
  std::vector<std::pair<std::string, std::string>> parameters;
};

Result<MysqlUri> ParseMysqlUri(std::string_view uri);

}  // namespace replicad::drivers::mysql
