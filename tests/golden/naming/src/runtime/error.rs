//! The errors every operation can return.
//!
//! [`Error<E>`] is generic over `E`, the operation's own error kind (one variant per
//! documented error status, plus an "unexpected status" variant). Everything else
//! that can go wrong is the same for every operation and lives here: the server
//! answered with an error ([`ApiError`]), no answer arrived ([`TransportError`],
//! [`TimeoutError`]), the answer did not match the spec ([`DecodeError`]), or the
//! request could not be built ([`EncodeError`], [`ValidationError`], [`BuildError`]).

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde_json::Value;

/// How many characters of a body or message an error's `Display` shows at most.
///
/// Bodies can be large, or HTML from a gateway, and may hold personal data: logs
/// get a bounded snippet, and the full body stays available through accessors.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// An operation failed.
///
/// `E` is the operation's error kind, reachable through [`Error::kind`] when the
/// server answered with an error status.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status (or one the spec does not list).
    #[error(transparent)]
    Api(#[from] ApiError<E>),
    /// No response was received: connecting, TLS, or the exchange failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// No response was received before the timeout.
    #[error(transparent)]
    Timeout(#[from] TimeoutError),
    /// A response arrived but its body does not match the expected schema.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request could not be encoded (body serialisation, header values).
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// An argument was rejected before any request was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The client configuration does not allow this request (for example an API
    /// key over plain `http://` to a non-loopback host).
    #[error(transparent)]
    Config(#[from] BuildError),
    /// The client retried the request and the API answered that a request with
    /// its idempotency key already exists, but the resource could not be looked
    /// up: the first attempt may have succeeded.
    #[error(transparent)]
    Duplicate(#[from] DuplicateError),
}

impl<E> Error<E> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status()),
            Self::Decode(e) => Some(e.status()),
            Self::Duplicate(e) => Some(e.status()),
            _ => None,
        }
    }

    /// The server's request id (see [`ApiError::request_id`]), when a response
    /// arrived and carried one. Quote it when contacting the API's support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id(),
            Self::Decode(e) => e.request_id(),
            Self::Duplicate(e) => e.request_id(),
            _ => None,
        }
    }

    /// The idempotency key the request carried in its body, when the
    /// operation has one (see `idempotency_field` in the operation docs) and
    /// the failure came from sending it.
    ///
    /// After a timeout, a connection failure or a 5xx, the server may or may
    /// not have acted: look the resource up by this key before creating it
    /// again, or send it again with the same key.
    pub fn idempotency_key(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.idempotency_key(),
            Self::Transport(e) => e.idempotency_key(),
            Self::Timeout(e) => e.idempotency_key(),
            Self::Duplicate(e) => Some(e.idempotency_key()),
            _ => None,
        }
    }

    /// The API error, if the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Converts into the API error, if the server answered with an error status.
    pub fn into_api(self) -> Option<ApiError<E>> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The operation-specific error kind, if the server answered with an error status.
    pub fn kind(&self) -> Option<&E> {
        self.api().map(ApiError::kind)
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }

    /// Whether the failure looks transient: exactly the failures the client's
    /// retry policy retries. No response arrived (connection failure, timeout),
    /// or the status was 408, 429, 500, 502, 503 or 504. The client has already
    /// retried such failures when the request was safe to repeat; this tells the
    /// caller whether trying again later could succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) | Self::Timeout(_) => true,
            Self::Api(e) => super::retry::is_retryable_status(e.status()),
            _ => false,
        }
    }

    /// Maps the operation-specific error kind, keeping everything else.
    pub fn map_kind<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Self::Api(e) => Error::Api(e.map_kind(f)),
            Self::Transport(e) => Error::Transport(e),
            Self::Timeout(e) => Error::Timeout(e),
            Self::Decode(e) => Error::Decode(e),
            Self::Encode(e) => Error::Encode(e),
            Self::Validation(e) => Error::Validation(e),
            Self::Config(e) => Error::Config(e),
            Self::Duplicate(e) => Error::Duplicate(e),
        }
    }
}

