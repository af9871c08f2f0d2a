//! The generated Glomo SDK against an in-process mock HTTP server (wiremock): the exact
//! requests it sends and how it decodes what comes back, including the runtime's
//! retries, timeouts, pagination and error handling.

use std::time::{Duration, Instant};

use glomo_sdk::jiff::{Timestamp, civil};
use glomo_sdk::models::*;
use glomo_sdk::resources::{balances::GetBalanceError, payouts::*, refunds::CreateRefundError};
use glomo_sdk::{Client, Error, FilePart};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server() -> MockServer {
    MockServer::start().await
}

/// A client for the mock server: the server stands for `https://host/api/v1`, so v2
/// operations must land on `/api/v2/...`. Backoff is short so retry tests stay quick.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(format!("{}/api/v1", server.uri()))
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .build()
        .unwrap()
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

async fn last(server: &MockServer) -> Request {
    requests(server).await.pop().expect("a request was sent")
}

fn page(items: Value, next: Option<u32>) -> Value {
    json!({"data": items, "page_meta": {"current": 1, "previous": null, "next": next, "per_page": 20, "pages": 1, "count": 1}})
}

fn body_json(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

fn header<'r>(r: &'r Request, name: &str) -> Option<&'r str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Mounts a response for one method and path.
async fn respond(server: &MockServer, verb: &str, p: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(response)
        .mount(server)
        .await;
}

