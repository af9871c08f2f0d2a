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

use super::auth::Placement;
use super::client::{Client, ClientBuilder};
use super::error::{BuildError, Error};
use super::multipart::{FilePart, MultipartBody};
use super::request::{Request, RequestOptions};
use super::response::RawResponse;
use crate::config;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The requirement "the API key" of an operation that takes it (empty when
/// the API has no token scheme).
const KEY_ALTERNATIVE: &[config::SecurityScheme] = match config::API_KEY_SCHEME {
    Some(scheme) => &[scheme],
    None => &[],
};

/// Security of an operation that needs the API key.
const NEEDS_KEY: &[&[config::SecurityScheme]] = &[KEY_ALTERNATIVE];

/// The API key as the server received it, wherever the scheme puts it.
fn sent_key(seen: &Seen) -> Option<String> {
    let scheme = config::API_KEY_SCHEME?;
    match scheme.placement() {
        Placement::Bearer => seen
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned),
        Placement::Header(name) => seen.header(name).map(str::to_owned),
        Placement::Query(name) => {
            let url = reqwest::Url::parse(&format!("http://x{}", seen.target)).ok()?;
            url.query_pairs()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
        }
        Placement::Cookie(name) => seen.header("cookie").and_then(|c| {
            c.split("; ")
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_owned))
        }),
        Placement::Basic => None,
    }
}

/// A canned reply.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
    /// A pause after the headers and the first byte of the body.
    body_delay: Duration,
}

