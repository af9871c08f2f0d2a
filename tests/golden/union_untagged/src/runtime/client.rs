//! The client: configuration, authentication, and the send-and-retry loop.
//!
//! Every operation funnels through [`Client::execute`], so the rules that keep
//! a payments integration safe live in one place: credentials only travel over
//! TLS (or to this machine), only with the operations that need them and only
//! to the API's own servers, a request is re-sent only when repeating it cannot
//! do the work twice, each attempt has a timeout, and every attempt is traced
//! without secrets or bodies.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use tracing::Instrument as _;
use tracing::level_filters::LevelFilter;

use super::auth::{Credential, Credentials, is_trusted_origin, redact_url, same_origin_redirects};
use super::base_url::{Servers, is_insecure_for_credentials, parse_base_url, server_base};
use super::error::{BuildError, EncodeError, SendError, TimeoutError, TransportError};
use super::random::unit_f64;
use super::request::{Prepared, PreparedBody, Request};
use super::response::RawResponse;
use super::retry::{RetryPolicy, backoff_delay, is_retryable_status, retry_delay};
use crate::config;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REDACTED: &str = "[redacted]";
const NO_KEY: Option<&str> = None;

/// What `Debug` shows for the API key: never the key itself.
fn redacted(present: bool) -> &'static dyn fmt::Debug {
    if present { &REDACTED } else { &NO_KEY }
}

