//! The description of one API call, as built by generated code.
//!
//! A [`Request`] holds everything needed to send the call any number of times:
//! the body is serialised once and re-sent byte for byte on each retry, and a
//! multipart body is kept as a description from which each attempt builds its
//! own form.

use std::borrow::Cow;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde_json::Value;

use super::base_url::{ServerOverride, Servers, resolve};
use super::encoding::{
    Style, ToQuery, encode_cookie_value, form_pairs, param_text, query_pairs,
};
use super::error::EncodeError;
use super::idempotency::{ensure_idempotency_key, existing_idempotency_key};
use super::multipart::{FilePart, MultipartBody};
use super::retry::method_is_idempotent;

/// Per-request overrides of the client's settings.
///
/// ```ignore
/// let opts = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) deadline: Option<Duration>,
    /// Extra headers, sent after the operation's own.
    pub(crate) headers: Vec<(String, String)>,
}

impl RequestOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// The timeout of each attempt of this request (connecting, sending, and
    /// reading the whole response), instead of the client's.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The number of retries for this request, instead of the client's; 0
    /// disables retrying.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// The longest this call may take, attempts, backoff and `Retry-After`
    /// waits together, instead of the client's
    /// [`deadline`](super::ClientBuilder::deadline).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// An extra header for this request (a tracing id, a mock server's `Prefer`...).
    /// A name or value that is not a valid header is an encode error when sent.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The body of a request.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    /// A JSON body, serialised once (its idempotency key, if it needs one, is
    /// filled in by [`Request::prepare`]).
    Json(Vec<u8>),
    Multipart(MultipartBody),
    /// Encoded bytes (form, text, or a file) with their media type.
    Bytes(bytes::Bytes, String),
}

/// One API call: method, path, parameters, body and options.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    method: Method,
    path_template: &'static str,
    path: String,
    server: Option<ServerOverride>,
    query: Vec<(Cow<'static, str>, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    accept: Option<&'static str>,
    content_type: Option<&'static str>,
    body: Body,
    idempotency_field: Option<&'static str>,
    idempotency_key: Option<String>,
    options: RequestOptions,
    security: Security,
}

/// The security requirements of an operation: alternatives, each a set of
/// schemes whose credentials are sent together. Empty: no credential.
pub(crate) type Security = &'static [&'static [crate::config::SecurityScheme]];

#[allow(
    dead_code,
    reason = "generated code calls only the builder methods its spec's operations need"
)]
impl Request {
    /// A request for `path` (already percent-encoded, starting with `/`,
    /// relative to the server). `path_template` is the spec's path, such as
    /// `/payouts/{id}`, used in logs instead of the concrete path.
    pub(crate) fn new(method: Method, path_template: &'static str, path: String) -> Self {
        Self {
            method,
            path_template,
            path,
            server: None,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            accept: None,
            content_type: None,
            body: Body::Empty,
            idempotency_field: None,
            idempotency_key: None,
            options: RequestOptions::default(),
            security: &[],
        }
    }

    /// The credentials the operation accepts (from its `security` in the API
    /// description). Without this call the request carries no credential.
    pub(crate) fn security(&mut self, security: Security) {
        self.security = security;
    }

    /// Sends the request to another server than the client's base URL.
    pub(crate) fn with_server(mut self, server: ServerOverride) -> Self {
        self.server = Some(server);
        self
    }

    /// Adds a query parameter; see [`ToQuery`] for how values are rendered.
    pub(crate) fn query(&mut self, name: &'static str, value: impl ToQuery) {
        let mut values = Vec::new();
        value.to_query(&mut values);
        self.query
            .extend(values.into_iter().map(|v| (Cow::Borrowed(name), v)));
    }

    /// Adds a query parameter of any serialisable type, written per its `style`
    /// and `explode` (lists, objects, `deepObject` brackets, JSON `content`).
    pub(crate) fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Result<(), EncodeError> {
        let pairs = query_pairs(name, value, style, explode)?;
        self.query
            .extend(pairs.into_iter().map(|(k, v)| (Cow::Owned(k), v)));
        Ok(())
    }