/// Mounts a response for one method and path, expected exactly once.
async fn expect(server: &MockServer, verb: &str, p: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn one_operation_of_every_resource_sends_the_documented_request() {
    let s = server().await;
    let c = client(&s);

    expect(
        &s,
        "GET",
        "/api/v1/balances",
        json_response(200, json!({"balances": []})),
    )
    .await;
    c.balances().get().await.unwrap();

    expect(
        &s,
        "GET",
        "/api/v1/balance_conversions",
        json_response(200, page(json!([{"id": "conv_1"}]), None)),
    )
    .await;
    let convs = c
        .balance_conversions()
        .list()
        .source_currency("USD")
        .per_page(5)
        .await
        .unwrap();
    assert_eq!(convs.data.unwrap()[0].id.as_deref(), Some("conv_1"));
    assert_eq!(
        last(&s).await.url.query(),
        Some("source_currency=USD&per_page=5")
    );

    expect(
        &s,
        "GET",
        "/api/v1/payin/payin_1",
        json_response(200, json!({"id": "payin_1"})),
    )
    .await;
    assert_eq!(
        c.payment_links()
            .get("payin_1")
            .await
            .unwrap()
            .id
            .as_deref(),
        Some("payin_1")
    );

    expect(
        &s,
        "GET",
        "/api/v1/orders/order_1",
        json_response(200, json!({"id": "order_1", "status": "paid"})),
    )
    .await;
    assert_eq!(
        c.orders().get("order_1").await.unwrap().id.as_deref(),
        Some("order_1")
    );

    expect(
        &s,
        "GET",
        "/api/v1/customer",
        json_response(200, page(json!([]), None)),
    )
    .await;
    c.customers().list().per_page(5).page(2).await.unwrap();
    assert_eq!(last(&s).await.url.query(), Some("per_page=5&page=2"));

    expect(
        &s,
        "GET",
        "/api/v1/lrs/banks",
        json_response(200, json!([{"bank_code": "hdfc", "bank_name": "HDFC"}])),
    )
    .await;
    assert_eq!(
        c.lrs().get_banks().await.unwrap()[0].bank_code.as_deref(),
        Some("hdfc")
    );

    expect(
        &s,
        "GET",
        "/api/v1/document",
        json_response(200, page(json!([{"id": "doc_1"}]), None)),
    )
    .await;
    c.documents().list().await.unwrap();

    // Path parameters are percent-encoded.
    expect(
        &s,
        "GET",
        "/api/v1/payment/payt%201%2Fx",
        json_response(200, json!({"id": "payt 1/x"})),
    )
    .await;
    assert_eq!(
        c.payments().get("payt 1/x").await.unwrap().id.as_deref(),
        Some("payt 1/x")
    );

    expect(
        &s,
        "GET",
        "/api/v1/refunds/refund_1",
        json_response(200, json!({"id": "refund_1"})),
    )
    .await;
    c.refunds().get("refund_1").await.unwrap();

    expect(
        &s,
        "GET",
        "/api/v1/prices",
        json_response(200, page(json!([]), None)),
    )
    .await;
    c.prices().list().await.unwrap();

    let subscription = json!({"id": "sub_1", "customer_id": "cust_1", "product_name": "Plan", "product_description": "Monthly",
        "status": "paused", "amount": 1000, "currency": "USD", "interval_type": "month", "start_date": "2026-01-01",
        "expires_at": "2027-01-01", "subscription_link_url": "https://pay.example/sub_1"});
    expect(
        &s,
        "PATCH",
        "/api/v1/subscriptions/sub_1/pause",
        json_response(200, subscription),
    )
    .await;
    let paused = c.subscriptions().pause("sub_1").await.unwrap();
    assert_eq!(paused.customer_id, "cust_1");
    assert!(
        last(&s).await.body.is_empty(),
        "no body on a bodiless PATCH"
    );

    expect(
        &s,
        "GET",
        "/api/v1/rfis/rfi_1",
        json_response(200, json!({"id": "rfi_1"})),
    )
    .await;
    c.rfis().get("rfi_1").await.unwrap();

    expect(
        &s,
        "PATCH",
        "/api/v1/payouts/payout_1/cancel",
        json_response(200, json!({"id": "payout_1", "status": "cancelled"})),
    )
    .await;
    let cancelled = c.payouts().cancel("payout_1").await.unwrap();
    assert_eq!(cancelled.status.as_deref(), Some("cancelled"));

    expect(
        &s,
        "GET",
        "/api/v1/beneficiaries/bene_1",
        json_response(200, json!({"id": "bene_1"})),
    )
    .await;
    c.beneficiaries().get("bene_1").await.unwrap();

    // v2 operations resolve to the sibling /api/v2 mount, not /api/v1/v2.
    expect(
        &s,
        "GET",
        "/api/v2/beneficiaries/bene_2",
        json_response(200, json!({"id": "bene_2"})),
    )
    .await;
    assert_eq!(
        c.beneficiaries_v2()
            .get("bene_2")
            .await
            .unwrap()
            .id
            .as_deref(),
        Some("bene_2")
    );

    expect(
        &s,
        "GET",
        "/api/v1/bank_account_validation",
        json_response(200, page(json!([]), None)),
    )
    .await;
    c.bank_account_validations().list().await.unwrap();

    expect(
        &s,
        "POST",
        "/api/v1/internal-transfer",
        json_response(201, json!({"id": "itr_1"})),
    )
    .await;
    let transfer =
        CreateInternalTransferRequest::new(500, Currency::Aed, "rent", "merch_a", "merch_b");
    c.internal_transfers().create(transfer).await.unwrap();
    let sent = last(&s).await;
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(
        body_json(&sent),
        json!({"amount": 500, "currency": "AED", "reference": "rent", "from_merchant_id": "merch_a", "to_merchant_id": "merch_b"})
    );

    expect(
        &s,
        "GET",
        "/api/v1/withdrawals",
        json_response(200, page(json!([]), None)),
    )
    .await;
    #[allow(
        deprecated,
        reason = "the withdrawal API is deprecated but still served"
    )]
    c.withdrawals().list().await.unwrap();

    expect(
        &s,
        "GET",
        "/api/v1/withdrawal_accounts/wa_1",
        json_response(200, json!({"id": "wa_1"})),
    )
    .await;
    c.withdrawal_accounts().get("wa_1").await.unwrap();

    expect(
        &s,
        "GET",
        "/api/v1/settlements/setl_1",
        json_response(200, json!({"id": "setl_1"})),
    )
    .await;
    c.settlements().get("setl_1").await.unwrap();

    // Required query parameters are arguments.
    expect(
        &s,
        "DELETE",
        "/api/v1/virtual-accounts",
        ResponseTemplate::new(200).set_body_json(json!({})),
    )
    .await;
    let _ = c
        .virtual_accounts()
        .close("local", "USD")
        .send_with_response()
        .await;
    assert_eq!(
        last(&s).await.url.query(),
        Some("payment_type=local&currency=USD")
    );

    let merchant = json!({"owner_merchant_id": "merch_0", "merchant_id": "merch_1", "status": "success", "name": "Acme",
        "registration_number": "REG1", "registration_country": "IND", "address": {"address_line1": "1 Road", "city": "Pune", "state": "MH", "pincode": "411001", "country": "IND"},
        "operation_countries": ["IND"], "created_at": "2025-10-07T06:11:47Z", "updated_at": "2025-10-07T06:11:47Z",
        "jwt_token": "child"});
    expect(
        &s,
        "GET",
        "/api/v1/platform/merchants/merch_1",
        json_response(200, merchant),
    )
    .await;
    assert_eq!(
        c.platform().get("merch_1").await.unwrap().merchant_id,
        "merch_1"
    );

    expect(
        &s,
        "POST",
        "/api/v1/api-keys/rotate",
        json_response(200, json!({})),
    )
    .await;
    let rotate: RotateApiKeyRequest =
        serde_json::from_value(json!({"expire_after_in_seconds": 3600})).unwrap();
    let _ = c.api_keys().rotate(rotate).send_with_response().await;
    assert_eq!(body_json(&last(&s).await)["expire_after_in_seconds"], 3600);

    // Every request carried the credentials, the crate's User-Agent and accepts JSON.
    for r in requests(&s).await {
        assert_eq!(
            header(&r, "authorization"),
            Some("Bearer test-key"),
            "{}",
            r.url
        );
        assert!(header(&r, "user-agent").unwrap().starts_with("glomo-sdk/"));
        assert_eq!(header(&r, "accept"), Some("application/json"));
    }
    s.verify().await;
}

#[tokio::test]
async fn sandbox_operations_are_reachable_with_the_feature() {
    let s = server().await;
    let c = client(&s);
    expect(
        &s,
        "PATCH",
        "/api/v2/beneficiaries/bene_1/mock-review",
        json_response(200, json!({"id": "bene_1", "status": "active"})),
    )
    .await;
    let review = MockReviewBeneficiaryV2Request::new(MockReviewBeneficiaryV2RequestAction::Approve);
    c.beneficiaries_v2()
        .mock_review("bene_1", review)
        .await
        .unwrap();
    assert_eq!(
        body_json(&last(&s).await),
        json!({"review_action": "approve"})
    );
}

