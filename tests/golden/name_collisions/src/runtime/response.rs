//! Responses: the raw bytes off the wire, and the typed [`Response<T>`] returned
//! to callers.
//!
//! Generated code receives a [`RawResponse`] from `Client::execute`, looks at the
//! status, and picks one of the helpers below. The status decides which type the
//! body is decoded as, never the body's shape: a 500 body that happens to look
//! like a 429 body is still a 500.

use std::fmt;
use std::ops::{Deref, DerefMut};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error};

/// The first request-id header present, per the API's configuration.
pub(crate) fn request_id_from(headers: &HeaderMap) -> Option<String> {
    request_id_in(headers).map(str::to_owned)
}

/// As [`request_id_from`], borrowed from the headers.
fn request_id_in(headers: &HeaderMap) -> Option<&str> {
    // Parsed once: looking a header up by `&str` parses the name on every call.
    static NAMES: std::sync::OnceLock<Vec<reqwest::header::HeaderName>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            crate::config::REQUEST_ID_HEADERS
                .iter()
                .filter_map(|n| reqwest::header::HeaderName::from_bytes(n.as_bytes()).ok())
                .collect()
        })
        .iter()
        .find_map(|name| headers.get(name)?.to_str().ok())
}

/// A response as received: status, headers and the complete body.
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// Shared with the HTTP client's buffer: a body that decodes is never copied.
    pub(crate) body: bytes::Bytes,
    /// The idempotency key the request carried, kept for error reports.
    pub(crate) idempotency_key: Option<String>,
    /// Which attempt this response answered (1 for the first).
    pub(crate) attempts: u32,
    /// Whether an earlier attempt of the same call may have reached the server
    /// and acted on it (it got no response, or a 5xx).
    pub(crate) earlier_attempt_may_have_acted: bool,
}

#[allow(
    dead_code,
    reason = "generated code calls only the helpers its spec's responses need"
)]
impl RawResponse {
    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// Decodes the body as JSON into `T`.
    ///
    /// On failure the error names the JSON path of the offending value, which is
    /// what makes a spec/server mismatch quick to find.
    pub(crate) fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        match decode_json::<T>(&self.body) {
            Ok(value) => Ok(Response::new(self.status, self.headers, value)),
            Err((path, message)) => Err(Error::Decode(DecodeError::new(
                self.status,
                &self.headers,
                path,
                message,
                Vec::from(self.body),
            ))),
        }
    }

    /// A resource looked up after a duplicate answer to a retry (see `duplicate.rs`):
    /// decoded as [`RawResponse::json`], and marked [`Response::is_recovered`].
    pub(crate) fn recovered<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        self.json().map(Response::mark_recovered)
    }

    /// A success whose body, if any, carries nothing the caller needs.
    pub(crate) fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response::new(self.status, self.headers, ()))
    }

    /// The body as raw bytes (files, images, archives, and other non-JSON
    /// payloads). The media type is in the response's `Content-Type` header.
    pub(crate) fn bytes<E>(self) -> Result<Response<bytes::Bytes>, Error<E>> {
        Ok(Response::new(
            self.status,
            self.headers,
            self.body,
        ))
    }

    /// The body as text (`text/*` media types). A body that is not UTF-8 is a
    /// decode error that keeps the raw bytes.
    pub(crate) fn text<E>(self) -> Result<Response<String>, Error<E>> {
        match String::from_utf8(Vec::from(self.body)) {
            Ok(text) => Ok(Response::new(self.status, self.headers, text)),
            Err(e) => {
                let message = format!("the text body is not UTF-8: {}", e.utf8_error());
                Err(Error::Decode(DecodeError::new(
                    self.status,
                    &self.headers,
                    ".".to_owned(),
                    message,
                    e.into_bytes(),
                )))
            }
        }
    }

    /// An error response for a documented error status.
    ///
    /// The body is decoded leniently as `B`: an empty body or one that does not
    /// match gives `None` instead of failing, because the status alone already
    /// says what went wrong and the raw body stays in the error.
    pub(crate) fn api_error<B: DeserializeOwned, E>(
        self,
        make: impl FnOnce(Option<B>) -> E,
    ) -> Error<E> {
        let decoded = if self.body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            serde_json::from_slice::<B>(&self.body).ok()
        };
        Error::Api(
            ApiError::new(self.status, self.headers, Vec::from(self.body), make(decoded))
                .with_idempotency_key(self.idempotency_key),
        )
    }

    /// An error response for a status the spec does not document (or a
    /// documented one without a body schema).
    pub(crate) fn unexpected<E>(self, kind: E) -> Error<E> {
        Error::Api(
            ApiError::new(self.status, self.headers, Vec::from(self.body), kind)
                .with_idempotency_key(self.idempotency_key),
        )
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Decodes JSON, reporting the failing path (`data[0].amount`) and message.
///
/// The path comes from where in the body `serde_json` stopped, found by scanning the
/// bytes up to that point: the same decoder serves the common case and the failing
/// one, so each type's decoding is compiled once, not a second time with path tracking.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    serde_json::from_slice::<T>(body)
        .map_err(|e| (json_path_at(body, e.line(), e.column()), e.to_string()))
}

