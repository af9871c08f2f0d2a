//! Auto-pagination over page-numbered list endpoints.
//!
//! A [`PageStream`] asks for one page at a time, through a closure supplied by
//! generated code, and yields the items one by one. It implements
//! [`futures_core::Stream`] by hand, so callers can use any stream combinator
//! library, and also offers [`PageStream::try_next`] and
//! [`PageStream::collect_all`] so that none is needed.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::stream::{FusedStream, Stream};

use super::call::CallFuture;
use super::error::Error;
use super::response::Response;

/// One page of a list.
#[derive(Debug)]
pub(crate) struct Page<T> {
    /// The page's items.
    pub(crate) items: Vec<T>,
    /// The next page number, `None` at the end.
    pub(crate) next: Option<u32>,
    /// The server's time when it answered (for the first page, the value later
    /// pages pin their time window to), when the walk pins one.
    pub(crate) server_time: Option<jiff::Timestamp>,
}

/// One page from the answer to a list call: the items and next page number that
/// `split` reads from the body, and the server's time (its `Date` header) when `pin`
/// asks for it.
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has paginated lists"
)]
pub(crate) fn page<'a, B: 'a, T: 'a, E: Send + 'a>(
    call: CallFuture<'a, Response<B>, E>,
    pin: bool,
    split: fn(B) -> (Vec<T>, Option<u32>),
) -> PageFuture<'a, T, E> {
    // Boxed here, once for every list, rather than in each operation's closure.
    Box::pin(async move {
        let response = call.await?;
        let server_time = if pin {
            super::time::pin_from_date(response.headers())
        } else {
            None
        };
        let (items, next) = split(response.into_inner());
        Ok(Page {
            items,
            next,
            server_time,
        })
    })
}

impl<T> Page<T> {
    /// A page that reports no server time.
    #[cfg(test)]
    fn new(items: Vec<T>, next: Option<u32>) -> Self {
        Self {
            items,
            next,
            server_time: None,
        }
    }
}

/// The future of [`PageStream::collect_all`]: every item, or the first error.
pub type CollectAll<'a, T, E> = Pin<Box<dyn Future<Output = Result<Vec<T>, Error<E>>> + Send + 'a>>;

type PageFuture<'a, T, E> = Pin<Box<dyn Future<Output = Result<Page<T>, Error<E>>> + Send + 'a>>;

/// Fetches a page: its number, and the pinned server time once the first page
/// has reported one.
type FetchPage<'a, T, E> = Box<dyn FnMut(u32, Option<jiff::Timestamp>) -> PageFuture<'a, T, E> + Send + 'a>;

enum State<'a, T, E> {
    /// The next page to request.
    Next(u32),
    /// A page request in flight, for the given page number.
    Fetching(u32, PageFuture<'a, T, E>),
    /// The last page was reached, or an error was returned.
    Done,
}

/// A stream of every item of a list, fetched page by page as it is consumed.
///
/// ```ignore
/// let mut payouts = client.payouts().list().into_stream();
/// while let Some(payout) = payouts.try_next().await? {
///     println!("{}", payout.id);
/// }
/// ```
///
/// The stream ends after the page whose next page number is absent, after an
/// empty page, or after an error (which it yields once). It also ends if the
/// server's next page number does not move forward, rather than looping.
pub struct PageStream<'a, T, E> {
    fetch: FetchPage<'a, T, E>,
    state: State<'a, T, E>,
    buffer: VecDeque<T>,
    /// The server time reported with the first page, passed to later fetches.
    pin: Option<jiff::Timestamp>,
    first: bool,
}

// The stream never hands out pinned references to its fields: the in-flight
// future is already boxed and pinned on its own.
impl<T, E> Unpin for PageStream<'_, T, E> {}

impl<'a, T, E> PageStream<'a, T, E> {
    /// A stream starting at `first_page`. `fetch(n, pin)` requests page `n`
    /// (within the window pinned to the server time `pin`, once the first page
    /// has reported one) and resolves to the page.
    #[allow(
        dead_code,
        reason = "used only by generated crates whose spec has paginated lists"
    )]
    pub(crate) fn new(
        first_page: u32,
        fetch: impl FnMut(u32, Option<jiff::Timestamp>) -> PageFuture<'a, T, E> + Send + 'a,
    ) -> Self {
        Self {
            fetch: Box::new(fetch),
            state: State::Next(first_page),
            buffer: VecDeque::new(),
            pin: None,
            first: true,
        }
    }

    /// The next item, `Ok(None)` at the end of the list.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error<E>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Fetches every remaining item into a `Vec`, stopping at the first error.
    pub fn collect_all(mut self) -> CollectAll<'a, T, E>
    where
        T: Send + 'a,
        E: Send + 'a,
    {
        Box::pin(async move {
            let mut all = Vec::new();
            while let Some(item) = self.try_next().await? {
                all.push(item);
            }
            Ok(all)
        })
    }
}

impl<T, E> Stream for PageStream<'_, T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Next(page) => {
                    this.state = State::Fetching(page, (this.fetch)(page, this.pin));
                }
                State::Fetching(page, mut fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(page, fut);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(Page {
                        items,
                        next,
                        server_time,
                    })) => {
                        if std::mem::take(&mut this.first) {
                            this.pin = server_time;
                        }
                        this.state = match next {
                            Some(n) if !items.is_empty() && n > page => State::Next(n),
                            _ => State::Done,
                        };
                        this.buffer.extend(items);
                    }
                },
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            State::Done => (self.buffer.len(), Some(self.buffer.len())),
            _ => (self.buffer.len(), None),
        }
    }
}