/// Configures and builds a [`Client`].
///
/// ```ignore
/// let client = Client::builder()
///     .api_key(std::env::var("API_KEY")?)
///     .timeout(Duration::from_secs(30))
///     .max_retries(3)
///     .build()?;
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    credentials: Vec<(config::SecurityScheme, Credential)>,
    base_url: Option<String>,
    server_urls: Vec<(String, String)>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    deadline: Option<Duration>,
    user_agent_suffix: Option<String>,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: the first environment of the API, a 60 s
    /// timeout per attempt, a 10 s connect timeout, and 2 retries with
    /// exponential backoff from 500 ms up to 8 s.
    pub fn new() -> Self {
        Self {
            api_key: None,
            credentials: Vec::new(),
            base_url: None,
            server_urls: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            deadline: None,
            user_agent_suffix: None,
            http_client: None,
        }
    }

    /// The secret API key: the credential of the API's main token scheme (the
    /// first bearer or API-key scheme its operations use; see
    /// [`SecurityScheme`](crate::config::SecurityScheme)). Surrounding whitespace
    /// (such as a newline from a secrets file) is removed. Building fails if the
    /// API has no such scheme.
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The credential of one security scheme of the API: a token (a `&str` or
    /// `String`, or [`Credential::token`]) or, for HTTP basic schemes,
    /// [`Credential::basic`]. Each request carries the credentials its
    /// operation asks for, and none when it needs none. Set after
    /// [`api_key`](Self::api_key), it wins for the same scheme.
    #[must_use]
    pub fn credential(
        mut self,
        scheme: config::SecurityScheme,
        credential: impl Into<Credential>,
    ) -> Self {
        self.credentials.push((scheme, credential.into()));
        self
    }

    /// Targets one of the API's deployments. Replaces any earlier
    /// [`base_url`](Self::base_url).
    #[must_use]
    pub fn environment(mut self, environment: config::Environment) -> Self {
        self.base_url = Some(environment.base_url().to_owned());
        self
    }

    /// Targets a custom base URL, such as a mock server
    /// (`http://127.0.0.1:4010`) or a proxy. Replaces any earlier
    /// [`environment`](Self::environment). A trailing slash is ignored.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Where the operations that the API description places on another server
    /// than the root one go, for a [`base_url`](Self::base_url) they cannot be
    /// derived from. `server` is that server's URL as the description writes
    /// it (the operation docs name it); `url` is where to send its operations.
    ///
    /// Such servers are derived from a base URL that ends in the root server's
    /// path (a proxy at `https://gateway.internal/glomo/api/v1`, say) and from a
    /// local mock server's root; for any other base URL, [`build`](Self::build)
    /// fails unless each is given here, rather than guess a URL.
    #[must_use]
    pub fn server_url(mut self, server: impl Into<String>, url: impl Into<String>) -> Self {
        self.server_urls.push((server.into(), url.into()));
        self
    }

    /// The timeout of each attempt: connecting, sending, and reading the whole
    /// response. Retries get a fresh timeout each.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest a whole call may take: every attempt, the waits between
    /// retries and any `Retry-After` together (default: no limit beyond the
    /// per-attempt [`timeout`](Self::timeout) times the attempts).
    ///
    /// Each attempt's timeout is cut to the time left; a retry whose wait would
    /// end past the deadline is not made, and the call ends at once with the
    /// last error (a `Retry-After` longer than the time left included).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The timeout for establishing a connection. Ignored with
    /// [`http_client`](Self::http_client), whose own settings apply.
    #[must_use]
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// How many times a failed request that is safe to repeat is retried
    /// (default 2); 0 disables retrying.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// The wait before the first retry (default 500 ms), doubled for each
    /// further one, with random jitter of up to half the wait.
    #[must_use]
    pub fn initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.retry.initial_backoff = initial_backoff;
        self
    }

    /// The longest wait between retries (default 8 s), before jitter.
    #[must_use]
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.retry.max_backoff = max_backoff;
        self
    }

    /// The longest `Retry-After` the client will wait for (default 60 s). When
    /// the server asks for longer, the response is returned instead.
    #[must_use]
    pub fn max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.retry.max_retry_after = max_retry_after;
        self
    }

    /// Text appended to the `User-Agent` header, such as `my-app/1.2`.
    #[must_use]
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Uses this HTTP client (for proxies, custom roots, or sharing a
    /// connection pool). Timeouts and retries still apply per request.
    #[must_use]
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Fills the API key and base URL from the environment variables of the
    /// API, where they are set, non-empty and not already configured.
    pub fn with_env(self) -> Result<Self, BuildError> {
        self.with_env_from(|name| std::env::var(name))
    }

    fn with_env_from(
        mut self,
        lookup: impl Fn(&str) -> Result<String, std::env::VarError>,
    ) -> Result<Self, BuildError> {
        let read = |var: &'static str| -> Result<Option<String>, BuildError> {
            if var.is_empty() {
                return Ok(None);
            }
            match lookup(var) {
                Ok(v) if v.trim().is_empty() => Ok(None),
                Ok(v) => Ok(Some(v)),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => Err(BuildError::InvalidEnvVar { var }),
            }
        };
        if self.api_key.is_none() {
            self.api_key = read(config::API_KEY_ENV)?;
        }
        if self.base_url.is_none() {
            self.base_url = read(config::BASE_URL_ENV)?;
        }
        Ok(self)
    }

    /// Builds the client.
    ///
    /// Fails on an unusable base URL or API key, and refuses an API key with a
    /// plain `http://` base URL unless the host is a loopback address: the key
    /// would otherwise cross the network in clear text.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = match self.base_url.as_deref() {
            Some(url) => url,
            None => config::Environment::default().base_url(),
        };
        if base_url.trim().is_empty() {
            return Err(BuildError::MissingBaseUrl);
        }
        let base_url = parse_base_url(base_url)?;
        let mut credentials = Credentials::default();
        if let Some(api_key) = self.api_key.as_deref() {
            set_api_key(&mut credentials, api_key)?;
        }
        for (scheme, credential) in &self.credentials {
            credentials.set(*scheme, credential)?;
        }
        if !credentials.is_empty() && is_insecure_for_credentials(&base_url) {
            return Err(BuildError::InsecureBaseUrl {
                url: base_url.to_string(),
            });
        }
        let mut given = Vec::with_capacity(self.server_urls.len());
        for (server, url) in &self.server_urls {
            let server = server.trim().trim_end_matches('/');
            if !config::SERVER_OVERRIDES.iter().any(|o| o.server() == server) {
                return Err(BuildError::UnknownServer {
                    server: server.to_owned(),
                });
            }
            given.push((server.to_owned(), parse_base_url(url)?));
        }
        let overrides = config::SERVER_OVERRIDES
            .iter()
            .map(|o| Ok((o.server(), server_base(&base_url, o, &given)?)))
            .collect::<Result<Vec<_>, BuildError>>()?;
        let servers = Servers {
            base: base_url.clone(),
            overrides,
        };
        let mut user_agent = format!("{}/{} (rust)", config::SDK_NAME, config::SDK_VERSION);
        if let Some(suffix) = self.user_agent_suffix.as_deref().map(str::trim) {
            if !suffix.is_empty() {
                user_agent.push(' ');
                user_agent.push_str(suffix);
            }
        }
        let user_agent =
            HeaderValue::from_str(&user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(same_origin_redirects())
                .build()
                .map_err(BuildError::HttpClient)?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                servers,
                credentials: RwLock::new(Arc::new(credentials)),
                user_agent,
                timeout: self.timeout,
                retry: self.retry,
                deadline: self.deadline,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", redacted(self.api_key.is_some()))
            .field(
                "credentials",
                &self.credentials.iter().map(|(s, _)| s.name()).collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url)
            .field("server_urls", &self.server_urls)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("deadline", &self.deadline)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

/// Sets `api_key` as the credential of the API's main token scheme.
fn set_api_key(credentials: &mut Credentials, api_key: &str) -> Result<(), BuildError> {
    let scheme = config::API_KEY_SCHEME.ok_or(BuildError::NoApiKeyScheme)?;
    credentials
        .set(scheme, &Credential::token(api_key))
        .map_err(|_| BuildError::InvalidApiKey)
}

/// The API client. Cheap to clone: clones share one connection pool and
/// configuration, including the credentials set by [`Client::set_api_key`] and
/// [`Client::set_credential`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    servers: Servers,
    /// Shared so that each attempt takes them without copying the secrets.
    credentials: RwLock<Arc<Credentials>>,
    user_agent: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
    deadline: Option<Duration>,
}

