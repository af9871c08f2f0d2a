//! Recovering a create that went through although its answer was lost.
//!
//! A request carrying an idempotency key is retried after a timeout, a dropped
//! connection or a 5xx. When the first attempt was in fact applied, the API
//! answers the retry with its duplicate-request error. Reporting that error would
//! tell the caller a payment failed when it succeeded, so generated code hands
//! such an answer here: the resource is fetched through a list operation
//! filtered by the key and returned as the call's result, marked
//! [`Response::is_recovered`](super::Response::is_recovered). Where no lookup exists,
//! or it finds nothing, the call fails with [`DuplicateError`], which carries the key
//! and says that the first attempt may have succeeded.
//!
//! Only an answer to a retry counts, and only when an earlier attempt may have
//! reached the server (it got no response, or a 5xx). A duplicate answer to the
//! first attempt means the caller reused a key, and stays an ordinary API error.

use serde_json::Value;

use super::client::Client;
use super::error::{ApiError, DuplicateError, DuplicateReason, Error};
use super::base_url::ServerOverride;
use super::request::{Request, RequestOptions};
use super::response::RawResponse;

/// How an operation recognises the API's answer that a retried request is a duplicate
/// of one already applied, and how it then finds the resource (static data in
/// generated code).
#[derive(Debug)]
pub(crate) struct Duplicate {
    /// The status of the duplicate answer.
    pub(crate) status: u16,
    /// Text the answer's body must contain to count, if any.
    pub(crate) body_contains: Option<&'static str>,
    /// The list operation that finds the resource by its key; `None` when there is none.
    pub(crate) lookup: Option<Lookup>,
}

/// The list operation that finds a resource by its idempotency key.
#[derive(Debug)]
pub(crate) struct Lookup {
    /// The list operation's path.
    pub(crate) path: &'static str,
    /// The query parameter that filters by key.
    pub(crate) param: &'static str,
    /// The list operation's own server, if it has one.
    pub(crate) server: Option<ServerOverride>,
    /// The response property holding the items; `None` when the body is the array.
    pub(crate) items_field: Option<&'static str>,
    /// The items' field that holds the key.
    pub(crate) key_field: &'static str,
}

impl Lookup {
    /// The `GET` of the list filtered by `key`, with the call's options.
    fn request(&self, key: &str, options: &RequestOptions) -> Request {
        let mut request = Request::new(reqwest::Method::GET, self.path, String::from(self.path));
        if let Some(server) = self.server {
            request = request.with_server(server);
        }
        request.query(self.param, key);
        request.options(options);
        request
    }
}

#[allow(
    dead_code,
    reason = "used only by generated crates whose config declares duplicate answers"
)]
impl RawResponse {
    /// The idempotency key, when this response is the API's duplicate answer
    /// (`status`, and a body containing `body_contains` if given) to a retry
    /// made after an attempt that may have been applied.
    pub(crate) fn retried_duplicate(
        &self,
        status: u16,
        body_contains: Option<&str>,
    ) -> Option<String> {
        if !self.earlier_attempt_may_have_acted || self.status.as_u16() != status {
            return None;
        }
        if let Some(text) = body_contains {
            if !String::from_utf8_lossy(&self.body).contains(text) {
                return None;
            }
        }
        self.idempotency_key.clone()
    }
}

