//! Type corrections from the config, applied to the raw document before normalisation.
//!
//! Rules name what they change by schema and property name (`amount`, `*_amount` on
//! `number` properties become `integer`), so they keep working when a new version of
//! the description moves or renames things; a JSON-pointer override is still possible
//! for the odd one-off. Nothing here fails generation: a pointer that no longer names a
//! schema is a warning with the nearest current match, and a `number` property whose
//! name looks like it needs a rule but that no rule covers is a warning, never a silent
//! `f64`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::config::{TypeRule, TypeRules};
use crate::diag::{Diagnostic, child, unescape_token};

/// `*` matches any run of characters; everything else matches itself (case-insensitive).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    // Iterative matcher with single-star backtracking: linear in practice.
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Where a schema sits, for matching rules.
struct Site<'a> {
    /// JSON pointer of the schema.
    at: &'a str,
    /// Component name of the enclosing `#/components/schemas/<name>`, if any.
    component: Option<&'a str>,
    /// Property name when the schema is a property's value (or its array items).
    property: Option<&'a str>,
    /// Parameter name when the schema is a parameter's `schema` (or its array items).
    parameter: Option<&'a str>,
}

fn declared_types(schema: &Map<String, Value>) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Replaces the declared non-null type; a 3.1 type array keeps its `"null"`. The
/// schema gets `format`, or loses its declared one.
fn retype(schema: &mut Map<String, Value>, to: &str, format: Option<&str>) {
    let new_type = match schema.get("type") {
        Some(Value::Array(types)) => Value::Array(
            types
                .iter()
                .map(|t| {
                    if t == "null" {
                        t.clone()
                    } else {
                        Value::String(to.to_string())
                    }
                })
                .collect(),
        ),
        _ => Value::String(to.to_string()),
    };
    schema.insert("type".into(), new_type);
    match format {
        Some(f) => schema.insert("format".into(), Value::String(f.to_string())),
        None => schema.remove("format"),
    };
}

fn rule_matches(rule: &TypeRule, site: &Site<'_>, types: &[&str]) -> bool {
    if !types.contains(&rule.from.as_str()) {
        return false;
    }
    if rule.except.iter().any(|e| e == site.at) {
        return false;
    }
    if !rule.parameters.is_empty() {
        // A parameter rule names parameters only.
        return site
            .parameter
            .is_some_and(|p| rule.parameters.iter().any(|g| glob(g, p)));
    }
    let component_ok = rule.schemas.is_empty()
        || site
            .component
            .is_some_and(|c| rule.schemas.iter().any(|g| glob(g, c)));
    if rule.properties.is_empty() {
        // A schema rule without properties names the component schemas themselves.
        return !rule.schemas.is_empty() && site.property.is_none() && component_ok;
    }
    component_ok
        && site
            .property
            .is_some_and(|p| rule.properties.iter().any(|g| glob(g, p)))
}

struct Walker<'r> {
    rules: &'r TypeRules,
    applied: Vec<usize>,
    warnings: Vec<Diagnostic>,
}

impl Walker<'_> {
    fn schema(&mut self, v: &mut Value, site: Site<'_>) {
        let Value::Object(schema) = v else {
            return;
        };
        let types = declared_types(schema);
        let rule = self
            .rules
            .rules
            .iter()
            .position(|r| rule_matches(r, &site, &types));
        if let Some(i) = rule {
            let rule = &self.rules.rules[i];
            retype(schema, &rule.to, rule.format.as_deref());
            self.applied[i] += 1;
        } else if types.contains(&"number")
            && site
                .property
                .is_some_and(|p| self.rules.warn_numbers.iter().any(|g| glob(g, p)))
        {
            self.warnings.push(Diagnostic::warning(
                site.at,
                format!(
                    "`number` property `{}` looks like it needs a type rule (it matches `warn_numbers`) but no rule covers it; it stays floating point",
                    site.property.unwrap_or_default()
                ),
            ));
        }
        for key in ["properties", "patternProperties"] {
            if let Some(Value::Object(props)) = schema.get_mut(key) {
                let base = child(site.at, key);
                for (name, s) in props.iter_mut() {
                    let at = child(&base, name);
                    self.schema(
                        s,
                        Site {
                            at: &at,
                            component: site.component,
                            property: Some(name),
                            parameter: None,
                        },
                    );
                }
            }
        }
        if let Some(s) = schema.get_mut("items") {
            let at = child(site.at, "items");
            // The items of an array property share its name (`amounts: [number]`).
            self.schema(
                s,
                Site {
                    at: &at,
                    component: site.component,
                    property: site.property,
                    parameter: site.parameter,
                },
            );
        }
        for key in ["additionalProperties", "not"] {
            if let Some(s) = schema.get_mut(key) {
                let at = child(site.at, key);
                self.schema(
                    s,
                    Site {
                        at: &at,
                        component: site.component,
                        property: None,
                        parameter: None,
                    },
                );
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(list)) = schema.get_mut(key) {
                let base = child(site.at, key);
                for (i, s) in list.iter_mut().enumerate() {
                    let at = child(&base, &i.to_string());
                    self.schema(
                        s,
                        Site {
                            at: &at,
                            component: site.component,
                            property: None,
                            parameter: None,
                        },
                    );
                }
            }
        }
    }

    fn non_schema(&mut self, v: &mut Value, at: &str) {
        match v {
            Value::Object(map) => {
                // A parameter object: its `schema` is matched by the parameter's name.
                let parameter = match (map.get("name"), map.get("in")) {
                    (Some(Value::String(n)), Some(Value::String(_))) => Some(n.clone()),
                    _ => None,
                };
                for (key, value) in map.iter_mut() {
                    let here = child(at, key);
                    match key.as_str() {
                        "example" | "examples" | "default" => {}
                        "schema" => self.schema(
                            value,
                            Site {
                                at: &here,
                                component: None,
                                property: None,
                                parameter: parameter.as_deref(),
                            },
                        ),
                        "schemas" if at == "#/components" => {
                            if let Value::Object(schemas) = value {
                                for (name, s) in schemas.iter_mut() {
                                    let at = child(&here, name);
                                    self.schema(
                                        s,
                                        Site {
                                            at: &at,
                                            component: Some(name),
                                            property: None,
                                            parameter: None,
                                        },
                                    );
                                }
                            }
                        }
                        k if k.starts_with("x-") => {}
                        _ => self.non_schema(value, &here),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.non_schema(item, &child(at, &i.to_string()));
                }
            }
            _ => {}
        }
    }
}

