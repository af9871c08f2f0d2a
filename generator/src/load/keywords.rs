//! Schema keywords of the wrong JSON type, and numbers the typed model cannot hold.
//!
//! Vendor files contain `readOnly: "true"`, `required: true` on a property, a string
//! where a schema belongs, `minimum: -9223372036854776000` on an integer or
//! `maxLength: 1e3`. None of these should cost the whole SDK: a keyword that can be read
//! as meant is converted (with a warning when the input was wrong), one that cannot is
//! dropped with a warning, and a subschema that is not a schema becomes "any value".

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, child};

/// Keywords whose value is a boolean.
const BOOLEANS: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "uniqueItems",
];
/// Keywords whose value is a string.
const STRINGS: &[&str] = &["format", "pattern", "title", "description"];
/// Keywords whose value is a non-negative integer.
const COUNTS: &[(&str, bool)] = &[
    ("minLength", true),
    ("maxLength", false),
    ("minItems", true),
    ("maxItems", false),
    ("minProperties", true),
    ("maxProperties", false),
];
/// Keywords whose value is one schema.
const ONE_SCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
];
/// Keywords whose value is a map of schemas.
const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];

fn warn(warnings: &mut Vec<Diagnostic>, at: &str, key: &str, msg: String) {
    warnings.push(Diagnostic::warning(child(at, key), msg));
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Fixes keywords of the wrong type in one schema object (not its subschemas' own
/// keywords, but subschema positions holding something that is not a schema).
pub fn fix_keyword_types(
    schema: &mut Map<String, Value>,
    at: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    for key in BOOLEANS {
        match schema.get(*key) {
            None | Some(Value::Bool(_)) => {}
            Some(Value::String(s))
                if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
            {
                let b = s.eq_ignore_ascii_case("true");
                warn(
                    warnings,
                    at,
                    key,
                    format!("`{key}` is the string \"{s}\", read as the boolean {b}"),
                );
                schema.insert((*key).to_string(), Value::Bool(b));
            }
            Some(other) => {
                warn(
                    warnings,
                    at,
                    key,
                    format!(
                        "`{key}` must be a boolean, not {}; ignored",
                        json_type(other)
                    ),
                );
                schema.remove(*key);
            }
        }
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum"] {
        match schema.get(key) {
            None | Some(Value::Bool(_) | Value::Number(_)) => {}
            Some(Value::String(s))
                if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
            {
                let b = s.eq_ignore_ascii_case("true");
                warn(
                    warnings,
                    at,
                    key,
                    format!("`{key}` is the string \"{s}\", read as the boolean {b}"),
                );
                schema.insert(key.to_string(), Value::Bool(b));
            }
            Some(other) => {
                warn(
                    warnings,
                    at,
                    key,
                    format!(
                        "`{key}` must be a boolean or a number, not {}; ignored",
                        json_type(other)
                    ),
                );
                schema.remove(key);
            }
        }
    }
    for key in STRINGS {
        match schema.get(*key) {
            None | Some(Value::String(_)) => {}
            Some(other) => {
                warn(
                    warnings,
                    at,
                    key,
                    format!(
                        "`{key}` must be a string, not {}; ignored",
                        json_type(other)
                    ),
                );
                schema.remove(*key);
            }
        }
    }
    match schema.get_mut("type") {
        None | Some(Value::String(_)) => {}
        Some(Value::Array(types)) => {
            let before = types.len();
            types.retain(Value::is_string);
            if types.len() != before {
                warn(
                    warnings,
                    at,
                    "type",
                    "`type` lists something that is not a type name; ignored".into(),
                );
            }
        }
        Some(other) => {
            let t = json_type(other);
            warn(
                warnings,
                at,
                "type",
                format!("`type` must be a string, not {t}; ignored"),
            );
            schema.remove("type");
        }
    }
    match schema.get_mut("required") {
        None => {}
        Some(Value::Array(names)) => {
            let before = names.len();
            names.retain(Value::is_string);
            if names.len() != before {
                warn(
                    warnings,
                    at,
                    "required",
                    "`required` lists something that is not a property name; ignored".into(),
                );
            }
        }
        Some(Value::String(name)) => {
            let name = name.clone();
            warn(
                warnings,
                at,
                "required",
                format!("`required` must be a list, not a string; read as [\"{name}\"]"),
            );
            schema.insert("required".into(), Value::Array(vec![Value::String(name)]));
        }
        Some(other) => {
            let t = json_type(other);
            warn(
                warnings,
                at,
                "required",
                format!(
                    "`required` must be a list of property names, not {t} (the parent schema's `required` list says which properties are required); ignored"
                ),
            );
            schema.remove("required");
        }
    }
    if let Some(v) = schema.get("enum") {
        if !v.is_array() {
            let t = json_type(v);
            warn(
                warnings,
                at,
                "enum",
                format!("`enum` must be a list, not {t}; ignored"),
            );
            schema.remove("enum");
        }
    }
    match schema.get("discriminator") {
        None => {}
        Some(Value::Object(d)) if d.get("propertyName").is_some_and(Value::is_string) => {
            if let Some(Value::Object(mapping)) = schema
                .get_mut("discriminator")
                .and_then(|d| d.get_mut("mapping"))
            {
                let before = mapping.len();
                mapping.retain(|_, v| v.is_string());
                if mapping.len() != before {
                    warn(
                        warnings,
                        at,
                        "discriminator",
                        "a discriminator mapping value is not a reference string; ignored".into(),
                    );
                }
            } else if schema
                .get("discriminator")
                .and_then(|d| d.get("mapping"))
                .is_some()
            {
                warn(
                    warnings,
                    at,
                    "discriminator",
                    "the discriminator `mapping` is not an object; ignored".into(),
                );
                if let Some(Value::Object(d)) = schema.get_mut("discriminator") {
                    d.remove("mapping");
                }
            }
        }
        Some(_) => {
            warn(
                warnings,
                at,
                "discriminator",
                "the discriminator has no string `propertyName`; ignored".into(),
            );
            schema.remove("discriminator");
        }
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        match schema.get(key) {
            None | Some(Value::Number(_)) => {}
            Some(Value::String(s)) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                let n = s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64);
                warn(
                    warnings,
                    at,
                    key,
                    format!("`{key}` is the string \"{s}\", read as a number"),
                );
                match n {
                    Some(n) => {
                        schema.insert(key.to_string(), Value::Number(n));
                    }
                    None => {
                        schema.remove(key);
                    }
                }
            }
            Some(other) => {
                warn(
                    warnings,
                    at,
                    key,
                    format!(
                        "`{key}` must be a number, not {}; ignored",
                        json_type(other)
                    ),
                );
                schema.remove(key);
            }
        }
    }
    for (key, lower) in COUNTS {
        let Some(v) = schema.get(*key) else {
            continue;
        };
        if v.as_u64().is_some() {
            continue;
        }
        match count(v, *lower) {
            Some(n) => {
                schema.insert((*key).to_string(), Value::from(n));
            }
            None => {
                let t = json_type(v);
                warn(
                    warnings,
                    at,
                    key,
                    format!("`{key}` must be a non-negative integer, not {t} `{v}`; ignored"),
                );
                schema.remove(*key);
            }
        }
    }
    // Subschema positions must hold schemas (objects, or 3.1 booleans).
    for key in ONE_SCHEMA {
        match schema.get(*key) {
            None | Some(Value::Object(_) | Value::Bool(_)) => {}
            Some(Value::Array(list)) if *key == "items" => {
                // Draft-4 tuple `items`: the first entry stands for every element.
                let first = list.first().cloned();
                warn(
                    warnings,
                    at,
                    key,
                    "`items` is a list (a tuple); typed by its first entry".into(),
                );
                match first {
                    Some(s @ (Value::Object(_) | Value::Bool(_))) => {
                        schema.insert("items".into(), s);
                    }
                    _ => {
                        schema.insert("items".into(), Value::Object(Map::new()));
                    }
                }
            }
            Some(other) => {
                let t = json_type(other);
                warn(
                    warnings,
                    at,
                    key,
                    format!("`{key}` must be a schema, not {t}; typed as serde_json::Value"),
                );
                schema.insert((*key).to_string(), Value::Object(Map::new()));
            }
        }
    }
    for key in SCHEMA_MAPS {
        match schema.get_mut(*key) {
            None => {}
            Some(Value::Object(props)) => {
                let base = child(at, key);
                for (name, s) in props.iter_mut() {
                    if !matches!(s, Value::Object(_) | Value::Bool(_)) {
                        warnings.push(Diagnostic::warning(
                            child(&base, name),
                            format!(
                                "not a schema but {}; typed as serde_json::Value",
                                json_type(s)
                            ),
                        ));
                        *s = Value::Object(Map::new());
                    }
                }
            }
            Some(other) => {
                let t = json_type(other);
                warn(
                    warnings,
                    at,
                    key,
                    format!("`{key}` must be a map of schemas, not {t}; ignored"),
                );
                schema.remove(*key);
            }
        }
    }
    for key in SCHEMA_LISTS {
        match schema.get_mut(*key) {
            None => {}
            Some(Value::Array(list)) => {
                let base = child(at, key);
                for (i, s) in list.iter_mut().enumerate() {
                    if !matches!(s, Value::Object(_) | Value::Bool(_)) {
                        warnings.push(Diagnostic::warning(
                            child(&base, &i.to_string()),
                            format!(
                                "not a schema but {}; typed as serde_json::Value",
                                json_type(s)
                            ),
                        ));
                        *s = Value::Object(Map::new());
                    }
                }
                if list.is_empty() {
                    // An empty composition constrains nothing.
                    schema.remove(*key);
                }
            }
            Some(s @ Value::Object(_)) => {
                let one = s.clone();
                *s = Value::Array(vec![one]);
                warn(
                    warnings,
                    at,
                    key,
                    format!(
                        "`{key}` must be a list of schemas, not one schema; read as a list of one"
                    ),
                );
            }
            Some(other) => {
                let t = json_type(other);
                warn(
                    warnings,
                    at,
                    key,
                    format!("`{key}` must be a list of schemas, not {t}; ignored"),
                );
                schema.remove(*key);
            }
        }
    }
}

