// storyline::extractor — reading TIMEX3 values back as calendar intervals (for timelines).
//
//   auto d = parse_timex_value("2018-11");   // {2018, 11, 0, Granularity::month}
//   d->first_day();                          // days since 1970-01-01 of 2018-11-01
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace storyline::extractor {

enum class Granularity { decade, year, half, quarter, season, month, week, day };

struct CalendarDate {
  int year = 0;
  int month = 0;   // 1..12, 0 when unknown
  int day = 0;     // 1..31, 0 when unknown
  Granularity granularity = Granularity::year;
  // Days since 1970-01-01 of the first and last day the value covers (civil calendar).
  long first_day() const;
  long last_day() const;
  std::string iso() const;  // "2018", "2018-11", "2018-11-19"
};

// Parses an anchored DATE value: YYYY, YYYY-MM, YYYY-MM-DD (optionally followed by "T..."),
// YYYY-Qn, YYYY-Hn, YYYY-SP|SU|FA|WI, YYYY-Wnn, decades "199". nullopt for anything else
// (PRESENT_REF, XXXX-..., durations).
std::optional<CalendarDate> parse_timex_value(std::string_view value);

// Days since 1970-01-01 for a civil date, and back.
long days_from_civil(int y, int m, int d);
void civil_from_days(long z, int& y, int& m, int& d);

}  // namespace storyline::extractor
