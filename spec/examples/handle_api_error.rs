//! Handles API errors: typed by HTTP status per operation, with the status, headers,
//! raw body and request id always at hand.
//!
//! `GLOMO_API_KEY=test GLOMO_BASE_URL=http://127.0.0.1:4010 cargo run --example handle_api_error`

use glomo_sdk::Error;
use glomo_sdk::resources::payouts::GetPayoutByIdError;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = glomo_sdk::Client::from_env()?;
    match client.payouts().get("payout_does_not_exist").await {
        Ok(payout) => println!("found {:?}", payout.id),
        Err(Error::Api(api)) => {
            match api.kind() {
                GetPayoutByIdError::NotFound(body) => println!("no such payout: {body:?}"),
                other => println!("API error: {other}"),
            }
            println!(
                "HTTP {} ({:?}), request id {:?}",
                api.status(),
                api.message(),
                api.request_id()
            );
        }
        Err(e) if e.is_timeout() => println!("timed out: {e}"),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
