//! Lists every successful payout, across pages, with auto-pagination.
//!
//! `GLOMO_API_KEY=test GLOMO_BASE_URL=http://127.0.0.1:4010 cargo run --example list_payouts`

use glomo_sdk::models::GetPayoutsStatus;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = glomo_sdk::Client::from_env()?;

    // One page, with its status and headers.
    let page = client
        .payouts()
        .list()
        .per_page(50)
        .send_with_response()
        .await?;
    println!(
        "first page: HTTP {}, request id {:?}",
        page.status(),
        page.request_id()
    );

    // Every item across pages since the start of 2026 (`after` is an instant, sent as
    // RFC 3339). The walk pins `before` to its start so new payouts do not shift items
    // between pages.
    let since: glomo_sdk::jiff::Timestamp = "2026-01-01T00:00:00Z".parse()?;
    let mut payouts = client
        .payouts()
        .list()
        .status(GetPayoutsStatus::Success)
        .after(since)
        .per_page(100)
        .into_stream();
    let mut total = 0_i64;
    while let Some(payout) = payouts.try_next().await? {
        total += payout.source_amount.unwrap_or_default();
    }
    println!("sum of successful payouts: {total} (smallest currency units)");
    Ok(())
}