impl Client {
    /// A builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: the API key variable is
    /// required, the base URL variable is optional (defaulting to the API's
    /// first environment).
    pub fn from_env() -> Result<Self, BuildError> {
        let builder = ClientBuilder::new().with_env()?;
        if !config::API_KEY_ENV.is_empty() && builder.api_key.is_none() {
            return Err(BuildError::MissingApiKey {
                env_var: config::API_KEY_ENV,
            });
        }
        builder.build()
    }

    /// Replaces the API key for all later requests of this client and its
    /// clones, for key rotation without rebuilding the client. Requests already
    /// in flight finish with the key they started with.
    pub fn set_api_key(&self, api_key: impl Into<String>) -> Result<(), BuildError> {
        let mut updated = Credentials::clone(&self.credentials());
        set_api_key(&mut updated, &api_key.into())?;
        self.replace_credentials(updated)
    }

    /// Replaces the credential of one security scheme for all later requests
    /// of this client and its clones (see [`ClientBuilder::credential`]).
    pub fn set_credential(
        &self,
        scheme: config::SecurityScheme,
        credential: impl Into<Credential>,
    ) -> Result<(), BuildError> {
        let mut updated = Credentials::clone(&self.credentials());
        updated.set(scheme, &credential.into())?;
        self.replace_credentials(updated)
    }

    fn replace_credentials(&self, updated: Credentials) -> Result<(), BuildError> {
        if is_insecure_for_credentials(&self.inner.base_url) {
            return Err(BuildError::InsecureBaseUrl {
                url: self.inner.base_url.to_string(),
            });
        }
        *self
            .inner
            .credentials
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(updated);
        Ok(())
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    fn credentials(&self) -> Arc<Credentials> {
        self.inner
            .credentials
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sends a request, retrying it when that is safe and useful, and returns
    /// the final response whatever its status.
    ///
    /// A request is retried only if it is safe to repeat (idempotent method,
    /// or an idempotency key in the body) and the attempt failed transiently:
    /// no response (connection failure, timeout) or a 408, 429, 500, 502, 503
    /// or 504. Waits follow [`retry_delay`]: exponential backoff with jitter,
    /// or the server's `Retry-After`.
    pub(crate) async fn execute(&self, req: Request) -> Result<RawResponse, SendError> {
        let prepared = self.prepare_request(req)?;
        self.send_prepared(&prepared).await
    }

    /// The URL, headers and body of `req` against this client's servers.
    pub(crate) fn prepare_request(&self, req: Request) -> Result<Prepared, SendError> {
        Ok(req.prepare(&self.inner.servers)?)
    }

    /// Sends a prepared request, with retries, inside its tracing span.
    ///
    /// The request is borrowed, not moved: a call's future holds it once, and this
    /// future, stored inside the call's, only a reference to it. Futures nest by
    /// value, so every argument moved into an `async fn` is stored again at each
    /// level; keeping them small keeps the memory a call allocates and copies small.
    pub(crate) fn send_prepared<'s>(
        &'s self,
        prepared: &'s Prepared,
    ) -> impl std::future::Future<Output = Result<RawResponse, SendError>> + Send + 's {
        // INFO, not DEBUG: the retry events are INFO and must carry the method
        // and path of their request when only INFO is enabled.
        let span = tracing::info_span!(
            "http_request",
            method = %prepared.method,
            path = prepared.path_template,
            idempotency_key = prepared.idempotency_key.as_deref(),
        );
        self.send_with_retries(prepared).instrument(span)
    }

