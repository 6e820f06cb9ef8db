// GoLayout::Parse: reading a time as Go's time.Parse does.

#include <cstdlib>

#include "transform/kazaam/go_calendar.h"
#include "transform/kazaam/go_time.h"

namespace replicad::transform::kazaam {

namespace {

// One or two digits; exactly two when `fixed`.
bool GetNum(std::string_view& value, bool fixed, int& out) {
  if (!IsDigit(value, 0)) {
    return false;
  }
  if (!IsDigit(value, 1)) {
    if (fixed) {
      return false;
    }
    out = value[0] - '0';
    value.remove_prefix(1);
    return true;
  }
  out = (value[0] - '0') * 10 + (value[1] - '0');
  value.remove_prefix(2);
  return true;
}

// A one- or two-digit field within [min, max]; out of it, `field_name` goes to `out_of_range`.
bool GetField(std::string_view& value, bool fixed, int min, int max, int& field,
              std::string_view field_name, std::string& out_of_range) {
  if (!GetNum(value, fixed, field)) {
    return false;
  }
  if (field < min || field > max) {
    out_of_range = field_name;
  }
  return true;
}

// Decimal digits of a fraction of a second; those past the ninth are ignored.
std::int32_t Nanoseconds(std::string_view digits) {
  std::int32_t nanoseconds = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    nanoseconds = nanoseconds * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  }
  return nanoseconds;
}

// One to three digits; exactly three when `fixed`.
bool GetNum3(std::string_view& value, bool fixed, int& out) {
  std::size_t n = 0;
  out = 0;
  while (n < 3 && IsDigit(value, n)) {
    out = out * 10 + (value[n] - '0');
    ++n;
  }
  if (n == 0 || (fixed && n != 3)) {
    return false;
  }
  value.remove_prefix(n);
  return true;
}

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    x = (x >= 'A' && x <= 'Z') ? static_cast<char>(x - 'A' + 'a') : x;
    y = (y >= 'A' && y <= 'Z') ? static_cast<char>(y - 'A' + 'a') : y;
    if (x != y) {
      return false;
    }
  }
  return true;
}

// The index of the name `value` starts with (ASCII case-insensitive), or -1.
template <std::size_t N>
int Lookup(const std::array<std::string_view, N>& names, std::string_view& value) {
  for (std::size_t i = 0; i < N; ++i) {
    if (value.size() >= names[i].size() && EqualFold(value.substr(0, names[i].size()), names[i])) {
      value.remove_prefix(names[i].size());
      return static_cast<int>(i);
    }
  }
  return -1;
}

// A run of spaces in the layout matches any run of spaces in the value.
bool Skip(std::string_view& value, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!value.empty() && value[0] != ' ') {
        return false;
      }
      while (!prefix.empty() && prefix[0] == ' ') {
        prefix.remove_prefix(1);
      }
      while (!value.empty() && value[0] == ' ') {
        value.remove_prefix(1);
      }
      continue;
    }
    if (value.empty() || value[0] != prefix[0]) {
      return false;
    }
    prefix.remove_prefix(1);
    value.remove_prefix(1);
  }
  return true;
}

