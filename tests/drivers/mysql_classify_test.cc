// MySQL error classification and the value conversion of the MySQL/MariaDB sink.

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "drivers/batch_writer.h"
#include "drivers/mysql/mysql_connection.h"
#include "drivers/mysql/mysql_values.h"

namespace replicad::drivers::mysql {
namespace {

TEST_CASE("MySQL errors are classified by number, which becomes the native code") {
  const std::pair<unsigned, StatusCode> table[] = {
      {2002, StatusCode::kUnavailable},
      {2003, StatusCode::kUnavailable},
      {2005, StatusCode::kUnavailable},
      {2006, StatusCode::kUnavailable},
      {2013, StatusCode::kUnavailable},
      {2055, StatusCode::kUnavailable},
      {1205, StatusCode::kUnavailable},
      {1213, StatusCode::kUnavailable},
      {1040, StatusCode::kUnavailable},
      {1053, StatusCode::kUnavailable},
      {1927, StatusCode::kUnavailable},
      {1048, StatusCode::kDataError},
      {1062, StatusCode::kDataError},
      {1586, StatusCode::kDataError},
      {1264, StatusCode::kDataError},
      {1265, StatusCode::kDataError},
      {1292, StatusCode::kDataError},
      {1366, StatusCode::kDataError},
      {1367, StatusCode::kDataError},
      {1406, StatusCode::kDataError},
      {1451, StatusCode::kDataError},
      {1452, StatusCode::kDataError},
      {3819, StatusCode::kDataError},
      {4025, StatusCode::kDataError},
      {4078, StatusCode::kDataError},
      {3140, StatusCode::kDataError},
      {1044, StatusCode::kFailedPrecondition},
      {1045, StatusCode::kFailedPrecondition},
      {1142, StatusCode::kFailedPrecondition},
      {1143, StatusCode::kFailedPrecondition},
      {1227, StatusCode::kFailedPrecondition},
      {1049, StatusCode::kFailedPrecondition},
      {1146, StatusCode::kFailedPrecondition},
      {1054, StatusCode::kFailedPrecondition},
      {1236, StatusCode::kFailedPrecondition},
      {1064, StatusCode::kInternal},
      {1, StatusCode::kInternal},
  };
  for (const auto& [number, code] : table) {
    const Status status = ClassifyMysqlError(number, "boom", "writing");
    INFO(number);
    CHECK(status.code() == code);
    CHECK(status.native_code() == std::to_string(number));
    CHECK(status.message() == "writing: boom (MySQL error " + std::to_string(number) + ")");
    CHECK(status.Annotate("batch").native_code() == std::to_string(number));
  }
}

TEST_CASE("identifiers and strings are quoted for MySQL") {
  CHECK(QuoteIdentifier("a`b") == "`a``b`");
  CHECK(QuoteString("it's") == R"('it\'s')");
  CHECK(QuoteString(std::string("a\\b\"\n\r\x1a\0z", 9)) == R"('a\\b\"\n\r\Z\0z')");
  CHECK(QuoteString("é 😀") == "'é 😀'");
}

std::string Sql(const char* json, std::string_view type) {
  Result<std::string> sql = SqlValue(boost::json::parse(json), type);
  INFO(json << " as " << type << ": " << sql.status().ToString());
  REQUIRE(sql.ok());
  return *sql;
}

Status Failure(const char* json, std::string_view type) {
  Result<std::string> sql = SqlValue(boost::json::parse(json), type);
  REQUIRE_FALSE(sql.ok());
  return sql.status();
}

TEST_CASE("values become literals by the target column's type") {
  CHECK(Sql("null", "int(11)") == "NULL");
  CHECK(Sql("null", "json") == "NULL");
  // Numbers: exact, never through double for strings.
  CHECK(Sql("42", "int(11)") == "42");
  CHECK(Sql("-9223372036854775808", "bigint(20)") == "-9223372036854775808");
  CHECK(Sql("18446744073709551615", "bigint(20) unsigned") == "18446744073709551615");
  CHECK(Sql(R"("18446744073709551615")", "bigint(20) unsigned") == "18446744073709551615");
  CHECK(Sql(R"("12345678901234567890.123456789")", "decimal(40,9)") ==
        "12345678901234567890.123456789");
  CHECK(Sql("0.1", "decimal(5,2)") == "0.1");
  CHECK(Sql("1.5", "double") == "1.5");
  CHECK(Sql("1e300", "double") == "1e+300");
  CHECK(Sql(R"("-1.25E-3")", "float") == "-1.25E-3");
  CHECK(Sql("true", "tinyint(1)") == "1");
  CHECK(Sql("false", "tinyint(1)") == "0");
  CHECK(Sql("true", "bit(1)") == "1");
  CHECK(Sql(R"("0101")", "bit(4)") == "b'0101'");
  CHECK(Sql("2026", "year(4)") == "2026");
  // Text.
  CHECK(Sql(R"("it's")", "varchar(10)") == R"('it\'s')");
  CHECK(Sql(R"({"a":[1,2]})", "text") == R"('{\"a\":[1,2]}')");
  CHECK(Sql("[1,2]", "varchar(20)") == "'[1,2]'");
  CHECK(Sql("7", "varchar(20)") == "'7'");
  CHECK(Sql(R"("0b7c3a3e-6e8f-4f5b-9d3c-1a2b3c4d5e6f")", "char(36)") ==
        "'0b7c3a3e-6e8f-4f5b-9d3c-1a2b3c4d5e6f'");
  CHECK(Sql(R"(["a","b"])", "set('a','b','c')") == "'a,b'");
  CHECK(Sql(R"("b")", "enum('a','b')") == "'b'");
  CHECK(Sql(R"("2026-01-02")", "date") == "'2026-01-02'");
  CHECK(Sql(R"("03:04:05.5")", "time(1)") == "'03:04:05.5'");
  // JSON: documents serialized, JSON text as it is, other strings as JSON strings.
  CHECK(Sql(R"({"k":[1,"x"]})", "json") == R"('{\"k\":[1,\"x\"]}')");
  CHECK(Sql(R"("{\"k\":1}")", "json") == R"('{\"k\":1}')");
  CHECK(Sql(R"("plain")", "json") == R"('\"plain\"')");
  CHECK(Sql("3", "json") == "'3'");
  // Binary: base64 in, hex literal out.
  CHECK(Sql(R"("AP8Q")", "varbinary(16)") == "X'00FF10'");
  CHECK(Sql(R"("")", "blob") == "X''");
  CHECK(Sql(R"("AP8QXA==")", "longblob") == "X'00FF105C'");
  // Timestamps: UTC, the fraction kept to microseconds.
  CHECK(Sql(R"("2026-01-02T03:04:05.123456Z")", "datetime(6)") == "'2026-01-02 03:04:05.123456'");
  CHECK(Sql(R"("2026-01-02T01:04:05+02:00")", "timestamp") == "'2026-01-01 23:04:05'");
  CHECK(Sql(R"("2026-01-01T23:30:00.5-01:00")", "datetime(3)") == "'2026-01-02 00:30:00.500000'");
  CHECK(Sql(R"("2026-01-02 03:04:05")", "datetime") == "'2026-01-02 03:04:05'");
  CHECK(Sql(R"("2026-02-30 03:04:05")", "datetime") == "'2026-02-30 03:04:05'");  // server: 1292
}

TEST_CASE("ISO-8601 timestamps convert to MySQL's UTC text") {
  CHECK(MysqlDatetime("2024-02-29T23:59:59.9+05:30") == "2024-02-29 18:29:59.900000");
  CHECK(MysqlDatetime("2024-03-01T00:10:00+01") == "2024-02-29 23:10:00");
  CHECK(MysqlDatetime("2026-12-31T23:00:00-0130") == "2027-01-01 00:30:00");
  CHECK(MysqlDatetime("2026-01-02T03:04:05") == "2026-01-02 03:04:05");
  CHECK_FALSE(MysqlDatetime("2026-01-02"));
  CHECK_FALSE(MysqlDatetime("infinity"));
  CHECK_FALSE(MysqlDatetime("2026-01-02T03:04:05.1234567Z"));
  CHECK_FALSE(MysqlDatetime("2026-13-02T03:04:05Z"));
  CHECK_FALSE(MysqlDatetime("2026-01-02T03:04:05Zjunk"));
}

TEST_CASE("values no literal can carry are data errors") {
  for (const char* type : {"double", "float", "decimal(10,2)"}) {
    for (const char* value : {R"("NaN")", R"("Infinity")", R"("-Infinity")"}) {
      CHECK(Failure(value, type).code() == StatusCode::kDataError);
    }
  }
  CHECK(Failure(R"("12abc")", "int(11)").code() == StatusCode::kDataError);
  CHECK(Failure(R"("")", "bigint(20)").code() == StatusCode::kDataError);
  CHECK(Failure(R"({"a":1})", "int(11)").code() == StatusCode::kDataError);
  CHECK(Failure(R"("not base64!")", "blob").code() == StatusCode::kDataError);
  CHECK(Failure("12", "varbinary(4)").code() == StatusCode::kDataError);
  CHECK(Failure(R"("0102")", "bit(4)").code() == StatusCode::kDataError);
  CHECK(Failure(R"("yes")", "tinyint(1)").code() == StatusCode::kDataError);
}

TEST_CASE("the destination table template takes the source's schema and table") {
  const SourceInfo source{"postgres", "shop", "public", "orders"};
  const TableName plain = ApplyTableTemplate("{table}", source);
  CHECK(plain.schema.empty());
  CHECK(plain.table == "orders");
  const TableName qualified = ApplyTableTemplate("archive.{schema}_{table}", source);
  CHECK(qualified.schema == "archive");
  CHECK(qualified.table == "public_orders");
  CHECK(MakeWriterOptions("append", {}).mode == WriteMode::kAppend);
  CHECK(MakeWriterOptions("snapshot", {"x_{table}"}).table_template == "x_{table}");
  CHECK(MakeWriterOptions("", {}).mode == WriteMode::kUpsert);
}

}  // namespace
}  // namespace replicad::drivers::mysql
