// MySQL's binary JSON (sql-common/json_binary.h in MySQL 5.7+): a type byte, then the value.
// Objects and arrays start with an element count and a byte size, then fixed-size entries
// (key offset and length; value type and offset, or the value itself when it is small
// enough), then the keys and values the offsets point at, relative to the container's start.

#include <bit>

#include "drivers/mysql/binlog_values.h"
#include "streams/core/base64.h"

namespace replicad::drivers::mysql {
namespace {

enum : std::uint8_t {
  kSmallObject = 0x00,
  kLargeObject = 0x01,
  kSmallArray = 0x02,
  kLargeArray = 0x03,
  kLiteral = 0x04,
  kInt16 = 0x05,
  kUint16 = 0x06,
  kInt32 = 0x07,
  kUint32 = 0x08,
  kInt64 = 0x09,
  kUint64 = 0x0a,
  kDouble = 0x0b,
  kString = 0x0c,
  kOpaque = 0x0f,
};

constexpr int kMaxDepth = 100;  // MySQL refuses deeper documents

Status Bad(std::string_view what) {
  return Status::Corruption("bad binary JSON: " + std::string(what));
}

// The length before a string or opaque value: 7 bits a byte, low bits first.
bool ReadVariableLength(ByteReader& in, std::uint64_t* out) {
  *out = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    std::uint64_t byte = 0;
    if (!in.ReadUint(1, &byte)) {
      return false;
    }
    *out |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      return true;
    }
  }
  return false;
}

// MySQL's packed temporal (the in-memory longlong form): (hh:mm:ss or date-time bits) << 24,
// plus microseconds; negative for a negative TIME.
std::string PackedTemporal(std::uint8_t field_type, std::int64_t packed) {
  const bool negative = packed < 0;
  const std::uint64_t magnitude = negative ? -static_cast<std::uint64_t>(packed) : packed;
  const std::uint32_t micros = magnitude & 0xffffff;
  const std::uint64_t whole = magnitude >> 24;
  if (field_type == field::kTime) {
    return FormatClock(negative, (whole >> 12) & 1023, (whole >> 6) & 63, whole & 63, micros, 6);
  }
  const std::uint64_t ymd = whole >> 17, hms = whole & 0x1ffff;
  std::string text = FormatDate((ymd >> 5) / 13, (ymd >> 5) % 13, ymd & 31);
  if (field_type != field::kDate) {
    text += " " + FormatClock(false, hms >> 12, (hms >> 6) & 63, hms & 63, micros, 6);
  }
  return text;
}

Result<boost::json::value> Opaque(ByteReader& in) {
  std::uint64_t field_type = 0, length = 0;
  std::span<const std::uint8_t> data;
  if (!in.ReadUint(1, &field_type) || !ReadVariableLength(in, &length) ||
      !in.ReadBytes(length, &data)) {
    return Bad("truncated opaque value");
  }
  switch (field_type) {
    case field::kNewDecimal: {
      std::size_t size = 0;
      if (data.size() < 2) {
        return Bad("truncated decimal");
      }
      ASSIGN_OR_RETURN(std::string text, DecodeDecimal(data.subspan(2), data[0], data[1], &size));
      return JsonString(text);
    }
    case field::kDate:
    case field::kTime:
    case field::kDatetime:
    case field::kTimestamp: {
      ByteReader packed(data);
      std::uint64_t raw = 0;
      if (!packed.ReadUint(8, &raw)) {
        return Bad("truncated temporal value");
      }
      return JsonString(
          PackedTemporal(static_cast<std::uint8_t>(field_type), static_cast<std::int64_t>(raw)));
    }
    default:
      return JsonString("base64:type" + std::to_string(field_type) + ":" +
                        Base64Encode(AsText(data)));
  }
}

Result<boost::json::value> Value(std::uint8_t type, std::span<const std::uint8_t> data, int depth);

// A scalar stored inside its value entry rather than at an offset.
bool IsInlined(std::uint8_t type, bool large) {
  return type == kLiteral || type == kInt16 || type == kUint16 ||
         (large && (type == kInt32 || type == kUint32));
}

