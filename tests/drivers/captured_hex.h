#pragma once

// Messages captured from a real server by the capture_*.sh scripts: one hex line each.

#include <fstream>
#include <string>
#include <vector>

namespace replicad::drivers {

inline std::vector<std::string> ReadCapturedHex(const std::string& name) {
  std::ifstream in(std::string(REPLICAD_SOURCE_DIR) + "/tests/drivers/testdata/" + name);
  std::vector<std::string> messages;
  std::string hex;
  while (std::getline(in, hex)) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    messages.push_back(bytes);
  }
  return messages;
}

}  // namespace replicad::drivers
