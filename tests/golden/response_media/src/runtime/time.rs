//! UTC timestamps: formatting RFC 3339 and parsing HTTP dates.
//!
//! Written by hand so the SDK does not depend on a date library for two small
//! jobs: pinning a list walk's `before` window to the server's `Date`, and
//! reading an HTTP-date `Retry-After`. Calendar arithmetic uses Howard Hinnant's days-from-civil
//! algorithms, valid for the whole proleptic Gregorian calendar.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECS_PER_DAY: i64 = 86_400;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 of the given civil date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Civil date `(year, month, day)` of the given number of days since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both values are within their small ranges by construction.
    (year, month as u32, day as u32)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Formats a time as RFC 3339 UTC with second precision: `YYYY-MM-DDTHH:MM:SSZ`.
///
/// Times before 1970 are clamped to the epoch: the SDK only formats "now".
pub(crate) fn format_rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
    let (days, rem) = (secs.div_euclid(SECS_PER_DAY), secs.rem_euclid(SECS_PER_DAY));
    let (y, mo, d) = civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The value that pins a list walk's `before` window, from a page's `Date`
/// header: the server's time, rounded up to the next whole second and
/// formatted as RFC 3339 UTC.
///
/// The server's clock, not this machine's: a client clock running behind would
/// hide the newest records. `Date` has second precision and a window filter such
/// as "created at or before" is inclusive, so rounding up keeps every record the
/// first page could have shown; a record created in that same second may appear
/// twice, none is skipped. `None` without a readable `Date` header.
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has time-windowed pagination"
)]
pub(crate) fn pin_from_date(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let at = parse_http_date(date)?;
    Some(format_rfc3339(at.checked_add(Duration::from_secs(1))?))
}

/// Parses an HTTP-date (RFC 9110 §5.6.7): the preferred IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) and, as the RFC asks of recipients, the
/// obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
/// (`Sun Nov  6 08:49:37 1994`) forms. The weekday is not checked.
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let (weekday, rest) = s.split_once([',', ' '])?;
    let parts: Vec<&str> = rest.split_ascii_whitespace().collect();
    let (year, month, day, time) = if s.as_bytes().get(weekday.len()) == Some(&b',') {
        match parts.as_slice() {
            // IMF-fixdate: 06 Nov 1994 08:49:37 GMT
            [day, mon, year, time, "GMT"] if year.len() == 4 => {
                (parse_num(year)?, month_number(mon)?, parse_num(day)?, *time)
            }
            // RFC 850: 06-Nov-94 08:49:37 GMT
            [date, time, "GMT"] => {
                let mut it = date.split('-');
                let (day, mon, yy) = (it.next()?, it.next()?, it.next()?);
                if it.next().is_some() || yy.len() != 2 {
                    return None;
                }
                let yy = parse_num(yy)?;
                let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
                (year, month_number(mon)?, parse_num(day)?, *time)
            }
            _ => return None,
        }
    } else {
        match parts.as_slice() {
            // asctime: Nov  6 08:49:37 1994
            [mon, day, time, year] if year.len() == 4 => {
                (parse_num(year)?, month_number(mon)?, parse_num(day)?, *time)
            }
            _ => return None,
        }
    };
    let (h, m, sec) = parse_hms(time)?;
    let month = u32::try_from(month).ok()?;
    let day = u32::try_from(day).ok()?;
    if !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let secs = days_from_civil(year, month, day) * SECS_PER_DAY + h * 3600 + m * 60 + sec;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

fn parse_num(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_number(s: &str) -> Option<i64> {
    let i = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(s))?;
    i64::try_from(i + 1).ok()
}

fn parse_hms(s: &str) -> Option<(i64, i64, i64)> {
    let mut it = s.split(':');
    let (h, m, sec) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || h.len() != 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let (h, m, sec) = (parse_num(h)?, parse_num(m)?, parse_num(sec)?);
    // 60 is a leap second; treat it as the last second of the minute.
    (h < 24 && m < 60 && sec <= 60).then_some((h, m, sec.min(59)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn civil_conversion_matches_known_dates() {
        let known: [(i64, (i64, u32, u32)); 7] = [
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (10_957, (2000, 1, 1)),
            (11_016, (2000, 2, 29)),
            (19_782, (2024, 2, 29)),
            (20_137, (2025, 2, 18)),
            (2_932_896, (9999, 12, 31)),
        ];
        for (days, civil) in known {
            assert_eq!(civil_from_days(days), civil, "days {days}");
            assert_eq!(
                days_from_civil(civil.0, civil.1, civil.2),
                days,
                "{civil:?}"
            );
        }
    }

    #[test]
    fn civil_conversion_round_trips_every_day_for_centuries() {
        let mut prev = civil_from_days(-1);
        for days in 0..(400 * 366) {
            let c = civil_from_days(days);
            assert_eq!(days_from_civil(c.0, c.1, c.2), days);
            assert!(c > prev, "{c:?} after {prev:?}");
            assert!(c.2 <= days_in_month(c.0, c.1));
            prev = c;
        }
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(format_rfc3339(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(at(1_739_880_224)), "2025-02-18T12:03:44Z");
        assert_eq!(
            format_rfc3339(at(951_782_400 + 86_399)),
            "2000-02-29T23:59:59Z"
        );
        assert_eq!(
            format_rfc3339(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn the_pin_is_the_servers_date_rounded_up() {
        use reqwest::header::{DATE, HeaderMap, HeaderValue};
        let mut headers = HeaderMap::new();
        assert_eq!(pin_from_date(&headers), None);
        headers.insert(DATE, HeaderValue::from_static("Tue, 18 Feb 2025 12:03:44 GMT"));
        assert_eq!(pin_from_date(&headers).as_deref(), Some("2025-02-18T12:03:45Z"));
        headers.insert(DATE, HeaderValue::from_static("yesterday"));
        assert_eq!(pin_from_date(&headers), None);
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let t = Some(at(784_111_777)); // 1994-11-06T08:49:37Z
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), t);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), t);
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), t);
        assert_eq!(
            parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(at(1_445_412_480))
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"),
            Some(at(1_709_251_199))
        );
        assert_eq!(
            parse_http_date("Thursday, 01-Jan-30 00:00:00 GMT"),
            Some(at(1_893_456_000))
        );
    }

    #[test]
    fn http_dates_reject_malformed_input() {
        for bad in [
            "",
            "120",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Thu, 29 Feb 2023 00:00:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, -6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }
}
