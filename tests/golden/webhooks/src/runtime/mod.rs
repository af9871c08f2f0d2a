//! The hand-written runtime every operation is built on.
//!
//! This module is the same for every API the SDK generator targets; what is
//! specific to one API (its name, environments, environment variables and
//! request-id headers) comes from `crate::config`.
//!
//! What it provides:
//! - [`Client`] / [`ClientBuilder`]: authentication with the API's security
//!   schemes (bearer, HTTP basic, API keys in a header, query or cookie), sent
//!   only with the operations that need them and only to the API's own servers
//!   (credentials are redacted from `Debug`, swappable at runtime, and never sent
//!   over plain http except to this machine), timeouts per attempt and an overall
//!   deadline per call, retries with exponential backoff, jitter and `Retry-After`
//!   for requests that are safe to repeat, and the recovery of a retried create
//!   that the API reports as a duplicate of an attempt that went through.
//! - [`Credential`]: a token or username and password for one scheme.
//! - [`Response`]: the decoded value with its status, headers and request id.
//! - [`Error`]: API errors typed per operation with the raw response kept,
//!   plus transport, timeout, decode (with the JSON path of the failing field),
//!   encode and validation errors.
//! - [`PageStream`]: auto-pagination as a `Stream`.
//! - [`Money`]: an amount with its currency, from models that pair them.
//! - [`FilePart`]: files for `multipart/form-data` uploads.
//! - [`RequestOptions`]: per-request timeout, deadline and retry overrides.
//!
//! Requests and responses are traced with [`tracing`] (method, path template,
//! attempt, status, latency); API keys and bodies never are.

mod auth;
mod base_url;
mod call;
mod client;
pub(crate) mod de;
mod duplicate;
mod encoding;
mod error;
mod idempotency;
mod money;
mod multipart;
mod pagination;
mod random;
mod request;
mod response;
mod retry;
mod time;
pub(crate) mod union;

#[cfg(test)]
mod client_tests;

pub use auth::Credential;
pub use call::CallFuture;
pub use client::{Client, ClientBuilder};
pub use error::{
    ApiError, BuildError, DecodeError, DuplicateError, DuplicateReason, EncodeError, Error,
    TimeoutError, TransportError, ValidationError,
};
pub use money::Money;
pub use multipart::FilePart;
pub use pagination::{CollectAll, PageStream};
pub use request::RequestOptions;
pub use response::Response;

// The crate-internal interface used by generated code. Which parts a crate
// uses depends on its spec (multipart, per-operation servers, pagination...).
#[allow(
    unused_imports,
    reason = "generated code imports only what its spec's operations need"
)]
pub(crate) use self::{
    auth::Placement,
    base_url::ServerOverride,
    duplicate::{Duplicate, Lookup},
    encoding::{
        CommaSeparated, Style, ToQuery, encode_path_segment, impl_to_query_via_display,
        param_text, path_param,
    },
    error::SendError,
    multipart::{MultipartBody, multipart_text},
    request::Request,
    response::RawResponse,
    pagination::{Page, page},
    idempotency::{fill_key, fill_optional_key},
    time::pin_from_date,
};
