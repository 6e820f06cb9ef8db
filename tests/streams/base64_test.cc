#include "streams/core/base64.h"

#include <catch2/catch.hpp>

namespace replicad {
namespace {

TEST_CASE("base64 follows RFC 4648's test vectors") {
  CHECK(Base64Encode("").empty());
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("fooba") == "Zm9vYmE=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Encode(std::string("\x00\xff\x10", 3)) == "AP8Q");
}

}  // namespace
}  // namespace replicad
