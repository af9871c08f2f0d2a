//! How an operation runs: its builder makes the [`Request`] in plain code and names a
//! plain function that turns the answer into the operation's result; sending, the one
//! asynchronous step, happens here.
//!
//! Generated code holds no `async` code of its own, and nothing generic here does
//! either. A call's future is [`CallFuture`], written by hand: it holds the sending
//! future, one type for every operation ([`Client::sending`]: preparing, retries,
//! tracing, the duplicate lookup), boxed, and the operation's decoder, a function
//! pointer applied to the answer. The state machine of sending is thus compiled, and
//! proven `Send`, once for the crate; per operation, and per result type in the crate
//! of a service that calls it, there is only [`CallFuture`]'s `poll`, one `match`.
//! (Measured on Glomo's crate: an `impl Future + Send` returned per operation made the
//! compiler infer a hidden type and prove it `Send` 84 times over, and a generic
//! `async` block proved the HTTP client's types `Send` again in each generic
//! function.)

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::client::Client;
use super::duplicate::Duplicate;
use super::error::{DuplicateError, Error, SendError};
use super::request::Request;
use super::response::RawResponse;

/// Turns the raw answer of one operation into its result: a decoded value for a
/// documented success, a typed error for a documented failure.
pub(crate) type Decode<R, E> = fn(RawResponse) -> Result<R, Error<E>>;

/// What sending yields.
pub(crate) enum Sent {
    /// The answer to the request.
    Answer(RawResponse),
    /// A retried request was answered as a duplicate of an attempt that went through,
    /// and the resource was looked up: the lookup's answer, its body the one item.
    Recovered(RawResponse),
    /// A retried request was answered as a duplicate, and the resource was not found.
    Unrecovered(DuplicateError),
}

/// The sending part of every call: one type, whatever the operation.
type Sending<'a> = Pin<Box<dyn Future<Output = Result<Sent, SendError>> + Send + 'a>>;

/// The future of one call, as an operation's `send` and `send_with_response` return
/// it and as `.await` on its builder runs it: `R` is the decoded body (or the whole
/// [`Response`](super::Response)), `E` the operation's typed error.
///
/// It is `Send` when `E` is, which every generated error type is, so it can be
/// spawned. Like any future, it does nothing until polled; dropping it cancels the
/// call.
#[must_use = "a call does nothing unless it is awaited"]
pub struct CallFuture<'a, R, E> {
    /// The request in flight, or the error that building it met; `None` once the
    /// call has finished.
    sending: Option<Result<Sending<'a>, Error<E>>>,
    decode: Decode<R, E>,
    /// The decoder of a resource looked up after a duplicate answer (`decode` for an
    /// operation that does not recover from one, which never gets one).
    recovered: Decode<R, E>,
}

// Never pinned in place: the sending future is boxed and pinned on its own.
impl<R, E> Unpin for CallFuture<'_, R, E> {}

impl<R, E> Future for CallFuture<'_, R, E> {
    type Output = Result<R, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut sending = match this.sending.take() {
            Some(Ok(sending)) => sending,
            Some(Err(e)) => return Poll::Ready(Err(e)),
            // Polled again after it finished: it stays pending, as `Future` allows.
            None => return Poll::Pending,
        };
        let sent = match sending.as_mut().poll(cx) {
            Poll::Ready(sent) => sent,
            Poll::Pending => {
                this.sending = Some(Ok(sending));
                return Poll::Pending;
            }
        };
        Poll::Ready(match sent {
            Ok(Sent::Answer(raw)) => (this.decode)(raw),
            Ok(Sent::Recovered(raw)) => (this.recovered)(raw),
            Ok(Sent::Unrecovered(e)) => Err(Error::Duplicate(e)),
            Err(e) => Err(e.into()),
        })
    }
}

impl<R, E> fmt::Debug for CallFuture<'_, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.sending {
            Some(Ok(_)) => "sending",
            Some(Err(_)) => "failed",
            None => "finished",
        };
        f.debug_struct("CallFuture")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

#[allow(
    dead_code,
    reason = "generated code calls only what its spec's operations need"
)]
impl Client {
    /// Sends `request` (or returns the error that building it met) and decodes the
    /// answer with `decode`.
    #[inline]
    pub(crate) fn call<R, E>(
        &self,
        request: Result<Request, Error<E>>,
        decode: Decode<R, E>,
    ) -> CallFuture<'_, R, E> {
        CallFuture {
            sending: Some(request.map(|r| self.sending(r, None))),
            decode,
            recovered: decode,
        }
    }

    /// As [`Client::call`], for an operation whose retried request the API may
    /// answer as a duplicate: such an answer is resolved by looking the resource up
    /// (see `duplicate.rs`) and decoding it with `recovered`, instead of being decoded
    /// as an error.
    #[inline]
    pub(crate) fn call_deduplicated<R, E>(
        &self,
        request: Result<Request, Error<E>>,
        duplicate: &'static Duplicate,
        decode: Decode<R, E>,
        recovered: Decode<R, E>,
    ) -> CallFuture<'_, R, E> {
        CallFuture {
            sending: Some(request.map(|r| self.sending(r, Some(duplicate)))),
            decode,
            recovered,
        }
    }

    /// Prepares `request` (URL, headers, body) and returns the future that sends it.
    ///
    /// The future holds the prepared request once: the sending future inside borrows
    /// it (see [`Client::send_prepared`]). Its size is what every call allocates and
    /// copies.
    fn sending(&self, request: Request, duplicate: Option<&'static Duplicate>) -> Sending<'_> {
        let prepared = self.prepare_request(request);
        Box::pin(async move {
            let prepared = match prepared {
                Ok(ref p) => p,
                Err(e) => return Err(e),
            };
            let raw = self.send_prepared(prepared).await?;
            if let Some(duplicate) = duplicate {
                if let Some(key) = raw.retried_duplicate(duplicate.status, duplicate.body_contains) {
                    // Rare, and its future is larger than the rest of the call's:
                    // boxed, so that only a call that needs it allocates it.
                    let lookup = duplicate.lookup.as_ref();
                    let recovery = self.recover_duplicate(raw, key, lookup, &prepared.options);
                    return Ok(match Box::pin(recovery).await {
                        Ok(found) => Sent::Recovered(found),
                        Err(e) => Sent::Unrecovered(e),
                    });
                }
            }
            Ok(Sent::Answer(raw))
        })
    }
}