/// A count keyword (`minLength`...) that is not a plain non-negative integer: a lower
/// bound is rounded up, an upper bound down; negative lower bounds mean nothing.
fn count(v: &Value, lower: bool) -> Option<u64> {
    let f = v.as_f64()?;
    if !f.is_finite() {
        return None;
    }
    let r = if lower { f.ceil() } else { f.floor() };
    if r < 0.0 {
        return lower.then_some(0);
    }
    // Beyond u64 (which no length reaches) an upper bound means nothing.
    if r >= u64::MAX as f64 {
        return if lower { Some(u64::MAX) } else { None };
    }
    Some(r as u64)
}

/// `type: integer` keeps its bounds as 64-bit integers. Bounds outside that range (a
/// YAML `-9223372036854776000` is a float) and fractional bounds are brought into it
/// without changing which integers pass: a lower bound rounds up, an upper bound rounds
/// down (an exclusive flag no longer applies after rounding), a bound beyond every
/// `i64` in its direction is dropped, and a fractional `multipleOf` is dropped.
pub fn integer_bounds(schema: &mut Map<String, Value>) {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for (key, excl, lower) in [
        ("minimum", "exclusiveMinimum", true),
        ("maximum", "exclusiveMaximum", false),
    ] {
        let Some(v) = schema.get(key) else {
            continue;
        };
        if v.is_i64() {
            continue;
        }
        let Some(f) = v.as_f64() else {
            schema.remove(key);
            continue;
        };
        const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
        let r = if lower { f.ceil() } else { f.floor() };
        let fractional = r != f;
        let fixed = if !r.is_finite() || (lower && r < -LIMIT) || (!lower && r >= LIMIT) {
            // Every i64 is on the right side of it: no bound at all.
            None
        } else if r >= LIMIT {
            Some(i64::MAX)
        } else if r < -LIMIT {
            Some(i64::MIN)
        } else {
            Some(r as i64)
        };
        match fixed {
            Some(n) => {
                schema.insert(key.to_string(), Value::from(n));
                if fractional {
                    schema.remove(excl);
                }
            }
            None => {
                schema.remove(key);
                schema.remove(excl);
            }
        }
    }
    if let Some(v) = schema.get("multipleOf") {
        if v.as_i64().is_none_or(|n| n <= 0) {
            schema.remove("multipleOf");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fix(v: Value) -> (Value, Vec<Diagnostic>) {
        let Value::Object(mut m) = v else {
            unreachable!()
        };
        let mut w = Vec::new();
        fix_keyword_types(&mut m, "#/s", &mut w);
        (Value::Object(m), w)
    }

    fn bounds(v: Value) -> Value {
        let Value::Object(mut m) = v else {
            unreachable!()
        };
        integer_bounds(&mut m);
        Value::Object(m)
    }

    #[test]
    fn boolean_strings_are_read_and_other_wrong_types_dropped() {
        let (v, w) = fix(
            json!({"readOnly": "true", "nullable": "FALSE", "deprecated": 1, "description": 5}),
        );
        assert_eq!(v, json!({"readOnly": true, "nullable": false}));
        assert_eq!(w.len(), 4);
        assert!(w.iter().any(|d| d.pointer == "#/s/readOnly"), "{w:?}");
    }

    #[test]
    fn required_true_on_a_property_is_dropped_with_a_warning() {
        let (v, w) = fix(json!({"$ref": "#/components/schemas/A", "required": true}));
        assert_eq!(v, json!({"$ref": "#/components/schemas/A"}));
        assert_eq!(w[0].pointer, "#/s/required");
    }

    #[test]
    fn non_schemas_in_schema_positions_become_any() {
        let (v, w) = fix(
            json!({"properties": {"a": "string", "b": {"type": "string"}, "c": true},
            "items": 3, "allOf": [{"type": "object"}, null], "anyOf": []}),
        );
        assert_eq!(
            v,
            json!({"properties": {"a": {}, "b": {"type": "string"}, "c": true}, "items": {}, "allOf": [{"type": "object"}, {}]})
        );
        let pointers: Vec<&str> = w.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["#/s/items", "#/s/properties/a", "#/s/allOf/1"]);
    }

    #[test]
    fn counts_are_rounded_into_range() {
        let (v, w) = fix(
            json!({"minLength": 1.5, "maxLength": 1e3, "minItems": -2, "maxItems": -1, "maxProperties": "x"}),
        );
        assert_eq!(v, json!({"minLength": 2, "maxLength": 1000, "minItems": 0}));
        assert_eq!(w.len(), 2, "{w:?}");
    }

    #[test]
    fn integer_bounds_beyond_i64_or_fractional_are_brought_into_range() {
        // The YAML/JSON layer reads -9223372036854776000 as a float (-2^63 exactly).
        assert_eq!(
            bounds(
                json!({"type": "integer", "minimum": -9223372036854776000.0_f64, "maximum": 9223372036854776000.0_f64})
            ),
            json!({"type": "integer", "minimum": i64::MIN})
        );
        assert_eq!(
            bounds(
                json!({"type": "integer", "minimum": 0.5, "exclusiveMinimum": true, "maximum": 9.9, "multipleOf": 0.5})
            ),
            json!({"type": "integer", "minimum": 1, "maximum": 9})
        );
        assert_eq!(
            bounds(
                json!({"type": "integer", "minimum": -1e300, "maximum": 18446744073709551615_u64})
            ),
            json!({"type": "integer"})
        );
        assert_eq!(
            bounds(json!({"type": "integer", "minimum": 1e19})),
            json!({"type": "integer", "minimum": i64::MAX})
        );
        // Numbers keep fractional bounds.
        assert_eq!(
            bounds(json!({"type": "number", "minimum": 0.5})),
            json!({"type": "number", "minimum": 0.5})
        );
    }
}
