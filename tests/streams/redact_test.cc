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

namespace replicad {
namespace {

TEST_CASE("redaction holds for the odd spellings libpq accepts") {
  for (const char* text :
       {"host=db password = hunter2 dbname=x", "host=db password= hunter2 dbname=x",
        "host=db password='it\\'s hunter2' dbname=x", "host=db password=hunter\\ 2 dbname=x",
        "postgresql://u:hun/ter2@db/x", "postgresql://u:hun%zz/ter2@db/x",
        "mongodb://u:hunt:er2@h1/x", "postgresql://db/x?password=hunter2&sslmode=require",
        "host=db PASSWORD=hunter2"}) {
    INFO(text);
    const std::string redacted = RedactCredentials(text);
    CHECK(redacted.find("hunter") == std::string::npos);
    CHECK(redacted.find("er2") == std::string::npos);
    CHECK(redacted.find("***") != std::string::npos);
  }
  CHECK(RedactCredentials("host=db password = hunter2 dbname=x") ==
        "host=db password = *** dbname=x");
}

TEST_CASE("quoted words of library errors are masked only when there is a secret") {
  CHECK(RedactQuoted("invalid option \"bogus\"\n", "host=db bogus=1") ==
        "invalid option \"bogus\"");
  CHECK(RedactQuoted("missing \"=\" after \"ter2\"", "password=hun ter2") ==
        "missing \"=\" after \"***\"");
}

}  // namespace
}  // namespace replicad
