//! Webhooks of the Glomo SDK: signature checks with independently computed vectors,
//! typed decoding of the events the overlay describes, and the example receiver
//! (`examples/webhook_receiver.rs`) answering real HTTP requests.

use glomo_sdk::models::{PaymentEventType, WebhookEntityType};
use glomo_sdk::webhooks::{self, Event, WebhookError};

#[allow(dead_code, reason = "the example's `main` is not used by the tests")]
#[path = "../generated-sdk/examples/webhook_receiver.rs"]
mod receiver;

const SECRET: &[u8] = b"whsec_glomo_test";

// printf '%s' "$PAYMENT" | openssl dgst -sha256 -hmac 'whsec_glomo_test'
const PAYMENT: &str = r#"{"entity_type":"payment","event_type":"success","data":{"id":"pay_KX2fz1","status":"success","payment_amount":125000,"payment_currency":"USD"}}"#;
const PAYMENT_SIG: &str = "191ded5bc22304da70091b3fcc02087fc747ab708f6bbaa54f59bb807f87a09e";

// printf '%s' "$UNKNOWN" | openssl dgst -sha256 -hmac 'whsec_glomo_test'
const UNKNOWN: &str = r#"{"entity_type":"kyc_review","event_type":"started","data":{"ref":"k_1"}}"#;
const UNKNOWN_SIG: &str = "5a9da441020123bf1d8948862e3fb4f78fa68220ce5ba4d2743d48625dae711a";

// printf '%s' 'order_1|pay_1|success' | openssl dgst -sha256 -hmac 'sk_test_secret'
const CALLBACK_SIG: &str = "c67058095d490885d7896ad1c19aa51fbcf47f2850554bf17ef0554188799d4b";

#[test]
fn signature_header_comes_from_the_config() {
    assert_eq!(webhooks::SIGNATURE_HEADER, "X-Glomopay-Signature");
}

#[test]
fn known_vector_decodes_a_typed_payment_event() {
    let event = webhooks::construct_event(PAYMENT.as_bytes(), PAYMENT_SIG, SECRET)
        .unwrap_or_else(|e| panic!("valid signature rejected: {e}"));
    let Event::Payment(e) = &event else {
        panic!("expected a payment event, got {event:?}");
    };
    assert_eq!(e.entity_type, WebhookEntityType::Payment);
    assert_eq!(e.event_type, PaymentEventType::Success);
    assert_eq!(e.data.id.as_deref(), Some("pay_KX2fz1"));
    assert_eq!(e.data.payment_amount, Some(125000));
    assert_eq!(event.webhook_name(), Some("payment"));
}

#[test]
fn uppercase_hex_and_sha256_prefix_are_accepted() {
    let upper = PAYMENT_SIG.to_ascii_uppercase();
    assert!(webhooks::verify(PAYMENT.as_bytes(), &upper, SECRET).is_ok());
    let prefixed = format!("sha256={PAYMENT_SIG}");
    assert!(webhooks::verify(PAYMENT.as_bytes(), &prefixed, SECRET).is_ok());
}

#[test]
fn tampered_body_wrong_secret_and_missing_header_are_rejected() {
    let tampered = PAYMENT.replace("125000", "925000");
    assert!(matches!(
        webhooks::construct_event(tampered.as_bytes(), PAYMENT_SIG, SECRET),
        Err(WebhookError::InvalidSignature)
    ));
    assert!(matches!(
        webhooks::construct_event(PAYMENT.as_bytes(), PAYMENT_SIG, b"whsec_other"),
        Err(WebhookError::InvalidSignature)
    ));
    assert!(matches!(
        webhooks::construct_event(PAYMENT.as_bytes(), "", SECRET),
        Err(WebhookError::MissingSignature)
    ));
}

#[test]
fn an_unverified_body_is_never_parsed() {
    // Not JSON at all: with a bad signature the error is about the signature, so the
    // body was not looked at; with a good one it is a decode error.
    let garbage = b"not json";
    assert!(matches!(
        webhooks::construct_event(garbage, PAYMENT_SIG, SECRET),
        Err(WebhookError::InvalidSignature)
    ));
    let signature = webhooks::sign(garbage, SECRET);
    assert!(matches!(
        webhooks::construct_event(garbage, &signature, SECRET),
        Err(WebhookError::Decode(_))
    ));
}

