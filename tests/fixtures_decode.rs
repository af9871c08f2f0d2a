//! The code generated from each fixture spec, compiled (the golden crates under
//! `tests/golden/`) and decoding real JSON: unknown enum values, unknown union
//! members, a standalone tagged variant, null versus absent.

use serde_json::json;

#[test]
fn unknown_enum_values_are_kept_and_reencoded_unchanged() {
    use fixture_enums_odd::models::Kind;
    let k: Kind = serde_json::from_value(json!("brand-new")).unwrap();
    assert_eq!(k, Kind::Unknown("brand-new".into()));
    assert_eq!(serde_json::to_value(&k).unwrap(), json!("brand-new"));
    let dotted: Kind = serde_json::from_value(json!("utr.updated")).unwrap();
    assert_eq!(dotted, Kind::UtrUpdated);
    assert_eq!("".parse::<Kind>().unwrap(), Kind::Empty);
    assert_eq!(Kind::Usd.to_string(), "USD");
    assert_eq!(Kind::Usd2.as_str(), "usd");
    assert_eq!(Kind::Unknown2.as_str(), "unknown");
    assert_eq!(Kind::V3ds.as_str(), "3ds");
}

#[test]
fn tagged_union_dispatches_on_the_tag_and_keeps_unknown_members() {
    use fixture_union_tagged::models::{Event, PaymentEvent, PaymentEventEntityType};
    let e: Event = serde_json::from_value(json!({"entity_type": "payment", "amount": 5})).unwrap();
    let Event::Payment(p) = &e else {
        panic!("wrong variant: {e:?}")
    };
    assert_eq!(p.amount, 5);
    // The variant struct still carries its tag, so it round-trips on its own ...
    assert_eq!(p.entity_type, PaymentEventEntityType::Payment);
    let alone: PaymentEvent =
        serde_json::from_value(json!({"entity_type": "payment", "amount": 7})).unwrap();
    assert_eq!(
        serde_json::to_value(&alone).unwrap(),
        json!({"entity_type": "payment", "amount": 7})
    );
    // ... and the union encodes the tag exactly once.
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"entity_type": "payment", "amount": 5})
    );
    let unknown: Event =
        serde_json::from_value(json!({"entity_type": "chargeback", "x": 1})).unwrap();
    assert_eq!(
        unknown,
        Event::Unknown(json!({"entity_type": "chargeback", "x": 1}))
    );
    assert_eq!(
        serde_json::to_value(&unknown).unwrap(),
        json!({"entity_type": "chargeback", "x": 1})
    );
    let refund: Event =
        serde_json::from_value(json!({"entity_type": "refund", "refund_id": "r1"})).unwrap();
    assert!(matches!(refund, Event::Refund(_)));
    // A known tag with a wrong body is an error naming the problem, not a silent Unknown.
    let bad = serde_json::from_value::<Event>(json!({"entity_type": "payment", "amount": "five"}));
    assert!(bad.unwrap_err().to_string().contains("invalid type"));
}

#[test]
fn tagged_union_writes_the_tag_of_its_variant() {
    use fixture_union_tagged::models::{Event, RefundEvent};
    // The constructor fills the tag in; nobody writes it by hand.
    // Read from JSON (the member is a response type): the tag comes with it.
    let refund: RefundEvent =
        serde_json::from_value(json!({"entity_type": "refund", "refund_id": "r1"})).unwrap();
    assert_eq!(refund.entity_type, "refund");
    let body = Event::Refund(Box::new(refund.clone()));
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"entity_type": "refund", "refund_id": "r1"})
    );
    // A member whose own tag field says something else is still sent with its variant's tag.
    let mut wrong = refund;
    wrong.entity_type = "payment".into();
    assert_eq!(
        serde_json::to_value(Event::Refund(Box::new(wrong))).unwrap(),
        json!({"entity_type": "refund", "refund_id": "r1"})
    );
}

