//! Creates a (v2) beneficiary and pays it, with an idempotency key derived from your own
//! record so that a retry, or a rerun of this program, cannot pay twice.
//!
//! `GLOMO_API_KEY=test GLOMO_BASE_URL=http://127.0.0.1:4010 cargo run --example beneficiary_and_payout`

use glomo_sdk::models::{
    BeneficiaryV2CreateRequest, CreatePayoutWithoutQuoteRequest, Currency,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = glomo_sdk::Client::from_env()?;

    // Nested request bodies can also be built from JSON.
    let beneficiary: BeneficiaryV2CreateRequest = serde_json::from_value(serde_json::json!({
        "category": "payout",
        "beneficiary": {
            "name": "Acme GmbH",
            "type": "business",
            "address": {"address_line1": "Hauptstr. 1", "city": "Berlin", "state": "Berlin",
                        "country_code": "DEU", "postal_code": "10115"}
        },
        "bank_account": {"account_number": "DE89370400440532013000", "currency": "EUR"}
    }))?;
    let beneficiary = client.beneficiaries_v2().create(beneficiary).await?;
    let beneficiary_id = beneficiary.id.clone().unwrap_or_default();

    // Leave `request_id` empty and the SDK generates one (reused on every retry); set it
    // to make the payout idempotent across runs too.
    let payout = CreatePayoutWithoutQuoteRequest::new("S0802", beneficiary_id, Currency::Usd, Currency::Eur)
        .source_amount(100_000)
        .request_id("invoice-2026-002-payout");
    let payout = client.payouts().create(payout).await?;
    println!("payout {:?}: {:?}", payout.id, payout.status);
    Ok(())
}
