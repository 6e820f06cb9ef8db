#include "streams/core/redact.h"

#include <catch2/catch.hpp>

namespace replicad {
namespace {

TEST_CASE("credentials are removed from connection strings") {
  CHECK(RedactCredentials("postgresql://repl:s3cret@db1:5432/shop?sslmode=require") ==
        "postgresql://repl:***@db1:5432/shop?sslmode=require");
  CHECK(RedactCredentials("mysql://root:p%40ss@10.0.0.1/x") == "mysql://root:***@10.0.0.1/x");
  CHECK(RedactCredentials("host=db1 user=repl password=s3cret dbname=shop") ==
        "host=db1 user=repl password=*** dbname=shop");
  CHECK(RedactCredentials("host=db1 password='a b c' dbname=shop") ==
        "host=db1 password=*** dbname=shop");
  CHECK(RedactCredentials("mongodb://h/?authSource=admin&client_secret=xyz&tls=true") ==
        "mongodb://h/?authSource=admin&client_secret=***&tls=true");
  CHECK(RedactCredentials("postgresql://repl@db1/shop") == "postgresql://repl@db1/shop");
  CHECK(RedactCredentials("no secrets here") == "no secrets here");
}

}  // namespace
}  // namespace replicad