#[test]
fn discriminator_mapping_accepts_bare_schema_names() {
    use fixture_union_tagged::models::Event;
    // `refund: RefundEvent` in the mapping, not `#/components/schemas/RefundEvent`.
    let refund: Event = round_trip(json!({"entity_type": "refund", "refund_id": "r1"}));
    assert!(matches!(refund, Event::Refund(_)), "{refund:?}");
    let by_schema_name: Event =
        serde_json::from_value(json!({"entity_type": "RefundEvent", "refund_id": "r1"})).unwrap();
    assert!(matches!(by_schema_name, Event::Unknown(_)));
}

#[test]
fn discriminator_on_an_all_of_base_dispatches_to_derived_schemas() {
    use fixture_union_tagged::models::{Cat, Dog, Pet};
    let dog: Pet = round_trip(json!({"pet_type": "dog", "name": "Rex", "barks": true}));
    let Pet::Dog(d) = &dog else {
        panic!("decoded as {dog:?}")
    };
    assert_eq!(d.barks, Some(true));
    let cat: Pet = round_trip(json!({"pet_type": "cat", "name": "Tom", "lives": 9}));
    assert!(matches!(&cat, Pet::Cat(c) if c.lives == Some(9)), "{cat:?}");
    let other: Pet = round_trip(json!({"pet_type": "fish", "name": "Nemo"}));
    assert!(matches!(other, Pet::Unknown(_)));
    // Derived types carry the base's fields and their own tag.
    let mut new_cat = Cat::new("Tom");
    new_cat.lives = Some(3);
    assert_eq!(
        serde_json::to_value(Pet::Cat(Box::new(new_cat))).unwrap(),
        json!({"pet_type": "cat", "name": "Tom", "lives": 3})
    );
    assert_eq!(Dog::new("Rex").pet_type, "dog");
}

#[test]
fn write_only_fields_are_left_out_of_response_types() {
    use fixture_write_only::models::{ProfileInput, Session, User, UserInput};
    // Responses never carry write-only fields, so a required one cannot fail them.
    let session: Session = round_trip(json!({"token": "t"}));
    assert_eq!(session.token, "t");
    let user: User = round_trip(json!({"id": "u1", "name": "Ann", "profile": {"bio": "b"}}));
    assert_eq!(user.id, "u1");
    // The request form keeps them (and drops the read-only id), nested types too.
    let mut input = UserInput::new("Ann", "secret");
    input.profile = Some(ProfileInput::new("1234"));
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"name": "Ann", "password": "secret", "profile": {"pin": "1234"}})
    );
}

#[test]
fn untagged_union_members_with_required_fields_and_primitives() {
    use fixture_union_untagged::models::{ConversionRate, CreateConversionRequest};
    let s: CreateConversionRequest = serde_json::from_value(json!({"source_amount": 5})).unwrap();
    assert!(matches!(s, CreateConversionRequest::BySourceAmount(_)));
    let t: CreateConversionRequest = serde_json::from_value(json!({"target_amount": 5})).unwrap();
    assert!(matches!(t, CreateConversionRequest::ByTargetAmount(_)));
    let u: CreateConversionRequest = serde_json::from_value(json!({"other": 1})).unwrap();
    assert!(matches!(u, CreateConversionRequest::Unknown(_)));
    let r: ConversionRate = serde_json::from_value(json!("1.5")).unwrap();
    assert_eq!(r, ConversionRate::String("1.5".into()));
    let n: ConversionRate = serde_json::from_value(json!(1.5)).unwrap();
    assert_eq!(n, ConversionRate::Number(1.5));
}

/// Decodes, checks the JSON comes back unchanged, returns the value.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(v: serde_json::Value) -> T {
    let decoded: T = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), v);
    decoded
}