    /// Whether a query parameter has been set (to pin a default only when the
    /// caller did not choose a value).
    pub(crate) fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(n, _)| n == name)
    }

    /// Adds a header parameter. Invalid names or values are reported when the
    /// request is sent, as an encode error.
    pub(crate) fn header(&mut self, name: &'static str, value: String) {
        self.headers.push((name, value));
    }

    /// Adds a header parameter of any serialisable type (`simple` style, or JSON
    /// text for `content`-encoded parameters).
    pub(crate) fn header_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Result<(), EncodeError> {
        let text = param_text(value, style, explode)?;
        self.headers.push((name, text));
        Ok(())
    }

    /// Adds a cookie parameter; all cookies travel in one `Cookie` header, their
    /// values percent-encoded where RFC 6265 does not allow the character.
    pub(crate) fn cookie<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Result<(), EncodeError> {
        let text = param_text(value, style, explode)?;
        self.cookies.push((name, encode_cookie_value(&text)));
        Ok(())
    }

    /// The `Accept` header, when the operation documents more than JSON.
    pub(crate) fn accept(&mut self, media_types: &'static str) {
        self.accept = Some(media_types);
    }

    /// The `Content-Type` of a JSON body, when the operation declares another
    /// JSON media type (`application/merge-patch+json`...).
    pub(crate) fn content_type(&mut self, media_type: &'static str) {
        self.content_type = Some(media_type);
    }

    /// Sets an `application/x-www-form-urlencoded` body; `encoding` lists the
    /// properties with a declared style (see [`form_pairs`]).
    pub(crate) fn form<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        encoding: &[(&str, Style, bool)],
    ) -> Result<(), EncodeError> {
        let pairs = form_pairs(body, encoding)?;
        let text = serde_urlencoded::to_string(&pairs)
            .map_err(|e| EncodeError::with_source("could not form-encode the request body", e))?;
        self.body = Body::Bytes(
            text.into(),
            "application/x-www-form-urlencoded".to_owned(),
        );
        Ok(())
    }

    /// Sets a text body of the operation's media type (`text/plain` where the
    /// spec only says `text/*`).
    pub(crate) fn text(&mut self, body: &str, media_type: &'static str) {
        let media_type = if media_type.contains('*') {
            "text/plain; charset=utf-8"
        } else {
            media_type
        };
        self.body = Body::Bytes(
            bytes::Bytes::copy_from_slice(body.as_bytes()),
            media_type.to_owned(),
        );
    }

    /// Sets a raw body: the file's bytes, sent as the operation's media type, or
    /// as the file's own when the spec's is a wildcard (`*/*`, `image/*`).
    pub(crate) fn binary(&mut self, file: &FilePart, media_type: &'static str) {
        let media_type = if media_type.contains('*') {
            file.content_type()
        } else {
            media_type
        };
        self.body = Body::Bytes(file.shared_bytes(), media_type.to_owned());
    }

    /// Sets a JSON body. It is serialised here, straight to bytes, once; every
    /// attempt sends the same bytes.
    pub(crate) fn json<T: Serialize>(&mut self, body: &T) -> Result<(), EncodeError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| EncodeError::with_source("could not serialise the request body", e))?;
        self.body = Body::Json(bytes);
        Ok(())
    }

    /// Declares that the JSON body's `field` is an idempotency key, which makes
    /// the request safe to retry. A key the caller set is kept; an absent, null
    /// or empty one is filled with a fresh UUID v4 before the first attempt and
    /// reused on every retry.
    pub(crate) fn idempotency_field(&mut self, field: &'static str) {
        self.idempotency_field = Some(field);
    }

    /// Declares the idempotency key the JSON body already carries (the generated code
    /// fills it in on the typed body), which makes the request safe to retry; the body
    /// is then sent as serialised, without being searched for the key.
    pub(crate) fn idempotency_key(&mut self, key: String) {
        self.idempotency_key = Some(key);
    }

    /// Sets a `multipart/form-data` body.
    pub(crate) fn multipart(&mut self, form: MultipartBody) {
        self.body = Body::Multipart(form);
    }

    /// Applies per-request options; options set here win over earlier ones.
    pub(crate) fn options(&mut self, opts: &RequestOptions) {
        if opts.timeout.is_some() {
            self.options.timeout = opts.timeout;
        }
        if opts.max_retries.is_some() {
            self.options.max_retries = opts.max_retries;
        }
        if opts.deadline.is_some() {
            self.options.deadline = opts.deadline;
        }
        self.options.headers.extend(opts.headers.iter().cloned());
    }

    /// The per-request options set so far.
    pub(crate) fn options_set(&self) -> &RequestOptions {
        &self.options
    }

    /// The spec's path template, for logs.
    pub(crate) fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The method.
    pub(crate) fn method(&self) -> &Method {
        &self.method
    }

    /// Resolves everything that must stay fixed across attempts: the URL, the
    /// header map, the idempotency key and the serialised body.
    pub(crate) fn prepare(self, servers: &Servers) -> Result<Prepared, EncodeError> {
        let url = resolve(servers, self.server.as_ref(), &self.path, &self.query)?;
        let mut headers = HeaderMap::with_capacity(self.headers.len() + 3);
        if let Some(accept) = self.accept {
            let value = HeaderValue::from_str(accept).map_err(|e| {
                EncodeError::with_source("invalid media types for the Accept header", e)
            })?;
            headers.insert(ACCEPT, value);
        }
        let extra = self.options.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        for (name, value) in self.headers.iter().map(|(n, v)| (*n, v.as_str())).chain(extra) {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                EncodeError::with_source(format!("invalid header name `{name}`"), e)
            })?;
            let value = HeaderValue::from_str(value).map_err(|e| {
                EncodeError::with_source(format!("invalid value for header `{name}`"), e)
            })?;
            headers.append(header, value);
        }
        if !self.cookies.is_empty() {
            let text = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let value = HeaderValue::from_str(&text)
                .map_err(|e| EncodeError::with_source("invalid cookie", e))?;
            headers.append(COOKIE, value);
        }
        let json_type = HeaderValue::from_static(self.content_type.unwrap_or("application/json"));
        let mut idempotency_key = None;
        let body = match self.body {
            Body::Empty => PreparedBody::Empty,
            Body::Json(bytes) => {
                let bytes = match (self.idempotency_key, self.idempotency_field) {
                    (Some(key), _) => {
                        idempotency_key = Some(key);
                        bytes
                    }
                    (None, None) => bytes,
                    (None, Some(field)) => {
                        // A key the caller set is read from the bytes, which are sent
                        // as they are; only a body that needs a fresh key goes through
                        // a JSON value to get one.
                        match existing_idempotency_key(&bytes, field) {
                            Some(key) => {
                                idempotency_key = Some(key);
                                bytes
                            }
                            None => match serde_json::from_slice::<Value>(&bytes) {
                                Ok(mut value) => {
                                    idempotency_key = ensure_idempotency_key(&mut value, field);
                                    serde_json::to_vec(&value).map_err(|e| {
                                        EncodeError::with_source(
                                            "could not serialise the request body",
                                            e,
                                        )
                                    })?
                                }
                                Err(_) => bytes,
                            },
                        }
                    }
                };
                headers.insert(CONTENT_TYPE, json_type);
                PreparedBody::Json(bytes.into())
            }
            Body::Multipart(form) => PreparedBody::Multipart(form),
            Body::Bytes(bytes, media_type) => {
                let value = HeaderValue::from_str(&media_type).map_err(|e| {
                    EncodeError::with_source(format!("invalid content type `{media_type}`"), e)
                })?;
                headers.insert(CONTENT_TYPE, value);
                PreparedBody::Bytes(bytes)
            }
        };
        let retry_safe = method_is_idempotent(&self.method) || idempotency_key.is_some();
        Ok(Prepared {
            method: self.method,
            path_template: self.path_template,
            url,
            headers,
            body,
            retry_safe,
            idempotency_key,
            options: self.options,
            security: self.security,
        })
    }
}