impl Reply {
    fn new(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
            delay: Duration::ZERO,
            body_delay: Duration::ZERO,
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

    fn body_delay(mut self, delay: Duration) -> Self {
        self.body_delay = delay;
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
    let (first, rest) = reply.body.split_at(reply.body.len().min(1));
    out.push_str(first);
    sock.write_all(out.as_bytes()).await?;
    if !reply.body_delay.is_zero() {
        sock.flush().await?;
        tokio::time::sleep(reply.body_delay).await;
    }
    sock.write_all(rest.as_bytes()).await?;
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
    let builder = match config::API_KEY_SCHEME {
        Some(_) => Client::builder().api_key("test-key"),
        None => Client::builder(),
    };
    builder
        .base_url(server.url())
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
}

async fn call(client: &Client, req: Request) -> Result<RawResponse, Error<()>> {
    Ok(client.execute(req).await?)
}

fn get(path: &'static str) -> Request {
    let mut req = Request::new(Method::GET, path, path.to_owned());
    req.security(NEEDS_KEY);
    req
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
    assert_eq!(&raw.body[..], br#"{"ok":true}"#);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(
            (s.method.as_str(), s.target.as_str()),
            ("GET", "/api/v1/status")
        );
        let expected = config::API_KEY_SCHEME.map(|_| "test-key".to_owned());
        assert_eq!(sent_key(s), expected);
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
async fn a_body_that_stalls_times_out() -> TestResult {
    // The status and headers arrive at once; the body stops after its first byte.
    let reply = Reply::new(200, "{\"a\": 1}").body_delay(Duration::from_secs(3));
    let server = MockServer::start(vec![reply]).await?;
    let client = fast(&server).max_retries(0).build()?;
    let mut req = get("/stall");
    req.options(&RequestOptions::new().timeout(Duration::from_millis(150)));
    let started = Instant::now();
    match call(&client, req).await {
        Err(Error::Timeout(e)) => assert_eq!(e.timeout(), Duration::from_millis(150)),
        other => return Err(format!("expected a timeout, got {other:?}").into()),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    Ok(())
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() -> TestResult {
    // A port that was just free: nothing listens there.
    let addr = TcpListener::bind("127.0.0.1:0").await?.local_addr()?;
    let client = Client::builder()
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
    if config::API_KEY_SCHEME.is_none() {
        return Ok(());
    }
    let server = MockServer::start(vec![Reply::new(200, "{}")]).await?;
    let client = fast(&server).build()?;
    let clone = client.clone();
    call(&client, get("/a")).await?;
    clone.set_api_key("rotated-key")?;
    call(&client, get("/b")).await?;
    let auth: Vec<Option<String>> = server.seen().iter().map(sent_key).collect();
    assert_eq!(
        auth,
        [Some("test-key".to_owned()), Some("rotated-key".to_owned())]
    );
    Ok(())
}

#[tokio::test]
async fn no_key_is_sent_to_a_plain_http_server_override() -> TestResult {
    if config::API_KEY_SCHEME.is_none() {
        return Ok(());
    }
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
async fn no_key_is_sent_to_an_origin_outside_the_api() -> TestResult {
    if config::API_KEY_SCHEME.is_none() {
        return Ok(());
    }
    let server = MockServer::start(vec![Reply::new(200, "{}")]).await?;
    let client = fast(&server).build()?;
    let req = get("/x").with_server(super::base_url::ServerOverride::Absolute(
        "https://attacker.example.net",
    ));
    let r = call(&client, req).await;
    assert!(
        matches!(r, Err(Error::Config(BuildError::UntrustedOrigin { ref origin })) if origin == "https://attacker.example.net/"),
        "{r:?}"
    );
    Ok(())
}

#[tokio::test]
async fn operations_without_security_send_no_credential() -> TestResult {
    let server = MockServer::start(vec![Reply::new(200, "{}")]).await?;
    let client = fast(&server).build()?;
    call(&client, Request::new(Method::GET, "/open", "/open".to_owned())).await?;
    call(&client, get("/closed")).await?;
    let seen = server.seen();
    assert_eq!(sent_key(&seen[0]), None);
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(
        sent_key(&seen[1]),
        config::API_KEY_SCHEME.map(|_| "test-key".to_owned())
    );
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

#[tokio::test]
async fn a_deadline_bounds_attempts_and_backoff_together() -> TestResult {
    // Every attempt fails fast; without a deadline ten retries with 200 ms+ waits
    // would take seconds.
    let server = MockServer::start(vec![Reply::new(503, r#"{"message":"down"}"#)]).await?;
    let client = fast(&server)
        .max_retries(10)
        .initial_backoff(Duration::from_millis(200))
        .max_backoff(Duration::from_millis(200))
        .deadline(Duration::from_millis(500))
        .build()?;
    let started = Instant::now();
    let outcome = call(&client, get("/status")).await;
    let took = started.elapsed();
    match outcome {
        // The deadline fell between attempts: the last answer is returned.
        Ok(raw) => assert_eq!(raw.status, 503, "the last error is returned"),
        // The deadline fell inside the last attempt, which was cut short.
        Err(Error::Timeout(e)) => assert_eq!(e.deadline(), Some(Duration::from_millis(500))),
        Err(other) => return Err(format!("expected the last 503 or a deadline, got {other:?}").into()),
    }
    // Without the deadline, ten retries would wait at least 10 x 100 ms.
    assert!(took < Duration::from_millis(900), "took {took:?}");
    let attempts = server.seen().len();
    // Waits are 100-200 ms (jitter), so at most five attempts fit in 500 ms.
    assert!((2..=5).contains(&attempts), "{attempts} attempts");
    Ok(())
}

#[tokio::test]
async fn a_deadline_cuts_a_slow_attempt_short() -> TestResult {
    let server =
        MockServer::start(vec![Reply::new(200, "{}").delay(Duration::from_secs(3))]).await?;
    let client = fast(&server).timeout(Duration::from_secs(10)).build()?;
    let mut req = get("/slow");
    req.options(&RequestOptions::new().deadline(Duration::from_millis(300)));
    let started = Instant::now();
    match call(&client, req).await {
        Err(Error::Timeout(e)) => {
            assert_eq!(e.deadline(), Some(Duration::from_millis(300)));
            assert_eq!(e.attempts(), 1, "no retry once the deadline has passed");
            assert!(e.to_string().contains("deadline"), "{e}");
            assert!(Error::<()>::Timeout(e).is_retryable());
        }
        other => return Err(format!("expected a timeout, got {other:?}").into()),
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    Ok(())
}

#[tokio::test]
async fn a_retry_after_longer_than_the_time_left_ends_the_call_at_once() -> TestResult {
    let server = MockServer::start(vec![
        Reply::new(429, r#"{"message":"slow down"}"#).header("retry-after", "2"),
        Reply::new(200, "{}"),
    ])
    .await?;
    let client = fast(&server)
        .max_retry_after(Duration::from_secs(60))
        .deadline(Duration::from_secs(1))
        .build()?;
    let started = Instant::now();
    let raw = call(&client, get("/status")).await?;
    assert_eq!(raw.status, 429);
    assert_eq!(server.seen().len(), 1);
    assert!(started.elapsed() < Duration::from_millis(500));
    // Within the deadline the same Retry-After is honoured.
    let server = MockServer::start(vec![
        Reply::new(429, "{}").header("retry-after", "1"),
        Reply::new(200, "{}"),
    ])
    .await?;
    let client = fast(&server).deadline(Duration::from_secs(3)).build()?;
    assert_eq!(call(&client, get("/status")).await?.status, 200);
    assert_eq!(server.seen().len(), 2);
    Ok(())
}

#[tokio::test]
async fn is_retryable_agrees_with_what_the_client_retries() -> TestResult {
    for status in 400..600u16 {
        if reqwest::StatusCode::from_u16(status).is_err() {
            continue;
        }
        // A retry the status causes happens every time; an extra attempt after a
        // connection hiccup on a loaded machine does not, so a status counts as
        // retried only when all three tries were.
        let mut retried = true;
        let mut last = None;
        for _ in 0..3 {
            let server = MockServer::start(vec![Reply::new(status, "{}")]).await?;
            let client = fast(&server).max_retries(1).build()?;
            last = Some(call(&client, get("/status")).await?);
            if server.seen().len() < 2 {
                retried = false;
                break;
            }
        }
        let raw = last.ok_or("no call was made")?;
        let err = raw.unexpected::<()>(());
        assert_eq!(
            err.is_retryable(),
            retried,
            "status {status}: is_retryable() and the retry policy disagree"
        );
    }
    // No response at all: retried, and retryable.
    let addr = TcpListener::bind("127.0.0.1:0").await?.local_addr()?;
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .initial_backoff(Duration::from_millis(1))
        .max_retries(1)
        .build()?;
    match call(&client, get("/x")).await {
        Err(e @ Error::Transport(_)) => assert!(e.is_retryable()),
        other => return Err(format!("expected a transport error, got {other:?}").into()),
    }
    Ok(())
}

#[tokio::test]
async fn a_retried_duplicate_without_a_lookup_is_a_distinct_error_with_the_key() -> TestResult {
    let server = MockServer::start(vec![
        Reply::new(503, "{}"),
        Reply::new(409, r#"{"message":"Record already exists"}"#),
    ])
    .await?;
    let client = fast(&server).build()?;
    let mut req = post_json(&json!({"amount": 100}))?;
    req.idempotency_field("request_id");
    let raw = call(&client, req).await?;
    assert_eq!((raw.status.as_u16(), raw.attempts), (409, 2));
    let sent = server.seen()[0].json()?["request_id"].clone();
    assert_eq!(raw.retried_duplicate(409, Some("other text")), None);
    assert_eq!(raw.retried_duplicate(400, None), None);
    let key = raw.retried_duplicate(409, Some("already exists"));
    assert_eq!(key.as_deref(), sent.as_str());
    let key = key.unwrap_or_default();
    let result = client
        .recover_duplicate(raw, key.clone(), None, &RequestOptions::default())
        .await;
    let Err(err) = result else {
        return Err("expected an error".into());
    };
    let err = Error::<()>::Duplicate(err);
    assert!(!err.is_retryable());
    assert_eq!(err.idempotency_key(), Some(key.as_str()));
    match &err {
        Error::Duplicate(e) => {
            assert!(matches!(e.reason(), super::error::DuplicateReason::NoLookup));
            assert_eq!(e.status(), 409);
            assert!(e.to_string().contains("may have succeeded"), "{e}");
        }
        other => return Err(format!("expected a duplicate error, got {other:?}").into()),
    }
    assert_eq!(server.seen().len(), 2, "nothing else was sent");

    // After a 429 (the request was not processed) the same answer is the
    // caller's reused key, not a lost success.
    let server = MockServer::start(vec![
        Reply::new(429, "{}"),
        Reply::new(409, r#"{"message":"Record already exists"}"#),
    ])
    .await?;
    let mut req = post_json(&json!({"amount": 100}))?;
    req.idempotency_field("request_id");
    let raw = call(&fast(&server).build()?, req).await?;
    assert_eq!((raw.status.as_u16(), raw.attempts), (409, 2));
    assert_eq!(raw.retried_duplicate(409, None), None);
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
        let client = match config::API_KEY_SCHEME {
            Some(_) => fast(&server).api_key("sk_test_tracing_secret").build()?,
            None => fast(&server).build()?,
        };
        let mut req = Request::new(Method::POST, "/payouts/{id}", "/payouts/p_1".to_owned());
        req.security(NEEDS_KEY);
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