#[test]
fn untagged_union_picks_the_member_by_evidence_not_by_order() {
    use glomo_sdk::models::PaymentMethodDetails as Details;
    // A card payment: all three members have only optional fields, and the first
    // (bank transfer) used to take it and drop every field.
    let card: Details =
        round_trip(json!({"card_network": "visa", "end_digits": "4242", "card_bin": "424242"}));
    let Details::Card(c) = &card else {
        panic!("card details decoded as {card:?}")
    };
    assert_eq!(c.end_digits.as_deref(), Some("4242"));
    // A property only bank transfers have.
    let transfer: Details =
        round_trip(json!({"sender_name": "A", "receiver_account_number": "98765"}));
    assert!(matches!(transfer, Details::BankTransfer(_)), "{transfer:?}");
    // `null` where only pay-via-bank allows it: the bank transfer would lose it.
    let debit: Details = round_trip(json!({"sender_name": null, "swift_code": "HDFCINBB"}));
    assert!(matches!(debit, Details::PayViaBank(_)), "{debit:?}");
    // Properties both bank shapes know: nothing in the payload decides, so it is kept.
    let both = json!({"sender_name": "A", "swift_code": "CHASUS33"});
    assert_eq!(round_trip::<Details>(both.clone()), Details::Unknown(both));

    use fixture_union_untagged::models::{ChargeDetails, ChargeMode, ChargeQuantity, ChargeShape};
    let c: ChargeDetails = round_trip(json!({"card_network": "visa", "end_digits": "1"}));
    assert!(matches!(c, ChargeDetails::Card(_)), "{c:?}");
    let t: ChargeDetails = round_trip(json!({"sender_name": "A", "receiver_account": "1"}));
    assert!(matches!(t, ChargeDetails::Transfer(_)), "{t:?}");
    let d: ChargeDetails = round_trip(json!({"sender_name": null}));
    assert!(matches!(d, ChargeDetails::Debit(_)), "{d:?}");
    // Keys of two members at once fit none: kept, not cut down to one of them.
    let mixed = json!({"card_network": "visa", "receiver_account": "1"});
    assert_eq!(
        round_trip::<ChargeDetails>(mixed.clone()),
        ChargeDetails::Unknown(mixed)
    );
    // Members that differ only in a constant.
    let sq: ChargeShape = round_trip(json!({"kind": "square", "size": 2}));
    assert!(matches!(sq, ChargeShape::Square(_)), "{sq:?}");
    let ci: ChargeShape = round_trip(json!({"kind": "circle"}));
    assert!(matches!(ci, ChargeShape::Circle(_)), "{ci:?}");
    // An integer stays an integer although `number` is listed first.
    assert_eq!(
        round_trip::<ChargeQuantity>(json!(3)),
        ChargeQuantity::Integer(3)
    );
    assert_eq!(
        round_trip::<ChargeQuantity>(json!(2.5)),
        ChargeQuantity::Number(2.5)
    );
    // A listed value is the enum's, other text is the string's.
    assert!(matches!(
        round_trip::<ChargeMode>(json!("auto")),
        ChargeMode::Variant2(_)
    ));
    assert!(matches!(
        round_trip::<ChargeMode>(json!("later")),
        ChargeMode::String(_)
    ));
}

#[test]
fn a_sibling_field_named_in_the_config_selects_the_member() {
    use glomo_sdk::models::{PaymentMethod, PaymentMethodDetails as Details};
    // The same details, two method types: the payload alone cannot tell them apart.
    let details = json!({"sender_name": "A", "swift_code": "CHASUS33"});
    let debit: PaymentMethod =
        round_trip(json!({"type": "pay_via_bank", "details": details.clone()}));
    assert!(
        matches!(debit.details, Some(Details::PayViaBank(_))),
        "{debit:?}"
    );
    let transfer: PaymentMethod =
        round_trip(json!({"type": "bank_transfer", "details": details.clone()}));
    assert!(
        matches!(transfer.details, Some(Details::BankTransfer(_))),
        "{transfer:?}"
    );
    // The tag never forces a member the payload does not fit.
    let card = json!({"card_network": "visa", "end_digits": "4242"});
    let odd: PaymentMethod = round_trip(json!({"type": "bank_transfer", "details": card}));
    assert!(matches!(odd.details, Some(Details::Card(_))), "{odd:?}");
}

