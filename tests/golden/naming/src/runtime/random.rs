//! Randomness for retry jitter and idempotency keys.
//!
//! Both come from the operating system through `getrandom`, so the SDK needs no
//! `rand` or `uuid` crate. Should the OS source ever fail, a keyed SipHash of a
//! counter and the clock (std's `RandomState`, itself seeded from the OS) is
//! used instead: jitter and request ids must never make a request fail.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Fills `buf` with random bytes.
pub(crate) fn fill(buf: &mut [u8]) {
    if getrandom::fill(buf).is_err() {
        fill_fallback(buf);
    }
}

fn fill_fallback(buf: &mut [u8]) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for chunk in buf.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u128(nanos);
        let bytes = h.finish().to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

/// A uniformly distributed `f64` in `[0, 1)`.
pub(crate) fn unit_f64() -> f64 {
    let mut b = [0u8; 8];
    fill(&mut b);
    // The top 53 bits fill an f64 mantissa exactly, so the result is uniform and < 1.
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// A random (version 4) UUID in its lowercase hyphenated form, e.g.
/// `1b4e28ba-2fa1-4d2b-883f-0016d3cca427`.
pub(crate) fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte & 0x0f));
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from(if n < 10 { b'0' + n } else { b'a' + n - 10 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_uuid_v4(s: &str) {
        let b = s.as_bytes();
        assert_eq!(b.len(), 36, "{s}");
        for (i, c) in b.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                assert_eq!(*c, b'-', "{s}");
            } else {
                assert!(matches!(c, b'0'..=b'9' | b'a'..=b'f'), "{s}");
            }
        }
        assert_eq!(b[14], b'4', "version nibble in {s}");
        assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'), "variant in {s}");
    }

    #[test]
    fn uuid_v4_has_version_and_variant_bits() {
        let ids: Vec<String> = (0..64).map(|_| uuid_v4()).collect();
        for id in &ids {
            assert_uuid_v4(id);
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn fallback_source_differs_between_calls() {
        let (mut a, mut b) = ([0u8; 20], [0u8; 20]);
        fill_fallback(&mut a);
        fill_fallback(&mut b);
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 20]);
    }

    #[test]
    fn unit_f64_is_in_range_and_varies() {
        let xs: Vec<f64> = (0..1000).map(|_| unit_f64()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(xs.iter().any(|x| *x < 0.25) && xs.iter().any(|x| *x > 0.75));
    }
}
