//! Stage 1, loading: file bytes -> JSON value -> 3.1 normalised to 3.0 -> `openapiv3`.
//!
//! openapiv3 models OpenAPI 3.0 only, so every 3.1 construct is rewritten on the JSON
//! value first ([`normalize`]); local `$ref`s are checked here ([`refs`]) so that later
//! stages can assume every reference resolves.

pub mod keywords;
pub mod normalize;
pub mod overlay;
pub mod overrides;
pub mod refs;
pub mod repair;
pub mod yaml;

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
///
/// JSON that serde_json refuses only for a number beyond `f64` (`1e400`) is read by the
/// YAML reader, a JSON superset; see [`yaml`] for how numbers and keys are read.
pub fn parse_text(text: &str) -> Result<Value, Diagnostic> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        match serde_json::from_str(text) {
            Ok(v) => return Ok(v),
            Err(e) if e.to_string().contains("number out of range") => {}
            Err(e) => return Err(Diagnostic::error("#", format!("not valid JSON: {e}"))),
        }
    }
    serde_yaml::from_str::<yaml::Json>(text)
        .map(|j| j.0)
        .map_err(|e| Diagnostic::error("#", format!("not valid YAML or JSON: {e}")))
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

/// [`load_str_with`] through the cache (when [`crate::cache::enable`]d): a description
/// loaded before with the same overlays, type corrections and generator build is read
/// back as the JSON it was loaded into, with its warnings, instead of being parsed and
/// rewritten again. Failures are not stored: a description that fails to load fails the
/// same way every time.
pub fn load_str_cached(
    text: &str,
    overlays: &[overlay::Overlay],
    type_rules: &crate::config::TypeRules,
    type_overrides: &std::collections::BTreeMap<String, String>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let settings = format!("{overlays:?}\n{type_rules:?}\n{type_overrides:?}");
    let Some(key) = crate::cache::load_key(&[text, &settings]) else {
        return load_str_with(text, overlays, type_rules, type_overrides);
    };
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Entry<W, R> {
        warnings: W,
        raw: R,
    }
    if let Some(entry) = crate::cache::read_load_entry(key) {
        if let Ok(Entry { warnings, raw }) =
            serde_json::from_str::<Entry<Vec<Diagnostic>, Value>>(&entry)
        {
            if let Ok(doc) = parse_typed::<openapiv3::OpenAPI>(&raw, "#") {
                crate::cache::count_load_reused();
                return Ok(Loaded { doc, raw, warnings });
            }
        }
    }
    let loaded = load_str_with(text, overlays, type_rules, type_overrides)?;
    let entry = Entry {
        warnings: &loaded.warnings,
        raw: &loaded.raw,
    };
    if let Ok(json) = serde_json::to_string(&entry) {
        crate::cache::write_load_entry(key, &json);
    }
    Ok(loaded)
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
/// apply the configured type rules and overrides, repair references and structure,
/// normalise, and parse with openapiv3.
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
    warnings.extend(refs::repair_refs(&mut raw));
    warnings.extend(repair::repair_structure(&mut raw));
    warnings.extend(normalize::normalize_document(&mut raw));
    if let Some(obj) = raw.as_object_mut() {
        // openapiv3 only knows 3.0; the 3.1 constructs it cannot model are rewritten above.
        obj.insert("openapi".into(), Value::String("3.0.3".into()));
    }
    // What the repairs above did not foresee is contained where it is: the smallest
    // piece that fails on its own is loosened or left out, with a warning, and the
    // document is parsed again. Each round removes or replaces one piece.
    let mut rounds = 0;
    let doc: openapiv3::OpenAPI = loop {
        match parse_typed::<openapiv3::OpenAPI>(&raw, "#") {
            Ok(doc) => break doc,
            Err(shallow) => {
                rounds += 1;
                match repair::isolate(&mut raw, &piece_error) {
                    repair::Isolated::Fixed(d) if rounds <= MAX_ISOLATED => warnings.push(d),
                    _ => return Err(vec![locate_parse_error(&raw).unwrap_or(shallow)]),
                }
            }
        }
    };
    warnings.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    Ok(Loaded { doc, raw, warnings })
}

/// Pieces [`repair::isolate`] may loosen or remove before the document counts as unreadable.
const MAX_ISOLATED: usize = 500;

/// Why `v` does not parse as `piece`, if it does not.
fn piece_error(piece: repair::Piece, v: &Value) -> Option<String> {
    use openapiv3::ReferenceOr;
    use repair::Piece;
    use serde::Deserialize;
    let r = match piece {
        Piece::Schema => ReferenceOr::<openapiv3::Schema>::deserialize(v).err(),
        Piece::Parameter => ReferenceOr::<openapiv3::Parameter>::deserialize(v).err(),
        Piece::Response => ReferenceOr::<openapiv3::Response>::deserialize(v).err(),
        Piece::RequestBody => ReferenceOr::<openapiv3::RequestBody>::deserialize(v).err(),
        Piece::Header => ReferenceOr::<openapiv3::Header>::deserialize(v).err(),
        Piece::Operation => openapiv3::Operation::deserialize(v).err(),
        Piece::PathItem => ReferenceOr::<openapiv3::PathItem>::deserialize(v).err(),
    };
    r.map(|e| e.to_string())
}

/// Deserialises `value` as `T`, reporting a failure at the deepest pointer serde knows.
fn parse_typed<T: serde::de::DeserializeOwned>(value: &Value, base: &str) -> Result<T, Diagnostic> {
    use serde_path_to_error::Segment;
    // Tracking the path slows every parse down; it is only needed to report a failure.
    if let Ok(v) = T::deserialize(value) {
        return Ok(v);
    }
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
    fn structural_defects_are_warnings_with_their_pointer() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n";
        let l = load_str(text, &BTreeMap::new()).unwrap();
        assert_eq!(l.warnings[0].pointer, "#/paths/~1x/get/responses");
        assert_eq!(l.doc.operations().count(), 1);
    }

    #[test]
    fn a_piece_no_repair_foresaw_is_isolated_not_fatal() {
        // `style` on a media-type encoding must be a known style; openapiv3 rejects the
        // whole document otherwise. Only the response holding it is loosened.
        let text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"multipart/form-data": {"schema": {"type": "object"}, "encoding": {"a": {"style": 5}}}}}}}, "post": {"responses": {}}}}}"#;
        let l = load_str(text, &BTreeMap::new()).unwrap();
        assert_eq!(l.doc.operations().count(), 2);
        assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
        assert_eq!(l.warnings[0].pointer, "#/paths/~1x/get/responses/200");
    }

    #[test]
    fn huge_and_fractional_integer_bounds_load() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        n: {type: integer, minimum: -9223372036854776000, maximum: 1.0e30}\n        m: {type: integer, minimum: 0.5, maxLength: 2.5}\n";
        let l = load_str(text, &BTreeMap::new()).unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        assert_eq!(
            l.raw.pointer("/components/schemas/A/properties/n"),
            Some(&serde_json::json!({"type": "integer", "minimum": i64::MIN}))
        );
        assert_eq!(
            l.raw.pointer("/components/schemas/A/properties/m/minimum"),
            Some(&serde_json::json!(1))
        );
    }

    #[test]
    fn json_numbers_beyond_f64_load() {
        let text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"A": {"type": "number", "maximum": 1e400}}}}"#;
        let l = load_str(text, &BTreeMap::new()).unwrap();
        assert!(l.raw.pointer("/components/schemas/A").is_some());
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
