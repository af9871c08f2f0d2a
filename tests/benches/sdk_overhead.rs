//! Per-call overhead of the generated SDK against a hand-written reqwest call to the
//! same local server, and decoding a 100-item list page.
//!
//! `cargo bench -p sdk-tests --bench sdk_overhead` prints, for each scenario, the time
//! per call of the fastest of several rounds for both clients, the ratio of those
//! minima, and the median (with the middle half) of the ratios of rounds run back to
//! back. A control row runs the hand-written call against itself: its spread is the
//! noise floor of the machine, against which the other ratios are read. The server is a
//! minimal keep-alive HTTP/1.1 responder on 127.0.0.1 so that it costs both sides the
//! same and adds little noise. The hand-written calls do what a production call does
//! too: the same headers, a timeout, and decoding into the same model types.
//!
//! An argument runs only the scenarios whose name contains it (`-- GET`, `-- page`).
//! With `SDK_OVERHEAD_PROFILE=sdk` (or `raw`) each scenario run calls only that side,
//! 20,000 times, for a profiler to attribute its time.

use std::time::{Duration, Instant};

use glomo_sdk::Client;
use glomo_sdk::models::{
    CreatePayoutRequest, CreatePayoutWithoutQuoteRequest, Currency, GetPayoutsResponse, Payout,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ROUNDS: usize = 41;
const CALLS: usize = 400;

fn payout_json(i: usize) -> Value {
    json!({
        "id": format!("payout_{i:08}"), "status": "success", "beneficiary_id": "bene_a1b2c3d4e5",
        "source_currency": "USD", "destination_currency": "INR", "source_amount": 100000,
        "destination_amount": 8300000, "payment_rail": "neft", "purpose_code": "S0802",
        "invoice_number": "INV-2026-001", "request_id": format!("req-{i}"), "documents": [{"id": "doc_11aa22bb33"}],
        "notes": {"internal_ref": "batch-42"}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
    })
}

/// Serves `body` to every request on keep-alive connections.
async fn serve(status: &str, body: Vec<u8>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let response: std::sync::Arc<Vec<u8>> = std::sync::Arc::new([head.as_bytes(), &body].concat());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(8192);
                let mut chunk = [0u8; 8192];
                loop {
                    // Read one request: headers, then content-length bytes of body.
                    let (header_end, content_length) = loop {
                        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let headers = String::from_utf8_lossy(&buf[..pos]).to_ascii_lowercase();
                            let len = headers
                                .lines()
                                .find_map(|l| {
                                    l.strip_prefix("content-length:")
                                        .map(|v| v.trim().parse().unwrap_or(0))
                                })
                                .unwrap_or(0usize);
                            break (pos + 4, len);
                        }
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    while buf.len() < header_end + content_length {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..header_end + content_length);
                    if sock.write_all(&response).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

async fn time_calls<F, Fut>(call: &mut F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let start = Instant::now();
    for _ in 0..CALLS {
        call().await;
    }
    start.elapsed() / CALLS as u32
}

/// One scenario's figures: the time per call of the fastest round of each side (the
/// minimum is the least disturbed by other load on a shared machine), and the ratios
/// of the two sides' rounds taken pairwise.
enum Figures {
    Compared {
        sdk: Duration,
        raw: Duration,
        /// `sdk / raw` of each round pair, sorted.
        ratios: Vec<f64>,
    },
    /// Only one side was run (`SDK_OVERHEAD_PROFILE`): its time per call.
    Profiled {
        side: &'static str,
        per_call: Duration,
    },
}

/// Times `sdk` and `raw` in alternating rounds (the side that goes first flips every
/// round, so drift and a neighbour's load hit both alike).
async fn measure<F, Fut, G, Gut>(mut sdk: F, mut raw: G) -> Figures
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
    G: FnMut() -> Gut,
    Gut: std::future::Future<Output = ()>,
{
    if let Ok(side) = std::env::var("SDK_OVERHEAD_PROFILE") {
        const PROFILED: u32 = 20_000;
        let side = match side.as_str() {
            "sdk" => "sdk",
            "raw" => "raw",
            other => {
                eprintln!("SDK_OVERHEAD_PROFILE must be `sdk` or `raw`, not `{other}`");
                std::process::exit(2);
            }
        };
        let start = Instant::now();
        for _ in 0..PROFILED {
            if side == "sdk" {
                sdk().await;
            } else {
                raw().await;
            }
        }
        let per_call = start.elapsed() / PROFILED;
        return Figures::Profiled { side, per_call };
    }
    for _ in 0..CALLS / 4 {
        sdk().await;
        raw().await;
    }
    let (mut a, mut b) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            a.push(time_calls(&mut sdk).await);
            b.push(time_calls(&mut raw).await);
        } else {
            b.push(time_calls(&mut raw).await);
            a.push(time_calls(&mut sdk).await);
        }
    }
    let mut ratios: Vec<f64> = a
        .iter()
        .zip(&b)
        .map(|(x, y)| x.as_secs_f64() / y.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    Figures::Compared {
        sdk: a.iter().copied().min().unwrap_or_default(),
        raw: b.iter().copied().min().unwrap_or_default(),
        ratios,
    }
}

fn report(name: &str, f: &Figures) {
    let (sdk, raw, ratios) = match f {
        Figures::Compared { sdk, raw, ratios } => (sdk, raw, ratios),
        Figures::Profiled { side, per_call } => {
            let us = per_call.as_secs_f64() * 1e6;
            println!("{name:<28} {side} only: {us:>7.1} µs per call");
            return;
        }
    };
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<28} sdk {:>7.1} µs  reqwest {:>7.1} µs  ratio of minima {:.3}  \
         paired ratio median {:.3} (middle half {:.3}..{:.3})",
        sdk.as_secs_f64() * 1e6,
        raw.as_secs_f64() * 1e6,
        sdk.as_secs_f64() / raw.as_secs_f64(),
        at(0.5),
        at(0.25),
        at(0.75),
    );
}

