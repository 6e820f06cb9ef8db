#include "transform/kazaam/go_time.h"

#include "transform/kazaam/go_calendar.h"

namespace replicad::transform::kazaam {

namespace {

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

void AppendInt(std::string& out, std::int64_t n, int width) {
  if (n < 0) {
    out += '-';
    n = -n;
  }
  const std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  out += digits;
}

}  // namespace

GoTime UtcTime(std::int64_t seconds, std::int32_t nanoseconds) {
  return GoTime{.seconds = seconds, .nanoseconds = nanoseconds};
}

GoLayout::GoLayout(std::string_view layout) : text_(layout) {
  std::size_t literal_from = 0;
  std::size_t i = 0;
  auto token = [&](Token t, std::size_t length) {
    chunks_.push_back(Chunk{.literal = std::string(layout.substr(literal_from, i - literal_from)),
                            .token = t,
                            .element = std::string(layout.substr(i, length))});
    i += length;
    literal_from = i;
  };
  auto at = [&](std::string_view text) { return layout.substr(i).starts_with(text); };
  // "Jan" and "Mon" are tokens only when no lower-case letter follows ("Janet", "Month").
  auto word_at = [&](std::string_view text) {
    const std::size_t end = i + text.size();
    return at(text) && !(end < layout.size() && layout[end] >= 'a' && layout[end] <= 'z');
  };
  while (i < layout.size()) {
    const char c = layout[i];
    const char next = i + 1 < layout.size() ? layout[i + 1] : '\0';
    if (at("January")) {
      token(Token::kLongMonth, 7);
    } else if (word_at("Jan")) {
      token(Token::kMonth, 3);
    } else if (at("Monday")) {
      token(Token::kLongWeekDay, 6);
    } else if (word_at("Mon")) {
      token(Token::kWeekDay, 3);
    } else if (at("MST")) {
      token(Token::kTZ, 3);
    } else if (c == '0' && next >= '1' && next <= '6') {
      static constexpr Token kZeroTokens[] = {Token::kZeroMonth,  Token::kZeroDay,
                                              Token::kZeroHour12, Token::kZeroMinute,
                                              Token::kZeroSecond, Token::kYear};
      token(kZeroTokens[next - '1'], 2);
    } else if (at("002")) {
      token(Token::kZeroYearDay, 3);
    } else if (at("15")) {
      token(Token::kHour, 2);
    } else if (c == '1') {
      token(Token::kNumMonth, 1);
    } else if (at("2006")) {
      token(Token::kLongYear, 4);
    } else if (c == '2') {
      token(Token::kDay, 1);
    } else if (at("_2006")) {
      ++i;  // a literal '_' before the year
      token(Token::kLongYear, 4);
    } else if (at("_2")) {
      token(Token::kUnderDay, 2);
    } else if (at("__2")) {
      token(Token::kUnderYearDay, 3);
    } else if (c == '3' || c == '4' || c == '5') {
      token(c == '3' ? Token::kHour12 : c == '4' ? Token::kMinute : Token::kSecond, 1);
    } else if (at("PM")) {
      token(Token::kPM, 2);
    } else if (at("pm")) {
      token(Token::kpm, 2);
    } else if (c == '-' || c == 'Z') {
      const bool iso = c == 'Z';
      if (at(iso ? "Z070000" : "-070000")) {
        token(iso ? Token::kISO8601SecondsTZ : Token::kNumSecondsTZ, 7);
      } else if (at(iso ? "Z07:00:00" : "-07:00:00")) {
        token(iso ? Token::kISO8601ColonSecondsTZ : Token::kNumColonSecondsTZ, 9);
      } else if (at(iso ? "Z0700" : "-0700")) {
        token(iso ? Token::kISO8601TZ : Token::kNumTZ, 5);
      } else if (at(iso ? "Z07:00" : "-07:00")) {
        token(iso ? Token::kISO8601ColonTZ : Token::kNumColonTZ, 6);
      } else if (at(iso ? "Z07" : "-07")) {
        token(iso ? Token::kISO8601ShortTZ : Token::kNumShortTZ, 3);
      } else {
        ++i;
      }
    } else if ((c == '.' || c == ',') && (next == '0' || next == '9')) {
      std::size_t end = i + 1;
      while (end < layout.size() && layout[end] == next) {
        ++end;
      }
      if (IsDigit(layout, end)) {  // not only fractional seconds: read on from the next byte
        ++i;
        continue;
      }
      const int digits = static_cast<int>(end - i - 1);
      token(next == '0' ? Token::kFracSecond0 : Token::kFracSecond9, end - i);
      chunks_.back().digits = digits;
      chunks_.back().separator = c;
    } else {
      ++i;
    }
  }
  chunks_.push_back(Chunk{.literal = std::string(layout.substr(literal_from))});
}

std::string GoLayout::Format(const GoTime& time) const {
  const std::int64_t local = time.seconds + time.offset;
  const std::int64_t days = FloorDiv(local, kSecondsPerDay);
  const std::int64_t second_of_day = local - days * kSecondsPerDay;
  const CivilDate date = CivilFromDays(days);
  const int hour = static_cast<int>(second_of_day / 3600);
  const int minute = static_cast<int>(second_of_day / 60 % 60);
  const int second = static_cast<int>(second_of_day % 60);
  const auto year_day = static_cast<int>(days - DaysFromCivil(date.year, 1, 1) + 1);
  const auto week_day = static_cast<std::size_t>(days + 4 - FloorDiv(days + 4, 7) * 7);
  std::string out;
  for (const Chunk& chunk : chunks_) {
    out += chunk.literal;
    switch (chunk.token) {
      case Token::kNone:
        break;
      case Token::kYear:
        AppendInt(out, (date.year % 100 + 100) % 100, 2);
        break;
      case Token::kLongYear:
        AppendInt(out, date.year, 4);
        break;
      case Token::kMonth:
        out += kShortMonths[date.month - 1];
        break;
      case Token::kLongMonth:
        out += kLongMonths[date.month - 1];
        break;
      case Token::kNumMonth:
      case Token::kZeroMonth:
        AppendInt(out, date.month, chunk.token == Token::kZeroMonth ? 2 : 0);
        break;
      case Token::kWeekDay:
        out += kShortDays[week_day];
        break;
      case Token::kLongWeekDay:
        out += kLongDays[week_day];
        break;
      case Token::kDay:
      case Token::kZeroDay:
        AppendInt(out, date.day, chunk.token == Token::kZeroDay ? 2 : 0);
        break;
      case Token::kUnderDay:
        out += date.day < 10 ? " " : "";
        AppendInt(out, date.day, 0);
        break;
      case Token::kUnderYearDay:
        out += year_day < 10 ? "  " : year_day < 100 ? " " : "";
        AppendInt(out, year_day, 0);
        break;
      case Token::kZeroYearDay:
        AppendInt(out, year_day, 3);
        break;
      case Token::kHour:
        AppendInt(out, hour, 2);
        break;
      case Token::kHour12:
      case Token::kZeroHour12:
        AppendInt(out, hour % 12 == 0 ? 12 : hour % 12, chunk.token == Token::kZeroHour12 ? 2 : 0);
        break;
      case Token::kMinute:
      case Token::kZeroMinute:
        AppendInt(out, minute, chunk.token == Token::kZeroMinute ? 2 : 0);
        break;
      case Token::kSecond:
      case Token::kZeroSecond:
        AppendInt(out, second, chunk.token == Token::kZeroSecond ? 2 : 0);
        break;
      case Token::kPM:
        out += hour >= 12 ? "PM" : "AM";
        break;
      case Token::kpm:
        out += hour >= 12 ? "pm" : "am";
        break;
      case Token::kTZ:
        if (!time.zone.empty()) {
          out += time.zone;
          break;
        }
        [[fallthrough]];
      case Token::kISO8601TZ:
      case Token::kISO8601SecondsTZ:
      case Token::kISO8601ShortTZ:
      case Token::kISO8601ColonTZ:
      case Token::kISO8601ColonSecondsTZ:
      case Token::kNumTZ:
      case Token::kNumSecondsTZ:
      case Token::kNumShortTZ:
      case Token::kNumColonTZ:
      case Token::kNumColonSecondsTZ: {
        if (chunk.element[0] == 'Z' && time.offset == 0) {
          out += 'Z';
          break;
        }
        // The layout element without its sign is the shape: "0700", "07:00", "07", ...
        const std::string_view shape =
            chunk.token == Token::kTZ ? "0700" : std::string_view(chunk.element).substr(1);
        const int offset = time.offset < 0 ? -time.offset : time.offset;
        const int parts[3] = {offset / 3600, offset / 60 % 60, offset % 60};
        out += time.offset < 0 ? '-' : '+';
        for (std::size_t pos = 0, part = 0; pos < shape.size(); ++pos) {
          if (shape[pos] == ':') {
            out += ':';
          } else {
            AppendInt(out, parts[part++], 2);
            ++pos;
          }
        }
        break;
      }
      case Token::kFracSecond0:
      case Token::kFracSecond9: {
        const int digits = chunk.digits > 9 ? 9 : chunk.digits;
        std::string fraction;
        AppendInt(fraction, time.nanoseconds, 9);
        fraction.resize(static_cast<std::size_t>(digits));
        if (chunk.token == Token::kFracSecond9) {
          fraction.erase(fraction.find_last_not_of('0') + 1);
        }
        if (!fraction.empty()) {
          out += chunk.separator;
          out += fraction;
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace replicad::transform::kazaam
