//! Rust names for things named in a spec: legal, stable and unique.
//!
//! Every name the emitter prints comes from here, so collisions are resolved in one
//! place, deterministically: the first claimant keeps the name, later ones get a numeric
//! suffix in claim order (which follows document order).

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, all editions) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated crate or the prelude already uses.
pub const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "Vec",
    "Box",
    "String",
    "Some",
    "None",
    "Ok",
    "Err",
    "Client",
    "ClientBuilder",
    "Error",
    "Response",
    "RequestOptions",
    "Environment",
    "Value",
    "BTreeMap",
    "Self",
];

/// Why `name`, given verbatim (in the config), cannot be a `snake_case` Rust item name,
/// or `None` when it can.
pub fn snake_ident_problem(name: &str) -> Option<String> {
    let legal = !name.is_empty()
        && name != "_"
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !legal {
        return Some(format!(
            "{name:?} is not a Rust identifier (ASCII letters, digits and `_`, not starting with a digit)"
        ));
    }
    if KEYWORDS.contains(&name) {
        return Some(format!(
            "{name:?} is a Rust keyword; choose another name (such as `{name}_`)"
        ));
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(format!(
            "{name:?} is not snake_case (try `{}`)",
            name.to_snake_case()
        ));
    }
    None
}

/// Why `name`, given verbatim (in the config), cannot be a Rust type name of the
/// generated crate, or `None` when it can.
pub fn type_name_problem(name: &str) -> Option<String> {
    let legal = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    if !legal {
        return Some(format!(
            "{name:?} is not an UpperCamelCase Rust type name (ASCII letters and digits, starting with a capital)"
        ));
    }
    if RESERVED_TYPES.contains(&name) || KEYWORDS.contains(&name) {
        return Some(format!(
            "{name:?} is a name the generated crate already uses; choose another"
        ));
    }
    None
}

