#include "drivers/mysql/mysql_values.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>

#include "drivers/mysql/mysql_connection.h"
#include "streams/core/base64.h"

namespace replicad::drivers::mysql {
namespace {

// [+-]digits[.digits][e[+-]digits]: a literal MySQL reads as an exact number.
bool IsNumberText(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    return i - from;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    ++i;
  }
  std::size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == text.size();
}

std::string DoubleText(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

Result<std::string> Number(const boost::json::value& value, std::string_view column_type) {
  switch (value.kind()) {
    case boost::json::kind::int64:
      return std::to_string(value.get_int64());
    case boost::json::kind::uint64:
      return std::to_string(value.get_uint64());
    case boost::json::kind::double_:
      return DoubleText(value.get_double());
    case boost::json::kind::bool_:
      return std::string(value.get_bool() ? "1" : "0");
    case boost::json::kind::string:
      if (IsNumberText(value.get_string())) {
        return std::string(value.get_string());
      }
      break;
    default:
      break;
  }
  return Status::DataError("a " + std::string(column_type) + " column cannot hold " +
                           boost::json::serialize(value));
}

Result<std::string> Text(const boost::json::value& value, std::string_view) {
  if (value.is_string()) {
    return QuoteString(value.get_string());
  }
  return QuoteString(boost::json::serialize(value));
}

Result<std::string> Binary(const boost::json::value& value, std::string_view) {
  std::optional<std::string> bytes;
  if (value.is_string()) {
    bytes = Base64Decode(value.get_string());
  }
  if (!bytes) {
    return Status::DataError("a binary column takes base64 text, not " +
                             boost::json::serialize(value).substr(0, 64));
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string literal = "X'";
  for (unsigned char byte : *bytes) {
    literal += kHex[byte >> 4];
    literal += kHex[byte & 15];
  }
  return literal + "'";
}

Result<std::string> Json(const boost::json::value& value, std::string_view) {
  if (value.is_string()) {
    boost::system::error_code error;
    (void)boost::json::parse(value.get_string(), error);
    if (!error) {
      return QuoteString(value.get_string());  // already JSON text
    }
  }
  return QuoteString(boost::json::serialize(value));
}

Result<std::string> Bit(const boost::json::value& value, std::string_view) {
  if (!value.is_string()) {
    return Number(value, "bit");
  }
  const std::string_view bits = value.get_string();
  if (bits.empty() || bits.find_first_not_of("01") != std::string_view::npos) {
    return Status::DataError("a bit column takes a string of 0 and 1 digits, not " +
                             boost::json::serialize(value).substr(0, 64));
  }
  return "b'" + std::string(bits) + "'";
}

// A SET column takes a list of its members as one comma-separated string.
Result<std::string> SetMembers(const boost::json::value& value, std::string_view type) {
  if (!value.is_array()) {
    return Text(value, type);
  }
  std::string members;
  for (const boost::json::value& member : value.get_array()) {
    members += (members.empty() ? "" : ",") + (member.is_string() ? std::string(member.get_string())
                                                                  : boost::json::serialize(member));
  }
  return QuoteString(members);
}

bool ReadInt(std::string_view text, std::size_t at, std::size_t length, int* out) {
  if (at + length > text.size()) {
    return false;
  }
  for (std::size_t i = at; i < at + length; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  std::from_chars(text.data() + at, text.data() + at + length, *out);
  return true;
}

}  // namespace

std::optional<std::string> MysqlDatetime(std::string_view iso) {
  int year, month, day, hour, minute, second;
  if (!ReadInt(iso, 0, 4, &year) || iso.size() < 19 || iso[4] != '-' ||
      !ReadInt(iso, 5, 2, &month) || iso[7] != '-' || !ReadInt(iso, 8, 2, &day) ||
      (iso[10] != 'T' && iso[10] != ' ') || !ReadInt(iso, 11, 2, &hour) || iso[13] != ':' ||
      !ReadInt(iso, 14, 2, &minute) || iso[16] != ':' || !ReadInt(iso, 17, 2, &second)) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::string fraction;
  if (at < iso.size() && iso[at] == '.') {
    while (++at < iso.size() && std::isdigit(static_cast<unsigned char>(iso[at]))) {
      fraction += iso[at];
    }
    if (fraction.empty() || fraction.size() > 6) {
      return std::nullopt;  // the server says what it makes of it
    }
    fraction.resize(6, '0');
  }
  int offset_minutes = 0;
  if (at < iso.size() && iso[at] == 'Z') {
    ++at;
  } else if (at < iso.size() && (iso[at] == '+' || iso[at] == '-')) {
    const int sign = iso[at] == '-' ? -1 : 1;
    int hours = 0, minutes = 0;
    if (!ReadInt(iso, at + 1, 2, &hours)) {
      return std::nullopt;
    }
    at += 3;
    if (at < iso.size() && iso[at] == ':') {
      ++at;
    }
    if (at < iso.size()) {
      if (!ReadInt(iso, at, 2, &minutes)) {
        return std::nullopt;
      }
      at += 2;
    }
    offset_minutes = sign * (hours * 60 + minutes);
  }
  if (at != iso.size()) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year}, std::chrono::month(month),
                            std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const sys_seconds local = sys_days{date} + hours{hour} + minutes{minute} + seconds{second};
  const sys_seconds utc = local - minutes{offset_minutes};
  const sys_days utc_day = floor<days>(utc);
  const year_month_day utc_date{utc_day};
  const hh_mm_ss clock{utc - utc_day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", int{utc_date.year()},
                unsigned{utc_date.month()}, unsigned{utc_date.day()},
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return fraction.empty() ? std::string(text) : std::string(text) + "." + fraction;
}

namespace {

Result<std::string> Datetime(const boost::json::value& value, std::string_view type) {
  if (!value.is_string()) {
    return Text(value, type);
  }
  const std::optional<std::string> datetime = MysqlDatetime(value.get_string());
  return QuoteString(datetime ? std::string_view(*datetime) : std::string_view(value.get_string()));
}

using Converter = Result<std::string> (*)(const boost::json::value&, std::string_view);

// By the type's name: COLUMN_TYPE up to its first '(' or ' '. Types not listed (date, time,
// enum, text, geometry, ...) take text and the server judges it.
Converter ConverterFor(std::string_view column_type) {
  std::string type;
  for (char c : column_type.substr(0, column_type.find_first_of("( "))) {
    type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const std::map<std::string, Converter, std::less<>> kByType = {
      {"json", Json},          {"tinyint", Number},  {"smallint", Number},
      {"mediumint", Number},   {"int", Number},      {"integer", Number},
      {"bigint", Number},      {"decimal", Number},  {"numeric", Number},
      {"dec", Number},         {"fixed", Number},    {"year", Number},
      {"float", Number},       {"double", Number},   {"real", Number},
      {"bool", Number},        {"boolean", Number},  {"binary", Binary},
      {"varbinary", Binary},   {"tinyblob", Binary}, {"blob", Binary},
      {"mediumblob", Binary},  {"longblob", Binary}, {"datetime", Datetime},
      {"timestamp", Datetime}, {"bit", Bit},         {"set", SetMembers},
  };
  const auto it = kByType.find(type);
  return it == kByType.end() ? Text : it->second;
}

}  // namespace

Result<std::string> SqlValue(const boost::json::value& value, std::string_view column_type) {
  if (value.is_null()) {
    return std::string("NULL");
  }
  return ConverterFor(column_type)(value, column_type);
}

}  // namespace replicad::drivers::mysql