#[tokio::test]
async fn document_upload_is_multipart_with_file_name_and_type() {
    let s = server().await;
    let c = client(&s);
    expect(
        &s,
        "POST",
        "/api/v1/document",
        json_response(201, json!({"id": "doc_1"})),
    )
    .await;
    let file = FilePart::new(b"%PDF-1.4 body".to_vec(), "invoice.pdf", "application/pdf");
    let doc = c
        .documents()
        .create(CreateDocumentRequest::new("Invoice 7", file))
        .await
        .unwrap();
    assert_eq!(doc.id.as_deref(), Some("doc_1"));
    let r = last(&s).await;
    assert!(
        header(&r, "content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let body = String::from_utf8_lossy(&r.body);
    assert!(
        body.contains("name=\"document_name\"\r\n\r\nInvoice 7\r\n"),
        "{body}"
    );
    assert!(
        body.contains("name=\"file\"; filename=\"invoice.pdf\""),
        "{body}"
    );
    assert!(
        body.contains("Content-Type: application/pdf\r\n\r\n%PDF-1.4 body"),
        "{body}"
    );
}

#[tokio::test]
async fn api_key_is_redacted_and_rotates() {
    let s = server().await;
    let c = client(&s);
    let shown = format!("{c:?}");
    assert!(!shown.contains("test-key"), "{shown}");
    Mock::given(method("GET"))
        .respond_with(json_response(200, json!({})))
        .mount(&s)
        .await;
    c.balances().get().await.unwrap();
    c.set_api_key("rotated-key").unwrap();
    c.balances().get().await.unwrap();
    let keys: Vec<String> = requests(&s)
        .await
        .iter()
        .map(|r| header(r, "authorization").unwrap().to_owned())
        .collect();
    assert_eq!(keys, ["Bearer test-key", "Bearer rotated-key"]);
    // Never over plain http to a remote host.
    let remote = Client::builder()
        .api_key("k")
        .base_url("http://api.example.com")
        .build();
    assert!(remote.is_err());
}

/// Fails the first `failures` calls with `status`, then answers 200/201 with `ok`.
async fn flaky(
    s: &MockServer,
    verb: &str,
    p: &str,
    failures: u64,
    status: ResponseTemplate,
    ok: ResponseTemplate,
) {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(status)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(s)
        .await;
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(ok)
        .with_priority(2)
        .mount(s)
        .await;
}

#[tokio::test]
async fn get_is_retried_on_503_up_to_the_limit() {
    let s = server().await;
    let c = client(&s);
    flaky(
        &s,
        "GET",
        "/api/v1/payouts/p1",
        2,
        ResponseTemplate::new(503),
        json_response(200, json!({"id": "p1"})),
    )
    .await;
    assert_eq!(
        c.payouts().get("p1").await.unwrap().id.as_deref(),
        Some("p1")
    );
    assert_eq!(requests(&s).await.len(), 3);

    let s = server().await;
    let c = client(&s);
    flaky(
        &s,
        "GET",
        "/api/v1/payouts/p1",
        3,
        ResponseTemplate::new(503),
        json_response(200, json!({})),
    )
    .await;
    let err = c.payouts().get("p1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&s).await.len(), 3, "1 attempt + 2 retries");

    // A per-request override.
    let s = server().await;
    let c = client(&s);
    flaky(
        &s,
        "GET",
        "/api/v1/payouts/p1",
        1,
        ResponseTemplate::new(503),
        json_response(200, json!({})),
    )
    .await;
    assert!(c.payouts().get("p1").max_retries(0).await.is_err());
    assert_eq!(requests(&s).await.len(), 1);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let s = server().await;
        let c = client(&s);
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&s)
            .await;
        let err = c.payouts().get("p1").await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(requests(&s).await.len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let s = server().await;
    let c = client(&s);
    flaky(
        &s,
        "GET",
        "/api/v1/balances",
        1,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        json_response(200, json!({})),
    )
    .await;
    let started = Instant::now();
    c.balances().get().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(requests(&s).await.len(), 2);
}

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried() {
    let s = server().await;
    let c = client(&s);
    flaky(
        &s,
        "POST",
        "/api/v1/customer",
        1,
        ResponseTemplate::new(503),
        json_response(201, json!({})),
    )
    .await;
    let customer = CreateCustomerRequest::new(
        "Asha Rao",
        CustomerType::Individual,
        "a@example.com",
        "1 Road",
        "Pune",
        "MH",
        "IND",
        "411001",
    );
    let err = c.customers().create(customer).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        requests(&s).await.len(),
        1,
        "a create without request_id may not be repeated"
    );
}

fn payout_body(request_id: Option<&str>) -> CreatePayoutRequest {
    let mut p =
        CreatePayoutWithoutQuoteRequest::new("S0802", "bene_1", Currency::Usd, Currency::Inr)
            .source_amount(1000);
    p.request_id = request_id.map(String::from);
    p.into()
}

#[tokio::test]
async fn post_with_request_id_is_retried_with_the_same_key() {
    let s = server().await;
    let c = client(&s);
    flaky(
        &s,
        "POST",
        "/api/v1/payouts",
        1,
        ResponseTemplate::new(502),
        json_response(201, json!({"id": "payout_1"})),
    )
    .await;
    let payout = c.payouts().create(payout_body(None)).await.unwrap();
    assert_eq!(payout.id.as_deref(), Some("payout_1"));
    let sent: Vec<Value> = requests(&s).await.iter().map(body_json).collect();
    assert_eq!(sent.len(), 2);
    let key = sent[0]["request_id"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 36, "a UUID was filled in: {key}");
    assert_eq!(
        sent[1]["request_id"],
        key.as_str(),
        "the retry re-sends the same key"
    );
    assert_eq!(sent[0]["source_amount"], 1000);

    // The caller's own key always wins.
    let s = server().await;
    let c = client(&s);
    expect(&s, "POST", "/api/v1/payouts", json_response(201, json!({}))).await;
    c.payouts()
        .create(payout_body(Some("mine-1")))
        .await
        .unwrap();
    assert_eq!(body_json(&last(&s).await)["request_id"], "mine-1");
}

#[tokio::test]
async fn a_slow_response_times_out() {
    let s = server().await;
    let c = client(&s);
    Mock::given(method("GET"))
        .respond_with(json_response(200, json!({})).set_delay(Duration::from_secs(2)))
        .mount(&s)
        .await;
    let err = c
        .balances()
        .get()
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn pagination_walks_three_pages_with_a_pinned_window() {
    let s = server().await;
    let c = client(&s);
    // The server's clock is more than a year behind this machine's (or ahead, in
    // 2024): the window must follow the server, whose `Date` differs per page.
    for (n, items, next, date) in [
        (
            1,
            json!([{"id": "a"}, {"id": "b"}]),
            Some(2),
            "Tue, 18 Feb 2025 12:03:44 GMT",
        ),
        (
            2,
            json!([{"id": "c"}]),
            Some(3),
            "Tue, 18 Feb 2025 12:03:50 GMT",
        ),
        (
            3,
            json!([{"id": "d"}]),
            None,
            "Tue, 18 Feb 2025 12:04:00 GMT",
        ),
    ] {
        Mock::given(method("GET"))
            .and(path("/api/v1/payouts"))
            .and(query_param("page", n.to_string()))
            .respond_with(json_response(200, page(items, next)).insert_header("date", date))
            .expect(1)
            .mount(&s)
            .await;
    }
    let all = c
        .payouts()
        .list()
        .status(GetPayoutsStatus::Success)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|p| p.id.clone().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    let sent = requests(&s).await;
    let before: Vec<Option<String>> = sent
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "before")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    // The first page is the newest; the pages after it are pinned to the first
    // page's `Date`, rounded up to the second, never to the local clock.
    let pin = Some("2025-02-18T12:03:45Z".to_owned());
    assert_eq!(before, [None, pin.clone(), pin], "{before:?}");
    assert!(
        sent.iter()
            .all(|r| r.url.query().unwrap().contains("status=success"))
    );
    s.verify().await;

    // The caller's own window is kept, not pinned.
    let s = server().await;
    let c = client(&s);
    Mock::given(method("GET"))
        .respond_with(json_response(200, page(json!([]), None)))
        .mount(&s)
        .await;
    let mut stream = c
        .payouts()
        .list()
        .after("2025-01-01T00:00:00Z".parse::<Timestamp>().unwrap())
        .into_stream();
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "an empty list ends the stream"
    );
    let q = last(&s).await.url.query().unwrap().to_owned();
    assert!(
        q.contains("after=2025-01-01T00%3A00%3A00Z") && !q.contains("before="),
        "{q}"
    );
    assert_eq!(requests(&s).await.len(), 1);
}

#[tokio::test]
async fn timestamps_and_dates_are_typed_on_the_wire_both_ways() {
    let s = server().await;
    let c = client(&s);
    // Glomo sends instants with and without fractional seconds, and plain dates.
    respond(
        &s,
        "GET",
        "/api/v1/payment/payt_1",
        json_response(
            200,
            json!({"id": "payt_1", "created_at": "2025-05-06T09:36:04Z", "updated_at": "2025-02-15T00:00:00.130Z", "paid_at": null}),
        ),
    )
    .await;
    let payment = c.payments().get("payt_1").await.unwrap();
    let created: Timestamp = "2025-05-06T09:36:04Z".parse().unwrap();
    assert_eq!(payment.created_at, Some(created));
    assert_eq!(payment.created_at.unwrap().as_second(), 1_746_524_164);
    assert_eq!(
        payment.updated_at.map(|t| t.as_millisecond()),
        Some(1_739_577_600_130)
    );
    // A response-only field: `null` and absent both read as `None`.
    assert_eq!(payment.paid_at, None);
    respond(
        &s,
        "GET",
        "/api/v1/payment/payt_2",
        json_response(200, json!({"id": "payt_2"})),
    )
    .await;
    assert_eq!(c.payments().get("payt_2").await.unwrap().paid_at, None);
    respond(
        &s,
        "GET",
        "/api/v1/customer/cust_1",
        json_response(200, json!({"id": "cust_1", "dob": "2003-11-29"})),
    )
    .await;
    let customer = c.customers().get("cust_1").await.unwrap();
    assert_eq!(customer.dob, Some(civil::date(2003, 11, 29)));

    // A malformed timestamp is a decode error naming the field.
    respond(
        &s,
        "GET",
        "/api/v1/payment/payt_bad",
        json_response(200, json!({"id": "payt_bad", "created_at": "yesterday"})),
    )
    .await;
    let err = c.payments().get("payt_bad").await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path(), "created_at");

    // Filters are sent as RFC 3339.
    Mock::given(method("GET"))
        .and(path("/api/v1/payouts"))
        .respond_with(json_response(200, page(json!([]), None)))
        .mount(&s)
        .await;
    let before: Timestamp = "2025-02-18T17:33:44.5+05:30".parse().unwrap();
    c.payouts()
        .list()
        .before(before)
        .after(Timestamp::from_second(1_735_689_600).unwrap())
        .await
        .unwrap();
    let sent = last(&s).await;
    let query: Vec<(String, String)> = sent.url.query_pairs().into_owned().collect();
    assert!(
        query.contains(&("before".into(), "2025-02-18T12:03:44.5Z".into())),
        "{query:?}"
    );
    assert!(
        query.contains(&("after".into(), "2025-01-01T00:00:00Z".into())),
        "{query:?}"
    );

    // A request body keeps absent and `null` apart.
    Mock::given(method("POST"))
        .and(path("/api/v1/payouts"))
        .respond_with(json_response(201, json!({"id": "payout_1"})))
        .mount(&s)
        .await;
    let absent =
        CreatePayoutWithoutQuoteRequest::new("S0802", "bene_1", Currency::Usd, Currency::Inr)
            .request_id("r1");
    let clear = absent.clone().notes_null();
    for (body, notes) in [(clear, Some(Value::Null)), (absent, None)] {
        c.payouts().create(body).await.unwrap();
        let sent = body_json(&last(&s).await);
        assert_eq!(sent.get("notes").cloned(), notes, "{sent}");
    }
}

