#pragma once

// Internal to the binlog decoder: bounds-checked reading of event bytes, and one column value
// of a row image (or a MySQL binary JSON document) to JSON. See binlog_event.h for the JSON
// each type becomes. Pure functions: any thread.

#include <boost/json/value.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "drivers/mysql/binlog_event.h"
#include "streams/core/status.h"

namespace replicad::drivers::mysql {

// Reads little-endian integers and byte runs from a span, front to back. A read past the end
// returns false (or Corruption) and leaves the reader where it was.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  std::span<const std::uint8_t> rest() const { return data_.subspan(pos_); }

  bool ReadUint(std::size_t bytes, std::uint64_t* out);  // little-endian, bytes <= 8
  bool ReadBytes(std::size_t bytes, std::span<const std::uint8_t>* out);
  bool Skip(std::size_t bytes);
  // A MySQL length-encoded integer (0xfb, NULL, is refused).
  bool ReadLengthEncoded(std::uint64_t* out);

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

inline std::string_view AsText(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline boost::json::value JsonString(std::string_view text) {
  return boost::json::value(boost::json::string(text));
}

// One non-NULL value of `column` at the start of `data`; *size is set to the bytes it takes.
// Corruption when the bytes do not hold such a value, DataError for text invalid in its
// charset. The message does not name the column: the caller adds it.
Result<boost::json::value> DecodeValue(const Column& column, std::span<const std::uint8_t> data,
                                       std::size_t* size);

// `bytes` in collation `collation` as UTF-8 (see binlog_event.h for the rules).
Result<std::string> TextToUtf8(std::string_view bytes, std::uint32_t collation);

// A packed DECIMAL(precision, scale) at the start of `data` as exact text with `scale`
// fraction digits; *size is set to the bytes it takes.
Result<std::string> DecodeDecimal(std::span<const std::uint8_t> data, int precision, int scale,
                                  std::size_t* size);

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.ffffff]"-style pieces shared with the JSON decoder.
std::string FormatDate(unsigned year, unsigned month, unsigned day);
std::string FormatClock(bool negative, unsigned hour, unsigned minute, unsigned second,
                        std::uint32_t micros, int precision);

// A MySQL 5.7+ binary JSON document (column type JSON) as its JSON value. An empty document
// is null. Object members keep their order; numbers keep their exact integer type (int64 /
// uint64, not turned into strings); DECIMAL and temporal scalars become strings as MySQL
// prints them ("3.14", "2024-02-29 13:14:15.000000"); other opaque scalars become
// "base64:typeN:..." as MySQL prints them.
Result<boost::json::value> DecodeBinaryJson(std::span<const std::uint8_t> data);

}  // namespace replicad::drivers::mysql