/// Applies the rules and pointer overrides; returns warnings (stale entries, amounts no
/// rule covers). Never fails.
pub fn apply(
    doc: &mut Value,
    rules: &TypeRules,
    pointers: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let mut w = Walker {
        rules,
        applied: vec![0; rules.rules.len()],
        warnings: Vec::new(),
    };
    if !rules.rules.is_empty() || !rules.warn_numbers.is_empty() {
        w.non_schema(doc, "#");
    }
    for (i, n) in w.applied.iter().enumerate() {
        if *n == 0 {
            w.warnings.push(Diagnostic::warning(
                format!("config#/type_rules/rules/{i}"),
                "config: this type rule matches nothing in the description".to_string(),
            ));
        }
    }
    let mut stale = Vec::new();
    for (ptr, ty) in pointers {
        match ptr.strip_prefix('#').and_then(|p| doc.pointer_mut(p)) {
            Some(Value::Object(schema)) => retype(schema, ty, None),
            _ => stale.push(ptr.clone()),
        }
    }
    for ptr in stale {
        let hint = nearest_pointer(doc, &ptr)
            .map(|p| format!("; nearest current schema: `{p}`"))
            .unwrap_or_default();
        w.warnings.push(Diagnostic::warning(
            format!("config#/type_overrides/{}", crate::diag::escape_token(&ptr)),
            format!(
                "stale entry, ignored: `{ptr}` names no schema object in this description{hint}"
            ),
        ));
    }
    w.warnings
}