#[tokio::test]
async fn documented_errors_decode_by_status() {
    let s = server().await;
    let c = client(&s);
    respond(
        &s,
        "GET",
        "/api/v1/payouts/nope",
        json_response(
            404,
            json!({"error": "Not Found", "message": "Payout not found"}),
        )
        .insert_header("x-request-id", "req-42"),
    )
    .await;
    let err = c.payouts().get("nope").await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.request_id(), Some("req-42"));
    assert_eq!(api.message().as_deref(), Some("Payout not found"));
    let GetPayoutByIdError::NotFound(Some(body)) = api.kind() else {
        panic!("{:?}", api.kind())
    };
    // The recorded casing differs from the spec's enum: kept, not rejected.
    assert_eq!(body.error.as_ref().map(|e| e.as_str()), Some("Not Found"));

    respond(
        &s,
        "GET",
        "/api/v1/balances",
        json_response(401, json!({"message": "Missing token"})),
    )
    .await;
    let err = c.balances().get().await.unwrap_err();
    assert!(
        matches!(err.kind(), Some(GetBalanceError::Unauthorized(Some(_)))),
        "{err:?}"
    );
    assert_eq!(
        err.api().unwrap().message().as_deref(),
        Some("Missing token")
    );

    respond(
        &s,
        "POST",
        "/api/v1/payouts",
        json_response(
            409,
            json!({"error": "Conflict", "message": "A payout with this request_id already exists"}),
        ),
    )
    .await;
    let err = c
        .payouts()
        .create(payout_body(Some("dup")))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), Some(CreatePayoutError::Conflict(Some(_)))),
        "{err:?}"
    );

    // Refund create's 422 carries the refund itself, as typed data.
    respond(
        &s,
        "POST",
        "/api/v1/refunds",
        json_response(422, json!({"id": "refund_9", "status": "failed"})),
    )
    .await;
    let refund: CreateRefundRequest =
        serde_json::from_value(json!({"payment_id": "payt_1", "amount": 100, "reason": "x"}))
            .unwrap();
    let err = c.refunds().create(refund).await.unwrap_err();
    let Some(CreateRefundError::UnprocessableEntity(Some(r))) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(r.id.as_deref(), Some("refund_9"));
    assert_eq!(r.status, Some(RefundStatus::Failed));
}

