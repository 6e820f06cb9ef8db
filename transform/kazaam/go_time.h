#pragma once

// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00", "Mon Jan _2 15:04:05 MST 2006"),
// parsed and formatted as Go's time package does, for Kazaam's timestamp operation.
//
// Go reads and writes times in the process's local zone where a layout names none. This port
// does not look at the local zone at all: it behaves like the reference run with TZ=UTC, so a
// stream's output never depends on the machine it runs on. A layout without a zone parses as
// UTC; a numeric offset of zero, "Z" and "UTC" parse as UTC; any other abbreviation (as Go
// does for abbreviations that are not the local zone's) keeps its name with offset zero, or
// the hours of "GMT+3"; a non-zero numeric offset is kept with no name.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "streams/core/status.h"

namespace replicad::transform::kazaam {

struct GoTime {
  std::int64_t seconds = 0;      // since 1970-01-01T00:00:00Z
  std::int32_t nanoseconds = 0;  // [0, 999'999'999]
  std::int32_t offset = 0;       // of the zone, in seconds east of UTC
  std::string zone = "UTC";      // the zone's abbreviation; empty: "MST" prints the offset
};

// Seconds (and nanoseconds) since the epoch as a UTC time.
GoTime UtcTime(std::int64_t seconds, std::int32_t nanoseconds = 0);

class GoLayout {
 public:
  // Any text is a layout: what is not a Go token is literal.
  explicit GoLayout(std::string_view layout);

  // InvalidArgument in Go's words ("parsing time "x" as "2006": cannot parse "x" as "2006"",
  // "month out of range", "extra text") when `value` does not match.
  Result<GoTime> Parse(std::string_view value) const;
  std::string Format(const GoTime& time) const;

 private:
  enum class Token {
    kNone,  // the literal text after the last token
    kLongMonth,
    kMonth,
    kNumMonth,
    kZeroMonth,
    kLongWeekDay,
    kWeekDay,
    kDay,
    kUnderDay,
    kZeroDay,
    kUnderYearDay,
    kZeroYearDay,
    kHour,
    kHour12,
    kZeroHour12,
    kMinute,
    kZeroMinute,
    kSecond,
    kZeroSecond,
    kLongYear,
    kYear,
    kPM,
    kpm,
    kTZ,
    kISO8601TZ,
    kISO8601SecondsTZ,
    kISO8601ShortTZ,
    kISO8601ColonTZ,
    kISO8601ColonSecondsTZ,
    kNumTZ,
    kNumSecondsTZ,
    kNumShortTZ,
    kNumColonTZ,
    kNumColonSecondsTZ,
    kFracSecond0,  // ".000": exactly that many digits
    kFracSecond9,  // ".999": up to that many, trailing zeros dropped
  };

  struct Chunk {
    std::string literal;  // text before the token
    Token token = Token::kNone;
    std::string element;  // the token as written in the layout
    int digits = 0;       // fractional seconds only
    char separator = '.';
  };

  struct Fields;
  // Reads one token at the start of `value` into `fields`; false if it does not match.
  bool ParseToken(const Chunk& chunk, const Chunk* next, std::string_view& value,
                  Fields& fields) const;
  Status Error(std::string_view value, std::string_view what) const;

  std::string text_;
  std::vector<Chunk> chunks_;
};

}  // namespace replicad::transform::kazaam
