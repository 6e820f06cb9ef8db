#include "drivers/mysql/binlog_values.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "streams/core/base64.h"

namespace replicad::drivers::mysql {

namespace {

constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;

void AppendPadded(std::uint64_t value, std::size_t width, std::string& out) {
  const std::string digits = std::to_string(value);
  out.append(width - std::min(digits.size(), width), '0');
  out += digits;
}

Status Truncated() { return Status::Corruption("value runs past the end of the row image"); }

std::uint64_t BigEndian(std::span<const std::uint8_t> bytes) {
  std::uint64_t value = 0;
  for (std::uint8_t byte : bytes) {
    value = (value << 8) | byte;
  }
  return value;
}

boost::json::value Signed(std::int64_t value) {
  if (value > kMaxExactInteger || value < -kMaxExactInteger) {
    return JsonString(std::to_string(value));
  }
  return value;
}

boost::json::value Unsigned(std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(kMaxExactInteger)) {
    return JsonString(std::to_string(value));
  }
  return static_cast<std::int64_t>(value);
}

std::size_t IntegerWidth(std::uint8_t type) {
  switch (type) {
    case field::kTiny:
      return 1;
    case field::kShort:
      return 2;
    case field::kInt24:
      return 3;
    case field::kLong:
      return 4;
    default:
      return 8;
  }
}

Result<boost::json::value> Integer(const Column& column, ByteReader& in) {
  const std::size_t width = IntegerWidth(column.type);
  std::uint64_t raw = 0;
  if (!in.ReadUint(width, &raw)) {
    return Truncated();
  }
  if (column.is_unsigned) {
    return Unsigned(raw);
  }
  const int unused = 64 - static_cast<int>(width) * 8;
  return Signed(static_cast<std::int64_t>(raw << unused) >> unused);
}

boost::json::value Real(double value) {
  if (!std::isfinite(value)) {
    return JsonString(std::isnan(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
  }
  return value;
}

Result<boost::json::value> Floating(const Column& column, ByteReader& in) {
  std::uint64_t raw = 0;
  if (column.type == field::kDouble) {
    if (!in.ReadUint(8, &raw)) {
      return Truncated();
    }
    return Real(std::bit_cast<double>(raw));
  }
  if (!in.ReadUint(4, &raw)) {
    return Truncated();
  }
  // The shortest text that reads back as the same float, read as a double: FLOAT 0.1 becomes
  // 0.1 rather than 0.10000000149011612.
  const float value = std::bit_cast<float>(static_cast<std::uint32_t>(raw));
  if (!std::isfinite(value)) {
    return Real(value);
  }
  char text[32];
  const auto printed = std::to_chars(text, text + sizeof text, value);
  double widened = value;
  std::from_chars(text, printed.ptr, widened);
  return boost::json::value(widened);
}

Result<boost::json::value> Bit(const Column& column, ByteReader& in) {
  const unsigned bits = (column.meta >> 8) * 8 + (column.meta & 0xff);
  std::span<const std::uint8_t> bytes;
  if (bits > 64 || !in.ReadBytes((bits + 7) / 8, &bytes)) {
    return Status::Corruption("bad BIT value");
  }
  const std::uint64_t value = BigEndian(bytes);
  std::string digits(bits, '0');
  for (unsigned i = 0; i < bits; ++i) {
    if ((value >> i) & 1) {
      digits[bits - 1 - i] = '1';
    }
  }
  return JsonString(digits);
}

bool IsLatin1(std::uint32_t collation) {
  switch (collation) {
    case 5:
    case 8:
    case 15:
    case 31:
    case 47:
    case 48:
    case 49:
    case 94:
      return true;
    default:
      return false;
  }
}

// MySQL's latin1 is Windows-1252: 0x80-0x9f are mostly typographic characters.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178};

void AppendUtf8(char32_t code, std::string& out) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

std::size_t Utf8SequenceLength(std::uint8_t lead) {
  if (lead < 0x80) {
    return 1;
  }
  if (lead < 0xc2 || lead > 0xf4) {
    return 0;
  }
  return lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    const std::size_t length = Utf8SequenceLength(lead);
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    char32_t code = length == 1 ? lead : lead & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xc0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3f);
    }
    const char32_t smallest = length == 3 ? 0x800 : length == 4 ? 0x10000 : 0;
    if (code < smallest || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

// A character column's bytes as JSON: base64 for binary, UTF-8 text otherwise.
Result<boost::json::value> Text(const Column& column, std::span<const std::uint8_t> bytes) {
  const std::string_view text = AsText(bytes);
  if (column.charset == 63 || (column.charset == 0 && !IsValidUtf8(text))) {
    return JsonString(Base64Encode(text));
  }
  ASSIGN_OR_RETURN(std::string utf8, TextToUtf8(text, column.charset));
  return JsonString(utf8);
}

// CHAR(n)/BINARY(n): the length in bytes, from the metadata whose first byte keeps the real
// type with two bits of the length folded in (for lengths over 255).
std::uint32_t CharLength(std::uint16_t meta) {
  const std::uint32_t high = meta >> 8;
  const std::uint32_t extra = ((high & 0x30) ^ 0x30) << 4;
  return (meta & 0xff) | extra;
}

Result<boost::json::value> FixedString(const Column& column, ByteReader& in) {
  const std::uint32_t max_length = CharLength(column.meta);
  std::uint64_t length = 0;
  std::span<const std::uint8_t> bytes;
  if (!in.ReadUint(max_length > 255 ? 2 : 1, &length) || length > max_length ||
      !in.ReadBytes(length, &bytes)) {
    return Status::Corruption("bad CHAR value");
  }
  if (column.charset == 63 && length < max_length) {
    std::string padded(AsText(bytes));
    padded.resize(max_length, '\0');
    return JsonString(Base64Encode(padded));
  }
  return Text(column, bytes);
}

// A value behind a little-endian length of `prefix` bytes: VARCHAR, BLOB, GEOMETRY, JSON.
Result<std::span<const std::uint8_t>> Prefixed(std::size_t prefix, ByteReader& in) {
  std::uint64_t length = 0;
  std::span<const std::uint8_t> bytes;
  if (prefix < 1 || prefix > 4 || !in.ReadUint(prefix, &length) || !in.ReadBytes(length, &bytes)) {
    return Status::Corruption("bad length-prefixed value");
  }
  return bytes;
}

Result<boost::json::value> EnumOrSet(const Column& column, ByteReader& in) {
  std::uint64_t raw = 0;
  const std::size_t width = column.meta & 0xff;
  if (width < 1 || width > 8 || !in.ReadUint(width, &raw)) {
    return Status::Corruption("bad ENUM/SET value");
  }
  const std::vector<std::string>& names = column.enum_values;
  if (names.empty()) {
    return Unsigned(raw);
  }
  if (column.type == field::kEnum) {
    if (raw > names.size()) {
      return Status::Corruption("ENUM index " + std::to_string(raw) + " out of range");
    }
    return JsonString(raw == 0 ? std::string() : names[raw - 1]);
  }
  std::string members;
  for (std::size_t bit = 0; bit < 64 && (raw >> bit) != 0; ++bit) {
    if (((raw >> bit) & 1) == 0) {
      continue;
    }
    if (bit >= names.size()) {
      return Status::Corruption("SET bit " + std::to_string(bit) + " out of range");
    }
    members += (members.empty() ? "" : ",") + names[bit];
  }
  return JsonString(members);
}

struct DateTime {
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::uint32_t micros = 0;
};

enum class DateKind { kDate, kDatetime, kTimestamp };

// DATE, DATETIME or TIMESTAMP text, or null for a zero or partly zero date.
Result<boost::json::value> FormatDateTime(const DateTime& t, int precision, DateKind kind) {
  if (t.month == 0 || t.day == 0) {
    return boost::json::value(nullptr);
  }
  if (t.month > 12 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 59 ||
      t.micros > 999999) {
    return Status::Corruption("invalid date and time");
  }
  std::string text = FormatDate(t.year, t.month, t.day);
  if (kind != DateKind::kDate) {
    text += "T" + FormatClock(false, t.hour, t.minute, t.second, t.micros, precision);
  }
  if (kind == DateKind::kTimestamp) {
    text += 'Z';
  }
  return JsonString(text);
}

// Seconds since the epoch -> UTC calendar date and time (proleptic Gregorian).
DateTime FromEpoch(std::uint64_t seconds, std::uint32_t micros) {
  DateTime t;
  const std::int64_t days = static_cast<std::int64_t>(seconds / 86400);
  const std::uint64_t clock = seconds % 86400;
  t.hour = clock / 3600;
  t.minute = clock / 60 % 60;
  t.second = clock % 60;
  t.micros = micros;
  // Counted from 0000-03-01 so that the leap day ends each 4/100/400-year cycle.
  const std::int64_t shifted = days + 719468;
  const std::int64_t era = shifted / 146097;
  const std::int64_t day_of_era = shifted - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
  t.day = day_of_year - (153 * month_index + 2) / 5 + 1;
  t.month = month_index < 10 ? month_index + 3 : month_index - 9;
  t.year = year_of_era + era * 400 + (t.month <= 2 ? 1 : 0);
  return t;
}

// The fractional part of DATETIME2/TIMESTAMP2: big-endian, (fsp + 1) / 2 bytes.
bool ReadFraction(int precision, ByteReader& in, std::int64_t* micros) {
  std::span<const std::uint8_t> bytes;
  if (!in.ReadBytes((precision + 1) / 2, &bytes)) {
    return false;
  }
  static constexpr std::int64_t kScale[] = {1, 10000, 100, 1};
  *micros = static_cast<std::int64_t>(BigEndian(bytes)) * kScale[bytes.size()];
  return true;
}

Result<boost::json::value> Temporal2(const Column& column, ByteReader& in) {
  const int precision = column.meta;
  std::span<const std::uint8_t> bytes;
  const std::size_t width = column.type == field::kTimestamp2  ? 4
                            : column.type == field::kDatetime2 ? 5
                                                               : 3;
  if (precision > 6 || !in.ReadBytes(width, &bytes)) {
    return Status::Corruption("bad temporal value");
  }
  const std::uint64_t whole = BigEndian(bytes);
  std::int64_t micros = 0;
  if (column.type == field::kTime2) {
    // Sign-offset packing of (hh:mm:ss << 24) + microseconds; a negative value's fraction is
    // stored as its complement, hence the borrow.
    std::int64_t packed = static_cast<std::int64_t>(whole) - 0x800000;
    if (precision > 4) {
      std::span<const std::uint8_t> low;
      if (!in.ReadBytes(3, &low)) {
        return Truncated();
      }
      packed = static_cast<std::int64_t>((whole << 24) | BigEndian(low)) - 0x800000000000;
    } else if (precision > 0) {
      const std::size_t fraction_bytes = (precision + 1) / 2;
      std::span<const std::uint8_t> low;
      if (!in.ReadBytes(fraction_bytes, &low)) {
        return Truncated();
      }
      std::int64_t fraction = static_cast<std::int64_t>(BigEndian(low));
      if (packed < 0 && fraction != 0) {
        ++packed;
        fraction -= std::int64_t{1} << (8 * fraction_bytes);
      }
      packed = packed * (std::int64_t{1} << 24) + fraction * (fraction_bytes == 1 ? 10000 : 100);
    } else {
      packed *= std::int64_t{1} << 24;
    }
    const bool negative = packed < 0;
    const std::uint64_t magnitude = negative ? -static_cast<std::uint64_t>(packed) : packed;
    const std::uint64_t hms = magnitude >> 24;
    const unsigned minute = (hms >> 6) & 63, second = hms & 63;
    if (minute > 59 || second > 59 || (magnitude & 0xffffff) > 999999) {
      return Status::Corruption("invalid TIME value");
    }
    return JsonString(
        FormatClock(negative, (hms >> 12) & 1023, minute, second, magnitude & 0xffffff, precision));
  }
  if (!ReadFraction(precision, in, &micros)) {
    return Truncated();
  }
  if (column.type == field::kTimestamp2) {
    if (whole == 0 && micros == 0) {
      return boost::json::value(nullptr);
    }
    return FormatDateTime(FromEpoch(whole, micros), precision, DateKind::kTimestamp);
  }
  if (whole < 0x8000000000) {
    return Status::Corruption("negative DATETIME value");
  }
  const std::uint64_t packed = whole - 0x8000000000;
  const std::uint64_t ymd = packed >> 17, hms = packed & 0x1ffff, year_month = ymd >> 5;
  DateTime t{static_cast<unsigned>(year_month / 13), static_cast<unsigned>(year_month % 13),
             static_cast<unsigned>(ymd & 31),        static_cast<unsigned>(hms >> 12),
             static_cast<unsigned>((hms >> 6) & 63), static_cast<unsigned>(hms & 63),
             static_cast<std::uint32_t>(micros)};
  return FormatDateTime(t, precision, DateKind::kDatetime);
}

// DATE, YEAR and the temporal types from before MySQL 5.6 (TIME, DATETIME, TIMESTAMP).
Result<boost::json::value> Temporal(const Column& column, ByteReader& in) {
  std::uint64_t raw = 0;
  const std::size_t width = column.type == field::kDate       ? 3
                            : column.type == field::kTime     ? 3
                            : column.type == field::kDatetime ? 8
                            : column.type == field::kYear     ? 1
                                                              : 4;
  if (!in.ReadUint(width, &raw)) {
    return Truncated();
  }
  switch (column.type) {
    case field::kYear:
      return boost::json::value(raw == 0 ? 0 : 1900 + static_cast<std::int64_t>(raw));
    case field::kDate: {
      const DateTime t{static_cast<unsigned>(raw >> 9), static_cast<unsigned>((raw >> 5) & 15),
                       static_cast<unsigned>(raw & 31)};
      return FormatDateTime(t, 0, DateKind::kDate);
    }
    case field::kTime: {
      const std::int64_t hhmmss = static_cast<std::int64_t>(raw << 40) >> 40;
      const std::uint64_t magnitude = hhmmss < 0 ? -hhmmss : hhmmss;
      if (magnitude / 100 % 100 > 59 || magnitude % 100 > 59) {
        return Status::Corruption("invalid TIME value");
      }
      return JsonString(
          FormatClock(hhmmss < 0, magnitude / 10000, magnitude / 100 % 100, magnitude % 100, 0, 0));
    }
    case field::kDatetime: {
      const std::uint64_t date = raw / 1000000, clock = raw % 1000000;
      const DateTime t{
          static_cast<unsigned>(date / 10000),      static_cast<unsigned>(date / 100 % 100),
          static_cast<unsigned>(date % 100),        static_cast<unsigned>(clock / 10000),
          static_cast<unsigned>(clock / 100 % 100), static_cast<unsigned>(clock % 100)};
      return FormatDateTime(t, 0, DateKind::kDatetime);
    }
    default:  // TIMESTAMP
      if (raw == 0) {
        return boost::json::value(nullptr);
      }
      return FormatDateTime(FromEpoch(raw, 0), 0, DateKind::kTimestamp);
  }
}

Result<boost::json::value> Decimal(const Column& column, ByteReader& in) {
  std::size_t size = 0;
  ASSIGN_OR_RETURN(std::string text,
                   DecodeDecimal(in.rest(), column.meta >> 8, column.meta & 0xff, &size));
  in.Skip(size);
  return JsonString(text);
}

Result<boost::json::value> Dispatch(const Column& column, ByteReader& in) {
  switch (column.type) {
    case field::kTiny:
    case field::kShort:
    case field::kInt24:
    case field::kLong:
    case field::kLongLong:
      return Integer(column, in);
    case field::kFloat:
    case field::kDouble:
      return Floating(column, in);
    case field::kNewDecimal:
      return Decimal(column, in);
    case field::kBit:
      return Bit(column, in);
    case field::kNull:
      return boost::json::value(nullptr);
    case field::kYear:
    case field::kDate:
    case field::kTime:
    case field::kDatetime:
    case field::kTimestamp:
      return Temporal(column, in);
    case field::kTime2:
    case field::kDatetime2:
    case field::kTimestamp2:
      return Temporal2(column, in);
    case field::kString:
      return FixedString(column, in);
    case field::kEnum:
    case field::kSet:
      return EnumOrSet(column, in);
    case field::kVarchar:
    case field::kVarString: {
      ASSIGN_OR_RETURN(auto bytes, Prefixed(column.meta > 255 ? 2 : 1, in));
      return Text(column, bytes);
    }
    case field::kTinyBlob:
    case field::kMediumBlob:
    case field::kLongBlob:
    case field::kBlob: {
      ASSIGN_OR_RETURN(auto bytes, Prefixed(column.meta, in));
      return Text(column, bytes);
    }
    case field::kGeometry: {
      ASSIGN_OR_RETURN(auto bytes, Prefixed(column.meta, in));
      return JsonString(Base64Encode(AsText(bytes)));
    }
    case field::kJson: {
      ASSIGN_OR_RETURN(auto bytes, Prefixed(column.meta, in));
      return DecodeBinaryJson(bytes);
    }
    default:
      return Status::Corruption("unsupported column type " + std::to_string(column.type));
  }
}

}  // namespace

Result<boost::json::value> DecodeValue(const Column& column, std::span<const std::uint8_t> data,
                                       std::size_t* size) {
  ByteReader in(data);
  Result<boost::json::value> value = Dispatch(column, in);
  *size = in.position();
  return value;
}

Result<std::string> TextToUtf8(std::string_view bytes, std::uint32_t collation) {
  if (IsLatin1(collation)) {
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
      const auto byte = static_cast<std::uint8_t>(c);
      AppendUtf8(byte >= 0x80 && byte < 0xa0 ? kCp1252High[byte - 0x80] : byte, out);
    }
    return out;
  }
  if (!IsValidUtf8(bytes)) {
    return Status::DataError("text is not valid UTF-8 (collation " + std::to_string(collation) +
                             ")");
  }
  return std::string(bytes);
}

Result<std::string> DecodeDecimal(std::span<const std::uint8_t> data, int precision, int scale,
                                  std::size_t* size) {
  // Nine decimal digits per 4 bytes; a shorter leading or trailing group takes only the
  // bytes its digits need.
  static constexpr int kGroupBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  static constexpr std::uint32_t kPowers[10] = {1,      10,      100,      1000,      10000,
                                                100000, 1000000, 10000000, 100000000, 1000000000};
  if (precision < 1 || precision > 65 || scale < 0 || scale > precision) {
    return Status::Corruption("bad DECIMAL(" + std::to_string(precision) + "," +
                              std::to_string(scale) + ")");
  }
  const int integer_digits = precision - scale;
  const std::size_t bytes = integer_digits / 9 * 4 + kGroupBytes[integer_digits % 9] +
                            scale / 9 * 4 + kGroupBytes[scale % 9];
  if (data.size() < bytes) {
    return Status::Corruption("DECIMAL value runs past the end of the row image");
  }
  // The sign is the top bit, inverted; a negative value has every bit inverted.
  std::array<std::uint8_t, 32> buffer{};
  const bool negative = (data[0] & 0x80) == 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    buffer[i] = data[i] ^ (negative ? 0xff : 0x00) ^ (i == 0 ? 0x80 : 0x00);
  }
  std::size_t pos = 0;
  std::string digits;
  bool ok = true;
  auto group = [&](int count) {
    const std::uint64_t value = BigEndian(std::span(buffer).subspan(pos, kGroupBytes[count]));
    pos += kGroupBytes[count];
    ok = ok && value < kPowers[count];
    AppendPadded(value, count, digits);
  };
  if (integer_digits % 9 != 0) {
    group(integer_digits % 9);
  }
  for (int i = 0; i < integer_digits / 9; ++i) {
    group(9);
  }
  const std::size_t integer_end = digits.size();
  for (int i = 0; i < scale / 9; ++i) {
    group(9);
  }
  if (scale % 9 != 0) {
    group(scale % 9);
  }
  if (!ok) {
    return Status::Corruption("bad DECIMAL digits");
  }
  *size = bytes;
  std::string integer = digits.substr(0, integer_end);
  integer.erase(0, std::min(integer.find_first_not_of('0'), integer.size()));
  const bool zero = digits.find_first_not_of('0') == std::string::npos;
  std::string text = (negative && !zero ? "-" : "") + (integer.empty() ? "0" : integer);
  if (scale > 0) {
    text += "." + digits.substr(integer_end);
  }
  return text;
}

std::string FormatDate(unsigned year, unsigned month, unsigned day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04u-%02u-%02u", year % 10000, month % 100, day % 100);
  return text;
}

std::string FormatClock(bool negative, unsigned hour, unsigned minute, unsigned second,
                        std::uint32_t micros, int precision) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%02u:%02u:%02u", negative ? "-" : "", hour % 10000,
                minute % 100, second % 100);
  std::string clock = text;
  if (precision > 0 && precision <= 6) {
    static constexpr std::uint32_t kDivisor[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    clock += '.';
    AppendPadded(micros % 1000000 / kDivisor[precision], precision, clock);
  }
  return clock;
}

}  // namespace replicad::drivers::mysql