#[tokio::test]
async fn undocumented_and_malformed_error_bodies_keep_the_raw_response() {
    let s = server().await;
    let c = client(&s);
    let html = "<html><body>502 Bad Gateway</body></html>";
    respond(
        &s,
        "GET",
        "/api/v1/payouts/html",
        ResponseTemplate::new(500).set_body_raw(html, "text/html"),
    )
    .await;
    let err = c.payouts().get("html").max_retries(0).await.unwrap_err();
    let api = err.api().unwrap();
    assert!(matches!(api.kind(), GetPayoutByIdError::UnexpectedStatus));
    assert_eq!(api.status().as_u16(), 500);
    assert_eq!(api.body_text(), html);
    assert_eq!(api.message(), None);

    respond(
        &s,
        "GET",
        "/api/v1/payouts/empty",
        ResponseTemplate::new(429),
    )
    .await;
    let err = c.payouts().get("empty").max_retries(0).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(err.api().unwrap().body().is_empty());

    // The docs' nested shape: the documented body does not decode, the message is still found.
    respond(
        &s,
        "POST",
        "/api/v1/customer",
        json_response(
            400,
            json!({"error": {"code": "invalid_request_error", "message": "nested"}}),
        ),
    )
    .await;
    let customer: CreateCustomerRequest = serde_json::from_value(json!({"name": "A B", "customer_type": "individual",
        "email": "a@b.c", "address": "x", "city": "x", "state": "x", "country": "IND", "pincode": "1"})).unwrap();
    let err = c.customers().create(customer).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.message().as_deref(), Some("nested"));
}

#[tokio::test]
async fn unknown_enum_values_survive_a_round_trip() {
    let s = server().await;
    let c = client(&s);
    Mock::given(method("GET"))
        .respond_with(json_response(
            200,
            json!({"id": "p1", "status": "on_the_moon"}),
        ))
        .mount(&s)
        .await;
    let payout = c.payouts().get("p1").await.unwrap();
    assert_eq!(
        payout.status,
        Some(PayoutStatus::Unknown("on_the_moon".into()))
    );
    assert_eq!(
        serde_json::to_value(&payout).unwrap()["status"],
        "on_the_moon"
    );
}