/// The server answered with an error status.
///
/// Keeps the status, headers and raw body alongside the decoded error kind, so
/// nothing the server said is lost even when the body does not match the spec.
pub struct ApiError<E> {
    // Boxed so that `Result<T, Error<E>>` stays small on the success path.
    inner: Box<ApiErrorInner<E>>,
}

struct ApiErrorInner<E> {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    request_id: Option<String>,
    idempotency_key: Option<String>,
    kind: E,
}

impl<E> ApiError<E> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Vec<u8>, kind: E) -> Self {
        let request_id = super::response::request_id_from(&headers);
        Self {
            inner: Box::new(ApiErrorInner {
                status,
                headers,
                body,
                request_id,
                idempotency_key: None,
                kind,
            }),
        }
    }

    pub(crate) fn with_idempotency_key(mut self, key: Option<String>) -> Self {
        self.inner.idempotency_key = key;
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The raw response body, exactly as received.
    pub fn body(&self) -> &[u8] {
        &self.inner.body
    }

    /// The raw body as text, with invalid UTF-8 replaced.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.inner.body)
    }

    /// The server's id for this request, from the first request-id header present.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The idempotency key the request carried in its body, if any; see
    /// [`Error::idempotency_key`].
    pub fn idempotency_key(&self) -> Option<&str> {
        self.inner.idempotency_key.as_deref()
    }

    /// The operation-specific error kind, decoded by status.
    pub fn kind(&self) -> &E {
        &self.inner.kind
    }

    /// Converts into the operation-specific error kind.
    pub fn into_kind(self) -> E {
        self.inner.kind
    }

    /// Maps the error kind, keeping status, headers and body.
    pub fn map_kind<F>(self, f: impl FnOnce(E) -> F) -> ApiError<F> {
        let ApiErrorInner {
            status,
            headers,
            body,
            request_id,
            idempotency_key,
            kind,
        } = *self.inner;
        ApiError {
            inner: Box::new(ApiErrorInner {
                status,
                headers,
                body,
                request_id,
                idempotency_key,
                kind: f(kind),
            }),
        }
    }

    /// A human-readable message, read leniently from the raw body.
    ///
    /// Error bodies vary between endpoints and gateways, and often differ from
    /// what the spec documents, so this does not rely on the decoded kind. It
    /// takes, in order: a top-level `message` string (or list of strings), a
    /// nested `error.message`, a top-level `error` string, and finally a short
    /// `text/plain` body. HTML, empty and unrecognised bodies give `None`.
    pub fn message(&self) -> Option<String> {
        let body = self.body();
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => {
                message_text(map.get("message")).or_else(|| match map.get("error") {
                    Some(Value::Object(inner)) => message_text(inner.get("message")),
                    Some(Value::String(s)) => non_empty(s),
                    _ => None,
                })
            }
            Ok(_) => None,
            Err(_) => {
                let is_text = self
                    .headers()
                    .get(CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|ct| ct.trim_start().starts_with("text/plain"));
                if is_text && body.len() <= 4 * SNIPPET_CHARS {
                    non_empty(&String::from_utf8_lossy(body))
                } else {
                    None
                }
            }
        }
    }

    /// A machine-readable error code, read leniently from the raw body: a
    /// top-level `code`, else `error.code` (strings or numbers).
    pub fn code(&self) -> Option<String> {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(self.body()) else {
            return None;
        };
        code_text(map.get("code")).or_else(|| match map.get("error") {
            Some(Value::Object(inner)) => code_text(inner.get("code")),
            _ => None,
        })
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn message_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => non_empty(s),
        Value::Array(items) => {
            let parts: Vec<&str> = items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

fn code_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => non_empty(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Shortens `s` to at most `max` characters, marking the cut with `…`.
pub(crate) fn truncate_chars(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}…", &s[..cut])),
    }
}

/// A bounded, printable snippet of a body for error messages.
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    truncate_chars(text.trim(), SNIPPET_CHARS).into_owned()
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}", self.status())?;
        if let Some(message) = self.message() {
            write!(f, ": {}", truncate_chars(&message, SNIPPET_CHARS))?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    /// Shows the kind and a summary; the body is summarised by its length
    /// because it can be large or hold personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status())
            .field("request_id", &self.request_id())
            .field("message", &self.message())
            .field("kind", self.kind())
            .field("body_len", &self.body().len())
            .finish_non_exhaustive()
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}

