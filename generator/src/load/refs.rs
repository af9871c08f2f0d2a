//! Makes every `$ref` of the document one that later stages can follow in one step.
//!
//! The walk knows the shape of an OpenAPI document, so it knows what kind of object each
//! reference stands for (schema, parameter, response...). It never enters vendor
//! extensions (`x-...`), example payloads or `webhooks` (requests the API makes, not the
//! SDK), so a `$ref` there is neither resolved nor checked.
//!
//! - A chain of references (`$ref` to a `$ref`, any length) is followed to its end. A
//!   parameter, request body, response or header reference is rewritten to point at the
//!   end of its chain; a schema reference to a component stays as written (a component
//!   that is only a reference is an alias).
//! - A reference whose target is not where later stages look it up (anything but
//!   `#/components/<section>/<name>`), and every path-item and callback reference, is
//!   replaced by a copy of its target; a copy that would contain itself is a cycle.
//! - A defective reference (not a string, external, dangling, a cycle of references) is
//!   a warning with its pointer, and the spot gets a loose fallback: a schema becomes
//!   "any value" (`serde_json::Value`), a request body or response any JSON value, and a
//!   parameter, header, example, link, callback or path item is left out.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, child};

/// What kind of object a position of the document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Schema,
    Parameter,
    RequestBody,
    Response,
    Header,
    Example,
    Link,
    Callback,
    PathItem,
    SecurityScheme,
}

impl Kind {
    /// The `components` section this kind lives in.
    fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::PathItem => "pathItems",
            Kind::SecurityScheme => "securitySchemes",
        }
    }

    /// Later stages resolve references of this kind themselves (one step, into
    /// `components`); the others are copied in place.
    fn resolved_later(self) -> bool {
        !matches!(self, Kind::PathItem | Kind::Callback)
    }

    /// What a defective reference of this kind turns into, for the warning.
    fn fallback_text(self) -> &'static str {
        match self {
            Kind::Schema => "typed as serde_json::Value",
            Kind::RequestBody => "the body is sent as any JSON value",
            Kind::Response => "the body is decoded as serde_json::Value",
            Kind::Parameter => "the parameter is left out",
            Kind::PathItem => "the path is left out",
            _ => "left out",
        }
    }
}

/// Methods of a path item.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords that hold one subschema.
const SUBSCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
];
/// Keywords that hold a map of subschemas.
const SUBSCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords that hold a list of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems", "items"];

/// Marks a list entry left out here; removed by the structural repair.
pub const DROPPED: &str = "x-sdkgen-dropped";

/// Keywords beside a `$ref` that only annotate it.
const ANNOTATIONS: &[&str] = &["description", "summary", "title", "$comment"];

struct Walk<'a> {
    /// The document as read, for resolving references.
    original: &'a Value,
    /// References being copied in, outermost first (cycle detection).
    copying: Vec<String>,
    warnings: Vec<Diagnostic>,
}

/// Repairs every reference of the document (see the module docs); returns the warnings.
pub fn repair_refs(doc: &mut Value) -> Vec<Diagnostic> {
    let original = doc.clone();
    let mut w = Walk {
        original: &original,
        copying: Vec::new(),
        warnings: Vec::new(),
    };
    let Value::Object(root) = doc else {
        return Vec::new();
    };
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        w.map_of(paths, "#/paths", Kind::PathItem);
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for kind in [
            Kind::Schema,
            Kind::Parameter,
            Kind::RequestBody,
            Kind::Response,
            Kind::Header,
            Kind::Example,
            Kind::Link,
            Kind::Callback,
            Kind::PathItem,
            Kind::SecurityScheme,
        ] {
            let at = child("#/components", kind.section());
            if let Some(Value::Object(entries)) = components.get_mut(kind.section()) {
                w.map_of(entries, &at, kind);
            }
        }
    }
    w.warnings
}

/// Resolves a local reference to its target value.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

/// Whether `reference` is `#/components/<section>/<name>` (one token).
fn is_component(reference: &str, section: &str) -> bool {
    reference
        .strip_prefix("#/components/")
        .and_then(|r| r.strip_prefix(section))
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// Where a chain of references ends.
struct ChainEnd<'a> {
    reference: String,
    target: &'a Value,
}