    async fn send_with_retries(&self, p: &Prepared) -> Result<RawResponse, SendError> {
        let inner = &*self.inner;
        let max_retries = p.options.max_retries.unwrap_or(inner.retry.max_retries);
        let timeout = p.options.timeout.unwrap_or(inner.timeout);
        let deadline = p
            .options
            .deadline
            .or(inner.deadline)
            .map(|d| Deadline::new(d, Instant::now()));
        let key = || p.idempotency_key.clone();
        let mut retry: u32 = 0;
        // Whether an earlier attempt may have reached the server and acted: it got
        // no response, or a 5xx. A 408 or 429 means the request was not processed.
        let mut earlier_may_have_acted = false;
        loop {
            let attempt = retry.saturating_add(1);
            let mut request = self.build_attempt(p)?;
            // Each attempt gets its own timeout, cut short by the call's deadline.
            let attempt_timeout = match &deadline {
                Some(d) => timeout.min(d.remaining(Instant::now())),
                None => timeout,
            };
            let deadline_cut = attempt_timeout < timeout;
            // reqwest's own timeout runs from connecting until the body is read, with
            // its timer inside the response future: no second future wraps it.
            *request.timeout_mut() = Some(attempt_timeout);
            // The latency is only logged at DEBUG: the clock is read only then.
            let started = (LevelFilter::current() >= LevelFilter::DEBUG).then(Instant::now);
            let outcome = receive(inner.http.execute(request)).await;
            let latency_ms = started.map(|s| delay_ms(s.elapsed()));
            let may_retry = p.retry_safe && retry < max_retries;
            let timed_out = |deadline_cut: bool| {
                let e = TimeoutError::new(attempt_timeout, attempt, key());
                SendError::Timeout(match (&deadline, deadline_cut) {
                    (Some(d), true) => e.with_deadline(d.total),
                    _ => e,
                })
            };
            let failure = match outcome {
                Ok(mut raw) => {
                    raw.idempotency_key = key();
                    raw.attempts = attempt;
                    raw.earlier_attempt_may_have_acted = earlier_may_have_acted;
                    let status = raw.status.as_u16();
                    tracing::debug!(attempt, status, latency_ms, "response received");
                    if !(may_retry && is_retryable_status(raw.status)) {
                        return Ok(raw);
                    }
                    let Some(delay) = retry_delay(
                        &inner.retry,
                        retry,
                        raw.headers.get(RETRY_AFTER),
                        SystemTime::now(),
                        unit_f64(),
                    ) else {
                        tracing::debug!(
                            attempt,
                            status,
                            "Retry-After exceeds the limit; not retrying"
                        );
                        return Ok(raw);
                    };
                    if deadline
                        .as_ref()
                        .is_some_and(|d| delay >= d.remaining(Instant::now()))
                    {
                        tracing::debug!(
                            attempt,
                            status,
                            delay_ms = delay_ms(delay),
                            "the wait would pass the call's deadline; not retrying"
                        );
                        return Ok(raw);
                    }
                    earlier_may_have_acted |= raw.status.is_server_error();
                    tracing::info!(
                        attempt,
                        status,
                        delay_ms = delay_ms(delay),
                        "retrying after a transient error status"
                    );
                    tokio::time::sleep(delay).await;
                    retry += 1;
                    continue;
                }
                Err(e) if e.is_timeout() => timed_out(deadline_cut),
                Err(e) if e.is_builder() => {
                    return Err(EncodeError::with_source("could not build the request", e).into());
                }
                Err(e) => SendError::Transport(TransportError::new(e, attempt, key())),
            };
            tracing::debug!(attempt, latency_ms, error = %DisplayChain(&failure), "no response");
            if !may_retry {
                return Err(failure);
            }
            let delay = backoff_delay(&inner.retry, retry, unit_f64());
            if deadline
                .as_ref()
                .is_some_and(|d| delay >= d.remaining(Instant::now()))
            {
                tracing::debug!(
                    attempt,
                    delay_ms = delay_ms(delay),
                    "the wait would pass the call's deadline; not retrying"
                );
                return Err(failure);
            }
            // A connection that was never established cannot have delivered it.
            earlier_may_have_acted |= !matches!(&failure, SendError::Transport(t) if t.is_connect());
            tracing::info!(
                attempt,
                delay_ms = delay_ms(delay),
                "retrying after a failed attempt"
            );
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    /// Builds the HTTP request for one attempt. Credentials are read now, so a
    /// rotated key applies to later retries too; they are attached only when the
    /// operation asks for them, and only for a trusted origin over TLS (or to
    /// this machine).
    fn build_attempt(&self, p: &Prepared) -> Result<reqwest::Request, SendError> {
        let mut url = p.url.clone();
        // The defaults, then the request's own headers, then the credentials, into one
        // map: each replaces the values of the names it sets (as
        // `RequestBuilder::headers` does), except a cookie credential, which joins the
        // request's own cookies (`Credentials::attach`).
        let mut headers = HeaderMap::with_capacity(p.headers.len() + 3);
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        replace_headers(&mut headers, p.headers.iter());
        if self
            .credentials()
            .attach(p.security, &mut url, &mut headers)
        {
            let origin = || {
                let mut origin = p.url.clone();
                origin.set_path("");
                origin.set_query(None);
                origin.to_string()
            };
            if is_insecure_for_credentials(&p.url) {
                return Err(SendError::Config(BuildError::InsecureBaseUrl { url: origin() }));
            }
            if !is_trusted_origin(&p.url, &self.inner.base_url) {
                return Err(SendError::Config(BuildError::UntrustedOrigin { origin: origin() }));
            }
        }
        let body = match &p.body {
            PreparedBody::Empty => None,
            PreparedBody::Json(bytes) | PreparedBody::Bytes(bytes) => Some(bytes.clone()),
            PreparedBody::Multipart(form) => {
                // reqwest sets the content type with its boundary and streams the parts.
                return self
                    .inner
                    .http
                    .request(p.method.clone(), url)
                    .headers(headers)
                    .multipart(form.to_form()?)
                    .build()
                    .map_err(|e| {
                        EncodeError::with_source("could not build the request", e).into()
                    });
            }
        };
        // Built directly rather than through `RequestBuilder`, which would copy the
        // headers in one by one and clone the HTTP client for nothing.
        if !url.has_host() {
            return Err(EncodeError::msg(format!("the request URL `{url}` has no host")).into());
        }
        let mut request = reqwest::Request::new(p.method.clone(), url);
        *request.headers_mut() = headers;
        *request.body_mut() = body.map(reqwest::Body::from);
        Ok(request)
    }
}

/// Adds `from` to `into`: a name `from` has replaces all of its values in
/// `into`; several values of one name in `from` are all kept.
fn replace_headers<'a>(
    into: &mut HeaderMap,
    from: impl Iterator<Item = (&'a reqwest::header::HeaderName, &'a HeaderValue)>,
) {
    let mut previous: Option<&reqwest::header::HeaderName> = None;
    for (name, value) in from {
        if previous == Some(name) {
            into.append(name.clone(), value.clone());
        } else {
            into.insert(name.clone(), value.clone());
            previous = Some(name);
        }
    }
}

/// The rest of one HTTP exchange once sent: the response, its whole body read.
async fn receive(
    pending: impl std::future::Future<Output = Result<reqwest::Response, reqwest::Error>>,
) -> Result<RawResponse, reqwest::Error> {
    let mut response = pending.await.map_err(redact_url)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(redact_url)?;
    Ok(RawResponse {
        status,
        headers,
        body,
        idempotency_key: None,
        attempts: 1,
        earlier_attempt_may_have_acted: false,
    })
}

/// The overall time limit of one call: attempts, backoff and `Retry-After`
/// waits together.
struct Deadline {
    total: Duration,
    started: Instant,
}

impl Deadline {
    fn new(total: Duration, started: Instant) -> Self {
        Self { total, started }
    }

