//! Which credential each operation sends, with the `security_mixed` fixture (one
//! operation per kind of requirement) against an in-process mock server: none where
//! the operation needs none, the scheme it names where there are several, API keys in
//! headers, queries and cookies, HTTP basic, and never a credential to another origin.

use std::time::Duration;

use fixture_security_mixed::{BuildError, Client, Credential, Error, SecurityScheme};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Every place a credential can travel, as `place=value`, sorted.
fn credentials(r: &Request) -> Vec<String> {
    let mut out = Vec::new();
    for name in ["authorization", "x-api-key", "cookie"] {
        if let Some(v) = r.headers.get(name) {
            out.push(format!("{name}={}", v.to_str().unwrap()));
        }
    }
    for (k, v) in r.url.query_pairs() {
        if k == "api_key" {
            out.push(format!("query api_key={v}"));
        }
    }
    out.sort();
    out
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

fn builder(server: &MockServer) -> fixture_security_mixed::ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .timeout(Duration::from_secs(5))
}

/// A client holding a credential for every scheme.
fn client_with_everything(server: &MockServer) -> Client {
    builder(server)
        .api_key("bearer-token")
        .credential(SecurityScheme::HeaderKey, "header-key")
        .credential(SecurityScheme::QueryKey, "query-key")
        .credential(SecurityScheme::CookieKey, "cookie-key")
        .credential(SecurityScheme::Basic, Credential::basic("user", "pass"))
        .credential(SecurityScheme::Oauth, "oauth-token")
        .build()
        .unwrap()
}

/// Calls every operation once, in this order, and returns what each request carried.
async fn call_all(client: &Client, server: &MockServer) -> Vec<(String, Vec<String>)> {
    let c = client.checks();
    c.get_public().await.unwrap();
    c.get_default().await.unwrap();
    c.get_header_key().await.unwrap();
    c.get_query_key().q("kept").await.unwrap();
    c.get_cookie_key().await.unwrap();
    c.get_basic().await.unwrap();
    c.get_either().await.unwrap();
    c.get_both().await.unwrap();
    c.get_optional().await.unwrap();
    c.get_oauth().await.unwrap();
    c.get_digest().await.unwrap();
    let seen = server.received_requests().await.unwrap();
    seen.iter()
        .map(|r| (r.url.path().to_owned(), credentials(r)))
        .collect()
}

