//! How an operation runs: its builder makes the [`Request`] in plain code and names a
//! plain function that turns the answer into the operation's result; sending, the one
//! asynchronous step, happens here.
//!
//! Generated code thus holds no `async` code of its own. The future of a call is this
//! module's, written once and instantiated per result type, rather than a state
//! machine compiled, checked and borrow-checked once per operation.
//!
//! That future is boxed here, as [`CallFuture`]: the one allocation a call makes for
//! it, which `IntoFuture` needs anyway. Each operation's `send` thus returns a named
//! type; an `impl Future + Send` there would make the compiler infer a hidden type
//! and prove it `Send` once per operation (measured: about a tenth of the crate's
//! build), where a box is proven `Send` once, for every operation, below.

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use super::client::Client;
use super::duplicate::Duplicate;
use super::error::Error;
use super::request::{Prepared, Request};
use super::response::{RawResponse, Response};

/// Turns the raw answer of one operation into its result: a decoded value for a
/// documented success, a typed error for a documented failure.
pub(crate) type Decode<T, E> = fn(RawResponse) -> Result<Response<T>, Error<E>>;

/// What a call yields from its decoded response: the response itself
/// (`send_with_response`) or only its body (`send`, with [`Response::into_inner`]).
pub(crate) type Finish<T, R> = fn(Response<T>) -> R;

/// The future of one call, as an operation's `send` and `send_with_response` return
/// it and as `.await` on its builder runs it: `R` is the decoded body (or the whole
/// [`Response`]), `E` the operation's typed error.
pub type CallFuture<'a, R, E> = Pin<Box<dyn Future<Output = Result<R, Error<E>>> + Send + 'a>>;

#[allow(
    dead_code,
    reason = "generated code calls only what its spec's operations need"
)]
impl Client {
    /// Sends `request` (or returns the error that building it met), decodes the
    /// answer with `decode` and hands it to `finish`.
    ///
    /// The request is prepared (URL, headers, body) before the future is made, and
    /// the future holds it once: the sending future inside borrows it (see
    /// [`Client::send_prepared`]). The future is boxed, so its size is what every call
    /// allocates and copies.
    #[inline]
    pub(crate) fn call<'a, T: 'a, E: Send + 'a, R: 'a>(
        &'a self,
        request: Result<Request, Error<E>>,
        decode: Decode<T, E>,
        finish: Finish<T, R>,
    ) -> CallFuture<'a, R, E> {
        let prepared = self.prepare(request);
        Box::pin(async move {
            let prepared = match prepared {
                Ok(ref p) => p,
                Err(e) => return Err(e),
            };
            let raw = self.send_prepared(prepared).await?;
            decode(raw).map(finish)
        })
    }

    /// As [`Client::call`], for an operation whose retried request the API may
    /// answer as a duplicate: such an answer is resolved by looking the resource up
    /// (see `duplicate.rs`) instead of being decoded as an error.
    #[inline]
    pub(crate) fn call_deduplicated<'a, T: DeserializeOwned + Send + 'a, E: Send + 'a, R: 'a>(
        &'a self,
        request: Result<Request, Error<E>>,
        duplicate: &'static Duplicate,
        decode: Decode<T, E>,
        finish: Finish<T, R>,
    ) -> CallFuture<'a, R, E> {
        let prepared = self.prepare(request);
        Box::pin(async move {
            let prepared = match prepared {
                Ok(ref p) => p,
                Err(e) => return Err(e),
            };
            let raw = self.send_prepared(prepared).await?;
            if let Some(key) = raw.retried_duplicate(duplicate.status, duplicate.body_contains) {
                // Rare, and its future is larger than the rest of the call's: boxed,
                // so that only a call that needs it allocates it.
                let lookup = duplicate.lookup.as_ref();
                let recovery = self.recover_duplicate(raw, key, lookup, &prepared.options);
                return Box::pin(recovery).await.map(finish);
            }
            decode(raw).map(finish)
        })
    }

    /// The request ready to send, or why it cannot be.
    fn prepare<E>(&self, request: Result<Request, Error<E>>) -> Result<Prepared, Error<E>> {
        Ok(self.prepare_request(request?)?)
    }
}