#[tokio::test]
async fn truncated_or_mistyped_bodies_are_decode_errors_naming_the_field() {
    let s = server().await;
    let c = client(&s);
    respond(
        &s,
        "GET",
        "/api/v1/payouts/typed",
        json_response(200, json!({"id": "p1", "source_amount": "ten"})),
    )
    .await;
    let err = c.payouts().get("typed").await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path(), "source_amount");
    assert_eq!(d.status().as_u16(), 200);

    respond(
        &s,
        "GET",
        "/api/v1/payouts/cut",
        ResponseTemplate::new(200).set_body_raw(r#"{"id": "p1", "status":"#, "application/json"),
    )
    .await;
    let err = c.payouts().get("cut").await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn spec_constraints_are_checked_before_sending() {
    let s = server().await;
    let c = client(&s);
    let p = CreatePayoutWithoutQuoteRequest::new("S0802", "bene_1", Currency::Usd, Currency::Inr)
        .invoice_number("x".repeat(51));
    let err = c.payouts().create(p).await;
    // invoice_number allows at most 50 characters: either the generated validator
    // rejects it, or (if the spec does not say so) the server is reached.
    match err {
        Err(Error::Validation(v)) => assert_eq!(v.field(), "invoice_number"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(requests(&s).await.is_empty(), "nothing was sent");

    // `pattern: ^[a-zA-Z0-9-]*$` and `maxLength: 20` on the LRS remittance text.
    let lrs = LrsOrderDetails::new("quote_1", "not allowed!");
    assert_eq!(
        lrs.validate().unwrap_err().field(),
        "remittance_information"
    );
    assert!(
        LrsOrderDetails::new("quote_1", "INV-2026-01")
            .validate()
            .is_ok()
    );
}

/// What the scripted server does with one request.
enum Action {
    /// Read the request, then close the connection without answering (the request
    /// reached the server, the answer was lost).
    Drop,
    /// Answer with this status and JSON body.
    Reply(u16, Value),
}

/// A request as the scripted server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    body: Value,
}

/// A tiny HTTP/1.1 server (one request per connection) that answers by a script over
/// the requests it has seen, and records them. Unlike wiremock it can drop a
/// connection after reading a request.
struct ScriptedServer {
    addr: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ScriptedServer {
    async fn start(script: impl Fn(usize, &Seen) -> Action + Send + Sync + 'static) -> Self {
        use std::sync::{Arc, Mutex};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let script = Arc::new(script);
        let task = tokio::spawn({
            let seen = seen.clone();
            async move {
                while let Ok((mut sock, _)) = listener.accept().await {
                    let (seen, script) = (seen.clone(), script.clone());
                    tokio::spawn(async move {
                        let mut buf = Vec::new();
                        let mut chunk = [0u8; 4096];
                        let head_end = loop {
                            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        };
                        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                        let mut words = head.split_whitespace();
                        let method = words.next().unwrap_or_default().to_owned();
                        let target = words.next().unwrap_or_default().to_owned();
                        let len = head
                            .lines()
                            .filter_map(|l| l.split_once(':'))
                            .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
                            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        while buf.len() < head_end + len {
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let body = serde_json::from_slice(&buf[head_end..]).unwrap_or(Value::Null);
                        let request = Seen {
                            method,
                            target,
                            body,
                        };
                        let index = {
                            let mut seen = seen.lock().unwrap();
                            seen.push(request.clone());
                            seen.len() - 1
                        };
                        match script(index, &request) {
                            Action::Drop => drop(sock),
                            Action::Reply(status, body) => {
                                let body = body.to_string();
                                let out = format!(
                                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\nx-request-id: srv_{index}\r\n\r\n{body}",
                                    body.len()
                                );
                                let _ = sock.write_all(out.as_bytes()).await;
                                let _ = sock.shutdown().await;
                            }
                        }
                    });
                }
            }
        });
        Self { addr, seen, task }
    }

    fn client(&self) -> Client {
        Client::builder()
            .api_key("test-key")
            .base_url(format!("http://{}/api/v1", self.addr))
            .initial_backoff(Duration::from_millis(5))
            .max_backoff(Duration::from_millis(20))
            .build()
            .unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The created payout, as the list answers it.
fn payout_json(request_id: &str) -> Value {
    json!({"id": "payout_1", "status": "in_progress", "request_id": request_id, "source_amount": 1000})
}

#[tokio::test]
async fn a_retried_create_whose_first_attempt_went_through_returns_the_resource() {
    // The first attempt is applied, then the connection drops before the answer; the
    // retry is a duplicate (409); the list by request_id finds the payout.
    let server = ScriptedServer::start(|i, r| match (i, r.method.as_str()) {
        (0, "POST") => Action::Drop,
        (_, "POST") => Action::Reply(
            409,
            json!({"error": "Conflict", "message": "Record already exists"}),
        ),
        _ => {
            let key = r.target.split("request_id=").nth(1).unwrap_or_default();
            Action::Reply(200, page(json!([payout_json(key)]), None))
        }
    })
    .await;
    let c = server.client();
    let response = c
        .payouts()
        .create(payout_body(None))
        .send_with_response()
        .await
        .unwrap();
    let seen = server.seen();
    let key = seen[0].body["request_id"].as_str().unwrap().to_owned();
    let log: Vec<String> = seen
        .iter()
        .map(|s| {
            format!(
                "{} {} request_id={}",
                s.method, s.target, s.body["request_id"]
            )
        })
        .collect();
    println!("mock saw: {log:#?}");
    println!(
        "caller got: Ok(Payout {{ id: {:?}, request_id: {:?} }}), is_recovered() = {}, status {}, request id {:?}",
        response.id,
        response.request_id,
        response.is_recovered(),
        response.status(),
        response.request_id(),
    );
    assert_eq!(seen.len(), 3, "{log:#?}");
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("POST", "/api/v1/payouts")
    );
    assert_eq!(
        seen[1].body, seen[0].body,
        "the retry re-sends the same body"
    );
    assert_eq!(seen[2].method, "GET");
    assert_eq!(seen[2].target, format!("/api/v1/payouts?request_id={key}"));
    assert!(response.is_recovered());
    assert_eq!(response.id.as_deref(), Some("payout_1"));
    assert_eq!(response.request_id, Some(key));
}

#[tokio::test]
async fn a_duplicate_answer_to_a_first_attempt_stays_an_ordinary_error() {
    // The caller reused a request_id: no retry happened, so nothing is looked up.
    let server = ScriptedServer::start(|_, _| {
        Action::Reply(
            400,
            json!({"error": "Bad Request", "message": "Order already exists for this request_id"}),
        )
    })
    .await;
    let body: glomo_sdk::models::CreateOrderRequest = serde_json::from_value(
        json!({"customer_id": "cust_1", "amount": 1000, "currency": "USD", "purpose_code": "P1401", "request_id": "order-7"}),
    )
    .unwrap();
    let err = server.client().orders().create(body).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api(e) if e.status() == 400),
        "{err:?}"
    );
    assert_eq!(err.idempotency_key(), Some("order-7"));
    assert_eq!(
        server.seen().len(),
        1,
        "no lookup after a first-attempt duplicate"
    );
}

#[tokio::test]
async fn a_retried_duplicate_that_cannot_be_found_says_the_first_attempt_may_have_succeeded() {
    // A 502 (the gateway may have passed the request on) and then the duplicate
    // answer; the lookup finds nothing.
    let server = ScriptedServer::start(|i, r| match (i, r.method.as_str()) {
        (0, "POST") => Action::Reply(502, json!({})),
        (_, "POST") => Action::Reply(
            400,
            json!({"error": "Bad Request", "message": "Refund already exists for this request_id"}),
        ),
        _ => Action::Reply(200, page(json!([]), None)),
    })
    .await;
    let body: glomo_sdk::models::CreateRefundRequest = serde_json::from_value(
        json!({"payment_id": "pay_1", "amount": 100, "reason": "Duplicate"}),
    )
    .unwrap();
    let err = server.client().refunds().create(body).await.unwrap_err();
    let seen = server.seen();
    let key = seen[0].body["request_id"].as_str().unwrap().to_owned();
    let Error::Duplicate(dup) = &err else {
        panic!("expected a duplicate error, got {err:?}");
    };
    assert_eq!(dup.idempotency_key(), key);
    assert_eq!(err.idempotency_key(), Some(key.as_str()));
    assert_eq!(dup.status(), 400);
    assert_eq!(dup.attempts(), 2);
    assert!(matches!(dup.reason(), glomo_sdk::DuplicateReason::NotFound));
    assert!(!err.is_retryable());
    let shown = err.to_string();
    assert!(
        shown.contains("may have succeeded") && shown.contains(&key),
        "{shown}"
    );
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].target, format!("/api/v1/refunds?request_id={key}"));
    // Another 400 after a retry is an ordinary error: the body must say "duplicate".
    let server = ScriptedServer::start(|i, _| match i {
        0 => Action::Reply(503, json!({})),
        _ => Action::Reply(
            400,
            json!({"error": "Bad Request", "message": "Currency not supported"}),
        ),
    })
    .await;
    let body: glomo_sdk::models::CreateRefundRequest = serde_json::from_value(
        json!({"payment_id": "pay_1", "amount": 100, "reason": "Duplicate"}),
    )
    .unwrap();
    let err = server.client().refunds().create(body).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api(e) if e.status() == 400),
        "{err:?}"
    );
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_base_url_the_v2_mount_cannot_be_derived_from_is_refused_at_build_time() {
    // A proxy at `/glomo` stands for `/api/v1`; where `/api` (the v2 mount) lives
    // behind it cannot be known.
    let err = Client::builder()
        .api_key("k")
        .base_url("https://gateway.internal/glomo")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            glomo_sdk::BuildError::UnresolvedServer {
                server: "https://api.glomopay.com/api",
                ..
            }
        ),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.contains("server_url") && shown.contains("/v1"),
        "{shown}"
    );
    // A server the description does not use is a mistake too.
    let err = Client::builder()
        .base_url("https://gateway.internal/glomo")
        .server_url(
            "https://api.glomopay.com/api/v3",
            "https://gateway.internal/x",
        )
        .build()
        .unwrap_err();
    assert!(
        matches!(err, glomo_sdk::BuildError::UnknownServer { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_custom_base_url_reaches_the_v2_mount_where_the_caller_puts_it() {
    let s = server().await;
    let c = Client::builder()
        .api_key("test-key")
        .base_url(format!("{}/glomo", s.uri()))
        .server_url(
            "https://api.glomopay.com/api",
            format!("{}/glomo-root", s.uri()),
        )
        .build()
        .unwrap();
    respond(
        &s,
        "GET",
        "/glomo-root/v2/beneficiaries/bene_2",
        json_response(200, json!({"id": "bene_2"})),
    )
    .await;
    respond(
        &s,
        "GET",
        "/glomo/payouts/p_1",
        json_response(200, json!({"id": "p_1"})),
    )
    .await;
    c.beneficiaries_v2().get("bene_2").await.unwrap();
    c.payouts().get("p_1").await.unwrap();
    let paths: Vec<String> = requests(&s)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        ["/glomo-root/v2/beneficiaries/bene_2", "/glomo/payouts/p_1"]
    );
    // A proxy that keeps the API's layout under a prefix needs nothing more.
    let s = server().await;
    let c = Client::builder()
        .api_key("test-key")
        .base_url(format!("{}/glomo/api/v1", s.uri()))
        .build()
        .unwrap();
    respond(
        &s,
        "GET",
        "/glomo/api/v2/beneficiaries/bene_3",
        json_response(200, json!({"id": "bene_3"})),
    )
    .await;
    c.beneficiaries_v2().get("bene_3").await.unwrap();
    assert_eq!(
        last(&s).await.url.path(),
        "/glomo/api/v2/beneficiaries/bene_3"
    );
}

#[tokio::test]
async fn a_request_built_with_new_and_setters_sends_exactly_its_fields() {
    let s = server().await;
    let c = client(&s);
    expect(
        &s,
        "POST",
        "/api/v1/customer",
        json_response(201, json!({"id": "cust_1"})),
    )
    .await;
    // Eight required fields to `new` (`&str` where a `String` goes), optional ones set
    // by name; the ones left alone are not sent.
    let customer = CreateCustomerRequest::new(
        "Asha Rao",
        CustomerType::Individual,
        "asha@example.com",
        "12 MG Road",
        "Bengaluru",
        "Karnataka",
        "IND",
        "560001",
    )
    .dob(glomo_sdk::jiff::civil::date(1990, 4, 1))
    .phone("+919800000000");
    let created = c.customers().create(customer).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("cust_1"));
    assert_eq!(
        body_json(&last(&s).await),
        json!({
            "name": "Asha Rao", "customer_type": "individual", "email": "asha@example.com",
            "phone": "+919800000000", "dob": "1990-04-01", "address": "12 MG Road",
            "city": "Bengaluru", "state": "Karnataka", "country": "IND", "pincode": "560001"
        })
    );
}

#[tokio::test]
async fn a_union_body_takes_its_member_directly() {
    let s = server().await;
    let c = client(&s);
    respond(
        &s,
        "POST",
        "/api/v1/orders",
        json_response(201, json!({"id": "order_1", "status": "created"})),
    )
    .await;
    // `create` takes `impl Into<CreateOrderRequest>`: the member, no variant, no `Box`.
    let order = CreateOrderWithoutQuoteRequest::new("cust_1", Currency::Usd, 29_900)
        .purpose_code("P0103")
        .request_id("order-2026-0001")
        .lrs(LrsOrderDetails::new("quote_1", "INV-1").beneficiary_id("bene_1"));
    let created = c.orders().create(order).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("order_1"));
    assert_eq!(
        body_json(&last(&s).await),
        json!({
            "customer_id": "cust_1", "currency": "USD", "amount": 29900,
            "purpose_code": "P0103", "request_id": "order-2026-0001",
            "lrs": {"lrs_quote_id": "quote_1", "remittance_information": "INV-1", "beneficiary_id": "bene_1"}
        })
    );
    // The other member goes through the same method.
    let with_quote = CreateOrderWithQuoteRequest::new("quote_9", "cust_1").invoice_number("INV-9");
    let body: CreateOrderRequest = with_quote.into();
    assert!(matches!(body, CreateOrderRequest::WithQuote(_)));
    c.orders().create(body).await.unwrap();
    let mut sent = body_json(&last(&s).await);
    // The SDK's own idempotency key, when the form has the field, is not ours to check.
    sent.as_object_mut().unwrap().remove("request_id");
    assert_eq!(
        sent,
        json!({"quote_id": "quote_9", "customer_id": "cust_1", "invoice_number": "INV-9"})
    );
}

