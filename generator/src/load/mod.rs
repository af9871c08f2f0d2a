//! Stage 1, loading: file bytes -> JSON value -> 3.1 normalised to 3.0 -> `openapiv3`.
//!
//! openapiv3 models OpenAPI 3.0 only, so every 3.1 construct is rewritten on the JSON
//! value first ([`normalize`]); local `$ref`s are checked here ([`refs`]) so that later
//! stages can assume every reference resolves.

pub mod normalize;
pub mod overlay;
pub mod overrides;
pub mod refs;

use serde_json::Value;

use crate::diag::Diagnostic;

/// A parsed, normalised document.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The typed 3.0 view of the document.
    pub doc: openapiv3::OpenAPI,
    /// The normalised JSON the typed view was parsed from.
    pub raw: Value,
    /// Non-fatal findings so far.
    pub warnings: Vec<Diagnostic>,
}

/// Parses text (YAML or JSON) into a JSON value, with a one-line error on failure.
pub fn parse_text(text: &str) -> Result<Value, Diagnostic> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(text)
            .map_err(|e| Diagnostic::error("#", format!("not valid JSON: {e}")));
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text)
        .map_err(|e| Diagnostic::error("#", format!("not valid YAML or JSON: {e}")))?;
    yaml_to_json(yaml, "#")
}

fn yaml_to_json(v: serde_yaml::Value, at: &str) -> Result<Value, Diagnostic> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Diagnostic::error(at, format!("number {f} cannot be represented in JSON"))
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, x)| yaml_to_json(x, &crate::diag::child(at, &i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, x) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Diagnostic::error(
                            at,
                            format!("mapping key {other:?} is not a string"),
                        ));
                    }
                };
                let value = yaml_to_json(x, &crate::diag::child(at, &key))?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value, at)?,
    })
}

/// Loads a document from text with pointer type overrides only (see [`load_str_with`]).
pub fn load_str(
    text: &str,
    type_overrides: &std::collections::BTreeMap<String, String>,
) -> Result<Loaded, Vec<Diagnostic>> {
    load_str_with(
        text,
        &[],
        &crate::config::TypeRules::default(),
        type_overrides,
    )
}

/// Parses a description and applies overlays to it: the document as the vendor
/// published it plus the local corrections, before any generator-specific rewrite.
pub fn overlaid(
    text: &str,
    overlays: &[overlay::Overlay],
) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut raw = parse_text(text).map_err(|d| vec![d])?;
    let mut warnings = Vec::new();
    for o in overlays {
        warnings.extend(overlay::apply(&mut raw, o)?);
    }
    Ok((raw, warnings))
}

/// Loads a document from text: parse, apply overlays, check it is OpenAPI 3.0/3.1,
/// apply the configured type rules and overrides, normalise, check references, and
/// parse with openapiv3.
pub fn load_str_with(
    text: &str,
    overlays: &[overlay::Overlay],
    type_rules: &crate::config::TypeRules,
    type_overrides: &std::collections::BTreeMap<String, String>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let (mut raw, mut override_warnings) = overlaid(text, overlays)?;
    check_openapi_version(&raw).map_err(|d| vec![d])?;
    override_warnings.extend(overrides::apply(&mut raw, type_rules, type_overrides));
    let mut warnings = override_warnings;
    warnings.extend(normalize::normalize_document(&mut raw));
    let errors = refs::check_refs(&raw);
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(obj) = raw.as_object_mut() {
        // openapiv3 only knows 3.0; the 3.1 constructs it cannot model are rewritten above.
        obj.insert("openapi".into(), Value::String("3.0.3".into()));
    }
    let doc: openapiv3::OpenAPI = match parse_typed::<openapiv3::OpenAPI>(&raw, "#") {
        Ok(doc) => doc,
        Err(shallow) => return Err(vec![locate_parse_error(&raw).unwrap_or(shallow)]),
    };
    warnings.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    Ok(Loaded { doc, raw, warnings })
}

