//! The API change report (`sdkgen::diff`) on old/new fixture pairs under
//! `tests/fixtures/changes/`: each report is snapshot-tested, the classification of the
//! key changes is asserted, and where it matters the verdict is checked against the
//! compiler: a small caller crate written against the old SDK keeps compiling after a
//! change called compatible and stops compiling after one called breaking.

use std::path::PathBuf;
use std::process::Command;

use sdk_tests::root;
use sdkgen::diff::{self, Bump, Change, Level, Report, Surface};

fn generated(case: &str, side: &str) -> sdkgen::Generated {
    let r = root();
    let spec = r.join(format!("tests/fixtures/changes/{case}/{side}.yaml"));
    sdkgen::generate(&spec, None, Some(&r.join("templates"))).unwrap_or_else(|f| panic!("{f}"))
}

fn report(case: &str) -> Report {
    let old = Surface::of(&generated(case, "old").api);
    let new = Surface::of(&generated(case, "new").api);
    diff::compare(&old, &new)
}

fn find<'a>(r: &'a Report, subject: &str, what: &str) -> &'a Change {
    r.changes
        .iter()
        .find(|c| c.subject == subject && c.what.contains(what))
        .unwrap_or_else(|| panic!("no change `{subject}: {what}` in\n{}", r.markdown("#")))
}

fn snapshot(case: &str, r: &Report) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(root().join("tests/snapshots/changes"));
    settings.bind(|| insta::assert_snapshot!(case, r.markdown("## report")));
}

#[test]
fn operations_added_removed_and_changed() {
    let r = report("operations");
    snapshot("operations", &r);
    assert_eq!(
        find(&r, "items.delete()", "method removed").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "items.archive()", "method added").level,
        Level::Compatible
    );
    assert_eq!(
        find(&r, "items.list()", "required argument `region` added").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "items.list()", "optional setter `.cursor()` added").level,
        Level::Compatible
    );
    assert_eq!(
        find(&r, "items.list()", "setter `limit` removed").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "items.list()", "`status`: `String` -> `i64`").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "items.create()", "error 409").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "items.create()", "error 422").level,
        Level::Compatible
    );
    assert_eq!(find(&r, "items.get()", "returns").level, Level::Breaking);
    assert_eq!(r.bump(), Bump::Breaking);
    assert_eq!(r.next_version(), "0.2.0");
}

#[test]
fn fields_added_removed_retyped_and_required() {
    let r = report("types");
    snapshot("types", &r);
    assert_eq!(
        find(&r, "OrderInput.currency", "required field added").level,
        Level::Breaking
    );
    assert!(
        find(&r, "OrderInput.note", "made required")
            .what
            .contains("`Option<String>` -> `String`")
    );
    assert!(
        find(&r, "OrderInput.reference", "made nullable")
            .what
            .contains("Option<Option<String>>")
    );
    assert_eq!(find(&r, "Order.id", "made optional").level, Level::Breaking);
    assert_eq!(find(&r, "Order.amount", "retyped").level, Level::Breaking);
    assert_eq!(
        find(&r, "Order.legacy", "field removed").level,
        Level::Breaking
    );
    assert_eq!(find(&r, "Receipt", "struct added").level, Level::Compatible);
    assert!(
        find(&r, "OrderInput::new", "`new(amount: impl Into<i64>)` -> ")
            .what
            .contains("currency: impl Into<String>"),
        "{}",
        r.markdown("#")
    );
    // A response type has no constructor to break, and a field added to it is
    // compatible: it is `#[non_exhaustive]`, so no caller wrote a struct literal.
    assert!(!r.changes.iter().any(|c| c.subject == "Order::new"));
    assert_eq!(
        find(&r, "Order.created_at", "field added").level,
        Level::Compatible
    );
    assert_eq!(
        find(&r, "Order", "now implements `Default`").level,
        Level::Compatible
    );
}

#[test]
fn enum_values_and_union_members() {
    let r = report("enums_unions");
    snapshot("enums_unions", &r);
    assert_eq!(
        find(&r, "Status", "value `gone` removed").level,
        Level::Breaking
    );
    // Enums and unions are `#[non_exhaustive]`: matches have a wildcard arm already.
    assert_eq!(
        find(&r, "Status", "value `reserved` added").level,
        Level::Compatible
    );
    assert_eq!(
        find(&r, "PetAnimal", "member `Bird(").level,
        Level::Compatible
    );
}

