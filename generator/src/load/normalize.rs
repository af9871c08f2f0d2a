//! Rewrites OpenAPI 3.1 (JSON Schema 2020-12) constructs into their 3.0 equivalents on
//! the raw JSON value, so that openapiv3 (a 3.0 model) can parse the document without
//! losing meaning. Each rewrite is a small function with its own test.
//!
//! The walk is schema-aware: only values in schema position are rewritten, so a media
//! type's `examples` map or an example payload that happens to contain a `type` key is
//! never touched.

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, child};

/// Normalises every schema of the document in place; returns warnings for constructs
/// that could only be approximated.
pub fn normalize_document(doc: &mut Value) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    walk_non_schema(doc, "#", &mut warnings);
    warnings
}

/// Walks the non-schema parts of the document, handing every schema to [`normalize_schema`].
fn walk_non_schema(v: &mut Value, at: &str, warnings: &mut Vec<Diagnostic>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let here = child(at, key);
                match key.as_str() {
                    // Payloads, not structure: never rewritten.
                    "example" | "examples" | "default" => {}
                    // Vendor extensions are opaque: never read as OpenAPI.
                    k if k.starts_with("x-") => {}
                    "schema" => normalize_schema(value, &here, warnings),
                    "schemas" if at == "#/components" => {
                        if let Value::Object(schemas) = value {
                            for (name, s) in schemas.iter_mut() {
                                normalize_schema(s, &child(&here, name), warnings);
                            }
                        }
                    }
                    _ => walk_non_schema(value, &here, warnings),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk_non_schema(item, &child(at, &i.to_string()), warnings);
            }
        }
        _ => {}
    }
}

/// Normalises one schema and, recursively, its subschemas.
pub fn normalize_schema(v: &mut Value, at: &str, warnings: &mut Vec<Diagnostic>) {
    let Value::Object(schema) = v else {
        // `true`/`false` schemas (3.1) mean "anything" / "nothing"; model both as any.
        if v.is_boolean() {
            *v = Value::Object(Map::new());
        }
        return;
    };
    super::keywords::fix_keyword_types(schema, at, warnings);
    wrap_ref_with_siblings(schema);
    object_beside_composition(schema);
    type_array_to_nullable(schema, at, warnings);
    null_type_to_nullable(schema);
    const_to_enum(schema);
    null_in_enum_to_nullable(schema);
    examples_to_example(schema);
    exclusive_bounds(schema);
    super::keywords::integer_bounds(schema);
    null_branch_to_nullable(schema);

    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(Value::Object(props)) = schema.get_mut(key) {
            let base = child(at, key);
            for (name, s) in props.iter_mut() {
                normalize_schema(s, &child(&base, name), warnings);
            }
        }
    }
    for key in [
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
    ] {
        if let Some(s) = schema.get_mut(key) {
            if key == "additionalProperties" && s.is_boolean() {
                continue;
            }
            if key == "items" && s.is_array() {
                // Draft-4 style tuple `items`: keep the first as the element type.
                continue;
            }
            normalize_schema(s, &child(at, key), warnings);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(list)) = schema.get_mut(key) {
            let base = child(at, key);
            for (i, s) in list.iter_mut().enumerate() {
                normalize_schema(s, &child(&base, &i.to_string()), warnings);
            }
        }
    }
}

/// Keywords that only annotate; a `$ref` beside only these keeps its plain reference.
const ANNOTATIONS: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "$comment",
    "externalDocs",
    "default",
];

/// 3.1 allows `$ref` beside other keywords (3.0 ignores them). When a sibling changes
/// meaning (`required`, `nullable`, `readOnly`, `properties`...), the reference becomes
/// `allOf: [{$ref}]` with the siblings kept, which 3.0 can express.
fn wrap_ref_with_siblings(schema: &mut Map<String, Value>) {
    let Some(reference) = schema.get("$ref").cloned() else {
        return;
    };
    let meaningful = schema
        .keys()
        .any(|k| k != "$ref" && !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
    if !meaningful {
        // A description next to a reference is still useful as the field's doc comment.
        if let Some(desc) = schema.get("description").cloned() {
            schema.insert("x-sdkgen-ref-description".into(), desc);
        }
        schema.retain(|k, _| k == "$ref" || k == "x-sdkgen-ref-description");
        return;
    }
    schema.remove("$ref");
    let mut ref_obj = Map::new();
    ref_obj.insert("$ref".into(), reference);
    match schema.get_mut("allOf") {
        Some(Value::Array(list)) => list.insert(0, Value::Object(ref_obj)),
        _ => {
            schema.insert("allOf".into(), Value::Array(vec![Value::Object(ref_obj)]));
        }
    }
    object_beside_composition(schema);
}

/// Object keywords that openapiv3 drops when they sit beside `allOf`.
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];