/// Follows `first` through objects that are references themselves (with only
/// annotations beside, for schemas) to the first real definition.
fn follow<'a>(root: &'a Value, first: &str, kind: Kind) -> Result<ChainEnd<'a>, String> {
    let mut seen = BTreeSet::new();
    let mut current = first.to_string();
    loop {
        if !current.starts_with('#') {
            return Err(format!(
                "external reference `{current}` is not supported (bundle the document first)"
            ));
        }
        if !seen.insert(current.clone()) {
            return Err(format!(
                "reference cycle through `{current}`: the chain of `$ref`s never reaches a definition"
            ));
        }
        let Some(target) = resolve(root, &current) else {
            return Err(format!(
                "dangling reference: `{current}` does not exist in the document"
            ));
        };
        let next = target.as_object().and_then(|m| {
            let r = m.get("$ref")?;
            let pure = kind != Kind::Schema
                || m.keys().all(|k| {
                    k == "$ref" || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-")
                });
            pure.then_some(r)
        });
        match next {
            None => {
                return Ok(ChainEnd {
                    reference: current,
                    target,
                });
            }
            Some(Value::String(s)) => current = s.clone(),
            Some(_) => return Err(format!("`{current}` holds a `$ref` that is not a string")),
        }
    }
}

impl Walk<'_> {
    /// Visits every entry of a map of `kind` objects (extensions skipped), removing the
    /// entries whose reference had to be dropped.
    fn map_of(&mut self, map: &mut Map<String, Value>, at: &str, kind: Kind) {
        let mut dropped = Vec::new();
        for (key, v) in map.iter_mut() {
            if key.starts_with("x-") {
                continue;
            }
            if !self.visit(v, &child(at, key), kind) {
                dropped.push(key.clone());
            }
        }
        for key in dropped {
            map.shift_remove(&key);
        }
    }

    /// Visits a list of `kind` objects. A dropped entry is left as a placeholder that
    /// [`super::repair`] removes, so pointers into the list stay those of the document.
    fn list_of(&mut self, list: &mut [Value], at: &str, kind: Kind) {
        for (i, v) in list.iter_mut().enumerate() {
            if !self.visit(v, &child(at, &i.to_string()), kind) {
                *v = json!({ DROPPED: true });
            }
        }
    }

    /// Repairs the reference at `v` if it is one, then walks its children. Returns false
    /// when the spot must be removed from its parent.
    fn visit(&mut self, v: &mut Value, at: &str, kind: Kind) -> bool {
        let Value::Object(map) = v else {
            return true;
        };
        if map.contains_key("$ref") {
            match self.reference(map, at, kind) {
                Fix::Keep => return true,
                Fix::Rewrite(target) => {
                    map.insert("$ref".into(), Value::String(target));
                    return true;
                }
                Fix::Drop => return false,
                Fix::Fallback => {
                    fallback(v, kind);
                    // A schema keeps its other keywords, which may hold references.
                    if kind != Kind::Schema {
                        return true;
                    }
                }
                Fix::Copy { reference, value } => {
                    *v = value;
                    self.copying.push(reference);
                    let keep = self.visit(v, at, kind);
                    self.copying.pop();
                    return keep;
                }
            }
        }
        let Value::Object(map) = v else {
            return true;
        };
        self.children(map, at, kind);
        true
    }

    /// Decides what happens to the reference in `map`.
    fn reference(&mut self, map: &Map<String, Value>, at: &str, kind: Kind) -> Fix {
        let here = child(at, "$ref");
        let Some(Value::String(first)) = map.get("$ref") else {
            return self.defect(here, "`$ref` is not a string".into(), kind);
        };
        let end = match follow(self.original, first, kind) {
            Ok(end) => end,
            Err(_)
                if kind == Kind::Schema
                    && is_component(first, kind.section())
                    && !is_component(at, kind.section())
                    && resolve(self.original, first).is_some() =>
            {
                // The component is a broken chain itself; it is repaired where it is.
                return Fix::Keep;
            }
            Err(msg) => return self.defect(here, msg, kind),
        };
        if kind == Kind::Schema && is_component(first, kind.section()) {
            return Fix::Keep;
        }
        if kind.resolved_later() && is_component(&end.reference, kind.section()) {
            if end.reference != *first {
                return Fix::Rewrite(end.reference);
            }
            return Fix::Keep;
        }
        if self.copying.contains(&end.reference) {
            return self.defect(
                here,
                format!(
                    "`{}` contains a reference to itself that cannot be copied in",
                    end.reference
                ),
                kind,
            );
        }
        let mut value = end.target.clone();
        // The reference's own keywords (a description, 3.1 siblings) win over the target's.
        if let Value::Object(target) = &mut value {
            let siblings: Vec<(&String, &Value)> =
                map.iter().filter(|(k, _)| k.as_str() != "$ref").collect();
            let meaningful = siblings
                .iter()
                .any(|(k, _)| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
            if kind == Kind::Schema && meaningful {
                let mut wrapper: Map<String, Value> = siblings
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let mut all_of = vec![Value::Object(std::mem::take(target))];
                if let Some(Value::Array(existing)) = wrapper.remove("allOf") {
                    all_of.extend(existing);
                }
                wrapper.insert("allOf".into(), Value::Array(all_of));
                value = Value::Object(wrapper);
            } else {
                for (k, v) in siblings {
                    target.insert(k.clone(), v.clone());
                }
            }
        }
        Fix::Copy {
            reference: end.reference,
            value,
        }
    }

    fn defect(&mut self, pointer: String, msg: String, kind: Kind) -> Fix {
        self.warnings.push(Diagnostic::warning(
            pointer,
            format!("{msg}; {}", kind.fallback_text()),
        ));
        match kind {
            Kind::Schema | Kind::RequestBody | Kind::Response => Fix::Fallback,
            _ => Fix::Drop,
        }
    }

    /// Walks the positions below an object of `kind`.
    fn children(&mut self, map: &mut Map<String, Value>, at: &str, kind: Kind) {
        match kind {
            Kind::Schema => self.schema_children(map, at),
            Kind::PathItem => {
                for method in METHODS {
                    if let Some(Value::Object(op)) = map.get_mut(*method) {
                        self.operation(op, &child(at, method));
                    }
                }
                if let Some(Value::Array(params)) = map.get_mut("parameters") {
                    self.list_of(params, &child(at, "parameters"), Kind::Parameter);
                }
            }
            Kind::Parameter | Kind::Header => {
                if let Some(s) = map.get_mut("schema") {
                    self.visit(s, &child(at, "schema"), Kind::Schema);
                }
                self.content(map, at);
                self.sub_map(map, at, "examples", Kind::Example);
            }
            Kind::RequestBody => self.content(map, at),
            Kind::Response => {
                self.sub_map(map, at, "headers", Kind::Header);
                self.content(map, at);
                self.sub_map(map, at, "links", Kind::Link);
            }
            Kind::Callback => {
                let mut dropped = Vec::new();
                for (expr, item) in map.iter_mut() {
                    if expr.starts_with("x-") {
                        continue;
                    }
                    if !self.visit(item, &child(at, expr), Kind::PathItem) {
                        dropped.push(expr.clone());
                    }
                }
                for key in dropped {
                    map.shift_remove(&key);
                }
            }
            Kind::Example | Kind::Link | Kind::SecurityScheme => {}
        }
    }

    fn sub_map(&mut self, map: &mut Map<String, Value>, at: &str, key: &str, kind: Kind) {
        if let Some(Value::Object(entries)) = map.get_mut(key) {
            self.map_of(entries, &child(at, key), kind);
        }
    }

    fn operation(&mut self, op: &mut Map<String, Value>, at: &str) {
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            self.list_of(params, &child(at, "parameters"), Kind::Parameter);
        }
        if let Some(body) = op.get_mut("requestBody") {
            self.visit(body, &child(at, "requestBody"), Kind::RequestBody);
        }
        self.sub_map(op, at, "responses", Kind::Response);
        self.sub_map(op, at, "callbacks", Kind::Callback);
    }

    /// `content`: media types with a schema, examples and encodings.
    fn content(&mut self, map: &mut Map<String, Value>, at: &str) {
        let Some(Value::Object(content)) = map.get_mut("content") else {
            return;
        };
        let at = child(at, "content");
        for (media, m) in content.iter_mut() {
            let Value::Object(m) = m else {
                continue;
            };
            let here = child(&at, media);
            if let Some(s) = m.get_mut("schema") {
                self.visit(s, &child(&here, "schema"), Kind::Schema);
            }
            self.sub_map(m, &here, "examples", Kind::Example);
            if let Some(Value::Object(encodings)) = m.get_mut("encoding") {
                let base = child(&here, "encoding");
                for (prop, e) in encodings.iter_mut() {
                    if let Value::Object(e) = e {
                        self.sub_map(e, &child(&base, prop), "headers", Kind::Header);
                    }
                }
            }
        }
    }

    fn schema_children(&mut self, map: &mut Map<String, Value>, at: &str) {
        for key in SUBSCHEMA {
            if let Some(s @ Value::Object(_)) = map.get_mut(*key) {
                self.visit(s, &child(at, key), Kind::Schema);
            }
        }
        for key in SUBSCHEMA_MAPS {
            if let Some(Value::Object(props)) = map.get_mut(*key) {
                let base = child(at, key);
                for (name, s) in props.iter_mut() {
                    self.visit(s, &child(&base, name), Kind::Schema);
                }
            }
        }
        for key in SUBSCHEMA_LISTS {
            if let Some(Value::Array(list)) = map.get_mut(*key) {
                let base = child(at, key);
                for (i, s) in list.iter_mut().enumerate() {
                    self.visit(s, &child(&base, &i.to_string()), Kind::Schema);
                }
            }
        }
    }
}

