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

TEST_CASE("base64 decodes what it encodes and rejects what is not base64") {
  for (const char* text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    CHECK(Base64Decode(Base64Encode(text)) == std::string(text));
  }
  std::string all;
  for (int c = 0; c < 256; ++c) {
    all += static_cast<char>(c);
  }
  CHECK(Base64Decode(Base64Encode(all)) == all);
  CHECK_FALSE(Base64Decode("abc"));
  CHECK_FALSE(Base64Decode("ab!d"));
}

}  // namespace
}  // namespace replicad
