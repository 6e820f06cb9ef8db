#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "positions/checkpoint_codec.h"

namespace replicad::positions {
namespace {

// The golden record of format v1. It shipped; it must decode forever.
Checkpoint GoldenCheckpoint() {
  return Checkpoint{
      "postgres", Position{"0/16B3748"},
      std::chrono::system_clock::time_point(std::chrono::microseconds(1'795'330'800'123'456)), 1234,
      7};
}

std::string ReadHex(const std::string& path) {
  std::ifstream in(path);
  std::string bytes, hex;
  while (in >> hex) {
    bytes += static_cast<char>(std::stoi(hex, nullptr, 16));
  }
  return bytes;
}

const std::string kGolden =
    std::string(REPLICAD_SOURCE_DIR) + "/tests/positions/testdata/checkpoint_v1.hex";

TEST_CASE("format v1 golden record decodes and encodes byte for byte") {
  const std::string golden = ReadHex(kGolden);
  REQUIRE_FALSE(golden.empty());
  Result<Checkpoint> decoded = DecodeCheckpoint(golden);
  REQUIRE(decoded.ok());
  CHECK(*decoded == GoldenCheckpoint());
  CHECK(EncodeCheckpoint(GoldenCheckpoint()) == golden);
}

TEST_CASE("every truncation and every flipped bit is detected") {
  const std::string record = EncodeCheckpoint(GoldenCheckpoint());
  for (std::size_t length = 0; length < record.size(); ++length) {
    CHECK(DecodeCheckpoint(record.substr(0, length)).status().code() == StatusCode::kCorruption);
  }
  for (std::size_t bit = 0; bit < record.size() * 8; ++bit) {
    std::string damaged = record;
    damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
    CHECK(DecodeCheckpoint(damaged).status().code() == StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace replicad::positions
