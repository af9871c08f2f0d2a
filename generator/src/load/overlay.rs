//! OpenAPI Overlay 1.0 documents, applied to the raw description before anything else.
//!
//! Local corrections and additions live in an overlay next to the vendor's file, so the
//! file itself stays exactly as published and a vendor update loses nothing. Each
//! action selects nodes with a JSONPath (RFC 9535) `target`, then either removes them
//! or merges `update` into them: objects merge recursively (the update's values win),
//! an array target gets the update appended. An action whose target matches nothing is
//! a warning that names it, since after a vendor update it may have been fixed upstream.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::diag::Diagnostic;

/// An overlay document read from disk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay {
    /// File name, for diagnostics.
    pub name: String,
    /// The document text (YAML or JSON).
    pub text: String,
}

fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (k, v) in u {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(u)) => t.extend(u.iter().cloned()),
        (Value::Array(t), u) => t.push(u.clone()),
        (t, u) => *t = u.clone(),
    }
}

/// Removes the node at a JSON pointer (without the leading `#`).
fn remove_at(doc: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = crate::diag::unescape_token(last);
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&key).is_some(),
        Some(Value::Array(list)) => match key.parse::<usize>() {
            Ok(i) if i < list.len() => {
                list.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// Applies one overlay to `doc`. Errors are problems with the overlay itself (not an
/// overlay, an unparsable target); an action that matches nothing is a warning.
pub fn apply(doc: &mut Value, overlay: &Overlay) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let at = |p: &str| format!("{}#{p}", overlay.name);
    let ov = super::parse_text(&overlay.text).map_err(|d| {
        vec![Diagnostic::error(
            at(""),
            format!("overlay cannot be read: {}", d.message),
        )]
    })?;
    let version = ov
        .get("overlay")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("1.") {
        return Err(vec![Diagnostic::error(
            at("/overlay"),
            format!("not an OpenAPI Overlay 1.x document (`overlay: {version}`)"),
        )]);
    }
    let Some(actions) = ov.get("actions").and_then(Value::as_array) else {
        return Err(vec![Diagnostic::error(
            at("/actions"),
            "an overlay needs an `actions` list",
        )]);
    };
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let here = at(&format!("/actions/{i}"));
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            errors.push(Diagnostic::error(here, "action without a `target`"));
            continue;
        };
        let path = match JsonPath::parse(target) {
            Ok(p) => p,
            Err(e) => {
                errors.push(Diagnostic::error(
                    here,
                    format!("target `{target}` is not a JSONPath: {e}"),
                ));
                continue;
            }
        };
        let mut pointers: Vec<String> = path
            .query_located(doc)
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            let what = action
                .get("description")
                .and_then(Value::as_str)
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            warnings.push(Diagnostic::warning(
                here,
                format!("overlay action{what}: target `{target}` matches nothing in the description; it may be fixed upstream"),
            ));
            continue;
        }
        if action.get("remove").and_then(Value::as_bool) == Some(true) {
            // Later siblings first, so array indexes stay valid.
            pointers.sort();
            pointers.reverse();
            for p in &pointers {
                remove_at(doc, p);
            }
        } else if let Some(update) = action.get("update") {
            for p in &pointers {
                if let Some(node) = doc.pointer_mut(p) {
                    merge(node, update);
                }
            }
        } else {
            errors.push(Diagnostic::error(
                here,
                "action has neither `update` nor `remove: true`",
            ));
        }
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(text: &str) -> Overlay {
        Overlay {
            name: "fix.overlay.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn updates_merge_removes_delete_and_misses_warn() {
        let mut doc = json!({
            "info": {"title": "t", "contact": {"name": "a"}},
            "tags": [{"name": "one"}],
            "paths": {
                "/a": {"get": {"responses": {"200": {"content": {"application/json": {"example": {"email": "REDACTED", "n": 1}}}}}}},
                "/b": {"get": {}}
            }
        });
        let w = apply(
            &mut doc,
            &overlay(
                "overlay: 1.0.0\ninfo: {title: fixes, version: '1'}\nactions:\n  - target: $.info\n    update: {contact: {email: x@example.com}}\n  - target: $.tags\n    update: {name: two}\n  - target: \"$..[?@.email == 'REDACTED']\"\n    update: {email: redacted@example.com}\n  - target: \"$.paths['/b']\"\n    remove: true\n  - target: $.paths['/gone']\n    description: fixed upstream?\n    update: {x: 1}\n",
            ),
        )
        .unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(
            doc["info"]["contact"],
            json!({"name": "a", "email": "x@example.com"})
        );
        assert_eq!(doc["tags"], json!([{"name": "one"}, {"name": "two"}]));
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["example"],
            json!({"email": "redacted@example.com", "n": 1})
        );
        assert!(doc["paths"].get("/b").is_none());
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].pointer, "fix.overlay.yaml#/actions/4");
        assert!(w[0].message.contains("fixed upstream?"), "{}", w[0].message);
    }

    #[test]
    fn a_broken_overlay_is_an_error() {
        let mut doc = json!({});
        assert!(apply(&mut doc, &overlay("openapi: 3.1.0\n")).is_err());
        let e = apply(
            &mut doc,
            &overlay("overlay: 1.0.0\nactions:\n  - target: '$[?'\n    remove: true\n"),
        )
        .unwrap_err();
        assert!(e[0].message.contains("not a JSONPath"), "{e:?}");
    }
}
