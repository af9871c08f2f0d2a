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

/// Splits arbitrary text into alphanumeric words (everything else separates).
fn clean(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
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
}
