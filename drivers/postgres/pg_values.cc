#include "drivers/postgres/pg_values.h"

#include <boost/json/parse.hpp>
#include <charconv>
#include <cstdlib>

#include "drivers/postgres/pg_arrays.h"
#include "streams/core/base64.h"

namespace replicad::drivers::postgres {
namespace {

constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;

Status Bad(std::uint32_t type, std::string_view text) {
  return Status::DataError("cannot read '" + std::string(text.substr(0, 64)) +
                           "' as a value of type " + std::to_string(type));
}

using Storage = boost::json::storage_ptr;

Result<boost::json::value> Text(std::string_view text, const Storage& storage) {
  return boost::json::value(boost::json::string(text, storage));
}

Result<boost::json::value> Integer(std::uint32_t type, std::string_view text,
                                   const Storage& storage) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    return Text(text, storage);
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return Bad(type, text);
  }
  if (value > kMaxExactInteger || value < -kMaxExactInteger) {
    return Text(text, storage);
  }
  return boost::json::value(value, storage);
}

Result<boost::json::value> Float(std::uint32_t type, std::string_view text,
                                 const Storage& storage) {
  if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
    return Text(text, storage);
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Bad(type, text);
  }
  return boost::json::value(value, storage);
}

Result<boost::json::value> Numeric(std::string_view text, const Storage& storage) {
  if (text.find_first_of(".eE") == std::string_view::npos && text != "NaN" &&
      text.find("Infinity") == std::string_view::npos) {
    return Integer(oid::kNumeric, text, storage);
  }
  return Text(text, storage);
}

Result<boost::json::value> Bytea(std::string_view text, const Storage& storage) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) {
    return Bad(oid::kBytea, text);  // bytea_output=escape is not supported
  }
  std::string bytes;
  bytes.reserve(text.size() / 2 - 1);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
    if (error != std::errc() || end != text.data() + i + 2) {
      return Bad(oid::kBytea, text);
    }
    bytes += static_cast<char>(value);
  }
  return Text(Base64Encode(bytes), storage);
}

Result<boost::json::value> Json(std::uint32_t type, std::string_view text, const Storage& storage) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text, error, storage);
  if (error) {
    return Bad(type, text);
  }
  return value;
}

// "2026-11-22 06:00:00.123+00" -> "2026-11-22T06:00:00.123Z"; other offsets stay ISO offsets.
Result<boost::json::value> TimestampTz(std::string_view text, const Storage& storage) {
  std::string iso(text);
  if (iso.size() > 10 && iso[10] == ' ') {
    iso[10] = 'T';
  }
  if (iso.ends_with("+00")) {
    iso.replace(iso.size() - 3, 3, "Z");
  } else if (iso.size() > 3 && (iso[iso.size() - 3] == '+' || iso[iso.size() - 3] == '-')) {
    iso += ":00";
  }
  return Text(iso, storage);
}

Result<boost::json::value> Timestamp(std::string_view text, const Storage& storage) {
  std::string iso(text);
  if (iso.size() > 10 && iso[10] == ' ') {
    iso[10] = 'T';
  }
  return Text(iso, storage);
}

}  // namespace

Result<boost::json::value> TextToJson(std::uint32_t type, std::string_view text,
                                      const Storage& storage) {
  switch (type) {
    case oid::kBool:
      if (text == "t" || text == "f") {
        return boost::json::value(text == "t", storage);
      }
      return Bad(type, text);
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
      return Integer(type, text, storage);
    case oid::kFloat4:
    case oid::kFloat8:
      return Float(type, text, storage);
    case oid::kNumeric:
      return Numeric(text, storage);
    case oid::kBytea:
      return Bytea(text, storage);
    case oid::kJson:
    case oid::kJsonb:
      return Json(type, text, storage);
    case oid::kTimestampTz:
      return TimestampTz(text, storage);
    case oid::kTimestamp:
      return Timestamp(text, storage);
    default:
      if (const std::uint32_t element = ArrayElementType(type); element != 0) {
        return ArrayTextToJson(element, text);
      }
      return Text(text, storage);
  }
}

}  // namespace replicad::drivers::postgres
