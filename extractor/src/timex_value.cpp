// Reading TIMEX3 values back as calendar intervals, and civil-calendar day arithmetic.
#include "storyline/extractor/timex_value.hpp"

#include <cstdio>

namespace storyline::extractor {

// Howard Hinnant's algorithms (public domain): proleptic Gregorian calendar, no time zones.
long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = static_cast<long>(y) - era * 400;
  const long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(long z, int& y, int& m, int& d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

namespace {

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Monday of ISO week 1 of `iso_year`.
long iso_week1_monday(int iso_year) {
  const long jan4 = days_from_civil(iso_year, 1, 4);
  const long wd = ((jan4 % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; 0 = Monday
  return jan4 - wd;
}

}  // namespace

long CalendarDate::first_day() const {
  switch (granularity) {
    case Granularity::decade: return days_from_civil(year * 10, 1, 1);
    case Granularity::year: return days_from_civil(year, 1, 1);
    case Granularity::half:
    case Granularity::quarter:
    case Granularity::season:
    case Granularity::month: return days_from_civil(year, month, 1);
    case Granularity::week: return days_from_civil(year, month, day);
    case Granularity::day: return days_from_civil(year, month, day);
  }
  return 0;
}

long CalendarDate::last_day() const {
  switch (granularity) {
    case Granularity::decade: return days_from_civil(year * 10 + 9, 12, 31);
    case Granularity::year: return days_from_civil(year, 12, 31);
    case Granularity::half: {
      const int m = month + 5;
      return days_from_civil(year, m, days_in_month(year, m));
    }
    case Granularity::quarter: {
      const int m = month + 2;
      return days_from_civil(year, m, days_in_month(year, m));
    }
    case Granularity::season: {
      // Seasons are three months; winter runs into the next year.
      int y = year, m = month + 2;
      if (m > 12) { m -= 12; ++y; }
      return days_from_civil(y, m, days_in_month(y, m));
    }
    case Granularity::month: return days_from_civil(year, month, days_in_month(year, month));
    case Granularity::week: return days_from_civil(year, month, day) + 6;
    case Granularity::day: return days_from_civil(year, month, day);
  }
  return 0;
}

std::string CalendarDate::iso() const {
  // The usual ranges without snprintf (events write a date per event): the same text.
  if (year >= 0 && year <= 9999 && month >= 0 && month <= 99 && day >= 0 && day <= 99 &&
      !(granularity == Granularity::decade && year > 999)) {
    char out[10];
    auto put = [&](char* at, int v, int width) {
      for (int i = width - 1; i >= 0; --i, v /= 10) at[i] = static_cast<char>('0' + v % 10);
    };
    switch (granularity) {
      case Granularity::decade: put(out, year, 3); return std::string(out, 3);
      case Granularity::year: put(out, year, 4); return std::string(out, 4);
      case Granularity::day:
      case Granularity::week:
        put(out, year, 4);
        out[4] = '-';
        put(out + 5, month, 2);
        out[7] = '-';
        put(out + 8, day, 2);
        return std::string(out, 10);
      default:
        put(out, year, 4);
        out[4] = '-';
        put(out + 5, month, 2);
        return std::string(out, 7);
    }
  }
  char buf[32];
  switch (granularity) {
    case Granularity::decade: std::snprintf(buf, sizeof buf, "%03d", year); break;
    case Granularity::year: std::snprintf(buf, sizeof buf, "%04d", year); break;
    case Granularity::day: std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day); break;
    case Granularity::week: std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day); break;
    default: std::snprintf(buf, sizeof buf, "%04d-%02d", year, month); break;
  }
  return buf;
}

std::optional<CalendarDate> parse_timex_value(std::string_view v) {
  CalendarDate c;
  int y = 0;
  if (v.size() == 3 && digits(v, 0, 3, y)) {
    c.year = y;
    c.granularity = Granularity::decade;
    return c;
  }
  if (!digits(v, 0, 4, y)) return std::nullopt;
  c.year = y;
  if (v.size() == 4) return c;
  if (v[4] != '-' || v.size() < 7) return std::nullopt;
  const std::string_view rest = v.substr(5);
  int n = 0;
  if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'H') && digits(rest, 1, 1, n)) {
    if (rest[0] == 'Q' && n >= 1 && n <= 4) {
      c.month = (n - 1) * 3 + 1;
      c.granularity = Granularity::quarter;
      return c;
    }
    if (rest[0] == 'H' && n >= 1 && n <= 2) {
      c.month = n == 1 ? 1 : 7;
      c.granularity = Granularity::half;
      return c;
    }
    return std::nullopt;
  }
  if (rest == "SP" || rest == "SU" || rest == "FA" || rest == "WI") {
    // Meteorological seasons (northern hemisphere).
    c.month = rest == "SP" ? 3 : rest == "SU" ? 6 : rest == "FA" ? 9 : 12;
    c.granularity = Granularity::season;
    return c;
  }
  if (rest[0] == 'W') {
    if (!digits(rest, 1, 2, n) || n < 1 || n > 53 || (rest.size() > 3)) return std::nullopt;
    int yy, mm, dd;
    civil_from_days(iso_week1_monday(y) + 7L * (n - 1), yy, mm, dd);
    c.year = yy;
    c.month = mm;
    c.day = dd;
    c.granularity = Granularity::week;
    return c;
  }
  if (!digits(rest, 0, 2, n) || n < 1 || n > 12) return std::nullopt;
  c.month = n;
  c.granularity = Granularity::month;
  if (rest.size() == 2) return c;
  if (rest[2] != '-' || !digits(rest, 3, 2, n) || n < 1 || n > days_in_month(y, c.month))
    return std::nullopt;
  if (rest.size() > 5 && rest[5] != 'T') return std::nullopt;
  c.day = n;
  c.granularity = Granularity::day;
  return c;
}

}  // namespace storyline::extractor