/// Deserialises `value` as `T`, reporting a failure at the deepest pointer serde knows.
fn parse_typed<T: serde::de::DeserializeOwned>(value: &Value, base: &str) -> Result<T, Diagnostic> {
    use serde_path_to_error::Segment;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut pointer = base.to_string();
        for seg in e.path().iter() {
            match seg {
                Segment::Seq { index } => {
                    pointer = crate::diag::child(&pointer, &index.to_string())
                }
                Segment::Map { key } => pointer = crate::diag::child(&pointer, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        Diagnostic::error(
            pointer,
            format!("not a valid OpenAPI document here: {}", e.inner()),
        )
    })
}

/// openapiv3 flattens some maps, which hides where a parse error is; re-parsing the
/// pieces one by one finds the operation or component at fault.
fn locate_parse_error(raw: &Value) -> Option<Diagnostic> {
    use crate::diag::child;
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let at = child("#/paths", path);
            let Some(obj) = item.as_object() else {
                continue;
            };
            for (method, op) in obj {
                let here = child(&at, method);
                let failed = match method.as_str() {
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                        parse_typed::<openapiv3::Operation>(op, &here).err()
                    }
                    _ => None,
                };
                if failed.is_some() {
                    return failed;
                }
            }
            if let Err(d) = parse_typed::<openapiv3::PathItem>(item, &at) {
                return Some(d);
            }
        }
    }
    if let Some(components) = raw.get("components").and_then(Value::as_object) {
        for (section, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for (name, v) in entries {
                let at = child(&child("#/components", section), name);
                let failed = match section.as_str() {
                    "schemas" => {
                        parse_typed::<openapiv3::ReferenceOr<openapiv3::Schema>>(v, &at).err()
                    }
                    "parameters" => {
                        parse_typed::<openapiv3::ReferenceOr<openapiv3::Parameter>>(v, &at).err()
                    }
                    "responses" => {
                        parse_typed::<openapiv3::ReferenceOr<openapiv3::Response>>(v, &at).err()
                    }
                    "requestBodies" => {
                        parse_typed::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(v, &at).err()
                    }
                    _ => None,
                };
                if failed.is_some() {
                    return failed;
                }
            }
        }
    }
    None
}

fn check_openapi_version(raw: &Value) -> Result<(), Diagnostic> {
    let Some(obj) = raw.as_object() else {
        return Err(Diagnostic::error(
            "#",
            "the document is not an object, so not an OpenAPI description",
        ));
    };
    match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => Err(Diagnostic::error(
            "#/openapi",
            format!("OpenAPI version {v} is not supported (3.0.x and 3.1.x are)"),
        )),
        None if obj.contains_key("swagger") => Err(Diagnostic::error(
            "#/swagger",
            "Swagger 2.0 is not supported; convert the document to OpenAPI 3 first",
        )),
        None => Err(Diagnostic::error(
            "#",
            "no `openapi` version field: this is not an OpenAPI description",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn yaml_integer_keys_become_strings() {
        let v = parse_text("responses:\n  200:\n    description: ok\n").unwrap();
        assert!(v.pointer("/responses/200/description").is_some());
    }

    #[test]
    fn garbage_is_a_parse_error_not_a_panic() {
        let e = parse_text("{ not json").unwrap_err();
        assert!(e.message.contains("not valid JSON"), "{e}");
        let e = parse_text("a: [b\n c: :").unwrap_err();
        assert!(e.message.contains("not valid YAML"), "{e}");
    }

    #[test]
    fn non_openapi_documents_are_rejected() {
        let e = load_str("swagger: '2.0'\n", &BTreeMap::new()).unwrap_err();
        assert_eq!(e[0].pointer, "#/swagger");
        let e = load_str("- 1\n- 2\n", &BTreeMap::new()).unwrap_err();
        assert!(e[0].message.contains("not an object"));
        let e = load_str("title: x\n", &BTreeMap::new()).unwrap_err();
        assert!(e[0].message.contains("no `openapi`"));
    }

    #[test]
    fn structural_errors_name_the_pointer() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n";
        let e = load_str(text, &BTreeMap::new()).unwrap_err();
        assert!(e[0].pointer.starts_with("#/paths/~1x/get"), "{}", e[0]);
    }

    #[test]
    fn type_overrides_replace_type_and_drop_format() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Amount: {type: number, format: float}\n";
        let mut o = BTreeMap::new();
        o.insert(
            "#/components/schemas/Amount".to_string(),
            "integer".to_string(),
        );
        let l = load_str(text, &o).unwrap();
        assert_eq!(
            l.raw.pointer("/components/schemas/Amount"),
            Some(&serde_json::json!({"type": "integer"}))
        );
        o.insert(
            "#/components/schemas/Nope".to_string(),
            "integer".to_string(),
        );
        // A stale override is a warning; the document still loads.
        let l = load_str(text, &o).unwrap();
        assert!(
            l.warnings
                .iter()
                .any(|w| w.message.contains("#/components/schemas/Nope"))
        );
    }
}