/// A body ready to be sent any number of times.
#[derive(Debug)]
pub(crate) enum PreparedBody {
    Empty,
    /// Shared, like `Bytes`: each attempt re-sends it without copying.
    Json(bytes::Bytes),
    Multipart(MultipartBody),
    /// Shared, so each attempt re-sends it without copying.
    Bytes(bytes::Bytes),
}

/// A request resolved once before its first attempt.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) method: Method,
    /// The operation's path template, for logs.
    pub(crate) path_template: &'static str,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: PreparedBody,
    /// Whether sending the request twice cannot do the work twice.
    pub(crate) retry_safe: bool,
    /// The idempotency key in the body, if any (for logs and callers).
    pub(crate) idempotency_key: Option<String>,
    pub(crate) options: RequestOptions,
    /// The credentials the operation accepts.
    pub(crate) security: Security,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn base() -> Result<Servers, Box<dyn std::error::Error>> {
        Ok(Servers::base_only(super::super::base_url::parse_base_url(
            "https://api.example.com/api/v1",
        )?))
    }

    #[test]
    fn query_parameters_in_order_with_arrays_bools_and_options() -> TestResult {
        let mut req = Request::new(Method::GET, "/payouts", "/payouts".into());
        req.query("status", vec!["success", "failed"]);
        req.query("per_page", Some(50u32));
        req.query("before", None::<String>);
        req.query("live", true);
        req.query("q", "a&b=c d");
        assert!(req.has_query("live") && !req.has_query("before"));
        let p = req.prepare(&base()?)?;
        assert_eq!(
            p.url.as_str(),
            "https://api.example.com/api/v1/payouts?status=success&status=failed&per_page=50&live=true&q=a%26b%3Dc+d"
        );
        assert!(p.retry_safe, "GET is idempotent");
        Ok(())
    }

    #[test]
    fn json_body_and_headers() -> TestResult {
        let mut req = Request::new(Method::POST, "/orders", "/orders".into());
        req.json(&json!({"amount": 100}))?;
        req.header("X-Custom", "v1".into());
        let p = req.prepare(&base()?)?;
        assert!(matches!(&p.body, PreparedBody::Json(b) if &b[..] == br#"{"amount":100}"#));
        assert_eq!(
            p.headers.get("x-custom").map(HeaderValue::as_bytes),
            Some(&b"v1"[..])
        );
        assert_eq!(
            p.headers.get(CONTENT_TYPE).map(HeaderValue::as_bytes),
            Some(&b"application/json"[..])
        );
        assert!(!p.retry_safe, "POST without an idempotency key");
        assert_eq!(p.idempotency_key, None);
        Ok(())
    }

    #[test]
    fn idempotency_field_fills_the_body_and_allows_retries() -> TestResult {
        let mut req = Request::new(Method::POST, "/payouts", "/payouts".into());
        req.idempotency_field("request_id");
        req.json(&json!({"amount": 1, "request_id": null}))?;
        let p = req.prepare(&base()?)?;
        assert!(p.retry_safe);
        let key = p.idempotency_key.clone().unwrap_or_default();
        assert_eq!(key.len(), 36);
        let PreparedBody::Json(bytes) = &p.body else {
            return Err("expected a JSON body".into());
        };
        let sent: Value = serde_json::from_slice(bytes)?;
        assert_eq!(sent["request_id"], json!(key));

        let mut req = Request::new(Method::POST, "/payouts", "/payouts".into());
        req.json(&json!({"request_id": "mine"}))?;
        req.idempotency_field("request_id");
        let p = req.prepare(&base()?)?;
        assert_eq!(p.idempotency_key.as_deref(), Some("mine"));
        assert!(matches!(&p.body, PreparedBody::Json(b) if &b[..] == br#"{"request_id":"mine"}"#));

        // A key the caller set: the body goes out exactly as serialised (field
        // order kept), not re-encoded.
        let mut req = Request::new(Method::POST, "/payouts", "/payouts".into());
        req.idempotency_field("request_id");
        req.json(&json!({"zeta": 1, "request_id": "mine", "alpha": [2]}))?;
        let p = req.prepare(&base()?)?;
        assert_eq!(p.idempotency_key.as_deref(), Some("mine"));
        let expected = serde_json::to_vec(&json!({"zeta": 1, "request_id": "mine", "alpha": [2]}))?;
        assert!(matches!(&p.body, PreparedBody::Json(b) if b[..] == expected[..]));

        // Declared after the body, an empty key is still filled in.
        let mut req = Request::new(Method::POST, "/payouts", "/payouts".into());
        req.json(&json!({"request_id": ""}))?;
        req.idempotency_field("request_id");
        let p = req.prepare(&base()?)?;
        assert_eq!(p.idempotency_key.as_ref().map(String::len), Some(36));
        Ok(())
    }

    #[test]
    fn per_request_headers_are_sent_and_checked() -> TestResult {
        let mut req = Request::new(Method::GET, "/x", "/x".into());
        req.header("x-op", "1".into());
        req.options(&RequestOptions::new().header("prefer", "code=404"));
        let p = req.prepare(&base()?)?;
        assert_eq!(p.headers.get("prefer").map(|v| v.as_bytes()), Some(&b"code=404"[..]));
        assert_eq!(p.headers.get("x-op").map(|v| v.as_bytes()), Some(&b"1"[..]));
        let mut req = Request::new(Method::GET, "/x", "/x".into());
        req.options(&RequestOptions::new().header("bad name", "v"));
        assert!(req.prepare(&base()?).is_err());
        Ok(())
    }

    #[test]
    fn invalid_headers_are_encode_errors() -> TestResult {
        let mut req = Request::new(Method::GET, "/x", "/x".into());
        req.header("x-ok", "line\nbreak".into());
        assert!(req.prepare(&base()?).is_err());
        let mut req = Request::new(Method::GET, "/x", "/x".into());
        req.header("bad name", "v".into());
        assert!(req.prepare(&base()?).is_err());
        Ok(())
    }

    #[test]
    fn options_override_in_order() {
        let mut req = Request::new(Method::GET, "/x", "/x".into());
        req.options(&RequestOptions::new().max_retries(5));
        req.options(&RequestOptions::new().timeout(Duration::from_secs(3)));
        assert_eq!(
            req.options,
            RequestOptions {
                timeout: Some(Duration::from_secs(3)),
                max_retries: Some(5),
                deadline: None,
                headers: Vec::new(),
            }
        );
    }

    #[test]
    fn styled_parameters_cookies_and_accept() -> TestResult {
        let mut req = Request::new(Method::GET, "/s", "/s".into());
        req.query_styled("filter", &json!({"name": "n"}), Style::DeepObject, true)?;
        req.query_styled("ids", &["a", "b"], Style::Form, false)?;
        req.header_styled("x-list", &[1, 2], Style::Simple, false)?;
        req.cookie("session", "a;b", Style::Form, true)?;
        req.cookie("theme", "dark", Style::Form, true)?;
        req.accept("text/csv, application/json");
        assert!(req.has_query("filter[name]"));
        let p = req.prepare(&base()?)?;
        assert_eq!(
            p.url.as_str(),
            "https://api.example.com/api/v1/s?filter%5Bname%5D=n&ids=a%2Cb"
        );
        let h = |n: &str| p.headers.get(n).map(|v| v.as_bytes().to_vec());
        assert_eq!(h("x-list"), Some(b"1,2".to_vec()));
        assert_eq!(h("cookie"), Some(b"session=a%3Bb; theme=dark".to_vec()));
        assert_eq!(h("accept"), Some(b"text/csv, application/json".to_vec()));
        Ok(())
    }

    #[test]
    fn form_text_and_binary_bodies_carry_their_media_type() -> TestResult {
        type Sent = (Vec<u8>, Option<Vec<u8>>);
        let sent = |req: Request| -> Result<Sent, Box<dyn std::error::Error>> {
            let p = req.prepare(&base()?)?;
            let ct = p.headers.get(CONTENT_TYPE).map(|v| v.as_bytes().to_vec());
            match p.body {
                PreparedBody::Bytes(b) => Ok((b.to_vec(), ct)),
                other => Err(format!("unexpected body {other:?}").into()),
            }
        };
        let mut req = Request::new(Method::POST, "/t", "/t".into());
        req.form(&json!({"a": "x y", "o": {"k": 1}}), &[])?;
        let (body, ct) = sent(req)?;
        assert_eq!(body, b"a=x+y&o%5Bk%5D=1");
        assert_eq!(ct.as_deref(), Some(&b"application/x-www-form-urlencoded"[..]));

        let mut req = Request::new(Method::POST, "/t", "/t".into());
        req.text("hi", "text/*");
        let (body, ct) = sent(req)?;
        assert_eq!((body.as_slice(), ct.as_deref()), (&b"hi"[..], Some(&b"text/plain; charset=utf-8"[..])));

        let file = FilePart::new(vec![1u8, 2], "f.png", "image/png");
        let mut req = Request::new(Method::PUT, "/t", "/t".into());
        req.binary(&file, "application/octet-stream");
        let (body, ct) = sent(req)?;
        assert_eq!((body.as_slice(), ct.as_deref()), (&[1u8, 2][..], Some(&b"application/octet-stream"[..])));
        let mut req = Request::new(Method::PUT, "/t", "/t".into());
        req.binary(&file, "*/*");
        assert_eq!(sent(req)?.1.as_deref(), Some(&b"image/png"[..]));

        let mut req = Request::new(Method::PATCH, "/t", "/t".into());
        req.json(&json!({"a": 1}))?;
        req.content_type("application/merge-patch+json");
        let p = req.prepare(&base()?)?;
        assert_eq!(
            p.headers.get(CONTENT_TYPE).map(HeaderValue::as_bytes),
            Some(&b"application/merge-patch+json"[..])
        );
        Ok(())
    }
}