/// No response was received because connecting or the HTTP exchange failed.
#[derive(Debug, thiserror::Error)]
#[error("{} after {attempts} attempt(s)", if source.is_connect() { "could not connect to the API" } else { "HTTP request failed" })]
pub struct TransportError {
    #[source]
    source: reqwest::Error,
    attempts: u32,
    idempotency_key: Option<String>,
}

impl TransportError {
    pub(crate) fn new(
        source: reqwest::Error,
        attempts: u32,
        idempotency_key: Option<String>,
    ) -> Self {
        Self {
            source,
            attempts,
            idempotency_key,
        }
    }

    /// The idempotency key the request carried in its body, if any; see
    /// [`Error::idempotency_key`].
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// Whether the connection could not be established (DNS, TCP or TLS), in
    /// which case the server never saw the request.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// How many attempts were made, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The underlying HTTP client error.
    pub fn inner(&self) -> &reqwest::Error {
        &self.source
    }
}

/// No response was received before the per-attempt timeout, or before the
/// call's overall deadline.
///
/// For a request that is not safe to retry the server may still have acted on
/// it: check before sending it again.
#[derive(Debug, thiserror::Error)]
#[error("{}", match deadline {
    Some(d) => format!("the call's deadline of {d:?} passed ({attempts} attempt(s))"),
    None => format!("request timed out after {timeout:?} ({attempts} attempt(s))"),
})]
pub struct TimeoutError {
    timeout: Duration,
    attempts: u32,
    idempotency_key: Option<String>,
    deadline: Option<Duration>,
}

impl TimeoutError {
    pub(crate) fn new(timeout: Duration, attempts: u32, idempotency_key: Option<String>) -> Self {
        Self {
            timeout,
            attempts,
            idempotency_key,
            deadline: None,
        }
    }

    /// Marks the timeout as the call's overall deadline passing.
    pub(crate) fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The call's overall deadline, when that is what ran out (rather than
    /// the timeout of one attempt).
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The idempotency key the request carried in its body, if any; see
    /// [`Error::idempotency_key`].
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The timeout that expired on the last attempt.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How many attempts were made, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// A retried request was answered as a duplicate of an earlier attempt, and the
/// resource that attempt created could not be looked up.
///
/// The first attempt may well have succeeded (money may have moved): find the
/// resource by [`idempotency_key`](Self::idempotency_key) before creating it again,
/// or send it again with the same key.
#[derive(thiserror::Error)]
#[error("the API answered a retry as a duplicate of an earlier attempt with idempotency key `{}` (HTTP {}, attempt {}): the first attempt may have succeeded, so look it up by this key before creating it again; {}", .inner.key, .inner.status, .inner.attempts, .inner.reason)]
pub struct DuplicateError {
    // Boxed so that `Result<T, Error<E>>` stays small on the success path.
    inner: Box<DuplicateErrorInner>,
}

struct DuplicateErrorInner {
    key: String,
    attempts: u32,
    status: StatusCode,
    body: Vec<u8>,
    request_id: Option<String>,
    reason: DuplicateReason,
}

/// Why a duplicate answer could not be resolved into the existing resource.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DuplicateReason {
    /// The API offers no lookup by idempotency key for this operation.
    #[error("the API offers no lookup by this key")]
    NoLookup,
    /// The lookup request failed.
    #[error("the lookup by this key failed: {0}")]
    LookupFailed(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The lookup found no resource with this key (yet).
    #[error("the lookup by this key found nothing")]
    NotFound,
    /// The lookup returned several resources, none of which provably has this key.
    #[error("the lookup by this key returned {0} candidates")]
    Ambiguous(usize),
}

impl DuplicateError {
    pub(crate) fn new(
        key: String,
        attempts: u32,
        status: StatusCode,
        headers: &HeaderMap,
        body: Vec<u8>,
        reason: DuplicateReason,
    ) -> Self {
        Self {
            inner: Box::new(DuplicateErrorInner {
                key,
                attempts,
                status,
                body,
                request_id: super::response::request_id_from(headers),
                reason,
            }),
        }
    }

