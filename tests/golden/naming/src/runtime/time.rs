//! Server time: the pin of a list walk's `before` window and HTTP-date parsing,
//! both on `jiff` (the crate whose `Timestamp` and `civil::Date` the models use for
//! `date-time` and `date`), so the SDK does no calendar arithmetic of its own.

use std::time::SystemTime;

use jiff::fmt::rfc2822::DateTimeParser;
use jiff::fmt::strtime::BrokenDownTime;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

/// The value that pins a list walk's `before` window, from a page's `Date`
/// header: the server's time, rounded up to the next whole second (it is written
/// as RFC 3339 UTC, `2025-02-18T12:03:45Z`, when sent).
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
pub(crate) fn pin_from_date(headers: &reqwest::header::HeaderMap) -> Option<Timestamp> {
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    parse_http_timestamp(date)?
        .checked_add(SignedDuration::from_secs(1))
        .ok()
}

/// Parses an HTTP-date (RFC 9110 §5.6.7) as a point in time.
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    parse_http_timestamp(s).map(SystemTime::from)
}

/// The preferred IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and, as RFC 9110
/// asks of recipients, the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and
/// asctime (`Sun Nov  6 08:49:37 1994`) forms, all in GMT. The weekday must be a
/// weekday name but is not checked against the date.
fn parse_http_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Some(rest) = s.strip_suffix(" GMT") {
        // IMF-fixdate is RFC 2822 with a four-digit year and the zone `GMT`.
        let imf = rest
            .rsplit(' ')
            .nth(1)
            .is_some_and(|year| year.len() == 4 && !rest.contains('-'));
        if imf {
            return DateTimeParser::new()
                .relaxed_weekday(true)
                .parse_timestamp(s)
                .ok();
        }
        return civil_utc("%A, %d-%b-%y %H:%M:%S", rest);
    }
    // asctime, with a four-digit year (`%Y` alone would read `94` as the year 94).
    if s.rsplit(' ').next().is_some_and(|year| year.len() == 4) {
        return civil_utc("%a %b %e %H:%M:%S %Y", s);
    }
    None
}

/// A date and time in UTC read with a `strftime`-style format.
fn civil_utc(format: &str, s: &str) -> Option<Timestamp> {
    let mut tm = BrokenDownTime::parse(format, s).ok()?;
    tm.set_weekday(None);
    Offset::UTC.to_timestamp(tm.to_datetime().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn the_pin_is_the_servers_date_rounded_up() {
        use reqwest::header::{DATE, HeaderMap, HeaderValue};
        let mut headers = HeaderMap::new();
        assert_eq!(pin_from_date(&headers), None);
        headers.insert(DATE, HeaderValue::from_static("Tue, 18 Feb 2025 12:03:44 GMT"));
        let pin = pin_from_date(&headers).map(|t| t.to_string());
        assert_eq!(pin.as_deref(), Some("2025-02-18T12:03:45Z"));
        headers.insert(DATE, HeaderValue::from_static("yesterday"));
        assert_eq!(pin_from_date(&headers), None);
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let t = Some(at(784_111_777)); // 1994-11-06T08:49:37Z
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), t);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), t);
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), t);
        assert_eq!(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT "), t);
        // The weekday is read but not checked against the date.
        assert_eq!(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT"), t);
        assert_eq!(
            parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(at(1_445_412_480))
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"),
            Some(at(1_709_251_199))
        );
        assert_eq!(
            parse_http_date("Tuesday, 01-Jan-30 00:00:00 GMT"),
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
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Thu, 29 Feb 2023 00:00:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, -6 Nov 1994 08:49:37 GMT",
            "Funday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 94",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }
}
