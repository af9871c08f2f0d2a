//! Webhook and callback signatures: HMAC-SHA256 over the exact bytes received,
//! compared in constant time.
//!
//! This file is the same for every API; the signature header, the event type and
//! the callback fields of one API are generated in the parent `webhooks` module.
//! The comparison runs through `hmac`'s `verify_slice`, which is constant-time in
//! the length of the expected tag, so a timing side channel does not reveal how
//! many leading bytes of a forged signature were right.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Why a webhook or callback was rejected. Nothing was parsed when this is
/// returned for a signature problem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request has no signature (the header is missing or empty).
    #[error("the request carries no signature")]
    MissingSignature,
    /// The signature is not hexadecimal text of the right length.
    #[error("the signature is not a hex-encoded HMAC-SHA256")]
    MalformedSignature,
    /// The signature does not match the body and secret.
    #[error("the signature does not match the body (wrong secret, or the body was changed)")]
    InvalidSignature,
    /// The signature is valid, but the body is not a JSON event.
    #[error("the webhook body is not a valid event: {0}")]
    Decode(#[from] serde_json::Error),
}

impl WebhookError {
    /// True when the signature failed (answer 400 or 401); false for a decode error
    /// of an authentic body.
    pub fn is_signature_error(&self) -> bool {
        !matches!(self, WebhookError::Decode(_))
    }
}

/// Checks `signature_header` against the HMAC-SHA256 of `raw_body` keyed with
/// `secret`.
///
/// `raw_body` must be the bytes exactly as received: parsing and re-serialising
/// JSON changes them. The signature is hexadecimal in either case, optionally
/// prefixed with `sha256=`, with surrounding whitespace ignored.
pub fn verify(raw_body: &[u8], signature_header: &str, secret: &[u8]) -> Result<(), WebhookError> {
    verify_hex(&[raw_body], signature_header, secret)
}

/// Checks a signature over several pieces joined by `separator` (e.g. the fields of a
/// checkout callback), without building the joined text first.
pub fn verify_joined(
    parts: &[&str],
    separator: &str,
    signature: &str,
    secret: &[u8],
) -> Result<(), WebhookError> {
    let mut pieces: Vec<&[u8]> = Vec::with_capacity(parts.len() * 2);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            pieces.push(separator.as_bytes());
        }
        pieces.push(p.as_bytes());
    }
    verify_hex(&pieces, signature, secret)
}

/// The lowercase hex HMAC-SHA256 of `message` keyed with `secret`: what a sender
/// puts in the signature header. Useful to sign requests in tests.
pub fn sign(message: &[u8], secret: &[u8]) -> String {
    let Some(m) = mac(&[message], secret) else {
        return String::new();
    };
    let mut out = String::with_capacity(64);
    for b in m.finalize().into_bytes() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// HMAC over the pieces in order. HMAC takes keys of any length, so `None` does not
/// happen in practice; callers treat it as a failed check.
fn mac(pieces: &[&[u8]], secret: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret).ok()?;
    for p in pieces {
        m.update(p);
    }
    Some(m)
}

fn verify_hex(pieces: &[&[u8]], signature: &str, secret: &[u8]) -> Result<(), WebhookError> {
    let text = signature.trim();
    let text = match text.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("sha256=") => &text[7..],
        _ => text,
    };
    if text.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let expected = decode_hex(text).ok_or(WebhookError::MalformedSignature)?;
    if expected.len() != 32 {
        return Err(WebhookError::MalformedSignature);
    }
    mac(pieces, secret)
        .ok_or(WebhookError::InvalidSignature)?
        .verify_slice(&expected)
        .map_err(|_| WebhookError::InvalidSignature)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    bytes
        .chunks_exact(2)
        .map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known vectors, computed independently of this code:
    //   printf '%s' '{"entity_type":"payment","event_type":"success","data":{"id":"pay_1"}}' \
    //     | openssl dgst -sha256 -hmac 'whsec_test'
    const BODY: &str = r#"{"entity_type":"payment","event_type":"success","data":{"id":"pay_1"}}"#;
    const SECRET: &str = "whsec_test";
    const SIG: &str = "6c340ae739a222904cd88213f45a23b799948abaaee24dc21144fcda49bb0eea";
    //   printf '%s' 'order_1|pay_1|success' | openssl dgst -sha256 -hmac 'sk_test_secret'
    const CALLBACK_SIG: &str = "c67058095d490885d7896ad1c19aa51fbcf47f2850554bf17ef0554188799d4b";

    #[test]
    fn known_vector_is_accepted() {
        assert!(verify(BODY.as_bytes(), SIG, SECRET.as_bytes()).is_ok());
        assert_eq!(sign(BODY.as_bytes(), SECRET.as_bytes()), SIG);
    }

    #[test]
    fn uppercase_hex_prefix_and_whitespace_are_accepted() {
        let upper = SIG.to_ascii_uppercase();
        assert!(verify(BODY.as_bytes(), &upper, SECRET.as_bytes()).is_ok());
        let prefixed = format!("sha256={SIG}");
        assert!(verify(BODY.as_bytes(), &prefixed, SECRET.as_bytes()).is_ok());
        let prefixed_upper = format!(" SHA256={upper} ");
        assert!(verify(BODY.as_bytes(), &prefixed_upper, SECRET.as_bytes()).is_ok());
    }

    #[test]
    fn tampered_body_is_rejected() {
        let tampered = BODY.replace("pay_1", "pay_2");
        assert!(matches!(
            verify(tampered.as_bytes(), SIG, SECRET.as_bytes()),
            Err(WebhookError::InvalidSignature)
        ));
        // One byte of whitespace is a different body too.
        let spaced = format!("{BODY} ");
        assert!(matches!(
            verify(spaced.as_bytes(), SIG, SECRET.as_bytes()),
            Err(WebhookError::InvalidSignature)
        ));
    }

    #[test]
    fn wrong_secret_is_rejected() {
        assert!(matches!(
            verify(BODY.as_bytes(), SIG, b"whsec_other"),
            Err(WebhookError::InvalidSignature)
        ));
    }

    #[test]
    fn missing_or_malformed_signature_is_rejected() {
        assert!(matches!(
            verify(BODY.as_bytes(), "", SECRET.as_bytes()),
            Err(WebhookError::MissingSignature)
        ));
        assert!(matches!(
            verify(BODY.as_bytes(), "sha256=", SECRET.as_bytes()),
            Err(WebhookError::MissingSignature)
        ));
        assert!(matches!(
            verify(BODY.as_bytes(), "not-hex", SECRET.as_bytes()),
            Err(WebhookError::MalformedSignature)
        ));
        // A truncated signature is malformed, never a prefix match.
        assert!(matches!(
            verify(BODY.as_bytes(), &SIG[..32], SECRET.as_bytes()),
            Err(WebhookError::MalformedSignature)
        ));
    }

    #[test]
    fn joined_fields_known_vector() {
        let parts = ["order_1", "pay_1", "success"];
        assert!(verify_joined(&parts, "|", CALLBACK_SIG, b"sk_test_secret").is_ok());
        assert!(matches!(
            verify_joined(&["order_1", "pay_1", "failed"], "|", CALLBACK_SIG, b"sk_test_secret"),
            Err(WebhookError::InvalidSignature)
        ));
        assert!(matches!(
            verify_joined(&parts, "|", CALLBACK_SIG, b"sk_live_other"),
            Err(WebhookError::InvalidSignature)
        ));
    }
}
