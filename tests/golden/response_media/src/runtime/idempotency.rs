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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