fn payout_body() -> CreatePayoutRequest {
    CreatePayoutWithoutQuoteRequest::new("S0802", "bene_a1b2c3d4e5", Currency::Usd, Currency::Inr)
        .source_amount(100_000)
        .request_id("req-7f3a9c20")
        .into()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let single = serde_json::to_vec(&payout_json(1)).unwrap();
    let list = serde_json::to_vec(&json!({
        "data": (0..100).map(payout_json).collect::<Vec<_>>(),
        "page_meta": {"current": 1, "previous": null, "next": null, "per_page": 100, "pages": 1, "count": 100}
    }))
    .unwrap();
    let single_addr = serve("200 OK", single.clone()).await;
    let created_addr = serve("201 Created", single).await;
    let list_addr = serve("200 OK", list).await;

    let http = reqwest::Client::new();
    let sdk = |addr: std::net::SocketAddr| {
        Client::builder()
            .api_key("bench-key")
            .base_url(format!("http://{addr}/api/v1"))
            .http_client(http.clone())
            .build()
            .unwrap()
    };
    let single_sdk = sdk(single_addr);
    let list_sdk = sdk(list_addr);
    let created_sdk = sdk(created_addr);
    let auth = "Bearer bench-key";

    let get_raw = || async {
        let resp = http
            .get(format!(
                "http://{single_addr}/api/v1/payouts/payout_00000001"
            ))
            .header("authorization", auth)
            .header("user-agent", "glomo-sdk/0.1.0 (rust)")
            .header("accept", "application/json")
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .unwrap();
        let bytes = resp.bytes().await.unwrap();
        let p: Payout = serde_json::from_slice(&bytes).unwrap();
        assert!(p.id.is_some());
    };
    // The same call on both sides: how far from 1 this machine's noise alone moves
    // a ratio.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if wanted("control") {
        let f = measure(get_raw, get_raw).await;
        report("control: reqwest vs itself", &f);
    }

    if wanted("GET one payout") {
        let f = measure(
            || async {
                let p = single_sdk.payouts().get("payout_00000001").await.unwrap();
                assert!(p.id.is_some());
            },
            get_raw,
        )
        .await;
        report("GET one payout", &f);
    }

    if wanted("POST a payout") {
        let f = measure(
            || async {
                created_sdk.payouts().create(payout_body()).await.unwrap();
            },
            || async {
                let body = serde_json::to_vec(&payout_body()).unwrap();
                let resp = http
                    .post(format!("http://{created_addr}/api/v1/payouts"))
                    .header("authorization", auth)
                    .header("user-agent", "glomo-sdk/0.1.0 (rust)")
                    .header("accept", "application/json")
                    .timeout(Duration::from_secs(60))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let bytes = resp.bytes().await.unwrap();
                let _: Payout = serde_json::from_slice(&bytes).unwrap();
            },
        )
        .await;
        report("POST a payout", &f);
    }

    if wanted("GET a 100-item page") {
        let f = measure(
            || async {
                let page = list_sdk.payouts().list().per_page(100).await.unwrap();
                assert_eq!(page.data.map(|d| d.len()), Some(100));
            },
            || async {
                let resp = http
                    .get(format!("http://{list_addr}/api/v1/payouts?per_page=100"))
                    .header("authorization", auth)
                    .header("user-agent", "glomo-sdk/0.1.0 (rust)")
                    .header("accept", "application/json")
                    .timeout(Duration::from_secs(60))
                    .send()
                    .await
                    .unwrap();
                let bytes = resp.bytes().await.unwrap();
                let page: GetPayoutsResponse = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(page.data.map(|d| d.len()), Some(100));
            },
        )
        .await;
        report("GET a 100-item page", &f);
    }
}