#[test]
fn null_and_absent_fold_in_responses_and_stay_distinct_in_requests() {
    use fixture_nullable_31::models::{Account, AccountInput, AccountPatch, AccountTier};
    // `Account` (the response form) is only received: `null` and absent are one `None`.
    let a: Account = serde_json::from_value(
        json!({"id": "a", "kind": "account", "closed_at": null, "nickname": null, "tier": "gold"}),
    )
    .unwrap();
    assert_eq!(a.nickname, None);
    assert_eq!(a.limit, None);
    assert_eq!(a.closed_at, None);
    assert_eq!(a.tier, Some(AccountTier::Gold));
    let present: Account = serde_json::from_value(
        json!({"id": "a", "kind": "account", "closed_at": "2025-01-01T00:00:00Z", "nickname": "n"}),
    )
    .unwrap();
    assert_eq!(present.nickname, Some("n".into()));
    let opened: Account = serde_json::from_value(
        json!({"id": "a", "kind": "account", "closed_at": "2025-02-15T00:00:00.000Z", "opened_on": "2024-02-29"}),
    )
    .unwrap();
    assert_eq!(
        opened.opened_on,
        Some(fixture_nullable_31::jiff::civil::date(2024, 2, 29))
    );
    assert_eq!(
        opened.closed_at.map(|t| t.to_string()).as_deref(),
        Some("2025-02-15T00:00:00Z")
    );
    // A value that is no date fails to decode, naming the type it wanted.
    let bad = serde_json::from_value::<Account>(
        json!({"id": "a", "kind": "account", "closed_at": null, "opened_on": "2024-02-30"}),
    )
    .unwrap_err();
    assert!(bad.to_string().contains("date"), "{bad}");
    assert_eq!(
        present.closed_at,
        Some(fixture_nullable_31::jiff::Timestamp::from_second(1_735_689_600).unwrap())
    );
    // Its request twin is sent, so it keeps the three states.
    let input: AccountInput =
        serde_json::from_value(json!({"kind": "account", "closed_at": null, "nickname": null}))
            .unwrap();
    assert_eq!(input.nickname, Some(None));
    assert_eq!(input.limit, None);

    let clear = AccountPatch::new().nickname_null();
    assert_eq!(
        serde_json::to_value(&clear).unwrap(),
        json!({"nickname": null})
    );
    let set = AccountPatch::new().nickname("x").limit(3);
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({"nickname": "x", "limit": 3})
    );
    assert_eq!(
        serde_json::to_value(AccountPatch::default()).unwrap(),
        json!({})
    );
}

#[test]
fn client_side_validation_uses_spec_constraints() {
    use fixture_nullable_31::models::AccountPatch;
    let long = AccountPatch::new().nickname("much too long");
    let err = long.validate().unwrap_err();
    assert!(err.to_string().contains("nickname"), "{err}");
    let zero = AccountPatch::new().limit(0);
    assert!(
        zero.validate()
            .unwrap_err()
            .to_string()
            .contains("greater than 0")
    );
    assert!(
        AccountPatch::new()
            .nickname("ok")
            .limit(1)
            .validate()
            .is_ok()
    );
}

#[test]
fn read_only_fields_are_left_out_of_request_types() {
    use fixture_nullable_31::models::{Account, AccountInput};
    // `Account` is both a request body and a response: responses keep the read-only `id`,
    // the request twin `AccountInput` has no such field, so it is never sent.
    let response: Account =
        serde_json::from_value(json!({"id": "acc_1", "kind": "account", "closed_at": null}))
            .unwrap();
    assert_eq!(response.id, "acc_1");
    let request: AccountInput = serde_json::from_value(
        json!({"id": "acc_1", "kind": "account", "closed_at": null, "nickname": "n"}),
    )
    .unwrap();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent,
        json!({"kind": "account", "closed_at": null, "nickname": "n"})
    );
}

