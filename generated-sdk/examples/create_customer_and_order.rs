//! Creates a customer, then an order for them.
//!
//! Run against a mock server: `GLOMO_API_KEY=test GLOMO_BASE_URL=http://127.0.0.1:4010 cargo run --example create_customer_and_order`

use glomo_sdk::models::{CreateCustomerRequest, CreateOrderRequest, CustomerCustomerType, Orders, OrdersCurrency};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = glomo_sdk::Client::from_env()?;

    let customer = client
        .customers()
        .create(CreateCustomerRequest {
            name: "Asha Rao".into(),
            customer_type: CustomerCustomerType::Individual,
            email: "asha@example.com".into(),
            phone: None,
            dob: Some(glomo_sdk::jiff::civil::date(1990, 4, 1)),
            nationality: None,
            tax_identification_number: None,
            address: "12 MG Road".into(),
            city: "Bengaluru".into(),
            state: "Karnataka".into(),
            country: "IND".into(),
            pincode: "560001".into(),
        })
        .await?;
    let customer_id = customer.id.clone().unwrap_or_default();
    println!("customer {customer_id}");

    // Amounts are integers in the currency's smallest unit: 29900 is $299.00.
    let mut order = Orders::new(customer_id, OrdersCurrency::Usd, 29_900);
    order.purpose_code = Some("P0103".into());
    // Your own idempotency key: a retried or repeated create cannot make a second order.
    order.request_id = Some("order-2026-0001".into());
    let created = client.orders().create(CreateOrderRequest::Orders(Box::new(order))).await?;
    println!("order {:?} is {:?}", created.id, created.status);
    Ok(())
}
