//! A webhook endpoint with axum: checks `X-Glomopay-Signature` against the raw body,
//! then handles the typed event.
//!
//! `GLOMO_WEBHOOK_SECRET=... cargo run --example webhook_receiver` listens on
//! `127.0.0.1:3000` and accepts `POST /webhooks/glomo`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use glomo_sdk::webhooks::{self, Event};

/// The receiver: `POST /webhooks/glomo`, checked with `secret` (the webhook secret set
/// in the dashboard, not the API key).
pub fn app(secret: impl Into<Vec<u8>>) -> Router {
    Router::new()
        .route("/webhooks/glomo", post(receive))
        .with_state(Arc::new(secret.into()))
}

/// Answers 401 to a request whose signature does not match (Glomo retries it; an
/// attacker learns nothing), 400 to an authentic body that is not an event, and 200
/// with `entity_type/event_type` otherwise.
async fn receive(
    State(secret): State<Arc<Vec<u8>>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let signature = headers
        .get(webhooks::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The bytes exactly as received: re-serialised JSON would not match the signature.
    let event = match webhooks::construct_event(&body, signature, &secret) {
        Ok(event) => event,
        Err(e) if e.is_signature_error() => return (StatusCode::UNAUTHORIZED, e.to_string()),
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()),
    };
    // Events can arrive twice and out of order: deduplicate on entity, id and event
    // type, never let a non-terminal status overwrite a terminal one, and answer fast.
    let handled = match &event {
        Event::Payment(e) => {
            println!("payment {:?}: {}", e.data.id, e.event_type.as_str());
            format!("payment/{}", e.event_type.as_str())
        }
        Event::Orders(e) => {
            println!("order {:?}: {}", e.data.id, e.event_type.as_str());
            format!("orders/{}", e.event_type.as_str())
        }
        Event::Payout(e) => {
            println!("payout {:?}: {}", e.data.id, e.event_type.as_str());
            format!("payout/{}", e.event_type.as_str())
        }
        Event::Unknown(json) => {
            // A type of event this version of the SDK does not know yet.
            println!("unknown event: {json}");
            "unknown".to_string()
        }
        other => other.webhook_name().unwrap_or("unknown").to_string(),
    };
    (StatusCode::OK, handled)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("GLOMO_WEBHOOK_SECRET")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!(
        "listening on http://{}/webhooks/glomo",
        listener.local_addr()?
    );
    axum::serve(listener, app(secret)).await?;
    Ok(())
}