impl<T, E> FusedStream for PageStream<'_, T, E> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done) && self.buffer.is_empty()
    }
}

impl<T, E> fmt::Debug for PageStream<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Next(n) => format!("next page {n}"),
            State::Fetching(n, _) => format!("fetching page {n}"),
            State::Done => "done".to_owned(),
        };
        f.debug_struct("PageStream")
            .field("state", &state)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::error::ValidationError;
    use std::sync::{Arc, Mutex};

    type Calls = Arc<Mutex<Vec<u32>>>;

    /// A fake list: `pages[i]` is page `i + 1`.
    fn fake(pages: Vec<Vec<u32>>, calls: Calls) -> PageStream<'static, u32, ()> {
        PageStream::new(1, move |page, _| {
            let pages = pages.clone();
            let calls = calls.clone();
            Box::pin(async move {
                calls.lock().map(|mut c| c.push(page)).ok();
                tokio::task::yield_now().await; // exercise the Pending path
                let idx = usize::try_from(page).unwrap_or(usize::MAX) - 1;
                let items = pages.get(idx).cloned().unwrap_or_default();
                let next = (idx + 1 < pages.len()).then_some(page + 1);
                Ok(Page::new(items, next))
            })
        })
    }

    fn calls_of(calls: &Calls) -> Vec<u32> {
        calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    #[tokio::test]
    async fn walks_three_pages_in_order() -> Result<(), Error<()>> {
        let calls = Calls::default();
        let stream = fake(vec![vec![1, 2], vec![3, 4], vec![5]], calls.clone());
        assert_eq!(stream.collect_all().await?, [1, 2, 3, 4, 5]);
        assert_eq!(calls_of(&calls), [1, 2, 3]);
        Ok(())
    }

    #[tokio::test]
    async fn fetches_lazily_and_fuses() -> Result<(), Error<()>> {
        let calls = Calls::default();
        let mut stream = fake(vec![vec![1, 2], vec![3]], calls.clone());
        assert_eq!(stream.try_next().await?, Some(1));
        assert_eq!(stream.try_next().await?, Some(2));
        assert_eq!(
            calls_of(&calls),
            [1],
            "page 2 not requested before it is needed"
        );
        assert_eq!(stream.try_next().await?, Some(3));
        assert_eq!(stream.try_next().await?, None);
        assert!(stream.is_terminated());
        assert_eq!(stream.try_next().await?, None);
        assert_eq!(calls_of(&calls), [1, 2]);
        Ok(())
    }

    #[tokio::test]
    async fn empty_first_page_ends_the_stream() -> Result<(), Error<()>> {
        let calls = Calls::default();
        // The server claims a next page, but an empty page ends the walk anyway.
        let stream = PageStream::new(1, {
            let calls = calls.clone();
            move |page, _| {
                calls.lock().map(|mut c| c.push(page)).ok();
                Box::pin(async move { Ok(Page::new(Vec::<u32>::new(), Some(page + 1))) })
            }
        });
        assert!(stream.collect_all().await?.is_empty());
        assert_eq!(calls_of(&calls), [1]);
        Ok(())
    }

    #[tokio::test]
    async fn stops_after_an_error_and_on_a_stuck_next_page() -> Result<(), Error<()>> {
        let mut stream: PageStream<'_, u32, ()> = PageStream::new(1, |page, _| {
            Box::pin(async move {
                if page == 1 {
                    Ok(Page::new(vec![10], Some(2)))
                } else {
                    Err(ValidationError::new("page", "boom").into())
                }
            })
        });
        assert_eq!(stream.try_next().await?, Some(10));
        assert!(matches!(stream.try_next().await, Err(Error::Validation(_))));
        assert_eq!(stream.try_next().await?, None, "no fetch after an error");

        let stuck: PageStream<'_, u32, ()> = PageStream::new(3, |page, _| {
            Box::pin(async move { Ok(Page::new(vec![page], Some(page))) })
        });
        assert_eq!(stuck.collect_all().await?, [3]);
        Ok(())
    }

    #[tokio::test]
    async fn later_pages_get_the_time_the_first_page_reported() -> Result<(), Error<()>> {
        let pins = Arc::new(Mutex::new(Vec::new()));
        let stream: PageStream<'_, u32, ()> = PageStream::new(1, {
            let pins = pins.clone();
            move |page, pin| {
                pins.lock().map(|mut p| p.push(pin)).ok();
                Box::pin(async move {
                    Ok(Page {
                        items: vec![page],
                        next: (page < 3).then_some(page + 1),
                        // Only the first page's report counts.
                        server_time: Some(jiff::Timestamp::from_second(i64::from(page)).unwrap_or_default()),
                    })
                })
            }
        });
        assert_eq!(stream.collect_all().await?, [1, 2, 3]);
        let pins = pins.lock().map(|p| p.clone()).unwrap_or_default();
        let t1 = jiff::Timestamp::from_second(1).ok();
        assert_eq!(pins, [None, t1, t1]);
        Ok(())
    }

    #[test]
    fn streams_are_send() {
        fn assert_send<S: Send>(_: &S) {}
        assert_send(&fake(vec![], Calls::default()));
    }
}