#[test]
fn servers_auth_and_routes() {
    let r = report("servers");
    snapshot("servers", &r);
    assert_eq!(find(&r, "auth", "Bearer").level, Level::Breaking);
    assert_eq!(
        find(&r, "Environment::Production", "base URL").level,
        Level::Compatible
    );
    assert_eq!(find(&r, "health.ping()", "route").level, Level::Compatible);
}

#[test]
fn same_shape_under_a_new_name_is_a_rename() {
    let r = report("rename");
    snapshot("rename", &r);
    assert!(
        find(&r, "BankAccount", "renamed to `Account`")
            .what
            .contains("same shape")
    );
    // Renamed while a field changed type: matched by its field names.
    assert!(
        find(&r, "Owner", "renamed to `Holder`")
            .what
            .contains("same fields")
    );
    assert!(!r.changes.iter().any(|c| c.subject == "Holder"));
    // Nested in a renamed type and changed too: found by the place it holds.
    assert!(
        find(&r, "OwnerAddress", "renamed to `HolderAddress`")
            .what
            .contains("takes its place")
    );
    // One enum now stands for another with the same values.
    assert_eq!(
        find(&r, "LegacyStatus", "merged into `Status`").level,
        Level::Breaking
    );
    assert!(
        !r.changes.iter().any(|c| c.subject == "Account"),
        "{}",
        r.markdown("#")
    );
}

#[test]
fn additions_to_non_exhaustive_types_are_compatible() {
    let r = report("additive");
    snapshot("additive", &r);
    for (subject, what) in [
        ("OrderInput.purpose", "optional field added"),
        ("OrderInput.memo", "optional field added"),
        ("OrderInput::purpose", "setter `.purpose()` added"),
        ("OrderInput::memo_null", "setter `.memo_null()` added"),
        ("Order.created_at", "field added"),
        ("Status", "value `refunded` added"),
        ("PaymentMethod", "member `Wallet(Wallet)` added"),
        ("PaymentMethod", "`From<Wallet>` added"),
        ("Wallet", "struct added"),
    ] {
        assert_eq!(find(&r, subject, what).level, Level::Compatible);
    }
    assert_eq!(r.bump(), Bump::Compatible, "{}", r.markdown("#"));
    assert_eq!(r.next_version(), "0.1.1");
}

#[test]
fn the_policy_applies_only_between_non_exhaustive_surfaces() {
    // A surface written before types were `#[non_exhaustive]`: the same additions break
    // struct literals and exhaustive matches, and the switch itself is breaking.
    let mut old = Surface::of(&generated("additive", "old").api);
    for t in old.types.values_mut() {
        t.non_exhaustive = false;
        t.setters.clear();
    }
    let new = Surface::of(&generated("additive", "new").api);
    let r = diff::compare(&old, &new);
    assert_eq!(
        find(&r, "OrderInput", "now `#[non_exhaustive]`").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "OrderInput.purpose", "optional field added").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "Status", "value `refunded` added").level,
        Level::Breaking
    );
    // Losing a setter or a `From` impl is breaking.
    let newer = {
        let mut s = new.clone();
        if let Some(t) = s.types.get_mut("OrderInput") {
            t.setters.remove("note");
        }
        if let Some(t) = s.types.get_mut("PaymentMethod") {
            t.from.retain(|m| m != "Card");
        }
        s
    };
    let r = diff::compare(&new, &newer);
    assert_eq!(
        find(&r, "OrderInput::note", "setter `.note()` removed").level,
        Level::Breaking
    );
    assert_eq!(
        find(&r, "PaymentMethod", "`From<Card>` removed").level,
        Level::Breaking
    );
}

#[test]
fn no_change_means_no_bump() {
    let s = Surface::of(&generated("rename", "old").api);
    let r = diff::compare(&s, &s);
    assert!(r.changes.is_empty());
    assert_eq!(r.bump(), Bump::None);
    assert_eq!(r.next_version(), s.crate_version);
    // The committed form reads back as the same surface.
    assert_eq!(Surface::from_json(&s.to_json()).as_ref(), Ok(&s));
}