    /// The idempotency key the request carried on every attempt.
    pub fn idempotency_key(&self) -> &str {
        &self.inner.key
    }

    /// Which attempt got the duplicate answer.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The status of the duplicate answer.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The raw body of the duplicate answer.
    pub fn body(&self) -> &[u8] {
        &self.inner.body
    }

    /// The server's request id of the duplicate answer, if it carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// Why the resource could not be looked up.
    pub fn reason(&self) -> &DuplicateReason {
        &self.inner.reason
    }
}

impl fmt::Debug for DuplicateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DuplicateError")
            .field("idempotency_key", &self.idempotency_key())
            .field("attempts", &self.attempts())
            .field("status", &self.status())
            .field("request_id", &self.request_id())
            .field("reason", self.reason())
            .field("body_len", &self.body().len())
            .finish()
    }
}

/// A response body did not match the expected schema.
///
/// Carries the JSON path of the value that failed (`data[3].amount`), the
/// decoder's message, and the status and raw body, so a spec mismatch can be
/// diagnosed from the error alone.
#[derive(thiserror::Error)]
#[error("could not decode the response body (HTTP {}) at `{}`: {}; body: {}", .inner.status, .inner.path, .inner.message, body_snippet(&.inner.body))]
pub struct DecodeError {
    // Boxed so that `Result<T, Error<E>>` stays small on the success path.
    inner: Box<DecodeErrorInner>,
}

struct DecodeErrorInner {
    status: StatusCode,
    path: String,
    message: String,
    body: Vec<u8>,
    request_id: Option<String>,
}

impl DecodeError {
    pub(crate) fn new(
        status: StatusCode,
        headers: &HeaderMap,
        path: String,
        message: String,
        body: Vec<u8>,
    ) -> Self {
        Self {
            inner: Box::new(DecodeErrorInner {
                status,
                path,
                message,
                body,
                request_id: super::response::request_id_from(headers),
            }),
        }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The path of the value that failed to decode, such as `data[3].amount`
    /// (`.` for the document itself).
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// The decoder's description of the failure.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The raw response body.
    pub fn body(&self) -> &[u8] {
        &self.inner.body
    }

    /// The server's request id, if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status())
            .field("path", &self.path())
            .field("message", &self.message())
            .field("request_id", &self.request_id())
            .field("body_len", &self.body().len())
            .finish()
    }
}