/// `{type: object, properties, required, allOf: [...]}`: openapiv3 reads either the
/// type or the composition, never both, so the object part moves into its own `allOf`
/// member. Beside `oneOf`/`anyOf`, a bare `type: object` is dropped.
fn object_beside_composition(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(_)) = schema.get("allOf") {
        let mut member = Map::new();
        for key in OBJECT_KEYWORDS {
            if let Some(v) = schema.remove(*key) {
                member.insert((*key).to_string(), v);
            }
        }
        if schema.get("type").and_then(Value::as_str) == Some("object") {
            schema.remove("type");
        }
        if !member.is_empty() {
            member.insert("type".into(), Value::String("object".into()));
            if let Some(Value::Array(list)) = schema.get_mut("allOf") {
                list.push(Value::Object(member));
            }
        }
    } else if (schema.contains_key("oneOf") || schema.contains_key("anyOf"))
        && schema.get("type").and_then(Value::as_str) == Some("object")
        && !OBJECT_KEYWORDS.iter().any(|k| schema.contains_key(*k))
    {
        schema.remove("type");
    }
}

/// `type: [string, "null"]` -> `type: string, nullable: true`. Several non-null types
/// become an `anyOf` of single-typed schemas.
fn type_array_to_nullable(
    schema: &mut Map<String, Value>,
    at: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    let Some(Value::Array(types)) = schema.get("type").cloned() else {
        return;
    };
    let mut non_null: Vec<Value> = types
        .iter()
        .filter(|t| t.as_str() != Some("null"))
        .cloned()
        .collect();
    if non_null.len() != types.len() {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    match non_null.len() {
        0 => {
            schema.remove("type");
        }
        1 => {
            schema.insert("type".into(), non_null.remove(0));
        }
        _ => {
            schema.remove("type");
            let branches = non_null
                .into_iter()
                .map(|t| {
                    let mut m = Map::new();
                    m.insert("type".into(), t);
                    Value::Object(m)
                })
                .collect();
            schema.insert("anyOf".into(), Value::Array(branches));
            warnings.push(Diagnostic::warning(
                child(at, "type"),
                "several types allowed; modelled as an untagged union of them",
            ));
        }
    }
}

/// `type: "null"` alone: a value that can only be null.
fn null_type_to_nullable(schema: &mut Map<String, Value>) {
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        schema.remove("type");
        schema.insert("nullable".into(), Value::Bool(true));
    }
}

/// `const: x` -> `enum: [x]` (typed from the value when no `type` is given).
fn const_to_enum(schema: &mut Map<String, Value>) {
    let Some(c) = schema.remove("const") else {
        return;
    };
    if !schema.contains_key("type") {
        let ty = match &c {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(t) = ty {
            schema.insert("type".into(), Value::String(t.into()));
        }
    }
    schema
        .entry("enum")
        .or_insert_with(|| Value::Array(vec![c]));
}

/// `enum: [a, b, null]` -> `enum: [a, b], nullable: true`.
fn null_in_enum_to_nullable(schema: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = schema.get_mut("enum") else {
        return;
    };
    let before = values.len();
    values.retain(|v| !v.is_null());
    if values.len() != before {
        schema.insert("nullable".into(), Value::Bool(true));
    }
}

/// Schema-level `examples: [a, ...]` (3.1) -> `example: a` (3.0).
fn examples_to_example(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(list)) = schema.get("examples") {
        let first = list.first().cloned();
        schema.remove("examples");
        if let Some(first) = first {
            schema.entry("example").or_insert(first);
        }
    }
}

/// Numeric `exclusiveMinimum: 5` (3.1) -> `minimum: 5, exclusiveMinimum: true` (3.0).
fn exclusive_bounds(schema: &mut Map<String, Value>) {
    for (excl, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = schema.get(excl).cloned() {
            schema.insert(bound.into(), n);
            schema.insert(excl.into(), Value::Bool(true));
        }
    }
}