Result<boost::json::value> Container(std::uint8_t type, std::span<const std::uint8_t> data,
                                     int depth) {
  const bool large = type == kLargeObject || type == kLargeArray;
  const bool object = type == kSmallObject || type == kLargeObject;
  const std::size_t word = large ? 4 : 2;
  ByteReader in(data);
  std::uint64_t count = 0, size = 0;
  if (!in.ReadUint(word, &count) || !in.ReadUint(word, &size) || size > data.size()) {
    return Bad("truncated container header");
  }
  data = data.first(size);
  const std::size_t value_entries = 2 * word + (object ? count * (word + 2) : 0);
  if (count > size || value_entries + count * (1 + word) > size) {
    return Bad("element count larger than the container");
  }
  ByteReader keys(data.subspan(2 * word));
  ByteReader values(data.subspan(value_entries));
  boost::json::object members;
  boost::json::array elements;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t value_type = 0;
    std::span<const std::uint8_t> slot;
    values.ReadUint(1, &value_type);
    values.ReadBytes(word, &slot);
    const auto element_type = static_cast<std::uint8_t>(value_type);
    if (!IsInlined(element_type, large)) {
      std::uint64_t offset = 0;
      ByteReader(slot).ReadUint(word, &offset);
      if (offset >= data.size()) {
        return Bad("value offset out of range");
      }
      slot = data.subspan(offset);
    }
    ASSIGN_OR_RETURN(boost::json::value element, Value(element_type, slot, depth));
    if (!object) {
      elements.push_back(std::move(element));
      continue;
    }
    std::uint64_t key_offset = 0, key_length = 0;
    keys.ReadUint(word, &key_offset);
    keys.ReadUint(2, &key_length);
    if (key_offset > data.size() || key_length > data.size() - key_offset) {
      return Bad("key out of range");
    }
    members[AsText(data.subspan(key_offset, key_length))] = std::move(element);
  }
  if (object) {
    return boost::json::value(std::move(members));
  }
  return boost::json::value(std::move(elements));
}

Result<boost::json::value> Value(std::uint8_t type, std::span<const std::uint8_t> data, int depth) {
  if (depth > kMaxDepth) {
    return Bad("nested too deep");
  }
  ByteReader in(data);
  std::uint64_t raw = 0;
  switch (type) {
    case kSmallObject:
    case kLargeObject:
    case kSmallArray:
    case kLargeArray:
      return Container(type, data, depth + 1);
    case kLiteral:
      if (!in.ReadUint(1, &raw) || raw > 2) {
        return Bad("bad literal");
      }
      return raw == 0 ? boost::json::value(nullptr) : boost::json::value(raw == 1);
    case kInt16:
    case kUint16:
    case kInt32:
    case kUint32:
    case kInt64:
    case kUint64: {
      const int bytes = type <= kUint16 ? 2 : type <= kUint32 ? 4 : 8;
      if (!in.ReadUint(bytes, &raw)) {
        return Bad("truncated number");
      }
      if (type == kUint16 || type == kUint32 || type == kUint64) {
        return boost::json::value(raw);
      }
      const int unused = 64 - 8 * bytes;
      return boost::json::value(static_cast<std::int64_t>(raw << unused) >> unused);
    }
    case kDouble:
      if (!in.ReadUint(8, &raw)) {
        return Bad("truncated double");
      }
      return boost::json::value(std::bit_cast<double>(raw));
    case kString: {
      std::uint64_t length = 0;
      std::span<const std::uint8_t> bytes;
      if (!ReadVariableLength(in, &length) || !in.ReadBytes(length, &bytes)) {
        return Bad("truncated string");
      }
      return JsonString(AsText(bytes));
    }
    case kOpaque:
      return Opaque(in);
    default:
      return Bad("unknown type " + std::to_string(type));
  }
}

}  // namespace

Result<boost::json::value> DecodeBinaryJson(std::span<const std::uint8_t> data) {
  if (data.empty()) {
    return boost::json::value(nullptr);
  }
  return Value(data[0], data.subspan(1), 0);
}

}  // namespace replicad::drivers::mysql