/// The request could not be encoded.
#[derive(Debug, thiserror::Error)]
#[error("could not encode the request: {message}")]
pub struct EncodeError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl EncodeError {
    pub(crate) fn msg(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// An argument was rejected before any request was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {message}")]
pub struct ValidationError {
    field: String,
    message: String,
}

impl ValidationError {
    /// Creates a validation error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The name of the rejected field or parameter.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Why it was rejected.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The client could not be built, or its configuration forbids a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No API key was given and the environment variable is not set.
    #[error("no API key: set the {env_var} environment variable or call `api_key`")]
    MissingApiKey {
        /// The environment variable that was read.
        env_var: &'static str,
    },
    /// No base URL was given and the API description names no server.
    #[error("no base URL: the API description names no server; call `base_url`")]
    MissingBaseUrl,
    /// The API key is empty or contains characters an HTTP header cannot carry.
    #[error("the API key is empty or contains characters not allowed in an HTTP header")]
    InvalidApiKey,
    /// The base URL could not be used.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An API key would be sent in clear text over `http://` to a host that is
    /// not this machine. Use `https://`, or a loopback address for local mocks.
    #[error(
        "refusing to send the API key over plain http to `{url}`; use https (plain http is allowed only for loopback hosts)"
    )]
    InsecureBaseUrl {
        /// The offending URL.
        url: String,
    },
    /// The base URL does not show where the operations on another server of
    /// the API live (such as a sibling `/v2` mount), so they could only be sent
    /// to a guessed URL. Give that server's URL with `ClientBuilder::server_url`,
    /// or use a base URL ending in the root server's path.
    #[error(
        "cannot derive the URL of the server `{server}` from the base URL `{base_url}`, which does not end in `/{}`; give it with `ClientBuilder::server_url(\"{server}\", ...)`",
        .expected_suffix.join("/")
    )]
    UnresolvedServer {
        /// The server as the API description writes it.
        server: &'static str,
        /// The client's base URL.
        base_url: String,
        /// The path segments the base URL would have to end in.
        expected_suffix: &'static [&'static str],
    },
    /// `ClientBuilder::server_url` named a server the API description does
    /// not use for any operation.
    #[error("`{server}` is not a server any operation of this API uses instead of the base URL")]
    UnknownServer {
        /// The server as given.
        server: String,
    },
    /// `api_key` was called, but the API has no bearer or API-key security
    /// scheme to send it with.
    #[error(
        "the API declares no bearer or API-key security scheme to send an API key with; use `credential` with one of its schemes"
    )]
    NoApiKeyScheme,
    /// A credential of the wrong kind for its scheme (a token for HTTP basic,
    /// or a username and password for a token scheme).
    #[error("the `{scheme}` security scheme takes {expected}")]
    CredentialKind {
        /// The scheme's name in the API description.
        scheme: &'static str,
        /// What it takes.
        expected: &'static str,
    },
    /// A credential that is empty or has characters its placement (header,
    /// cookie, basic username) cannot carry.
    #[error("the credential for the `{scheme}` security scheme is empty or contains characters it cannot carry")]
    InvalidCredential {
        /// The scheme's name in the API description.
        scheme: &'static str,
    },
    /// A request with credentials would go to an origin that is neither the
    /// client's base URL's nor a server of the API description.
    #[error(
        "refusing to send credentials to `{origin}`: it is neither the base URL's origin nor a server of the API description"
    )]
    UntrustedOrigin {
        /// The origin the request would have gone to.
        origin: String,
    },
    /// An environment variable is set but is not valid Unicode.
    #[error("environment variable {var} is not valid Unicode")]
    InvalidEnvVar {
        /// The variable's name.
        var: &'static str,
    },
    /// The user-agent suffix contains characters an HTTP header cannot carry.
    #[error("the user-agent suffix contains characters not allowed in an HTTP header")]
    InvalidUserAgent,
    /// The HTTP client could not be created (for example, no TLS backend).
    #[error("could not create the HTTP client")]
    HttpClient(#[source] reqwest::Error),
}

/// Why [`Client::execute`](super::Client) produced no response; converted
/// into [`Error`] by `?` in generated code.
#[derive(Debug)]
pub(crate) enum SendError {
    Transport(TransportError),
    Timeout(TimeoutError),
    Encode(EncodeError),
    Config(BuildError),
}

impl<E> From<SendError> for Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Transport(e) => Self::Transport(e),
            SendError::Timeout(e) => Self::Timeout(e),
            SendError::Encode(e) => Self::Encode(e),
            SendError::Config(e) => Self::Config(e),
        }
    }
}

impl From<EncodeError> for SendError {
    fn from(e: EncodeError) -> Self {
        Self::Encode(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn api(status: u16, content_type: &str, body: &str) -> ApiError<()> {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("x/y")),
        );
        headers.insert("x-request-id", HeaderValue::from_static("req_123"));
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
        ApiError::new(status, headers, body.as_bytes().to_vec(), ())
    }

    const JSON: &str = "application/json; charset=utf-8";

    #[test]
    fn message_from_flat_body() {
        let e = api(
            404,
            JSON,
            r#"{"error":"Not Found","message":"Payout not found"}"#,
        );
        assert_eq!(e.message().as_deref(), Some("Payout not found"));
        assert_eq!(e.request_id(), Some("req_123"));
    }

    #[test]
    fn message_from_nested_body() {
        let e = api(
            400,
            JSON,
            r#"{"error":{"code":"invalid_request_error","message":"amount is required"}}"#,
        );
        assert_eq!(e.message().as_deref(), Some("amount is required"));
        assert_eq!(e.code().as_deref(), Some("invalid_request_error"));
    }