#[test]
fn unknown_entities_and_event_types_stay_open() {
    let event = webhooks::construct_event(UNKNOWN.as_bytes(), UNKNOWN_SIG, SECRET)
        .unwrap_or_else(|e| panic!("valid signature rejected: {e}"));
    let expected: serde_json::Value = serde_json::from_str(UNKNOWN).unwrap();
    assert_eq!(event, Event::Unknown(expected));

    let body = PAYMENT.replace("\"success\",\"data\"", "\"refund_initiated\",\"data\"");
    let signature = webhooks::sign(body.as_bytes(), SECRET);
    let Ok(Event::Payment(e)) = webhooks::construct_event(body.as_bytes(), &signature, SECRET)
    else {
        panic!("a new event type of a known entity must still decode");
    };
    assert_eq!(
        e.event_type,
        PaymentEventType::Unknown("refund_initiated".into())
    );
}

#[test]
fn every_overlay_entity_has_a_variant() {
    let entities = [
        "payment",
        "payment_link",
        "orders",
        "refund",
        "payout",
        "settlement",
        "beneficiary",
        "internal_transfer",
        "subscription",
        "virtual_account",
        "balance",
        "kyc_journey",
        "merchant",
        "amc_folio_transaction",
        "webhook_test",
    ];
    for entity in entities {
        let json =
            serde_json::json!({"entity_type": entity, "event_type": "x", "data": {"id": "x_1"}});
        // Typed dispatch: either the snapshot decodes as that entity's variant, or it is
        // checked against that entity's schema (whose required fields it lacks), never
        // kept as `Unknown`.
        match serde_json::from_value::<Event>(json) {
            Ok(event) => assert_eq!(event.webhook_name(), Some(entity), "{entity}"),
            Err(e) => assert!(e.to_string().contains("missing field"), "{entity}: {e}"),
        }
    }
}

#[test]
fn checkout_callback_known_vector() {
    let check = |status: &str, signature: &str, key: &[u8]| {
        webhooks::verify_checkout_callback("order_1", "pay_1", status, signature, key)
    };
    assert!(check("success", CALLBACK_SIG, b"sk_test_secret").is_ok());
    assert!(
        check(
            "success",
            &CALLBACK_SIG.to_ascii_uppercase(),
            b"sk_test_secret"
        )
        .is_ok()
    );
    assert!(matches!(
        check("failed", CALLBACK_SIG, b"sk_test_secret"),
        Err(WebhookError::InvalidSignature)
    ));
    assert!(matches!(
        check("success", CALLBACK_SIG, b"sk_test_other"),
        Err(WebhookError::InvalidSignature)
    ));
}

async fn post(base: &str, body: &str, signature: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new()
        .post(format!("{base}/webhooks/glomo"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(s) = signature {
        req = req.header(webhooks::SIGNATURE_HEADER, s);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn example_receiver_accepts_signed_events_and_rejects_forgeries() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server =
        tokio::spawn(async move { axum::serve(listener, receiver::app(SECRET.to_vec())).await });

    assert_eq!(
        post(&base, PAYMENT, Some(PAYMENT_SIG)).await,
        (200, "payment/success".to_string())
    );
    let (status, _) = post(
        &base,
        &PAYMENT.replace("125000", "925000"),
        Some(PAYMENT_SIG),
    )
    .await;
    assert_eq!(status, 401, "tampered body");
    let wrong = webhooks::sign(PAYMENT.as_bytes(), b"whsec_other");
    let (status, _) = post(&base, PAYMENT, Some(&wrong)).await;
    assert_eq!(status, 401, "wrong secret");
    let (status, _) = post(&base, PAYMENT, None).await;
    assert_eq!(status, 401, "missing header");
    assert_eq!(
        post(&base, UNKNOWN, Some(UNKNOWN_SIG)).await,
        (200, "unknown".to_string())
    );
    server.abort();
}