// The length of a zone abbreviation at the start of `value` as Go accepts it, or 0.
std::size_t ZoneNameLength(std::string_view value) {
  if (value.size() < 3) {
    return 0;
  }
  if (value.starts_with("ChST") || value.starts_with("MeST")) {
    return 4;
  }
  if (value.starts_with("GMT") || value[0] == '+' || value[0] == '-') {
    // GMT alone, or a signed hour offset (GMT+3, +03): up to two digits, at most 23.
    const std::size_t sign = value[0] == 'G' ? 3 : 0;
    if (sign == 3 && (value.size() == 3 || (value[3] != '+' && value[3] != '-'))) {
      return 3;
    }
    std::size_t n = sign + 1;
    int hours = 0;
    while (IsDigit(value, n)) {
      hours = hours * 10 + (value[n++] - '0');
      if (hours > 23) {
        return sign;
      }
    }
    return n == sign + 1 ? sign : n;
  }
  std::size_t upper = 0;
  while (upper < 6 && upper < value.size() && value[upper] >= 'A' && value[upper] <= 'Z') {
    ++upper;
  }
  switch (upper) {
    case 3:
      return 3;
    case 4:
      return value[3] == 'T' || value.starts_with("WITA") ? 4 : 0;
    case 5:
      return value[4] == 'T' ? 5 : 0;
    default:
      return 0;
  }
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

struct GoLayout::Fields {
  std::int64_t year = 0;
  int month = -1;
  int day = -1;
  int year_day = -1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int32_t nanoseconds = 0;
  bool pm = false;
  bool am = false;
  bool utc = false;  // "Z" or "UTC"
  bool has_offset = false;
  int offset = 0;
  std::string zone_name;
  std::string out_of_range;  // the field Go names in "... out of range"
};

Status GoLayout::Error(std::string_view value, std::string_view what) const {
  return Status::InvalidArgument("parsing time " + Quote(value) + std::string(what));
}

bool GoLayout::ParseToken(const Chunk& chunk, const Chunk* next, std::string_view& value,
                          Fields& f) const {
  const std::string_view hold = value;
  bool ok = true;
  switch (chunk.token) {
    case Token::kNone:
      break;
    case Token::kLongYear:
      ok = value.size() >= 4 && IsDigit(value, 0) && IsDigit(value, 1) && IsDigit(value, 2) &&
           IsDigit(value, 3);
      if (ok) {
        f.year = std::atoi(std::string(value.substr(0, 4)).c_str());
        value.remove_prefix(4);
      }
      break;
    case Token::kYear:
      ok = value.size() >= 2 && IsDigit(value, 0) && IsDigit(value, 1);
      if (ok) {
        const int year = (value[0] - '0') * 10 + (value[1] - '0');
        f.year = year >= 69 ? 1900 + year : 2000 + year;
        value.remove_prefix(2);
      }
      break;
    case Token::kMonth:
    case Token::kLongMonth: {
      const int month =
          chunk.token == Token::kMonth ? Lookup(kShortMonths, value) : Lookup(kLongMonths, value);
      ok = month >= 0;
      f.month = month + 1;
      break;
    }
    case Token::kNumMonth:
    case Token::kZeroMonth:
      ok = GetField(value, chunk.token == Token::kZeroMonth, 1, 12, f.month, "month",
                    f.out_of_range);
      break;
    case Token::kWeekDay:
      ok = Lookup(kShortDays, value) >= 0;
      break;
    case Token::kLongWeekDay:
      ok = Lookup(kLongDays, value) >= 0;
      break;
    case Token::kDay:
    case Token::kUnderDay:
    case Token::kZeroDay:
      if (chunk.token == Token::kUnderDay && value.starts_with(' ')) {
        value.remove_prefix(1);
      }
      ok = GetNum(value, chunk.token == Token::kZeroDay, f.day);
      break;
    case Token::kUnderYearDay:
    case Token::kZeroYearDay:
      for (int i = 0; i < 2 && chunk.token == Token::kUnderYearDay && value.starts_with(' '); ++i) {
        value.remove_prefix(1);
      }
      ok = GetNum3(value, chunk.token == Token::kZeroYearDay, f.year_day);
      break;
    case Token::kHour:
      ok = GetField(value, false, 0, 23, f.hour, "hour", f.out_of_range);
      break;
    case Token::kHour12:
    case Token::kZeroHour12:
      ok =
          GetField(value, chunk.token == Token::kZeroHour12, 0, 12, f.hour, "hour", f.out_of_range);
      break;
    case Token::kMinute:
    case Token::kZeroMinute:
      ok = GetField(value, chunk.token == Token::kZeroMinute, 0, 59, f.minute, "minute",
                    f.out_of_range);
      break;
    case Token::kSecond:
    case Token::kZeroSecond:
      ok = GetField(value, chunk.token == Token::kZeroSecond, 0, 59, f.second, "second",
                    f.out_of_range);
      if (!f.out_of_range.empty()) {
        break;
      }
      // Fractional seconds in the value are read even when the layout has none.
      if (ok && value.size() >= 2 && (value[0] == '.' || value[0] == ',') && IsDigit(value, 1) &&
          !(next != nullptr &&
            (next->token == Token::kFracSecond0 || next->token == Token::kFracSecond9))) {
        std::size_t n = 1;
        while (IsDigit(value, n)) {
          ++n;
        }
        f.nanoseconds = Nanoseconds(value.substr(1, n - 1));
        value.remove_prefix(n);
      }
      break;
    case Token::kPM:
    case Token::kpm: {
      const bool upper = chunk.token == Token::kPM;
      const std::string_view p = value.substr(0, 2);
      f.pm = p == (upper ? "PM" : "pm");
      f.am = p == (upper ? "AM" : "am");
      ok = f.pm || f.am;
      if (ok) {
        value.remove_prefix(2);
      }
      break;
    }
    case Token::kISO8601TZ:
    case Token::kISO8601SecondsTZ:
    case Token::kISO8601ShortTZ:
    case Token::kISO8601ColonTZ:
    case Token::kISO8601ColonSecondsTZ:
      if (value.starts_with('Z')) {
        value.remove_prefix(1);
        f.utc = true;
        break;
      }
      [[fallthrough]];
    case Token::kNumTZ:
    case Token::kNumSecondsTZ:
    case Token::kNumShortTZ:
    case Token::kNumColonTZ:
    case Token::kNumColonSecondsTZ: {
      // The layout element without its sign is the shape: "0700", "07:00", "07", ...
      const std::string_view shape = std::string_view(chunk.element).substr(1);
      ok = value.size() > shape.size() && (value[0] == '+' || value[0] == '-');
      int parts[3] = {0, 0, 0};
      for (std::size_t pos = 0, part = 0; ok && pos < shape.size();) {
        if (shape[pos] == ':') {
          ok = value[pos + 1] == ':';
          pos += 1;
        } else {
          std::string_view digits = value.substr(pos + 1, 2);
          ok = GetNum(digits, true, parts[part++]);
          pos += 2;
        }
      }
      if (ok) {
        f.has_offset = true;
        f.offset = (parts[0] * 60 + parts[1]) * 60 + parts[2];
        f.offset = value[0] == '-' ? -f.offset : f.offset;
        value.remove_prefix(shape.size() + 1);
      }
      break;
    }
    case Token::kTZ:
      if (value.starts_with("UTC")) {
        f.utc = true;
        value.remove_prefix(3);
        break;
      }
      if (const std::size_t n = ZoneNameLength(value); n > 0) {
        f.zone_name = std::string(value.substr(0, n));
        value.remove_prefix(n);
      } else {
        ok = false;
      }
      break;
    case Token::kFracSecond0:
    case Token::kFracSecond9: {
      std::size_t n = 1;
      if (chunk.token == Token::kFracSecond0) {
        n += static_cast<std::size_t>(chunk.digits);
        ok = value.size() >= n && (value[0] == '.' || value[0] == ',');
        for (std::size_t i = 1; ok && i < n; ++i) {
          ok = IsDigit(value, i);
        }
      } else {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !IsDigit(value, 1)) {
          break;  // omitted
        }
        while (IsDigit(value, n)) {
          ++n;
        }
      }
      if (ok) {
        f.nanoseconds = Nanoseconds(value.substr(1, n - 1));
        value.remove_prefix(n);
      }
      break;
    }
  }
  if (!ok) {
    value = hold;
  }
  return ok;
}

