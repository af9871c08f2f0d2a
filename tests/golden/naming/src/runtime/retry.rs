//! When to retry, and how long to wait first.
//!
//! Pure functions, kept apart from the HTTP loop in `client.rs` so the policy
//! can be tested without a server or a clock.
//!
//! The rules: only a request that is safe to repeat is retried (an idempotent
//! method, or a body carrying an idempotency key), and only after a failure that
//! is likely transient (no response, or 408, 429, 500, 502, 503, 504). Waits grow
//! exponentially with jitter so that many clients failing together do not retry
//! in lockstep; a server's `Retry-After` overrides the computed wait.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};

use super::time::parse_http_date;

/// Retry settings of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub(crate) max_retries: u32,
    /// The wait before the first retry, doubled for each further one.
    pub(crate) initial_backoff: Duration,
    /// The longest computed wait.
    pub(crate) max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the retries.
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Whether a request with this method may be sent twice without changing the
/// outcome (RFC 9110 §9.2.2).
pub(crate) fn method_is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Whether a response status signals a transient failure worth retrying.
///
/// 501 (not implemented) and 505 are permanent, so only 500, 502, 503 and 504
/// among the 5xx; 4xx other than 408 and 429 mean the request itself is wrong.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The wait before retry number `retry` (0 for the first retry):
/// `initial_backoff * 2^retry`, capped at `max_backoff`, then scaled into
/// `[50%, 100%]` by `jitter_fraction` (0 gives 50%, 1 gives 100%).
pub(crate) fn backoff_delay(policy: &RetryPolicy, retry: u32, jitter_fraction: f64) -> Duration {
    let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
    let base = policy
        .initial_backoff
        .saturating_mul(factor)
        .min(policy.max_backoff);
    let jitter = if jitter_fraction.is_finite() {
        jitter_fraction.clamp(0.0, 1.0)
    } else {
        1.0
    };
    // Integer arithmetic in parts per million: exact, and cannot overflow or
    // panic the way `Duration::mul_f64` can near `Duration::MAX`.
    let ppm = 500_000 + (jitter * 500_000.0).round() as u128;
    let nanos = base.as_nanos() * ppm / 1_000_000;
    let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    let sub = u32::try_from(nanos % 1_000_000_000).unwrap_or(0);
    Duration::new(secs, sub)
}

/// Reads `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
///
/// A date in the past means "now" (zero). Fractional seconds are accepted
/// although the RFC allows only integers, as some servers send them.
pub(crate) fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let s = value.to_str().ok()?.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "longer than any cap".
        return Some(Duration::from_secs(s.parse().unwrap_or(u64::MAX)));
    }
    if let Ok(secs) = s.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = parse_http_date(s)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before retry number `retry`, or `None` to give up and return the
/// response as it is.
///
/// A usable `Retry-After` is the wait as given, without jitter (the server
/// asked for that time); one longer than `max_retry_after` gives up, since
/// waiting that long inside a call is worse than reporting the failure. An
/// absent or unreadable header falls back to [`backoff_delay`].
pub(crate) fn retry_delay(
    policy: &RetryPolicy,
    retry: u32,
    retry_after: Option<&HeaderValue>,
    now: SystemTime,
    jitter_fraction: f64,
) -> Option<Duration> {
    match retry_after.and_then(|v| parse_retry_after(v, now)) {
        Some(wait) if wait <= policy.max_retry_after => Some(wait),
        Some(_) => None,
        None => Some(backoff_delay(policy, retry, jitter_fraction)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default();
        let full: Vec<Duration> = (0..7).map(|r| backoff_delay(&p, r, 1.0)).collect();
        assert_eq!(
            full,
            [
                ms(500),
                ms(1000),
                ms(2000),
                ms(4000),
                ms(8000),
                ms(8000),
                ms(8000)
            ]
        );
        assert_eq!(backoff_delay(&p, u32::MAX, 1.0), ms(8000), "no overflow");
        let huge = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..p
        };
        assert!(backoff_delay(&huge, 40, 1.0) > Duration::from_secs(u64::MAX / 2));
    }

    #[test]
    fn jitter_spans_half_to_full_delay() {
        let p = RetryPolicy::default();
        assert_eq!(backoff_delay(&p, 1, 0.0), ms(500));
        assert_eq!(backoff_delay(&p, 1, 0.5), ms(750));
        assert_eq!(backoff_delay(&p, 1, 1.0), ms(1000));
        assert_eq!(backoff_delay(&p, 1, -3.0), ms(500), "clamped");
        assert_eq!(backoff_delay(&p, 1, f64::NAN), ms(1000));
        for _ in 0..200 {
            let d = backoff_delay(&p, 2, super::super::random::unit_f64());
            assert!((ms(1000)..=ms(2000)).contains(&d), "{d:?}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(
            parse_retry_after(&v("3"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(parse_retry_after(&v(" 0 "), now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(&v("1.5"), now), Some(ms(1500)));
        assert_eq!(
            parse_retry_after(&v("99999999999999999999999"), now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after(&v("Wed, 21 Oct 2015 07:28:00 GMT"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after(&v("Wed, 21 Oct 2015 07:00:00 GMT"), now),
            Some(Duration::ZERO),
            "past dates mean now"
        );
        for bad in ["", "-1", "soon", "NaN", "inf", "Wed, 21 Oct 2015"] {
            assert_eq!(parse_retry_after(&v(bad), now), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_overrides_backoff_up_to_the_cap() {
        let p = RetryPolicy::default();
        let now = SystemTime::now();
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(
            retry_delay(&p, 0, Some(&v("7")), now, 0.0),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_delay(&p, 0, Some(&v("60")), now, 0.0),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_delay(&p, 0, Some(&v("61")), now, 0.0),
            None,
            "over the cap"
        );
        assert_eq!(
            retry_delay(&p, 0, Some(&v("junk")), now, 0.0),
            Some(ms(250))
        );
        assert_eq!(retry_delay(&p, 3, None, now, 1.0), Some(ms(4000)));
    }

    #[test]
    fn retryable_statuses_and_methods() {
        let retryable: Vec<u16> = (100..600)
            .filter(|s| StatusCode::from_u16(*s).is_ok_and(is_retryable_status))
            .collect();
        assert_eq!(retryable, [408, 429, 500, 502, 503, 504]);
        assert!(method_is_idempotent(&Method::GET));
        assert!(method_is_idempotent(&Method::PUT));
        assert!(method_is_idempotent(&Method::DELETE));
        assert!(!method_is_idempotent(&Method::POST));
        assert!(!method_is_idempotent(&Method::PATCH));
    }
}