    #[test]
    fn message_only_and_error_only_bodies() {
        let e = api(429, JSON, r#"{"message":"Too many requests"}"#);
        assert_eq!(e.message().as_deref(), Some("Too many requests"));
        let e = api(
            400,
            JSON,
            r#"{"error":"Refund creation failed","code":"X_1"}"#,
        );
        assert_eq!(e.message().as_deref(), Some("Refund creation failed"));
        assert_eq!(e.code().as_deref(), Some("X_1"));
        let e = api(400, JSON, r#"{"error":"Bad","message":""}"#);
        assert_eq!(
            e.message().as_deref(),
            Some("Bad"),
            "empty message falls through"
        );
        let e = api(422, JSON, r#"{"message":["a is bad"," b is bad "]}"#);
        assert_eq!(e.message().as_deref(), Some("a is bad; b is bad"));
    }

    #[test]
    fn no_message_from_html_empty_or_foreign_bodies() {
        let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        assert_eq!(api(502, "text/html", html).message(), None);
        assert_eq!(api(502, JSON, "").message(), None);
        assert_eq!(api(500, JSON, "[1,2]").message(), None);
        assert_eq!(api(500, JSON, r#"{"error":{"code":"x"}}"#).message(), None);
        assert_eq!(api(500, JSON, r#"{"detail":"x"}"#).code(), None);
        assert_eq!(
            api(503, "text/plain", " upstream down \n")
                .message()
                .as_deref(),
            Some("upstream down")
        );
    }

    #[test]
    fn display_shows_status_message_and_request_id_but_not_the_body() {
        let long = "x".repeat(5000);
        let body = format!(r#"{{"message":"{long}","secret_field":"do-not-print"}}"#);
        let shown = api(400, JSON, &body).to_string();
        assert!(
            shown.starts_with("API error 400 Bad Request: xxx"),
            "{shown}"
        );
        assert!(shown.ends_with("… (request id req_123)"), "{shown}");
        assert!(!shown.contains("do-not-print"));
        assert!(shown.len() < 300, "{}", shown.len());
        let dbg = format!("{:?}", api(400, JSON, &body));
        assert!(!dbg.contains("do-not-print"), "{dbg}");
        assert!(dbg.contains("body_len"), "{dbg}");
    }

    #[test]
    fn error_helpers() {
        let e: Error<u8> = Error::Api(api(503, JSON, "{}").map_kind(|()| 7));
        assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(e.kind(), Some(&7));
        assert_eq!(e.request_id(), Some("req_123"));
        assert!(e.is_retryable());
        let e = e.map_kind(|k| u16::from(k) * 2);
        assert_eq!(e.kind(), Some(&14));
        let e: Error<u8> = Error::Api(api(404, JSON, "{}").map_kind(|()| 1));
        assert!(!e.is_retryable());
        let e: Error<u8> = ValidationError::new("id", "must not be empty").into();
        assert!(!e.is_retryable());
        assert_eq!(e.status(), None);
        assert_eq!(e.to_string(), "invalid `id`: must not be empty");
        let e: Error<u8> = SendError::Timeout(TimeoutError::new(
            Duration::from_secs(2),
            3,
            Some("k1".into()),
        ))
        .into();
        assert!(e.is_timeout() && e.is_retryable());
        assert_eq!(e.idempotency_key(), Some("k1"));
        assert_eq!(e.to_string(), "request timed out after 2s (3 attempt(s))");
    }

    #[test]
    fn errors_stay_small() {
        // Every generated operation returns `Result<_, Error<E>>`.
        assert!(
            std::mem::size_of::<Error<()>>() <= 64,
            "{}",
            std::mem::size_of::<Error<()>>()
        );
        assert_eq!(
            std::mem::size_of::<Error<[u8; 512]>>(),
            std::mem::size_of::<Error<()>>()
        );
    }

    #[test]
    fn truncation_is_char_safe() {
        assert_eq!(truncate_chars("héllo", 10), "héllo");
        assert_eq!(truncate_chars("héllo", 2), "hé…");
        assert_eq!(
            body_snippet("日本語".repeat(100).as_bytes())
                .chars()
                .count(),
            201
        );
    }
}