/// What to do with one reference.
enum Fix {
    /// Valid as written.
    Keep,
    /// Point the reference at the end of its chain.
    Rewrite(String),
    /// Remove the spot from its parent.
    Drop,
    /// Replace by the kind's loose fallback.
    Fallback,
    /// Replace by this value (a copy of the target) and walk it.
    Copy { reference: String, value: Value },
}

/// Replaces a defective reference at `v` by the fallback for `kind`.
fn fallback(v: &mut Value, kind: Kind) {
    let Value::Object(map) = v else {
        return;
    };
    map.remove("$ref");
    match kind {
        Kind::Schema => {}
        Kind::RequestBody => {
            map.insert(
                "content".into(),
                json!({"application/json": {"schema": {}}}),
            );
        }
        Kind::Response => {
            map.entry("description")
                .or_insert_with(|| Value::String(String::new()));
            map.insert(
                "content".into(),
                json!({"application/json": {"schema": {}}}),
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangling_schema_reference_becomes_any_with_a_warning() {
        let mut doc = json!({"components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/Nope", "description": "d"}}}}}});
        let w = repair_refs(&mut doc);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].pointer, "#/components/schemas/A/properties/b/$ref");
        assert!(w[0].message.contains("dangling"), "{}", w[0]);
        assert_eq!(
            doc.pointer("/components/schemas/A/properties/b"),
            Some(&json!({"description": "d"}))
        );
    }

    #[test]
    fn pure_reference_cycles_fall_back_with_warnings() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"},
            "C": {"properties": {"a": {"$ref": "#/components/schemas/A"}}}}}});
        let w = repair_refs(&mut doc);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w.iter().all(|d| d.message.contains("cycle")), "{w:?}");
        assert_eq!(doc.pointer("/components/schemas/A"), Some(&json!({})));
        // C's reference to A stays: A is a definition now.
        assert_eq!(
            doc.pointer("/components/schemas/C/properties/a/$ref"),
            Some(&json!("#/components/schemas/A"))
        );
    }

    #[test]
    fn recursive_structs_are_kept_and_external_or_non_string_refs_warn() {
        let mut doc = json!({"components": {"schemas": {
            "Node": {"properties": {"next": {"$ref": "#/components/schemas/Node"}}},
            "X": {"$ref": "other.yaml#/X"},
            "Y": {"$ref": 7}}}});
        let w = repair_refs(&mut doc);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].message.contains("external"), "{}", w[0]);
        assert!(w[1].message.contains("not a string"), "{}", w[1]);
        assert_eq!(
            doc.pointer("/components/schemas/Node/properties/next/$ref"),
            Some(&json!("#/components/schemas/Node"))
        );
        assert_eq!(doc.pointer("/components/schemas/X"), Some(&json!({})));
    }

    #[test]
    fn references_in_extensions_examples_and_webhooks_are_ignored() {
        let mut doc = json!({
            "x-topics": [{"content": {"$ref": "./docs/intro.md"}}],
            "webhooks": {"w": {"$ref": "#/nowhere"}},
            "paths": {"/a": {"get": {"x-meta": {"$ref": "nope"}, "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"example": {"$ref": "not a ref"}}}}}}}}
        });
        let before = doc.clone();
        assert!(repair_refs(&mut doc).is_empty());
        assert_eq!(doc, before);
    }

    #[test]
    fn parameter_chains_are_rewritten_to_their_end() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/P1"}]}}},
            "components": {"parameters": {
                "P1": {"$ref": "#/components/parameters/P2"},
                "P2": {"$ref": "#/components/parameters/P3"},
                "P3": {"name": "q", "in": "query", "schema": {"type": "string"}}}}
        });
        assert!(repair_refs(&mut doc).is_empty());
        assert_eq!(
            doc.pointer("/paths/~1a/get/parameters/0"),
            Some(&json!({"$ref": "#/components/parameters/P3"}))
        );
    }

    #[test]
    fn path_item_and_non_component_references_are_copied_in() {
        let mut doc = json!({
            "paths": {
                "/a": {"$ref": "#/components/pathItems/A", "summary": "mine"},
                "/b": {"get": {"parameters": [{"$ref": "#/paths/~1c/get/parameters/0"}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/S/properties/x"}}}}}}},
                "/c": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}}
            },
            "components": {
                "pathItems": {"A": {"summary": "theirs", "get": {"responses": {"204": {"$ref": "#/components/responses/Empty"}}}}},
                "responses": {"Empty": {"description": "nothing"}},
                "schemas": {"S": {"properties": {"x": {"type": "integer"}}}}
            }
        });
        assert!(repair_refs(&mut doc).is_empty());
        assert_eq!(
            doc.pointer("/paths/~1a"),
            Some(
                &json!({"summary": "mine", "get": {"responses": {"204": {"$ref": "#/components/responses/Empty"}}}})
            )
        );
        assert_eq!(
            doc.pointer("/paths/~1b/get/parameters/0/name"),
            Some(&json!("q"))
        );
        assert_eq!(
            doc.pointer("/paths/~1b/get/responses/200/content/application~1json/schema"),
            Some(&json!({"type": "integer"}))
        );
    }

    #[test]
    fn self_containing_copies_are_cycles() {
        let mut doc = json!({"components": {"schemas": {"S": {"properties": {
            "x": {"properties": {"again": {"$ref": "#/components/schemas/S/properties/x"}}},
            "y": {"$ref": "#/components/schemas/S/properties/x"}}}}}});
        let w = repair_refs(&mut doc);
        assert!(!w.is_empty());
        assert!(w.iter().all(|d| d.message.contains("itself")), "{w:?}");
    }

    #[test]
    fn defective_non_schema_references_fall_back_by_kind() {
        let mut doc = json!({"paths": {"/a": {"post": {
            "parameters": [{"$ref": "#/components/parameters/Gone"}, {"name": "k", "in": "query"}],
            "requestBody": {"$ref": "#/components/requestBodies/Gone"},
            "responses": {"200": {"$ref": "https://example.com/r.yaml"}}}}}});
        let w = repair_refs(&mut doc);
        assert_eq!(w.len(), 3, "{w:?}");
        let op = doc.pointer("/paths/~1a/post").unwrap();
        assert_eq!(
            op["parameters"],
            json!([{DROPPED: true}, {"name": "k", "in": "query"}])
        );
        assert_eq!(
            op["requestBody"],
            json!({"content": {"application/json": {"schema": {}}}})
        );
        assert_eq!(
            op["responses"]["200"],
            json!({"description": "", "content": {"application/json": {"schema": {}}}})
        );
    }
}