#[test]
fn pre_one_versions_bump_minor_for_breaking_and_patch_for_compatible() {
    assert_eq!(diff::next_version("0.3.1", Bump::Breaking), "0.4.0");
    assert_eq!(diff::next_version("0.3.1", Bump::Compatible), "0.3.2");
    assert_eq!(diff::next_version("1.3.1", Bump::Breaking), "2.0.0");
    assert_eq!(diff::next_version("1.3.1", Bump::Compatible), "1.4.0");
    assert_eq!(diff::next_version("0.3.1", Bump::None), "0.3.1");
    assert_eq!(diff::next_version("weird", Bump::Breaking), "weird");
}

// --- The classification against the compiler -------------------------------------

fn scratch() -> PathBuf {
    root().join("target/changes-check")
}

/// Writes the SDK generated from `case/side` and a caller crate with `main_rs` that
/// depends on it, then `cargo check`s the caller. True when it compiles.
fn caller_compiles(case: &str, side: &str, caller: &str, main_rs: &str) -> bool {
    let dir = scratch().join(format!("{case}-{caller}"));
    let sdk = dir.join("sdk");
    let g = generated(case, side);
    let changes = sdkgen::write::diff(&sdk, &g.files, false).unwrap();
    sdkgen::write::apply(&sdk, &g.files, &changes).unwrap();
    let app = dir.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"caller\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nsdk = {{ path = \"../sdk\", package = \"{}\" }}\n\n[workspace]\n",
        g.api.info.crate_name
    );
    std::fs::write(app.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(app.join("src/main.rs"), main_rs).unwrap();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline"])
        .current_dir(&app)
        .env("CARGO_TARGET_DIR", scratch().join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    out.status.success()
}

fn check_against_compiler(case: &str, caller: &str, main_rs: &str, expect: Level) {
    assert!(
        caller_compiles(case, "old", caller, main_rs),
        "{case}/{caller} must compile against the old SDK"
    );
    let compiles = caller_compiles(case, "new", caller, main_rs);
    assert_eq!(
        compiles,
        expect == Level::Compatible,
        "{case}/{caller}: the report calls it {expect:?}, the compiler disagrees"
    );
}

#[test]
fn verdicts_agree_with_the_compiler() {
    let ops = report("operations");
    // Only compatible changes touch `create` apart from the removed 409 variant, which
    // this caller does not name.
    check_against_compiler(
        "operations",
        "create",
        "fn main() {\n    let client = sdk::Client::builder().build().unwrap();\n    let _ = client.items().create(sdk::models::Item::default());\n    let _ = client.items().list().status(\"x\");\n}\n",
        find(&ops, "items.list()", "`status`").level,
    );
    check_against_compiler(
        "operations",
        "archive",
        "fn main() {\n    let client = sdk::Client::builder().build().unwrap();\n    let _ = client.items().create(sdk::models::Item::default());\n}\n",
        find(&ops, "items.create()", "error 422").level,
    );
    check_against_compiler(
        "operations",
        "delete",
        "fn main() {\n    let client = sdk::Client::builder().build().unwrap();\n    let _ = client.items().delete(\"id\");\n}\n",
        find(&ops, "items.delete()", "method removed").level,
    );
    let types = report("types");
    check_against_compiler(
        "types",
        "constructor",
        "fn main() {\n    let _ = sdk::models::OrderInput::new(1).note(\"n\");\n}\n",
        find(&types, "OrderInput::new", "->").level,
    );
    // Code written the way the policy asks (constructor and setters, a union body from
    // its member, wildcard arms, response fields read) survives every addition.
    let additive = report("additive");
    check_against_compiler(
        "additive",
        "builders",
        "fn main() {\n    let client = sdk::Client::builder().build().unwrap();\n    let _ = client.orders().create(sdk::models::OrderInput::new(1).note(\"n\"));\n    let _ = client.payments().create(sdk::models::Card::new(\"4242\"));\n    let paid = matches!(sdk::models::Status::from(\"paid\"), sdk::models::Status::Paid);\n    let status = match sdk::models::Status::from(\"open\") {\n        sdk::models::Status::Open => 1,\n        sdk::models::Status::Unknown(_) => 2,\n        _ => 3,\n    };\n    fn read(o: &sdk::models::Order) -> &str {\n        &o.id\n    }\n    let _ = (paid, status, read);\n}\n",
        if additive.bump() == Bump::Breaking {
            Level::Breaking
        } else {
            Level::Compatible
        },
    );
}
