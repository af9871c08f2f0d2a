//! End-to-end tests of `Client::execute` against a tiny in-process HTTP/1.1
//! server that answers each request with the next canned reply and records
//! what it received.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::client::{Client, ClientBuilder};
use super::error::{BuildError, Error};
use super::multipart::{FilePart, MultipartBody};
use super::request::{Request, RequestOptions};
use super::response::RawResponse;
use crate::config;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The header the API's security scheme puts the credential in.
fn auth_name() -> &'static str {
    if config::AUTH_HEADER.is_empty() {
        "authorization"
    } else {
        config::AUTH_HEADER
    }
}

/// A canned reply.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Reply {
    fn new(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
            delay: Duration::ZERO,
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

struct MockServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Serves `replies` in order, repeating the last one once they run out.
    async fn start(replies: Vec<Reply>) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(replies);
        let next = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn({
            let seen = seen.clone();
            async move {
                while let Ok((sock, _)) = listener.accept().await {
                    let (seen, replies, next) = (seen.clone(), replies.clone(), next.clone());
                    tokio::spawn(async move {
                        let _ = serve(sock, &replies, &next, &seen).await;
                    });
                }
            }
        });
        Ok(Self { addr, seen, task })
    }

    fn url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn serve(
    mut sock: TcpStream,
    replies: &[Reply],
    next: &AtomicUsize,
    seen: &Mutex<Vec<Seen>>,
) -> io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let body = if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        while buf.len() < head_end + len {
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf[head_end..].to_vec()
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        while !buf[head_end..].ends_with(b"0\r\n\r\n") {
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        dechunk(&buf[head_end..])
    } else {
        Vec::new()
    };
    if let Ok(mut s) = seen.lock() {
        s.push(Seen {
            method,
            target,
            headers,
            body,
        });
    }
    let i = next.fetch_add(1, Ordering::SeqCst);
    let Some(reply) = replies.get(i).or(replies.last()) else {
        return Ok(());
    };
    tokio::time::sleep(reply.delay).await;
    let mut out = format!(
        "HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\ncontent-type: application/json\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&reply.body);
    sock.write_all(out.as_bytes()).await?;
    sock.shutdown().await
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = find(data, b"\r\n") {
        let size = std::str::from_utf8(&data[..i])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || data.len() < i + 2 + size {
            break;
        }
        out.extend_from_slice(&data[i + 2..i + 2 + size]);
        data = &data[(i + 4 + size).min(data.len())..];
    }
    out
}

fn fast(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key("test-key")
        .base_url(server.url())
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
}

async fn call(client: &Client, req: Request) -> Result<RawResponse, Error<()>> {
    Ok(client.execute(req).await?)
}

fn get(path: &'static str) -> Request {
    Request::new(Method::GET, path, path.to_owned())
}

fn post_json(body: &Value) -> Result<Request, Box<dyn std::error::Error>> {
    let mut req = Request::new(Method::POST, "/payouts", "/payouts".to_owned());
    req.json(body)?;
    Ok(req)
}

#[tokio::test]
async fn get_is_retried_after_503_and_sends_auth_and_user_agent() -> TestResult {
    let server = MockServer::start(vec![
        Reply::new(503, "{}"),
        Reply::new(200, r#"{"ok":true}"#),
    ])
    .await?;
    let client = fast(&server).build()?;
    let raw = call(&client, get("/status")).await?;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.body, br#"{"ok":true}"#);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(
            (s.method.as_str(), s.target.as_str()),
            ("GET", "/api/v1/status")
        );
        let expected_auth = format!("{}test-key", config::AUTH_PREFIX);
        assert_eq!(s.header(auth_name()), Some(expected_auth.as_str()));
        assert_eq!(s.header("accept"), Some("application/json"));
        let ua = s.header("user-agent").unwrap_or_default();
        let expected = format!("{}/{} (rust)", config::SDK_NAME, config::SDK_VERSION);
        assert_eq!(ua, expected);
    }
    Ok(())
}

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried() -> TestResult {
    let server = MockServer::start(vec![Reply::new(503, "{}"), Reply::new(201, "{}")]).await?;
    let client = fast(&server).build()?;
    let raw = call(&client, post_json(&json!({"amount": 100}))?).await?;
    assert_eq!(raw.status, 503, "the 503 is returned, not retried");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].json()?, json!({"amount": 100}));
    Ok(())
}

