#pragma once

// What Go layouts need of the calendar: proleptic Gregorian dates as days since the Unix
// epoch and back (any int64 year), and the English month and day names.

#include <array>
#include <cstdint>
#include <string_view>

namespace replicad::transform::kazaam {

inline constexpr std::int64_t kSecondsPerDay = 86'400;

inline constexpr std::array<std::string_view, 12> kLongMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
inline constexpr std::array<std::string_view, 12> kShortMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr std::array<std::string_view, 7> kLongDays = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
inline constexpr std::array<std::string_view, 7> kShortDays = {"Sun", "Mon", "Tue", "Wed",
                                                               "Thu", "Fri", "Sat"};

struct CivilDate {
  std::int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// Days since 1970-01-01; REQUIRES a valid month and day.
std::int64_t DaysFromCivil(std::int64_t year, int month, int day);
CivilDate CivilFromDays(std::int64_t days);
bool IsLeapYear(std::int64_t year);
int DaysInMonth(int month, std::int64_t year);

// True iff s[i] exists and is an ASCII digit.
inline bool IsDigit(std::string_view s, std::size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

}  // namespace replicad::transform::kazaam
