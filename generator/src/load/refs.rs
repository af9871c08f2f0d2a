//! Checks every `$ref` of the document before anything else relies on it: a reference
//! must be local (`#/...`), must point at something, and a chain of pure references must
//! not loop back on itself (that names no type at all).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diag::{Diagnostic, child};

/// Returns one error per dangling, external or cyclic reference.
pub fn check_refs(doc: &Value) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    collect(doc, doc, "#", &mut errors);
    errors
}

fn collect(root: &Value, v: &Value, at: &str, errors: &mut Vec<Diagnostic>) {
    match v {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref") {
                let here = child(at, "$ref");
                match r.as_str() {
                    None => errors.push(Diagnostic::error(here, "`$ref` is not a string")),
                    Some(target) => {
                        if let Err(msg) = resolve_chain(root, target) {
                            errors.push(Diagnostic::error(here, msg));
                        }
                    }
                }
            }
            for (k, x) in map {
                // Example payloads may legitimately contain a "$ref" key.
                if k == "example" || k == "examples" {
                    continue;
                }
                collect(root, x, &child(at, k), errors);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                collect(root, x, &child(at, &i.to_string()), errors);
            }
        }
        _ => {}
    }
}

/// Resolves a local reference to its target value.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

/// Follows a chain of pure references (`{$ref}` objects) to its end.
fn resolve_chain(root: &Value, first: &str) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    let mut current = first.to_string();
    loop {
        if !current.starts_with("#/") && current != "#" {
            return Err(format!(
                "external reference `{current}` is not supported; bundle the document first"
            ));
        }
        if !seen.insert(current.clone()) {
            return Err(format!(
                "reference cycle through `{current}`: the chain of `$ref`s never reaches a schema"
            ));
        }
        let Some(target) = resolve(root, &current) else {
            return Err(format!(
                "dangling reference: `{current}` does not exist in the document"
            ));
        };
        match target
            .as_object()
            .and_then(|m| m.get("$ref"))
            .and_then(Value::as_str)
        {
            Some(next) if target.as_object().is_some_and(|m| m.len() == 1) => {
                current = next.to_string()
            }
            _ => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dangling_reference_names_its_pointer() {
        let doc = json!({"components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/Nope"}}}}}});
        let e = check_refs(&doc);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].pointer, "#/components/schemas/A/properties/b/$ref");
        assert!(e[0].message.contains("dangling"));
    }

    #[test]
    fn pure_reference_cycles_are_errors() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}});
        let e = check_refs(&doc);
        assert!(e.iter().all(|d| d.message.contains("cycle")), "{e:?}");
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn recursive_structs_are_fine_and_external_refs_are_not() {
        let doc = json!({"components": {"schemas": {
            "Node": {"properties": {"next": {"$ref": "#/components/schemas/Node"}}},
            "X": {"$ref": "other.yaml#/X"}}}});
        let e = check_refs(&doc);
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("external"));
    }
}