#[tokio::test]
async fn post_with_idempotency_field_is_retried_with_the_same_key() -> TestResult {
    let server = MockServer::start(vec![
        Reply::new(500, "{}"),
        Reply::new(502, "{}"),
        Reply::new(201, r#"{"id":"p_1"}"#),
    ])
    .await?;
    let client = fast(&server).build()?;
    let mut req = post_json(&json!({"amount": 100}))?;
    req.idempotency_field("request_id");
    let raw = call(&client, req).await?;
    assert_eq!(raw.status, 201);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let key = seen[0].json()?["request_id"].clone();
    assert_eq!(key.as_str().map(str::len), Some(36), "{key}");
    for s in &seen {
        assert_eq!(s.body, seen[0].body, "identical bytes on every attempt");
        assert_eq!(s.json()?["request_id"], key);
    }
    // When retries run out, the error names the key so the caller can look up
    // or resend the payout safely.
    let mut req = post_json(&json!({"amount": 100}))?;
    req.idempotency_field("request_id");
    req.options(&RequestOptions::new().max_retries(0));
    let failing = MockServer::start(vec![Reply::new(503, "{}")]).await?;
    let err = call(&fast(&failing).build()?, req)
        .await?
        .unexpected::<()>(());
    let sent = failing.seen()[0].json()?["request_id"].clone();
    assert_eq!(err.idempotency_key(), sent.as_str());
    assert!(err.idempotency_key().is_some());
    // A second call gets a new key; a key set by the caller is sent as is.
    let mut req = post_json(&json!({"amount": 1, "request_id": "order-42"}))?;
    req.idempotency_field("request_id");
    call(&client, req).await?;
    let seen = server.seen();
    assert_eq!(seen[3].json()?["request_id"], "order-42");
    Ok(())
}

#[tokio::test]
async fn retry_after_is_honoured() -> TestResult {
    let server = MockServer::start(vec![
        Reply::new(429, r#"{"message":"slow down"}"#).header("retry-after", "1"),
        Reply::new(200, "{}"),
    ])
    .await?;
    let client = fast(&server).build()?;
    let started = Instant::now();
    let raw = call(&client, get("/status")).await?;
    let waited = started.elapsed();
    assert_eq!(raw.status, 200);
    assert_eq!(server.seen().len(), 2);
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(4), "waited {waited:?}");
    Ok(())
}

#[tokio::test]
async fn retry_after_beyond_the_limit_returns_the_response() -> TestResult {
    let server = MockServer::start(vec![
        Reply::new(503, "{}").header("retry-after", "120"),
        Reply::new(200, "{}"),
    ])
    .await?;
    let client = fast(&server)
        .max_retry_after(Duration::from_secs(30))
        .build()?;
    let started = Instant::now();
    let raw = call(&client, get("/status")).await?;
    assert_eq!(raw.status, 503);
    assert_eq!(server.seen().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    Ok(())
}

#[tokio::test]
async fn client_errors_are_never_retried() -> TestResult {
    let server = MockServer::start(vec![
        Reply::new(400, r#"{"error":"Bad Request","message":"nope"}"#),
        Reply::new(200, "{}"),
    ])
    .await?;
    let client = fast(&server).build()?;
    let raw = call(&client, get("/status")).await?;
    assert_eq!(raw.status, 400);
    assert_eq!(server.seen().len(), 1);
    let err = raw.unexpected::<()>(());
    assert_eq!(err.to_string(), "API error 400 Bad Request: nope");
    Ok(())
}

#[tokio::test]
async fn per_request_max_retries_overrides_the_client() -> TestResult {
    let server = MockServer::start(vec![Reply::new(503, "{}")]).await?;
    let client = fast(&server).max_retries(3).build()?;
    call(&client, get("/a")).await?;
    assert_eq!(server.seen().len(), 4, "client default: 1 + 3");
    let mut req = get("/b");
    req.options(&RequestOptions::new().max_retries(1));
    call(&client, req).await?;
    assert_eq!(server.seen().len(), 6, "override: 1 + 1");
    let mut req = get("/c");
    req.options(&RequestOptions::new().max_retries(0));
    call(&client, req).await?;
    assert_eq!(server.seen().len(), 7, "0 disables retries");
    Ok(())
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() -> TestResult {
    let server =
        MockServer::start(vec![Reply::new(200, "{}").delay(Duration::from_secs(3))]).await?;
    let client = fast(&server).max_retries(1).build()?;
    let mut req = Request::new(Method::PUT, "/slow", "/slow".to_owned());
    req.json(&json!({}))?;
    req.options(&RequestOptions::new().timeout(Duration::from_millis(150)));
    let started = Instant::now();
    match call(&client, req).await {
        Err(Error::Timeout(e)) => {
            assert_eq!(e.attempts(), 2);
            assert_eq!(e.timeout(), Duration::from_millis(150));
            assert_eq!(e.idempotency_key(), None);
        }
        other => return Err(format!("expected a timeout, got {other:?}").into()),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.seen().len(), 2);
    Ok(())
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() -> TestResult {
    // A port that was just free: nothing listens there.
    let addr = TcpListener::bind("127.0.0.1:0").await?.local_addr()?;
    let client = Client::builder()
        .api_key("k")
        .base_url(format!("http://{addr}"))
        .initial_backoff(Duration::from_millis(1))
        .max_retries(2)
        .build()?;
    match call(&client, get("/x")).await {
        Err(Error::Transport(e)) => {
            assert!(e.is_connect(), "{e:?}");
            assert_eq!(e.attempts(), 3);
        }
        other => return Err(format!("expected a transport error, got {other:?}").into()),
    }
    Ok(())
}

#[tokio::test]
async fn rotated_keys_apply_to_later_requests() -> TestResult {
    let server = MockServer::start(vec![Reply::new(200, "{}")]).await?;
    let client = fast(&server).build()?;
    let clone = client.clone();
    call(&client, get("/a")).await?;
    clone.set_api_key("rotated-key")?;
    call(&client, get("/b")).await?;
    let auth: Vec<Option<String>> = server
        .seen()
        .iter()
        .map(|s| s.header(auth_name()).map(str::to_owned))
        .collect();
    assert_eq!(
        auth,
        [
            Some(format!("{}test-key", config::AUTH_PREFIX)),
            Some(format!("{}rotated-key", config::AUTH_PREFIX))
        ]
    );
    Ok(())
}

#[tokio::test]
async fn no_key_is_sent_to_a_plain_http_server_override() -> TestResult {
    let server = MockServer::start(vec![Reply::new(200, "{}")]).await?;
    let client = fast(&server).build()?;
    let req = get("/x").with_server(super::base_url::ServerOverride::Absolute(
        "http://files.example.com",
    ));
    let r = call(&client, req).await;
    assert!(
        matches!(r, Err(Error::Config(BuildError::InsecureBaseUrl { .. }))),
        "{r:?}"
    );
    assert!(server.seen().is_empty());
    Ok(())
}

#[tokio::test]
async fn multipart_bodies_are_rebuilt_for_each_attempt() -> TestResult {
    let server = MockServer::start(vec![Reply::new(503, "{}"), Reply::new(200, "{}")]).await?;
    let client = fast(&server).build()?;
    let mut form = MultipartBody::new();
    form.text("purpose", "kyc".to_owned());
    form.file(
        "file",
        FilePart::new(b"%PDF-1.7 fake".to_vec(), "id.pdf", "application/pdf"),
    );
    let mut req = Request::new(Method::PUT, "/document", "/document".to_owned());
    req.multipart(form);
    let raw = call(&client, req).await?;
    assert_eq!(raw.status, 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        let ct = s.header("content-type").unwrap_or_default();
        assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
        let body = String::from_utf8_lossy(&s.body);
        assert!(body.contains("name=\"purpose\"\r\n\r\nkyc\r\n"), "{body}");
        assert!(body.contains("filename=\"id.pdf\""), "{body}");
        assert!(
            body.contains("Content-Type: application/pdf\r\n\r\n%PDF-1.7 fake"),
            "{body}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn typed_decoding_through_the_client() -> TestResult {
    #[derive(Debug, serde::Deserialize)]
    struct Payout {
        id: String,
    }
    let server = MockServer::start(vec![
        Reply::new(200, r#"{"id":"payout_1"}"#).header("x-request-id", "req_abc"),
    ])
    .await?;
    let client = fast(&server).build()?;
    let payout = call(&client, get("/payouts/payout_1"))
        .await?
        .json::<Payout, ()>()?;
    assert_eq!(payout.id, "payout_1");
    assert_eq!(payout.request_id(), Some("req_abc"));
    Ok(())
}

/// A minimal `tracing` subscriber that records every span and event as text.
mod capture {
    use std::fmt::{self, Write as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Clone, Default)]
    pub(super) struct Capture {
        pub(super) lines: Arc<Mutex<Vec<String>>>,
        next_id: Arc<AtomicU64>,
    }

    struct Line<'a>(&'a mut String);

    impl Visit for Line<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            let _ = write!(self.0, "{}={:?} ", field.name(), value);
        }
    }

    impl Capture {
        fn push(&self, line: String) {
            if let Ok(mut lines) = self.lines.lock() {
                lines.push(line);
            }
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }

        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut line = format!("span {} ", span.metadata().name());
            span.record(&mut Line(&mut line));
            self.push(line);
            Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
        }

        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut line = String::from("record ");
            values.record(&mut Line(&mut line));
            self.push(line);
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut line = format!("event {} ", event.metadata().level());
            event.record(&mut Line(&mut line));
            self.push(line);
        }

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn attempts_are_traced_without_the_key_or_bodies() -> TestResult {
    async fn scenario() -> TestResult {
        let server = MockServer::start(vec![
            Reply::new(503, r#"{"message":"response-body-marker"}"#),
            Reply::new(201, r#"{"id":"response-body-marker"}"#),
        ])
        .await?;
        let client = fast(&server).api_key("sk_test_tracing_secret").build()?;
        let mut req = Request::new(Method::POST, "/payouts/{id}", "/payouts/p_1".to_owned());
        req.json(&json!({"note": "request-body-marker"}))?;
        req.idempotency_field("request_id");
        call(&client, req).await?;
        Ok(())
    }
    let capture = capture::Capture::default();
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(capture.clone()));
    // `tracing` caches each callsite's interest when the callsite is first hit,
    // and with a single registered dispatcher it asks the *hitting thread's*
    // default: a concurrent test that hits these callsites first caches "never".
    // So: hit them all once, recompute the cache from this thread, then test.
    scenario().await?;
    tracing::callsite::rebuild_interest_cache();
    if let Ok(mut lines) = capture.lines.lock() {
        lines.clear();
    }
    scenario().await?;
    let lines = capture
        .lines
        .lock()
        .map(|l| l.join("\n"))
        .unwrap_or_default();
    for expected in [
        "span http_request method=POST path=\"/payouts/{id}\" idempotency_key=",
        "event DEBUG message=response received attempt=1 status=503 latency_ms=",
        "event INFO message=retrying after a transient error status attempt=1 status=503 delay_ms=",
        "event DEBUG message=response received attempt=2 status=201 latency_ms=",
    ] {
        assert!(
            lines.contains(expected),
            "missing {expected:?} in:\n{lines}"
        );
    }
    for secret in [
        "sk_test_tracing_secret",
        "request-body-marker",
        "response-body-marker",
    ] {
        assert!(!lines.contains(secret), "{secret} leaked into:\n{lines}");
    }
    Ok(())
}