#[test]
fn keyword_and_odd_field_names_map_to_their_wire_names() {
    use fixture_keywords::models::Thing;
    let t: Thing = serde_json::from_value(json!({"type": "w", "auto_debit?": true, "3ds": "y", "self": "me", "fooBar": "a", "foo_bar": "b", "match": 3})).unwrap();
    assert_eq!(t.type_.as_deref(), Some("w"));
    assert_eq!(t.auto_debit, Some(true));
    assert_eq!(t.field_3ds.as_deref(), Some("y"));
    assert_eq!(t.self_.as_deref(), Some("me"));
    assert_eq!(t.foo_bar.as_deref(), Some("a"));
    assert_eq!(t.foo_bar2.as_deref(), Some("b"));
    assert_eq!(t.match_, Some(3));
}

#[test]
fn maps_and_additional_properties_keep_every_key() {
    use fixture_maps::models::Settings;
    let s: Settings = serde_json::from_value(
        json!({"notes": {"a": "b"}, "limits": {"usd": {"max": 5}}, "extra": "kept"}),
    )
    .unwrap();
    assert_eq!(
        s.additional_properties.get("extra").map(String::as_str),
        Some("kept")
    );
    assert_eq!(
        s.limits
            .as_ref()
            .and_then(|l| l.get("usd"))
            .and_then(|v| v.max),
        Some(5)
    );
    let back = serde_json::to_value(&s).unwrap();
    assert_eq!(back["extra"], "kept");
    // `Settings` is only received: a `null` map reads as absent.
    let null_notes: Settings = serde_json::from_value(json!({"notes": null})).unwrap();
    assert_eq!(null_notes.notes, None);
}

#[test]
fn recursion_is_boxed_only_where_needed() {
    use fixture_recursion::models::Node;
    let n: Node = serde_json::from_value(
        json!({"name": "root", "children": [{"name": "leaf"}], "parent": {"name": "p"},
        "link": {"target": {"name": "t"}, "by_name": {"k": {"name": "m"}}}}),
    )
    .unwrap();
    let parent: &Node = n.parent.as_deref().unwrap();
    assert_eq!(parent.name, "p");
    assert_eq!(n.children.as_ref().unwrap()[0].name, "leaf");
    assert_eq!(
        n.link.as_ref().unwrap().by_name.as_ref().unwrap()["k"].name,
        "m"
    );
}

#[test]
fn all_of_over_one_of_distributes_into_variants() {
    use fixture_all_of::models::{CreatePriceRequest, CreatePriceRequestFixed, Price};
    let mut fixed = CreatePriceRequestFixed::new("fixed", 100);
    fixed.name = Some("fee".into());
    let body = CreatePriceRequest::Fixed(Box::new(fixed));
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"name": "fee", "pricing_type": "fixed", "amount": 100})
    );
    let p: Price = serde_json::from_value(json!({"id": "p1", "name": "n"})).unwrap();
    assert_eq!(p.id, "p1");
}

#[test]
fn names_read_naturally_and_one_value_set_is_one_type() {
    use fixture_naming::models::{
        BadRequestBody, BadRequestBodyError, Order, OrderCustomerType, OrderFxFee,
        OrderPaymentMethod, OrderRefundBy, OrderResponse, OrderStatus, RefundStatus,
    };
    let payload = json!({"status": "paid", "payment_methods": ["card"],
        "customer": {"customer_type": "person"}, "fees": {"fx_fee": {"amount": 3}}});
    let order: Order = serde_json::from_value(payload.clone()).unwrap();
    let response: OrderResponse = serde_json::from_value(payload).unwrap();
    // The same values under the same property of the same thing: one type.
    let status: OrderStatus = order.status.clone().unwrap();
    assert_eq!(response.status, Some(status.clone()));
    assert_eq!(order.payment_methods, Some(vec![OrderPaymentMethod::Card]));
    assert_eq!(response.payment_methods, order.payment_methods);
    assert_eq!(
        order.customer.and_then(|c| c.customer_type),
        Some(OrderCustomerType::Person)
    );
    let fee: Option<OrderFxFee> = order.fees.and_then(|f| f.fx_fee);
    assert_eq!(fee.and_then(|f| f.amount), Some(3));
    // The order list's filter takes the status read from an order.
    let client = fixture_naming::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let _filtered = client.orders().list().status(status);
    // A refund's status has the same values but stays its own type.
    let refund: RefundStatus = serde_json::from_value(json!("paid")).unwrap();
    assert_eq!(refund, RefundStatus::Paid);
    // Both operations' 400 bodies are one type named for the status.
    let bad: BadRequestBody =
        serde_json::from_value(json!({"error": "Bad Request", "message": "m"})).unwrap();
    assert_eq!(bad.error, Some(BadRequestBodyError::BadRequest));
    // Union members of one shape are not merged into one type.
    let by: OrderRefundBy = serde_json::from_value(json!({"days": 3})).unwrap();
    assert!(
        matches!(by, OrderRefundBy::Unknown(_) | OrderRefundBy::Variant1(_)),
        "{by:?}"
    );
}

