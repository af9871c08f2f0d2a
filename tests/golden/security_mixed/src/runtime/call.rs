//! How an operation runs: its builder makes the [`Request`] in plain code and names a
//! plain function that turns the answer into the operation's result; sending, the one
//! asynchronous step, happens here.
//!
//! Generated code thus holds no `async` code of its own. The future of a call is this
//! module's, written once and instantiated per result type, rather than a state
//! machine compiled, checked and borrow-checked once per operation.

use std::future::Future;

use serde::de::DeserializeOwned;

use super::base_url::ServerOverride;
use super::client::Client;
use super::duplicate::DuplicateLookup;
use super::error::Error;
use super::request::{Request, RequestOptions};
use super::response::{RawResponse, Response};

/// Turns the raw answer of one operation into its result: a decoded value for a
/// documented success, a typed error for a documented failure.
pub(crate) type Decode<T, E> = fn(RawResponse) -> Result<Response<T>, Error<E>>;

/// How an operation recognises the API's answer that a retried request is a duplicate
/// of one already applied, and how it then finds the resource.
#[derive(Debug)]
pub(crate) struct Duplicate {
    /// The status of the duplicate answer.
    pub(crate) status: u16,
    /// Text the answer's body must contain to count, if any.
    pub(crate) body_contains: Option<&'static str>,
    /// The list operation that finds the resource by its key; `None` when there is none.
    pub(crate) lookup: Option<Lookup>,
}

/// A list request filtered by an idempotency key.
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
    fn request(&self, key: &str, options: &RequestOptions) -> DuplicateLookup {
        let mut request =
            Request::new(reqwest::Method::GET, self.path, String::from(self.path));
        if let Some(server) = self.server {
            request = request.with_server(server);
        }
        request.query(self.param, key);
        request.options(options);
        DuplicateLookup {
            request,
            items_field: self.items_field,
            key_field: self.key_field,
        }
    }
}

#[allow(
    dead_code,
    reason = "generated code calls only what its spec's operations need"
)]
impl Client {
    /// Sends `request` (or returns the error that building it met) and decodes the
    /// answer with `decode`.
    pub(crate) async fn call<T, E>(
        &self,
        request: Result<Request, Error<E>>,
        decode: Decode<T, E>,
    ) -> Result<Response<T>, Error<E>> {
        let raw = self.execute(request?).await?;
        decode(raw)
    }

    /// As [`Client::call`], for an operation whose retried request the API may
    /// answer as a duplicate: such an answer is resolved by looking the resource up
    /// (see `duplicate.rs`) instead of being decoded as an error.
    pub(crate) async fn call_deduplicated<T: DeserializeOwned, E>(
        &self,
        request: Result<Request, Error<E>>,
        duplicate: &'static Duplicate,
        decode: Decode<T, E>,
    ) -> Result<Response<T>, Error<E>> {
        let request = request?;
        let options = request.options_set().clone();
        let raw = self.execute(request).await?;
        if let Some(key) = raw.retried_duplicate(duplicate.status, duplicate.body_contains) {
            let lookup = duplicate.lookup.as_ref().map(|l| l.request(&key, &options));
            return self.recover_duplicate(raw, key, lookup).await;
        }
        decode(raw)
    }
}

/// The value of a call's response, without its status and headers.
#[allow(
    dead_code,
    reason = "unused when every resource's cargo feature is off"
)]
pub(crate) async fn into_body<T, E>(
    call: impl Future<Output = Result<Response<T>, Error<E>>>,
) -> Result<T, Error<E>> {
    call.await.map(Response::into_inner)
}