/// Splits arbitrary text into alphanumeric words (everything else separates).
fn clean(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `raw` in `UpperCamelCase`, as a part of a longer type name (not checked against
/// reserved names, which only matter for the whole name).
pub fn camel(raw: &str) -> String {
    clean(raw).to_upper_camel_case()
}

/// `UpperCamelCase` type or variant name; never empty, never starts with a digit.
pub fn type_name(raw: &str) -> String {
    let mut s = clean(raw).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if RESERVED_TYPES.contains(&s.as_str()) || KEYWORDS.contains(&s.as_str()) {
        s.push_str("Model");
    }
    s
}

/// `snake_case` field, parameter or method name; keywords and leading digits escaped.
pub fn field_name(raw: &str) -> String {
    let mut s = clean(raw).to_snake_case();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("field_{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A set of names in which each claim gets a unique result.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A scope in which every name of `taken` is already taken.
    pub fn with_taken(taken: BTreeSet<String>) -> Self {
        Self { taken }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`... when it is taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let sep = if wanted.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|i| format!("{wanted}{sep}{i}"))
            .find(|candidate| !self.taken.contains(candidate))
            .inspect(|name| {
                self.taken.insert(name.clone());
            })
            .unwrap_or_default()
    }

    /// Whether `name` is already taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// Normalises a word for noun comparison: lower case, simple English plurals removed.
pub fn singular(word: &str) -> String {
    let w = word.to_ascii_lowercase();
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes"] {
        if w.ends_with(suffix) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && w.len() > 1 {
        return w[..w.len() - 1].to_string();
    }
    w
}

/// The words of an `UpperCamelCase` name (`BankAccountV2` -> `Bank`, `Account`, `V2`).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One English noun in the singular, keeping its case (`Methods` -> `Method`,
/// `Entries` -> `Entry`, `Addresses` -> `Address`); words that only look plural
/// (`Status`, `Address`, `Basis`, `Data`) are kept.
pub fn singular_word(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let keep = ["us", "ss", "is", "ous", "news", "series", "species"];
    if lower.len() < 3 || keep.iter().any(|k| lower.ends_with(k)) {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "zzes"] {
        if lower.ends_with(suffix) {
            return word[..word.len() - 2].to_string();
        }
    }
    match word.strip_suffix('s') {
        Some(stem) => stem.to_string(),
        None => word.to_string(),
    }
}

/// A name whose last word is in the singular: the name of one item of a list.
pub fn singular_name(name: &str) -> String {
    let mut w = words(name);
    if let Some(last) = w.last_mut() {
        *last = singular_word(last);
    }
    w.concat()
}

/// What two words that are the same noun have in common: the word in lower case and
/// in the singular.
fn stem(word: &str) -> String {
    singular_word(&word.to_ascii_lowercase())
}

/// Whether a name uses one word twice (`CustomerCustomerType`, `PayoutFeesFxFee`).
pub fn repeats_a_word(name: &str) -> bool {
    let mut stems: Vec<String> = words(name).iter().map(|w| stem(w)).collect();
    stems.sort_unstable();
    stems.windows(2).any(|pair| pair[0] == pair[1])
}

/// Names for a shape found under `part` (a property, parameter or role) of `parent`,
/// best first, as a person would shorten `{parent}{part}`:
///
/// - leading words of `part` that `parent` already says are dropped
///   (`Customer` + `CustomerType` -> `CustomerType`, `PaymentLink` + `PaymentMethod`
///   -> `PaymentLinkMethod`);
/// - a one-word `part` that `parent` already contains replaces that word
///   (`UpdateStatusRequest` + `Status` -> `UpdateRequestStatus`), unless it is the
///   parent's first word;
/// - the same last word is said once (`PayoutFees` + `FxFee` -> `PayoutFxFee`);
/// - when a word would still repeat, `part` alone comes first if it has several words
///   (`BankAccount` + `IntermediateBank` -> `IntermediateBank`).
///
/// The plain concatenation is always the last candidate.
pub fn joined_names(parent: &str, part: &str) -> Vec<String> {
    // Each word with its stem, so that words are compared without allocating.
    let with_stems = |name: &str| -> Vec<(String, String)> {
        words(name)
            .into_iter()
            .map(|w| {
                let s = stem(&w);
                (w, s)
            })
            .collect()
    };
    let p_all = with_stems(parent);
    let q_all = with_stems(part);
    let mut q = q_all.as_slice();
    while q.len() > 1 && p_all.iter().any(|(_, s)| *s == q[0].1) {
        q = &q[1..];
    }
    let mut p = p_all.clone();
    match q {
        [(_, only)] if p.iter().skip(1).any(|(_, s)| s == only) && p[0].1 != *only => {
            p.retain(|(_, s)| s != only);
        }
        _ => {
            let same_last = matches!((p.last(), q.last()), (Some(a), Some(b)) if a.1 == b.1);
            if same_last && p.len() > 1 {
                p.pop();
            }
        }
    }
    let mut first = String::with_capacity(parent.len() + part.len());
    for (w, _) in p.iter().chain(q) {
        first.push_str(w);
    }
    let qw = &q_all;
    let mut out = Vec::new();
    if repeats_a_word(&first) && qw.len() > 1 && !repeats_a_word(part) {
        out.push(part.to_string());
    }
    out.push(first);
    out.push(format!("{parent}{part}"));
    let mut seen = BTreeSet::new();
    out.retain(|n| !n.is_empty() && seen.insert(n.clone()));
    out
}

/// Marks alternatives inside a `wanted` type name (see [`wanted`]).
const ALT: char = '\u{1f}';
/// Marks the role after the alternatives of a `wanted` type name.
const ROLE: char = '\u{1e}';

/// A wanted type name with fallbacks: the first free alternative is claimed. `role`
/// is the short name nested shapes are named after (`BankAccount` for the
/// `bank_account` property of a long request name), or empty for the claimed name.
pub fn wanted(alternatives: &[String], role: &str) -> String {
    let mut s = alternatives.join(&ALT.to_string());
    if !role.is_empty() {
        s.push(ROLE);
        s.push_str(role);
    }
    s
}

/// The alternatives and the role of a wanted name made by [`wanted`] (a plain name is
/// its only alternative, without a role).
pub fn parse_wanted(w: &str) -> (Vec<&str>, Option<&str>) {
    let (alts, role) = match w.split_once(ROLE) {
        Some((a, r)) => (a, Some(r)),
        None => (w, None),
    };
    (alts.split(ALT).collect(), role)
}

/// The wanted name of one item of a list named `w`: the singular alternatives first,
/// then the plural ones (when the singular names are taken).
pub fn item_wanted(w: &str) -> String {
    let (alts, role) = parse_wanted(w);
    let mut out: Vec<String> = alts.iter().map(|a| singular_name(a)).collect();
    for a in alts {
        if !out.iter().any(|o| o == a) {
            out.push(a.to_string());
        }
    }
    wanted(&out, &role.map(singular_name).unwrap_or_default())
}

/// Applies `f` to every alternative and the role of a wanted name.
pub fn map_wanted(w: &str, f: impl Fn(&str) -> String) -> String {
    let (alts, role) = parse_wanted(w);
    let alts: Vec<String> = alts.into_iter().map(&f).collect();
    wanted(&alts, &role.map(&f).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_field_names_become_legal() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("auto_debit?"), "auto_debit");
        assert_eq!(field_name("3ds"), "field_3ds");
        assert_eq!(field_name("createdAt"), "created_at");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("$$"), "field");
    }

    #[test]
    fn odd_type_names_become_legal() {
        assert_eq!(type_name("payment_link"), "PaymentLink");
        assert_eq!(type_name("3ds-result"), "V3dsResult");
        assert_eq!(type_name("Error"), "ErrorModel");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("USD"), "Usd");
    }

    #[test]
    fn every_made_name_parses_as_an_identifier() {
        let nasty = [
            "type",
            "self",
            "Self",
            "crate",
            "super",
            "_",
            "__",
            "3ds",
            "9",
            "",
            "r#type",
            "fn()",
            "gen",
            "async",
            "dyn",
            "union",
            "Ünïcode",
            "日本",
            "a-b",
            "-",
            "Option",
            "Result",
            "Box",
            "Error",
            "macro_rules",
            "try",
            "abstract",
            "static",
            "'a",
        ];
        for raw in nasty {
            let f = field_name(raw);
            assert!(syn::parse_str::<syn::Ident>(&f).is_ok(), "{raw:?} -> {f:?}");
            assert_eq!(snake_ident_problem(&f), None, "{raw:?} -> {f:?}");
            let t = type_name(raw);
            assert!(syn::parse_str::<syn::Ident>(&t).is_ok(), "{raw:?} -> {t:?}");
        }
    }

    #[test]
    fn config_names_are_checked_not_rewritten() {
        assert_eq!(snake_ident_problem("create_link"), None);
        let bad = snake_ident_problem("create-link").unwrap_or_default();
        assert!(
            bad.contains("\"create-link\" is not a Rust identifier"),
            "{bad}"
        );
        assert!(
            snake_ident_problem("type")
                .unwrap_or_default()
                .contains("keyword")
        );
        assert!(
            snake_ident_problem("self")
                .unwrap_or_default()
                .contains("keyword")
        );
        assert!(snake_ident_problem("2fast").is_some());
        assert_eq!(type_name_problem("OrderStatus"), None);
        for bad in [
            "orderStatus",
            "Order_Status",
            "Error",
            "Self",
            "",
            "2Fast",
            "Ünï",
        ] {
            assert!(type_name_problem(bad).is_some(), "{bad:?}");
        }
        assert!(snake_ident_problem("_").is_some());
        assert!(snake_ident_problem("").is_some());
        assert!(
            snake_ident_problem("createLink")
                .unwrap_or_default()
                .contains("create_link")
        );
    }

    #[test]
    fn collisions_get_deterministic_suffixes() {
        let mut s = Scope::with_reserved(&["Unknown"]);
        assert_eq!(s.claim("Unknown"), "Unknown2");
        assert_eq!(s.claim("A"), "A");
        assert_eq!(s.claim("A"), "A2");
        assert_eq!(s.claim("A"), "A3");
        assert_eq!(s.claim("V1"), "V1");
        assert_eq!(s.claim("V1"), "V1_2");
    }

    #[test]
    fn plurals_are_folded() {
        assert_eq!(singular("Beneficiaries"), "beneficiary");
        assert_eq!(singular("payouts"), "payout");
        assert_eq!(singular("address"), "address");
        assert_eq!(singular("batches"), "batch");
    }

    #[test]
    fn joined_names_drop_repeated_words() {
        let first = |p: &str, q: &str| joined_names(p, q).remove(0);
        assert_eq!(first("Customer", "CustomerType"), "CustomerType");
        assert_eq!(first("Payment", "PaymentMethod"), "PaymentMethod");
        assert_eq!(first("PaymentLink", "PaymentMethods"), "PaymentLinkMethods");
        assert_eq!(first("PayoutFees", "FxFee"), "PayoutFxFee");
        assert_eq!(first("QuoteMethod", "PaymentMethod"), "QuotePaymentMethod");
        assert_eq!(first("BankAccount", "IntermediateBank"), "IntermediateBank");
        assert_eq!(
            first("MockUpdatePayoutStatusRequest", "Status"),
            "MockUpdatePayoutRequestStatus"
        );
        assert_eq!(first("Order", "Status"), "OrderStatus");
        assert_eq!(first("GetPayments", "PaymentType"), "GetPaymentsType");
        // The plain concatenation stays the last resort.
        assert_eq!(
            joined_names("Customer", "CustomerType"),
            ["CustomerType", "CustomerCustomerType"]
        );
        for (p, q) in [
            ("Customer", "CustomerType"),
            ("PayoutFees", "FxFee"),
            ("A", "B"),
        ] {
            assert!(!repeats_a_word(&first(p, q)), "{p} + {q}");
        }
    }

    #[test]
    fn item_names_are_singular() {
        assert_eq!(singular_name("PaymentMethods"), "PaymentMethod");
        assert_eq!(singular_name("OrderEntries"), "OrderEntry");
        assert_eq!(singular_name("Addresses"), "Address");
        assert_eq!(singular_name("PayoutStatus"), "PayoutStatus");
        assert_eq!(singular_name("Batches"), "Batch");
        assert_eq!(singular_name("Data"), "Data");
        assert!(repeats_a_word("PaymentPaymentMethod"));
        assert!(repeats_a_word("PayoutFeesFxFee"));
        assert!(!repeats_a_word("PaymentMethodDetails"));
    }

    #[test]
    fn wanted_names_carry_alternatives_and_a_role() {
        let w = wanted(&["A".into(), "BA".into()], "Role");
        assert_eq!(parse_wanted(&w), (vec!["A", "BA"], Some("Role")));
        assert_eq!(parse_wanted("Plain"), (vec!["Plain"], None));
        let v = map_wanted(&w, |s| format!("{s}Value"));
        assert_eq!(
            parse_wanted(&v),
            (vec!["AValue", "BAValue"], Some("RoleValue"))
        );
    }
}
