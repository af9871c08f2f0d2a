//! Creates a (v2) beneficiary and pays it, with an idempotency key derived from your own
//! record so that a retry, or a rerun of this program, cannot pay twice.
//!
//! `GLOMO_API_KEY=test GLOMO_BASE_URL=http://127.0.0.1:4010 cargo run --example beneficiary_and_payout`

use glomo_sdk::models::{
    BeneficiaryV2Category, BeneficiaryV2CreateRequest, BeneficiaryV2CreateRequestBankAccount,
    BeneficiaryV2Identity, BeneficiaryV2IdentityAddress, BeneficiaryV2Type,
    CreatePayoutWithoutQuoteRequest, Currency,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = glomo_sdk::Client::from_env()?;

    // Nested request bodies are built the same way, from the inside out.
    let address = BeneficiaryV2IdentityAddress::new("Hauptstr. 1", "Berlin", "Berlin", "DEU")
        .postal_code("10115");
    let business = BeneficiaryV2Identity::new("Acme GmbH", BeneficiaryV2Type::Business, address);
    let account =
        BeneficiaryV2CreateRequestBankAccount::new("DE89370400440532013000", Currency::Eur);
    let beneficiary = BeneficiaryV2CreateRequest::new(BeneficiaryV2Category::Payout, business)
        .bank_account(account);
    let beneficiary = client.beneficiaries_v2().create(beneficiary).await?;
    let beneficiary_id = beneficiary.id.clone().unwrap_or_default();

    // Leave `request_id` empty and the SDK generates one (reused on every retry); set it
    // to make the payout idempotent across runs too.
    let payout =
        CreatePayoutWithoutQuoteRequest::new("S0802", beneficiary_id, Currency::Usd, Currency::Eur)
            .source_amount(100_000)
            .request_id("invoice-2026-002-payout");
    let payout = client.payouts().create(payout).await?;
    println!("payout {:?}: {:?}", payout.id, payout.status);
    Ok(())
}