#[test]
fn colliding_names_are_made_unique() {
    use fixture_name_collisions::models::{A, ErrorModel, Fields, PetOwner, PetOwner2, PetOwner3};
    // Types named like the generic parameters and the visitor of the generated
    // `Serialize`/`Deserialize` decode and encode as any other.
    let a: A = serde_json::from_value(json!({"fields": {"s": "x"}})).unwrap();
    assert_eq!(a.fields.s.as_deref(), Some("x"));
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        json!({"fields": {"s": "x"}})
    );
    let _: Fields = serde_json::from_value(json!({})).unwrap();
    let _ = (
        ErrorModel::default(),
        PetOwner::default(),
        PetOwner2::A,
        PetOwner3::default(),
    );
}

#[test]
fn several_success_and_error_statuses_are_all_typed() {
    use fixture_errors_multi::models::{Problem, Refund, RefundPending};
    use fixture_errors_multi::resources::refunds::{CreateRefundError, CreateRefundSuccess};
    let ok = CreateRefundSuccess::Created(Box::default());
    let accepted = CreateRefundSuccess::Accepted(Box::<RefundPending>::default());
    assert_ne!(format!("{ok:?}"), format!("{accepted:?}"));
    // 422 carries the resource itself; `default` carries the documented problem body.
    // Response types are `#[non_exhaustive]`: built from `Default` and their public fields.
    let mut refund = Refund::default();
    refund.id = Some("r".into());
    refund.status = Some("failed".into());
    let failed = CreateRefundError::UnprocessableEntity(Some(Box::new(refund)));
    let mut problem = Problem::default();
    problem.message = Some("x".into());
    let other = CreateRefundError::Default(Some(Box::new(problem)));
    assert_eq!(
        failed.to_string(),
        "Refund failed; the body is the refund (422)"
    );
    assert!(matches!(other, CreateRefundError::Default(_)));
    assert!(matches!(
        CreateRefundError::ServerError,
        CreateRefundError::ServerError
    ));
}

#[test]
fn vendor_defects_are_typed_loosely_and_the_rest_stays_typed() {
    use fixture_vendor_defects::models::{Item, Nested};
    // Dangling, external and non-string references, a number and `true` where a
    // schema belongs: each field takes any JSON value.
    let item: Item = serde_json::from_value(json!({
        "id": "i1", "owner": {"any": ["shape"]}, "external": 3, "weird": "w",
        "loose": null, "odd": [1], "nested": {"note": "n"}, "tags": [1, "a"]
    }))
    .unwrap();
    assert_eq!(item.owner, Some(json!({"any": ["shape"]})));
    assert_eq!(item.external, Some(json!(3)));
    assert_eq!(item.odd, Some(json!([1])));
    assert_eq!(item.tags, Some(vec![json!(1), json!("a")]));
    // `required: true` on the property was dropped, not the property's type.
    let mut nested = Nested::default();
    nested.note = Some("n".into());
    assert_eq!(item.nested, Some(nested));
    // `minimum: 0.5` on an integer is `minimum: 1`; `maxLength: 10.0` is 10.
    // `Item` is read from responses only: built from JSON, then its public fields.
    let mut item: Item = serde_json::from_value(json!({"id": "i2"})).unwrap();
    item.count = Some(0);
    assert!(item.validate().is_err());
    item.count = Some(1);
    item.label = Some("x".repeat(10));
    assert!(item.validate().is_ok());
    item.label = Some("x".repeat(11));
    assert!(item.validate().is_err());
}