    /// The time left at `now` (zero once passed).
    fn remaining(&self, now: Instant) -> Duration {
        self.total
            .saturating_sub(now.saturating_duration_since(self.started))
    }
}

fn delay_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Formats an error with its chain of sources, for logs.
struct DisplayChain<'a>(&'a SendError);

impl fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let err: &dyn std::error::Error = match self.0 {
            SendError::Transport(e) => e,
            SendError::Timeout(e) => e,
            SendError::Encode(e) => e,
            SendError::Config(e) => e,
        };
        write!(f, "{err}")?;
        let mut source = err.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field(
                "api_key",
                redacted(config::API_KEY_SCHEME.is_some_and(|s| self.credentials().has(s))),
            )
            .field("credentials", &self.credentials().scheme_names())
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::env::VarError;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A base URL for tests that do not depend on the configured servers
    /// (which may be absent from an API description).
    const TEST_BASE: &str = "https://api.example.com/v1";

    /// Gives every server the operations may use instead of the base URL, so
    /// that any base URL builds.
    fn with_every_server(builder: ClientBuilder) -> ClientBuilder {
        config::SERVER_OVERRIDES.iter().fold(builder, |b, o| {
            b.server_url(o.server(), "https://mount.example.com")
        })
    }

    #[test]
    fn builds_with_defaults_and_trims_the_base_url() -> TestResult {
        // The default is the API's first environment; a spec without servers
        // has none, and the builder then asks for a base URL.
        let default_url = config::Environment::default().base_url();
        let built = Client::builder().build();
        if default_url.is_empty() {
            assert!(
                matches!(built, Err(BuildError::MissingBaseUrl)),
                "{built:?}"
            );
        } else {
            // A URL without a path is printed with its root `/`.
            assert_eq!(
                built?.base_url().trim_end_matches('/'),
                default_url.trim_end_matches('/')
            );
        }
        let client = Client::builder()
            .environment(config::Environment::default())
            .base_url("https://proxy.example.com/api/v1/")
            .build()?;
        assert_eq!(client.base_url(), "https://proxy.example.com/api/v1");
        let client = Client::builder()
            .base_url("https://proxy.example.com/api/v1/")
            .environment(config::Environment::default())
            .build();
        assert_eq!(
            client
                .ok()
                .map(|c| c.base_url().trim_end_matches('/').to_owned()),
            (!default_url.is_empty()).then(|| default_url.trim_end_matches('/').to_owned()),
            "the later call wins"
        );
        Ok(())
    }

    #[test]
    fn api_key_needs_a_token_scheme() {
        let built = Client::builder().base_url(TEST_BASE).api_key("k").build();
        match config::API_KEY_SCHEME {
            Some(_) => assert!(built.is_ok(), "{built:?}"),
            None => assert!(
                matches!(built, Err(BuildError::NoApiKeyScheme)),
                "{built:?}"
            ),
        }
    }

    #[test]
    fn refuses_credentials_over_plain_http_except_loopback() -> TestResult {
        if config::API_KEY_SCHEME.is_none() {
            return Ok(());
        }
        for remote in ["http://api.example.com", "http://10.1.2.3:8080/api"] {
            let r = Client::builder().api_key("k").base_url(remote).build();
            assert!(
                matches!(r, Err(BuildError::InsecureBaseUrl { .. })),
                "{remote}"
            );
        }
        for local in [
            "http://127.0.0.1:4010",
            "http://localhost:4010",
            "http://[::1]:4010",
        ] {
            Client::builder().api_key("k").base_url(local).build()?;
        }
        // Without a key, plain http is allowed, but a key cannot be added later.
        let client = with_every_server(Client::builder().base_url("http://api.example.com"))
            .build()?;
        assert!(matches!(
            client.set_api_key("k"),
            Err(BuildError::InsecureBaseUrl { .. })
        ));
        Ok(())
    }

    #[test]
    fn rejects_bad_configuration_without_panicking() {
        let bad_url = Client::builder().base_url("::not a url").build();
        assert!(matches!(bad_url, Err(BuildError::InvalidBaseUrl { .. })));
        let no_url = Client::builder().base_url(" ").build();
        assert!(matches!(no_url, Err(BuildError::MissingBaseUrl)));
        let base = || Client::builder().base_url(TEST_BASE);
        let bad_ua = base().user_agent_suffix("x\u{7f}").build();
        assert!(matches!(bad_ua, Err(BuildError::InvalidUserAgent)));
        if config::API_KEY_SCHEME.is_none() {
            return;
        }
        let bad_key = base().api_key("a\nb").build();
        assert!(matches!(bad_key, Err(BuildError::InvalidApiKey)));
        let empty_key = base().api_key("  ").build();
        assert!(matches!(empty_key, Err(BuildError::InvalidApiKey)));
    }

    #[test]
    fn every_scheme_checks_its_credential() {
        for scheme in config::SECURITY_SCHEMES {
            let basic = matches!(scheme.placement(), super::super::auth::Placement::Basic);
            let (fits, other) = if basic {
                (Credential::basic("user", "pw"), Credential::token("t"))
            } else {
                (Credential::token("t"), Credential::basic("user", "pw"))
            };
            let base = || Client::builder().base_url(TEST_BASE);
            assert!(base().credential(*scheme, fits).build().is_ok(), "{scheme:?}");
            let r = base().credential(*scheme, other).build();
            assert!(
                matches!(r, Err(BuildError::CredentialKind { .. })),
                "{scheme:?}: {r:?}"
            );
            let empty = if basic {
                Credential::basic("", "pw")
            } else {
                Credential::token(" ")
            };
            let r = base().credential(*scheme, empty).build();
            assert!(
                matches!(r, Err(BuildError::InvalidCredential { .. })),
                "{scheme:?}: {r:?}"
            );
        }
    }

    #[test]
    fn debug_output_redacts_the_api_key() -> TestResult {
        if config::API_KEY_SCHEME.is_none() {
            return Ok(());
        }
        let builder = Client::builder()
            .base_url(TEST_BASE)
            .api_key("sk_live_supersecret");
        let shown = format!("{builder:?}");
        assert!(shown.contains(r#"api_key: "[redacted]""#), "{shown}");
        assert!(!shown.contains("supersecret"), "{shown}");
        let shown = format!("{:?}", Client::builder());
        assert!(shown.contains("api_key: None"), "{shown}");
        let client = builder.build()?;
        client.set_api_key("sk_live_rotated")?;
        let shown = format!("{client:?}");
        assert!(shown.contains(r#"api_key: "[redacted]""#), "{shown}");
        assert!(
            !shown.contains("supersecret") && !shown.contains("rotated"),
            "{shown}"
        );
        let mut url = Url::parse(TEST_BASE)?;
        let mut headers = HeaderMap::new();
        let schemes: Vec<config::SecurityScheme> = config::API_KEY_SCHEME.into_iter().collect();
        client.credentials().attach(&[&schemes], &mut url, &mut headers);
        assert!(headers.values().all(HeaderValue::is_sensitive));
        Ok(())
    }

    #[test]
    fn environment_variables_fill_only_what_is_unset() -> TestResult {
        // The variable names come from the API's configuration; either may be
        // empty, meaning "no environment default".
        let (key_var, url_var) = (config::API_KEY_ENV, config::BASE_URL_ENV);
        let env = |name: &str| match name {
            n if !n.is_empty() && n == key_var => Ok(" key-from-env\n".to_owned()),
            n if !n.is_empty() && n == url_var => Ok("http://127.0.0.1:9".to_owned()),
            _ => Err(VarError::NotPresent),
        };
        let b = ClientBuilder::new().with_env_from(env)?;
        let expected_url = (!url_var.is_empty()).then_some("http://127.0.0.1:9");
        assert_eq!(b.base_url.as_deref(), expected_url);
        let expected_key = (!key_var.is_empty()).then_some("key-from-env");
        assert_eq!(b.api_key.as_deref().map(str::trim), expected_key);
        let b = ClientBuilder::new()
            .api_key("explicit")
            .with_env_from(env)?;
        assert_eq!(b.api_key.as_deref(), Some("explicit"));
        let b = ClientBuilder::new().with_env_from(|_| Ok(String::new()))?;
        assert!(
            b.api_key.is_none() && b.base_url.is_none(),
            "empty means unset"
        );
        let r = ClientBuilder::new().with_env_from(|_| Err(VarError::NotUnicode("x".into())));
        let any_var = !key_var.is_empty() || !url_var.is_empty();
        assert_eq!(matches!(r, Err(BuildError::InvalidEnvVar { .. })), any_var);
        Ok(())
    }
}