fn expect(table: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    table
        .iter()
        .map(|(p, c)| (p.to_string(), c.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[tokio::test]
async fn each_operation_sends_exactly_the_credentials_it_names() {
    let server = server().await;
    let client = client_with_everything(&server);
    let seen = call_all(&client, &server).await;
    assert_eq!(
        seen,
        expect(&[
            ("/public", &[]),
            ("/default", &["authorization=Bearer bearer-token"]),
            ("/header-key", &["x-api-key=header-key"]),
            ("/query-key", &["query api_key=query-key"]),
            ("/cookie-key", &["cookie=session=cookie-key"]),
            // base64("user:pass")
            ("/basic", &["authorization=Basic dXNlcjpwYXNz"]),
            // Alternatives: the first one that can be met.
            ("/either", &["x-api-key=header-key"]),
            // One alternative with two schemes: both.
            (
                "/both",
                &["query api_key=query-key", "x-api-key=header-key"]
            ),
            ("/optional", &["x-api-key=header-key"]),
            ("/oauth", &["authorization=Bearer oauth-token"]),
            // A scheme the SDK cannot send (HTTP digest): nothing else is sent instead.
            ("/digest", &[]),
        ])
    );
    let query = server.received_requests().await.unwrap()[3].url.clone();
    assert_eq!(query.query(), Some("q=kept&api_key=query-key"));
}

#[tokio::test]
async fn a_cookie_credential_joins_the_operations_own_cookies_in_one_header() {
    let server = server().await;
    let client = client_with_everything(&server);
    client
        .checks()
        .get_cookie_key()
        .theme("dark")
        .await
        .unwrap();
    let seen = server.received_requests().await.unwrap();
    let cookies: Vec<&str> = seen[0]
        .headers
        .get_all("cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(cookies, ["theme=dark; session=cookie-key"]);
}

#[tokio::test]
async fn alternatives_fall_back_and_optional_security_sends_nothing_without_a_credential() {
    let server = server().await;
    let client = builder(&server).api_key("bearer-token").build().unwrap();
    let seen = call_all(&client, &server).await;
    assert_eq!(
        seen,
        expect(&[
            ("/public", &[]),
            ("/default", &["authorization=Bearer bearer-token"]),
            ("/header-key", &[]),
            ("/query-key", &[]),
            ("/cookie-key", &[]),
            ("/basic", &[]),
            ("/either", &["authorization=Bearer bearer-token"]),
            ("/both", &[]),
            ("/optional", &[]),
            ("/oauth", &[]),
            ("/digest", &[]),
        ])
    );
}

#[tokio::test]
async fn a_redirect_to_another_origin_never_carries_a_credential() {
    let elsewhere = server().await;
    let api = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/collect", elsewhere.uri()).as_str()),
        )
        .mount(&api)
        .await;
    let client = client_with_everything(&api);
    // reqwest's own policy would strip `Authorization` and `Cookie` across hosts but
    // forward a custom API-key header such as `X-Api-Key`; the client follows no
    // redirect to another origin at all.
    let err = client.checks().get_header_key().await.unwrap_err();
    match &err {
        Error::Api(e) => assert_eq!(e.status(), 307),
        other => panic!("expected the 307 back, got {other:?}"),
    }
    client.checks().get_default().await.unwrap_err();
    client.checks().get_cookie_key().await.unwrap_err();
    assert_eq!(api.received_requests().await.unwrap().len(), 3);
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "the other origin saw a request"
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_credential() {
    let api = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/header-key"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved"))
        .mount(&api)
        .await;
    Mock::given(wiremock::matchers::path("/moved"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&api)
        .await;
    let client = client_with_everything(&api);
    client.checks().get_header_key().await.unwrap();
    let seen = api.received_requests().await.unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(credentials(&seen[1]), ["x-api-key=header-key"]);
}

#[tokio::test]
async fn a_query_credential_never_shows_in_an_error() {
    // A port that was just free: nothing listens there.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .credential(SecurityScheme::QueryKey, "query-secret")
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.checks().get_query_key().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("query-secret"), "{shown}");
}

#[test]
fn a_credential_must_fit_its_scheme() {
    let base = || Client::builder().base_url("https://api.example.com/v1");
    let r = base()
        .credential(SecurityScheme::Basic, "just-a-token")
        .build();
    assert!(
        matches!(
            r,
            Err(BuildError::CredentialKind {
                scheme: "basic",
                ..
            })
        ),
        "{r:?}"
    );
    let r = base()
        .credential(SecurityScheme::HeaderKey, Credential::basic("u", "p"))
        .build();
    assert!(matches!(r, Err(BuildError::CredentialKind { .. })), "{r:?}");
    let r = base()
        .credential(SecurityScheme::CookieKey, "has;semicolon")
        .build();
    assert!(
        matches!(r, Err(BuildError::InvalidCredential { .. })),
        "{r:?}"
    );
    let r = base()
        .credential(SecurityScheme::Basic, Credential::basic("us:er", "p"))
        .build();
    assert!(
        matches!(r, Err(BuildError::InvalidCredential { .. })),
        "{r:?}"
    );
    // Plain http to a host that is not this machine: no credential of any kind.
    let r = Client::builder()
        .base_url("http://api.example.com")
        .credential(SecurityScheme::QueryKey, "k")
        .build();
    assert!(
        matches!(r, Err(BuildError::InsecureBaseUrl { .. })),
        "{r:?}"
    );
}