#[test]
fn reference_chains_resolve_to_their_definitions() {
    use fixture_refs_chains::models::{NewWidget, Widget, WidgetAlias2};
    // Schema aliases chain to `Widget`.
    let w: WidgetAlias2 =
        serde_json::from_value(json!({"id": "w1", "size": 3, "parent": {"id": "w0", "size": 1}}))
            .unwrap();
    let w: Widget = w;
    assert_eq!(w.parent.as_deref().map(|p| p.id.as_str()), Some("w0"));
    // `size` refers to Widget's property: same type and the same bound.
    assert!(NewWidget::new(0).validate().is_err());
    assert!(NewWidget::new(1).validate().is_ok());
}

#[test]
fn a_document_without_paths_yields_its_models() {
    use fixture_components_only::models::{Event, EventType};
    let e: Event =
        serde_json::from_value(json!({"id": "e1", "type": "item.created", "data": {"name": "n"}}))
            .unwrap();
    assert_eq!(e.type_, EventType::ItemCreated);
}

#[test]
fn webhooks_decode_into_typed_events_after_verification() {
    use fixture_webhooks::models::Shipment;
    use fixture_webhooks::webhooks::{self, Event, WebhookError};
    let secret = b"whsec_fixture";
    let decode = |body: &str| {
        let signature = webhooks::sign(body.as_bytes(), secret);
        webhooks::construct_event(body.as_bytes(), &signature, secret)
    };

    let pet = decode(r#"{"event":"pet.created","pet":{"id":"p1","name":"Rex","born":null}}"#);
    let Ok(Event::NewPet(e)) = &pet else {
        panic!("expected NewPet, got {pet:?}")
    };
    assert_eq!(e.pet.name, "Rex");

    // `Shipment` is referenced only from the webhook, and still generated.
    let shipment = decode(r#"{"tracking_number":"1Z9","carrier":"dhl","weight_grams":1200}"#);
    let Ok(Event::ShipmentSent(s)) = &shipment else {
        panic!("expected ShipmentSent, got {shipment:?}")
    };
    let s: &Shipment = s;
    assert_eq!(s.weight_grams, Some(1200));

    // A webhook given as a `$ref` to `components/pathItems`.
    assert!(matches!(decode(r#"{"ping":3}"#), Ok(Event::Ping(p)) if p.ping == 3));

    // A payload reaching both resources (`Adoption`, gated by both features).
    let adopted = decode(r#"{"pet":{"id":"p1","name":"Rex"},"store":{"id":"s1","city":"Oslo"}}"#);
    let Ok(Event::PetAdopted(a)) = &adopted else {
        panic!("expected PetAdopted, got {adopted:?}")
    };
    let a: &fixture_webhooks::models::Adoption = a;
    assert_eq!(
        (a.pet.name.as_str(), a.store.city.as_str()),
        ("Rex", "Oslo")
    );

    // Anything else is kept as JSON, and re-encodes unchanged.
    let other = decode(r#"{"hello":[1,2]}"#).unwrap();
    assert_eq!(other, Event::Unknown(json!({"hello": [1, 2]})));
    assert_eq!(
        serde_json::to_value(&other).unwrap(),
        json!({"hello": [1, 2]})
    );
    assert_eq!(other.webhook_name(), None);

    // The signature covers the exact bytes.
    let body = r#"{"ping":3}"#;
    let signature = webhooks::sign(body.as_bytes(), secret);
    assert!(matches!(
        webhooks::construct_event(br#"{"ping": 3}"#, &signature, secret),
        Err(WebhookError::InvalidSignature)
    ));
}
