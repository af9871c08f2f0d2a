//! Creates a customer, then an order for them.
//!
//! Run against a mock server: `GLOMO_API_KEY=test GLOMO_BASE_URL=http://127.0.0.1:4010 cargo run --example create_customer_and_order`

use glomo_sdk::models::{
    CreateCustomerRequest, CreateOrderWithoutQuoteRequest, Currency, CustomerType,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = glomo_sdk::Client::from_env()?;

    // Required fields go to `new`, optional ones through setters: a field the API adds
    // later is one more setter, and this code keeps compiling.
    let request = CreateCustomerRequest::new(
        "Asha Rao",
        CustomerType::Individual,
        "asha@example.com",
        "12 MG Road",
        "Bengaluru",
        "Karnataka",
        "IND",
        "560001",
    )
    .dob(glomo_sdk::jiff::civil::date(1990, 4, 1));
    let customer = client.customers().create(request).await?;
    let customer_id = customer.id.clone().unwrap_or_default();
    println!("customer {customer_id}");

    // Amounts are integers in the currency's smallest unit: 29900 is $299.00.
    let order = CreateOrderWithoutQuoteRequest::new(customer_id, Currency::Usd, 29_900)
        .purpose_code("P0103")
        // Your own idempotency key: a retried or repeated create cannot make a second order.
        .request_id("order-2026-0001");
    // `create` takes any form of the order body; this one is an order without a quote.
    let created = client.orders().create(order).await?;
    println!("order {:?} is {:?}", created.id, created.status);
    Ok(())
}