Result<GoTime> GoLayout::Parse(std::string_view value) const {
  const std::string_view whole = value;
  Fields f;
  for (std::size_t k = 0; k < chunks_.size(); ++k) {
    const Chunk& chunk = chunks_[k];
    const std::string_view before = value;
    if (!Skip(value, chunk.literal)) {
      return Error(whole, " as " + Quote(text_) + ": cannot parse " + Quote(before) + " as " +
                              Quote(chunk.literal));
    }
    if (chunk.token == Token::kNone) {
      break;
    }
    const std::string_view at_token = value;
    const Chunk* next = k + 1 < chunks_.size() ? &chunks_[k + 1] : nullptr;
    if (!ParseToken(chunk, next, value, f)) {
      return Error(whole, " as " + Quote(text_) + ": cannot parse " + Quote(at_token) + " as " +
                              Quote(chunk.element));
    }
    if (!f.out_of_range.empty()) {
      return Error(whole, ": " + f.out_of_range + " out of range");
    }
  }
  if (!value.empty()) {
    return Error(whole, ": extra text: " + Quote(value));
  }
  if (f.pm && f.hour < 12) {
    f.hour += 12;
  } else if (f.am && f.hour == 12) {
    f.hour = 0;
  }
  if (f.year_day >= 0) {
    if (f.year_day < 1 || f.year_day > (IsLeapYear(f.year) ? 366 : 365)) {
      return Error(whole, ": day-of-year out of range");
    }
    const CivilDate date = CivilFromDays(DaysFromCivil(f.year, 1, 1) + f.year_day - 1);
    if ((f.month >= 0 && f.month != date.month) || (f.day >= 0 && f.day != date.day)) {
      return Error(whole, ": day-of-year does not match month or day");
    }
    f.month = date.month;
    f.day = date.day;
  }
  f.month = f.month < 0 ? 1 : f.month;
  f.day = f.day < 0 ? 1 : f.day;
  if (f.day < 1 || f.day > DaysInMonth(f.month, f.year)) {
    return Error(whole, ": day out of range");
  }
  GoTime time;
  time.seconds = DaysFromCivil(f.year, f.month, f.day) * kSecondsPerDay + f.hour * 3600 +
                 f.minute * 60 + f.second;
  time.nanoseconds = f.nanoseconds;
  if (f.utc) {
    return time;
  }
  if (f.has_offset) {
    time.seconds -= f.offset;
    if (f.offset != 0 || !(f.zone_name.empty() || f.zone_name == "UTC")) {
      time.offset = f.offset;
      time.zone = f.zone_name;
    }
    return time;
  }
  if (!f.zone_name.empty()) {
    time.zone = f.zone_name;
    if (f.zone_name.size() > 3 && f.zone_name.starts_with("GMT")) {
      time.offset = std::atoi(f.zone_name.c_str() + 3) * 3600;
    }
  }
  return time;
}

}  // namespace replicad::transform::kazaam
