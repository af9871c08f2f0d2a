//! How an operation runs: its builder makes the [`Request`] in plain code and names a
//! plain function that turns the answer into the operation's result; sending, the one
//! asynchronous step, happens here.
//!
//! Generated code thus holds no `async` code of its own. The future of a call is this
//! module's, written once and instantiated per result type, rather than a state
//! machine compiled, checked and borrow-checked once per operation.

use std::future::Future;

use serde::de::DeserializeOwned;

use super::client::Client;
use super::duplicate::Duplicate;
use super::error::Error;
use super::request::Request;
use super::response::{RawResponse, Response};

/// Turns the raw answer of one operation into its result: a decoded value for a
/// documented success, a typed error for a documented failure.
pub(crate) type Decode<T, E> = fn(RawResponse) -> Result<Response<T>, Error<E>>;

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
            return self
                .recover_duplicate(raw, key, duplicate.lookup.as_ref(), &options)
                .await;
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