#[tokio::test]
async fn an_amount_is_read_with_its_currency() {
    let s = server().await;
    let c = client(&s);
    respond(
        &s,
        "GET",
        "/api/v1/payouts/payout_1",
        json_response(
            200,
            json!({"id": "payout_1", "source_amount": 100000, "source_currency": "USD",
                   "destination_amount": 9150000, "destination_currency": "INR"}),
        ),
    )
    .await;
    let payout = c.payouts().get("payout_1").await.unwrap();
    let source = payout.source_money().unwrap();
    assert_eq!((source.amount, source.currency), (100_000, Currency::Usd));
    assert_eq!(
        payout.destination_money(),
        Some(glomo_sdk::Money::new(9_150_000, Currency::Inr))
    );
    // Without its currency an amount is not money.
    respond(
        &s,
        "GET",
        "/api/v1/payouts/payout_2",
        json_response(200, json!({"id": "payout_2", "source_amount": 5})),
    )
    .await;
    let payout = c.payouts().get("payout_2").await.unwrap();
    assert_eq!(payout.source_amount, Some(5));
    assert_eq!(payout.source_money(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_is_a_named_future_that_can_be_stored_and_spawned() {
    let server = server().await;
    let payout = json_response(200, json!({"id": "payout_1", "status": "success"}));
    respond(&server, "GET", "/api/v1/payouts/payout_1", payout).await;
    let client = client(&server);

    // Stored by its name, and polled only when awaited: nothing is sent before.
    let stored: glomo_sdk::CallFuture<'_, Payout, GetPayoutByIdError> =
        client.payouts().get("payout_1").send();
    assert!(requests(&server).await.is_empty(), "a call is lazy");
    assert_eq!(stored.await.unwrap().id.as_deref(), Some("payout_1"));

    // Spawned onto another worker thread: the future is `Send`.
    let task = tokio::spawn(async move {
        let response = client
            .payouts()
            .get("payout_1")
            .send_with_response()
            .await?;
        Ok::<_, Error<GetPayoutByIdError>>((response.status().as_u16(), response.id.clone()))
    });
    let (status, id) = task.await.unwrap().unwrap();
    assert_eq!((status, id.as_deref()), (200, Some("payout_1")));
    assert_eq!(requests(&server).await.len(), 2);
}