/// `oneOf`/`anyOf` with a `{type: "null"}` branch -> the other branches plus `nullable`.
/// Runs after [`null_type_to_nullable`] has turned such a branch into `{nullable: true}`.
fn null_branch_to_nullable(schema: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(list)) = schema.get_mut(key) else {
            continue;
        };
        let before = list.len();
        list.retain(|b| !is_null_only(b));
        if list.len() == before {
            continue;
        }
        schema.insert("nullable".into(), Value::Bool(true));
        if let Some(Value::Array(list)) = schema.get(key) {
            if list.len() == 1 {
                let only = list.clone();
                schema.remove(key);
                schema.insert("allOf".into(), Value::Array(only));
            }
        }
    }
}

fn is_null_only(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            (m.get("type").and_then(Value::as_str) == Some("null"))
                || (m.len() == 1 && m.get("nullable") == Some(&Value::Bool(true)))
                || matches!(m.get("type"), Some(Value::Array(t)) if t.len() == 1 && t[0] == "null")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(mut v: Value) -> Value {
        let mut w = Vec::new();
        normalize_schema(&mut v, "#", &mut w);
        v
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(
            norm(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            norm(json!({"type": ["integer"]})),
            json!({"type": "integer"})
        );
    }

    #[test]
    fn several_types_become_any_of_with_a_warning() {
        let mut v = json!({"type": ["string", "integer", "null"]});
        let mut w = Vec::new();
        normalize_schema(&mut v, "#/x", &mut w);
        assert_eq!(
            v,
            json!({"nullable": true, "anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(w[0].pointer, "#/x/type");
    }

    #[test]
    fn const_becomes_single_value_enum() {
        assert_eq!(
            norm(json!({"const": "payout"})),
            json!({"type": "string", "enum": ["payout"]})
        );
    }

    #[test]
    fn null_in_enum_becomes_nullable() {
        assert_eq!(
            norm(json!({"type": ["integer", "null"], "enum": [1, 3, null]})),
            json!({"type": "integer", "nullable": true, "enum": [1, 3]})
        );
    }

    #[test]
    fn examples_array_becomes_example() {
        assert_eq!(
            norm(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            norm(json!({"examples": [], "example": "x"})),
            json!({"example": "x"})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_flags() {
        assert_eq!(
            norm(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn ref_with_meaningful_siblings_is_wrapped_in_all_of() {
        assert_eq!(
            norm(json!({"$ref": "#/components/schemas/A", "required": ["x"], "nullable": true})),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "required": ["x"]}]})
        );
    }

    #[test]
    fn object_keywords_beside_all_of_become_a_member() {
        assert_eq!(
            norm(
                json!({"type": "object", "properties": {"a": {"type": "string"}}, "allOf": [{"$ref": "#/B"}]})
            ),
            json!({"allOf": [{"$ref": "#/B"}, {"type": "object", "properties": {"a": {"type": "string"}}}]})
        );
        assert_eq!(
            norm(json!({"type": "object", "oneOf": [{"$ref": "#/B"}]})),
            json!({"oneOf": [{"$ref": "#/B"}]})
        );
    }

    #[test]
    fn ref_with_only_annotations_stays_a_reference() {
        assert_eq!(
            norm(json!({"$ref": "#/components/schemas/A", "description": "d", "example": 1})),
            json!({"$ref": "#/components/schemas/A", "x-sdkgen-ref-description": "d"})
        );
    }

    #[test]
    fn null_branch_of_any_of_becomes_nullable() {
        assert_eq!(
            norm(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten_but_payloads_are_not() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"A": {"type": "object", "properties": {"b": {"type": ["string", "null"]}},
                "example": {"type": ["x", "null"]}}}},
            "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "array", "items": {"const": 1}},
                "examples": {"one": {"value": {"type": ["y", "null"]}}}}}}}}}}
        });
        normalize_document(&mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/A/properties/b"),
            Some(&json!({"type": "string", "nullable": true}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/A/example/type"),
            Some(&json!(["x", "null"]))
        );
        let media = "/paths/~1x/get/responses/200/content/application~1json";
        assert_eq!(
            doc.pointer(&format!("{media}/schema/items")),
            Some(&json!({"type": "integer", "enum": [1]}))
        );
        assert_eq!(
            doc.pointer(&format!("{media}/examples/one/value/type")),
            Some(&json!(["y", "null"]))
        );
    }
}