/// The path (`data[1].amount`, `.` for the top level) of the value being read at
/// `line`/`column` (1-based, as `serde_json` reports them) of a JSON text: the keys
/// and indexes of the objects and arrays open there. A value that was just read is
/// still named by its key, and an object or array that was just closed by its own
/// position, which is what a missing field or a wrong type refers to.
pub(crate) fn json_path_at(body: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        Object { key: Option<String>, awaiting_key: bool },
        Array { index: usize },
    }
    // The byte offset just past the reported column.
    let mut end = body.len();
    let mut current_line = 1;
    for (i, b) in body.iter().enumerate() {
        if current_line == line {
            end = (i + column).min(body.len());
            break;
        }
        if *b == b'\n' {
            current_line += 1;
        }
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match body[i] {
            b'{' => stack.push(Frame::Object { key: None, awaiting_key: true }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { awaiting_key, .. }) => *awaiting_key = true,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, awaiting_key }) = stack.last_mut()
                    && *awaiting_key
                {
                    let raw = &body[start..i.min(body.len())];
                    *key = Some(
                        serde_json::from_slice::<String>(&[b"\"", raw, b"\""].concat())
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                    *awaiting_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// A successful response: the decoded value plus the status, headers and
/// request id it came with.
///
/// Dereferences to the value, so `response.id` reads the resource's field.
#[derive(Debug, Clone)]
pub struct Response<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    recovered: bool,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Self {
            value,
            status,
            headers,
            recovered: false,
        }
    }

    /// Marks the value as looked up after a duplicate answer to a retry.
    pub(crate) fn mark_recovered(mut self) -> Self {
        self.recovered = true;
        self
    }

    /// Whether the request was retried, the API answered the retry as a
    /// duplicate of an earlier attempt that had gone through, and the value was
    /// then looked up by the request's idempotency key (the status, headers and
    /// request id are then the lookup's). The operation succeeded exactly once.
    pub fn is_recovered(&self) -> bool {
        self.recovered
    }

    /// The HTTP status (useful where one operation answers 201 or 202, say).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's id for this request, from the first request-id header present.
    pub fn request_id(&self) -> Option<&str> {
        request_id_in(&self.headers)
    }

    /// The decoded value.
    pub fn inner(&self) -> &T {
        &self.value
    }

    /// Discards the metadata and returns the decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Splits into the value, the status and the headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.value, self.status, self.headers)
    }

    /// Maps the value, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            recovered: self.recovered,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Page {
        data: Vec<Item>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: String,
        amount: i64,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct NotFound {
        message: String,
    }

    #[derive(Debug, PartialEq)]
    enum Kind {
        NotFound(Option<NotFound>),
        Unexpected,
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req_9"));
        RawResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            headers,
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
            idempotency_key: Some("idem-1".to_owned()),
            attempts: 1,
            earlier_attempt_may_have_acted: false,
        }
    }

    #[test]
    fn json_success_keeps_metadata() -> Result<(), Error<Kind>> {
        let r =
            raw(201, r#"{"data":[{"id":"a","amount":5,"extra":true}]}"#).json::<Page, Kind>()?;
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(r.request_id(), Some("req_9"));
        assert_eq!(r.data[0].id, "a", "deref reaches the value's fields");
        let (page, status, _) = r.into_parts();
        assert_eq!(page.data.len(), 1);
        assert_eq!(status, 201);
        Ok(())
    }

    #[test]
    fn decode_error_names_the_failing_field() -> Result<(), String> {
        let body = r#"{"data":[{"id":"a","amount":1},{"id":"b","amount":"12"}]}"#;
        let e = match raw(200, body).json::<Page, Kind>() {
            Err(Error::Decode(e)) => e,
            other => return Err(format!("expected a decode error, got {other:?}")),
        };
        assert_eq!(e.path(), "data[1].amount");
        assert_eq!(e.status(), StatusCode::OK);
        assert_eq!(e.request_id(), Some("req_9"));
        assert!(e.message().contains("invalid type"), "{}", e.message());
        let shown = e.to_string();
        assert!(shown.contains("`data[1].amount`"), "{shown}");
        assert!(shown.contains(r#""amount":"12""#), "body snippet: {shown}");
        Ok(())
    }

    #[test]
    fn decode_error_snippet_is_bounded_and_trailing_garbage_fails() -> Result<(), String> {
        let long = format!(r#"{{"data":[{{"id":"{}"}}]}}"#, "y".repeat(1000));
        let Err(Error::Decode(e)) = raw(200, &long).json::<Page, Kind>() else {
            return Err("expected a decode error".into());
        };
        assert_eq!(e.path(), "data[0]");
        assert!(e.to_string().len() < 500, "{}", e);
        assert_eq!(e.body().len(), long.len(), "the full body is kept");
        let r = raw(200, r#"{"data":[]} x"#).json::<Page, Kind>();
        assert!(matches!(r, Err(Error::Decode(_))), "{r:?}");
        Ok(())
    }

    #[test]
    fn the_path_is_found_where_the_decoder_stopped() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            page: Page,
            #[serde(rename = "odd \"key\"")]
            odd: Vec<Vec<i64>>,
        }
        let path = |body: &str| match serde_json::from_str::<Outer>(body) {
            Ok(_) => "decoded".to_owned(),
            Err(e) => json_path_at(body.as_bytes(), e.line(), e.column()),
        };
        // A wrong type, in an array inside an object inside an array.
        let body = r#"{"page":{"data":[{"id":"a","amount":1},{"id":"b","amount":true}]},"odd \"key\"":[]}"#;
        assert_eq!(path(body), "page.data[1].amount");
        // A missing field names the object that lacks it.
        assert_eq!(path(r#"{"page":{"data":[{"id":"a"}]},"odd \"key\"":[]}"#), "page.data[0]");
        // Keys with escapes, nested arrays, and a value on a later line.
        let body = "{\"page\": {\"data\": []},\n \"odd \\\"key\\\"\": [[1, 2], [3, \"x\"]]}";
        assert_eq!(path(body), "odd \"key\"[1][1]");
        // Strings that contain brackets and commas do not confuse the scan.
        let body = r#"{"page":{"data":[{"id":"[,{","amount":"x"}]},"odd \"key\"":[]}"#;
        assert_eq!(path(body), "page.data[0].amount");
        // Not JSON at all, and trailing garbage, are the top level.
        assert_eq!(path("nope"), ".");
        assert_eq!(path(r#"{"page":{"data":[]},"odd \"key\"":[]} x"#), ".");
    }

    #[test]
    fn api_error_decodes_leniently() {
        let make = Kind::NotFound;
        let e = raw(404, r#"{"error":"Not Found","message":"gone"}"#).api_error(make);
        let expected = NotFound {
            message: "gone".into(),
        };
        assert_eq!(e.kind(), Some(&Kind::NotFound(Some(expected))));
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        let e = raw(404, "<html>nope</html>").api_error(Kind::NotFound);
        assert_eq!(e.kind(), Some(&Kind::NotFound(None)));
        assert_eq!(e.api().map(ApiError::body), Some(&b"<html>nope</html>"[..]));
        let e = raw(404, "  ").api_error(Kind::NotFound);
        assert_eq!(e.kind(), Some(&Kind::NotFound(None)));
    }

    #[test]
    fn unexpected_and_empty() {
        let e = raw(418, "teapot").unexpected(Kind::Unexpected);
        assert_eq!(e.kind(), Some(&Kind::Unexpected));
        assert_eq!(e.idempotency_key(), Some("idem-1"));
        assert_eq!(e.request_id(), Some("req_9"));
        let r = raw(204, "ignored").empty::<Kind>();
        assert!(
            matches!(r, Ok(ref r) if r.status() == StatusCode::NO_CONTENT),
            "{r:?}"
        );
        let r = raw(200, "bin").bytes::<Kind>();
        assert!(matches!(r, Ok(ref r) if r.inner() == &b"bin"[..]), "{r:?}");
    }
}