#[allow(
    dead_code,
    reason = "used only by generated crates whose config declares duplicate answers"
)]
impl Client {
    /// Resolves a duplicate answer to a retry: looks the resource up by `key` (with
    /// the call's `options`) and returns the lookup's answer with the one item as its
    /// body, for the operation to decode (`RawResponse::recovered`), or fails with
    /// [`DuplicateError`].
    pub(crate) async fn recover_duplicate(
        &self,
        duplicate: RawResponse,
        key: String,
        lookup: Option<&Lookup>,
        options: &RequestOptions,
    ) -> Result<RawResponse, DuplicateError> {
        let attempts = duplicate.attempts;
        let fail = |duplicate: RawResponse, reason: DuplicateReason| {
            tracing::warn!(
                attempts,
                status = duplicate.status.as_u16(),
                reason = %reason,
                "a retried request was answered as a duplicate and could not be looked up"
            );
            Err(DuplicateError::new(
                key.clone(),
                attempts,
                duplicate.status,
                &duplicate.headers,
                Vec::from(duplicate.body),
                reason,
            ))
        };
        let Some(lookup) = lookup else {
            return fail(duplicate, DuplicateReason::NoLookup);
        };
        let raw = match self.execute(lookup.request(&key, options)).await {
            Ok(raw) => raw,
            Err(e) => {
                return fail(
                    duplicate,
                    DuplicateReason::LookupFailed(Box::new(Error::<()>::from(e))),
                );
            }
        };
        if !raw.status.is_success() {
            let status = raw.status;
            let err = ApiError::new(status, raw.headers, Vec::from(raw.body), ());
            return fail(duplicate, DuplicateReason::LookupFailed(Box::new(err)));
        }
        let found = match find_item(&raw.body, lookup.items_field, lookup.key_field, &key) {
            Ok(item) => item,
            Err(reason) => return fail(duplicate, reason),
        };
        tracing::info!(
            attempts,
            "a retried request was answered as a duplicate; returning the resource the earlier attempt created"
        );
        // Decoded from its own text, so a failure names the field within the item.
        let body = serde_json::to_vec(&found).unwrap_or_default();
        Ok(RawResponse {
            body: body.into(),
            ..raw
        })
    }
}

/// The one item of a lookup's answer that belongs to `key`: items carrying
/// `key_field` must hold the key; exactly one item may remain.
fn find_item(
    body: &[u8],
    items_field: Option<&str>,
    key_field: &str,
    key: &str,
) -> Result<Value, DuplicateReason> {
    let mut doc: Value = serde_json::from_slice(body).map_err(|_| DuplicateReason::NotFound)?;
    let items = match items_field {
        Some(field) => doc.get_mut(field).map(Value::take),
        None => Some(doc),
    };
    let Some(Value::Array(items)) = items else {
        return Err(DuplicateReason::NotFound);
    };
    let mut matching: Vec<Value> = items
        .into_iter()
        .filter(|item| match item.get(key_field) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s == key,
            Some(other) => {
                // A number key (`42`) is compared by its text.
                let text = other.to_string();
                text == key
            }
        })
        .collect();
    match matching.len() {
        0 => Err(DuplicateReason::NotFound),
        1 => Ok(matching.remove(0)),
        n => Err(DuplicateReason::Ambiguous(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_item_with_the_key_is_chosen() {
        let body = br#"{"data":[{"id":"a","request_id":"other"},{"id":"b","request_id":"k1"}]}"#;
        let item = find_item(body, Some("data"), "request_id", "k1");
        assert_eq!(
            item.ok().and_then(|v| v.get("id").cloned()),
            Some("b".into())
        );
        // Items without the key field are taken as the server filtered them.
        let body = br#"[{"id":"c"}]"#;
        let item = find_item(body, None, "request_id", "k1");
        assert_eq!(
            item.ok().and_then(|v| v.get("id").cloned()),
            Some("c".into())
        );
    }

    #[test]
    fn nothing_or_several_candidates_is_not_a_recovery() {
        let none = find_item(br#"{"data":[]}"#, Some("data"), "request_id", "k1");
        assert!(matches!(none, Err(DuplicateReason::NotFound)));
        let other = find_item(
            br#"{"data":[{"request_id":"k2"}]}"#,
            Some("data"),
            "request_id",
            "k1",
        );
        assert!(matches!(other, Err(DuplicateReason::NotFound)));
        // A server that ignored the filter: several items, none provably ours.
        let many = find_item(
            br#"{"data":[{"id":"a"},{"id":"b"}]}"#,
            Some("data"),
            "request_id",
            "k1",
        );
        assert!(matches!(many, Err(DuplicateReason::Ambiguous(2))));
        let junk = find_item(b"<html>", Some("data"), "request_id", "k1");
        assert!(matches!(junk, Err(DuplicateReason::NotFound)));
    }
}