/// Levenshtein distance over chars, for "did you mean" hints.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate by edit distance, if any is reasonably close.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (distance(wanted, c), c))
        .filter(|(d, _)| *d <= (wanted.chars().count() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// The schema pointer that ends in the same property (or component) name as `stale` and
/// is otherwise closest to it.
fn nearest_pointer(doc: &Value, stale: &str) -> Option<String> {
    let last = stale.rsplit('/').next().map(unescape_token)?;
    let mut candidates = Vec::new();
    collect_named(doc, "#", &last, &mut candidates);
    candidates
        .iter()
        .map(|c| (distance(stale, c), c))
        .min()
        .map(|(_, c)| c.clone())
}

fn collect_named(v: &Value, at: &str, name: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if k == "example" || k == "examples" || k.starts_with("x-") {
                    continue;
                }
                let here = child(at, k);
                if k == name && x.is_object() {
                    out.push(here.clone());
                }
                collect_named(x, &here, name, out);
            }
        }
        Value::Array(list) => {
            for (i, x) in list.iter().enumerate() {
                collect_named(x, &child(at, &i.to_string()), name, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules(yaml: &str) -> TypeRules {
        serde_yaml::from_str(yaml).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn globs() {
        assert!(glob("*_amount", "source_amount"));
        assert!(!glob("*_amount", "amount"));
        assert!(glob("amount", "Amount"));
        assert!(glob("*amount*", "amounts_total"));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXbY"));
        assert!(glob("*", ""));
    }

    #[test]
    fn property_rules_retype_by_name_anywhere_and_keep_null() {
        let mut doc = json!({
            "components": {"schemas": {
                "Payout": {"type": "object", "properties": {
                    "source_amount": {"type": ["number", "null"], "format": "double"},
                    "rate": {"type": "number"},
                    "fees": {"type": "object", "properties": {"amount": {"type": "number"}}},
                    "example": {"type": "number"}
                },
                "example": {"source_amount": 1.5}},
                "Amount": {"type": "number"}
            }},
            "paths": {"/p": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"amount": {"type": "number"}}},
                "example": {"amount": {"type": "number"}}
            }}}}}}
        });
        let r = rules(
            "rules:\n  - {properties: [amount, '*_amount'], from: number, to: integer}\n  - {schemas: [Amount], from: number, to: integer}\n",
        );
        let w = apply(&mut doc, &r, &BTreeMap::new());
        assert!(w.is_empty(), "{w:?}");
        let s = &doc["components"]["schemas"]["Payout"]["properties"];
        assert_eq!(s["source_amount"], json!({"type": ["integer", "null"]}));
        assert_eq!(s["rate"], json!({"type": "number"}));
        assert_eq!(
            s["fees"]["properties"]["amount"],
            json!({"type": "integer"})
        );
        assert_eq!(
            doc["components"]["schemas"]["Amount"],
            json!({"type": "integer"})
        );
        let body = &doc["paths"]["/p"]["post"]["requestBody"]["content"]["application/json"];
        assert_eq!(
            body["schema"]["properties"]["amount"],
            json!({"type": "integer"})
        );
        // Example payloads are data, never rewritten.
        assert_eq!(body["example"]["amount"], json!({"type": "number"}));
        assert_eq!(
            doc["components"]["schemas"]["Payout"]["example"],
            json!({"source_amount": 1.5})
        );
    }

    #[test]
    fn parameter_rules_set_a_format_on_named_parameters_only() {
        let mut doc = json!({
            "components": {
                "parameters": {
                    "Before": {"in": "query", "name": "before", "schema": {"type": "string"}},
                    "Other": {"in": "query", "name": "cursor", "schema": {"type": "string"}}
                },
                "schemas": {"Order": {"type": "object", "properties": {
                    "before": {"type": "string"},
                    "created_at": {"type": "string", "format": "timestamp"}
                }}}
            },
            "paths": {"/o": {"get": {"parameters": [
                {"in": "query", "name": "after", "schema": {"type": ["string", "null"], "format": "x"}},
                {"in": "query", "name": "ids", "schema": {"type": "array", "items": {"type": "string"}}}
            ]}}}
        });
        let r = rules(
            "rules:\n  - {parameters: [before, after], from: string, to: string, format: date-time}\n  - {schemas: [Order], properties: [created_at], from: string, to: string, format: date-time}\n",
        );
        let w = apply(&mut doc, &r, &BTreeMap::new());
        assert!(w.is_empty(), "{w:?}");
        let params = &doc["components"]["parameters"];
        assert_eq!(
            params["Before"]["schema"],
            json!({"type": "string", "format": "date-time"})
        );
        assert_eq!(params["Other"]["schema"], json!({"type": "string"}));
        assert_eq!(
            doc["paths"]["/o"]["get"]["parameters"][0]["schema"],
            json!({"type": ["string", "null"], "format": "date-time"})
        );
        // A property of the same name is not a parameter.
        let order = &doc["components"]["schemas"]["Order"]["properties"];
        assert_eq!(order["before"], json!({"type": "string"}));
        assert_eq!(
            order["created_at"],
            json!({"type": "string", "format": "date-time"})
        );
    }

    #[test]
    fn uncovered_amount_like_numbers_and_unused_rules_warn() {
        let mut doc = json!({"components": {"schemas": {"Fee": {"type": "object", "properties": {
            "fee_total": {"type": "number"}, "rate": {"type": "number"}
        }}}}});
        let r = rules(
            "rules:\n  - {properties: [amount], from: number, to: integer}\nwarn_numbers: ['*fee*', '*amount*']\n",
        );
        let w = apply(&mut doc, &r, &BTreeMap::new());
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(
            w[0].pointer,
            "#/components/schemas/Fee/properties/fee_total"
        );
        assert!(w[1].message.contains("matches nothing"), "{}", w[1].message);
    }

    #[test]
    fn stale_pointers_warn_with_the_nearest_match_and_the_rest_apply() {
        let mut doc = json!({"components": {"schemas": {
            "PayoutV2": {"type": "object", "properties": {"amount": {"type": "number"}}},
            "Refund": {"type": "object", "properties": {"amount": {"type": "number"}}}
        }}});
        let mut p = BTreeMap::new();
        p.insert(
            "#/components/schemas/Payout/properties/amount".to_string(),
            "integer".to_string(),
        );
        p.insert(
            "#/components/schemas/Refund/properties/amount".to_string(),
            "integer".to_string(),
        );
        p.insert(
            "#/components/schemas/Gone".to_string(),
            "integer".to_string(),
        );
        let w = apply(&mut doc, &TypeRules::default(), &p);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w.iter().any(|d| d.message.starts_with(
                "stale entry, ignored: `#/components/schemas/Payout/properties/amount`"
            ) && d.message.contains("PayoutV2/properties/amount")),
            "{w:?}"
        );
        assert!(w.iter().any(|d| d.pointer.ends_with("~1Gone")));
        assert_eq!(
            doc["components"]["schemas"]["Refund"]["properties"]["amount"],
            json!({"type": "integer"})
        );
    }

    #[test]
    fn nearest_names() {
        assert_eq!(
            nearest("createPayin", ["createPayIn", "getPayins"]),
            Some("createPayIn")
        );
        assert_eq!(nearest("zzzzzzzz", ["createPayIn"]), None);
    }
}
