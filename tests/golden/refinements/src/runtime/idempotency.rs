//! Idempotency keys carried in the request body.
//!
//! Some APIs make a create call idempotent through a body field (a
//! `request_id`, say) rather than an `Idempotency-Key` header: the server
//! rejects or deduplicates a second request with the same value. Such a request
//! is safe to retry only if every attempt carries the *same* key, so the key is
//! generated once, written into the body before the first attempt, and the
//! serialised bytes are reused for every retry.

use serde_json::Value;

use super::random::uuid_v4;

/// The key in a typed body's required key field: the caller's, or a fresh UUID v4
/// written into the field when it is empty.
#[allow(
    dead_code,
    reason = "used only by generated crates whose config names an idempotency field"
)]
pub(crate) fn fill_key(field: &mut String) -> String {
    if field.is_empty() {
        *field = uuid_v4();
    }
    field.clone()
}

/// The key in a typed body's optional key field: the caller's, or a fresh UUID v4
/// written into the field when it is absent or empty.
#[allow(
    dead_code,
    reason = "used only by generated crates whose config names an idempotency field"
)]
pub(crate) fn fill_optional_key(field: &mut Option<String>) -> String {
    match field {
        Some(key) if !key.is_empty() => key.clone(),
        _ => field.insert(uuid_v4()).clone(),
    }
}

/// Makes sure the JSON object `body` carries an idempotency key in `field`.
///
/// A key the caller set is kept as it is; an absent, `null` or empty-string
/// field gets a fresh UUID v4. Returns the key in effect (as text), or `None`
/// when `body` is not a JSON object and so cannot carry one.
pub(crate) fn ensure_idempotency_key(body: &mut Value, field: &str) -> Option<String> {
    let map = body.as_object_mut()?;
    let missing = match map.get(field) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    };
    if missing {
        map.insert(field.to_owned(), Value::String(uuid_v4()));
    }
    map.get(field).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The idempotency key a serialised JSON object already carries in `field`,
/// read without building the whole document: `Some(key)` when the caller set one
/// (what [`ensure_idempotency_key`] would keep), `None` when it is absent, `null`
/// or empty (or the body is not an object), so a key must be filled in.
pub(crate) fn existing_idempotency_key(body: &[u8], field: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
    use std::fmt;

    /// Whether a key equals the field, compared without copying it.
    struct IsField<'f>(&'f str);
    impl<'de> DeserializeSeed<'de> for IsField<'_> {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl Visitor<'_> for IsField<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E>(self, key: &str) -> Result<bool, E> {
            Ok(key == self.0)
        }
    }

    struct Probe<'f>(&'f str);
    impl<'de> DeserializeSeed<'de> for Probe<'_> {
        type Value = Option<Value>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = Option<Value>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // The last occurrence wins, as when the body is read into a `Value`.
            let mut found = None;
            while let Some(is_field) = map.next_key_seed(IsField(self.0))? {
                if is_field {
                    found = Some(map.next_value::<Value>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Probe(field).deserialize(&mut de).ok().flatten();
    de.end().ok()?;
    match found? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_typed_key_is_kept_or_filled_once() {
        let mut mine = String::from("mine-1");
        assert_eq!(fill_key(&mut mine), "mine-1");
        let mut empty = String::new();
        let key = fill_key(&mut empty);
        assert_eq!(key.len(), 36, "a UUID: {key}");
        assert_eq!(empty, key, "the field holds the key that is returned");
        for mut field in [None, Some(String::new())] {
            let key = fill_optional_key(&mut field);
            assert_eq!(key.len(), 36, "a UUID: {key}");
            assert_eq!(field.as_deref(), Some(key.as_str()));
        }
        let mut set = Some(String::from("mine-2"));
        assert_eq!(fill_optional_key(&mut set), "mine-2");
        assert_eq!(set.as_deref(), Some("mine-2"));
    }

    fn generated(body: &Value) -> Option<&str> {
        body.get("request_id").and_then(Value::as_str)
    }

    #[test]
    fn fills_absent_null_and_empty_keys() {
        for mut body in [
            json!({"amount": 100}),
            json!({"amount": 100, "request_id": null}),
            json!({"amount": 100, "request_id": ""}),
        ] {
            let key = ensure_idempotency_key(&mut body, "request_id");
            let stored = generated(&body).map(str::to_owned);
            assert_eq!(key, stored);
            let stored = stored.unwrap_or_default();
            assert_eq!(stored.len(), 36, "{stored}");
            assert_eq!(stored.as_bytes()[14], b'4', "{stored}");
            assert_eq!(body["amount"], 100, "other fields untouched");
        }
    }

    #[test]
    fn keeps_the_callers_key() {
        let mut body = json!({"request_id": "order-42"});
        assert_eq!(
            ensure_idempotency_key(&mut body, "request_id").as_deref(),
            Some("order-42")
        );
        assert_eq!(body, json!({"request_id": "order-42"}));
        let mut body = json!({"request_id": 42});
        assert_eq!(
            ensure_idempotency_key(&mut body, "request_id").as_deref(),
            Some("42")
        );
        assert_eq!(body, json!({"request_id": 42}));
    }

    #[test]
    fn existing_key_is_read_from_the_bytes_like_from_the_value() {
        let cases: &[&[u8]] = &[
            br#"{"amount":1,"request_id":"order-42"}"#,
            br#"{"request_id":42,"x":[1,{"request_id":"nested"}]}"#,
            br#"{"x":{"request_id":"nested"}}"#,
            br#"{"request_id":null}"#,
            br#"{"request_id":""}"#,
            br#"{"request_id":"a","request_id":"b"}"#,
            br#"{"request_id":"a","request_id":null}"#,
            br#"{"request_id":"escaped"}"#,
            br#"[{"request_id":"in a list"}]"#,
            br#""request_id""#,
            br#"{}"#,
        ];
        for bytes in cases {
            let mut value: Value = serde_json::from_slice(bytes).unwrap_or_default();
            let before = value.clone();
            let filled = ensure_idempotency_key(&mut value, "request_id");
            let expected = if value == before { filled } else { None };
            assert_eq!(
                existing_idempotency_key(bytes, "request_id"),
                expected,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
        assert_eq!(existing_idempotency_key(b"{\"request_id\":\"a\"} x", "request_id"), None);
    }

    #[test]
    fn fresh_keys_differ_and_non_objects_are_left_alone() {
        let (mut a, mut b) = (json!({}), json!({}));
        ensure_idempotency_key(&mut a, "k");
        ensure_idempotency_key(&mut b, "k");
        assert_ne!(a["k"], b["k"]);
        let mut list = json!([1, 2]);
        assert_eq!(ensure_idempotency_key(&mut list, "k"), None);
        assert_eq!(list, json!([1, 2]));
    }
}
