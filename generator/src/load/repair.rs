//! Structural repairs before the typed parse, so that a document that is valid 3.1 (no
//! `paths`, operations without `responses`) or has a vendor defect an SDK can live with
//! still loads. Valid constructs are filled in silently; a defect is a warning with its
//! JSON pointer and the smallest part around it is left out or loosened.
//!
//! [`isolate`] is the last line: when the typed parse still fails, it finds the smallest
//! piece that fails on its own (a subschema, a parameter, a response, an operation) and
//! replaces or removes it with a warning, so one unreadable spot never costs the SDK.

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, child};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const LOCATIONS: &[&str] = &["query", "header", "path", "cookie"];
const STYLES: &[&str] = &[
    "matrix",
    "label",
    "form",
    "simple",
    "spaceDelimited",
    "pipeDelimited",
    "deepObject",
];

fn warn(w: &mut Vec<Diagnostic>, at: &str, msg: impl Into<String>) {
    w.push(Diagnostic::warning(at, msg));
}

/// Reads `"true"`/`"false"` strings as booleans; drops other non-booleans.
fn boolean(map: &mut Map<String, Value>, key: &str, at: &str, w: &mut Vec<Diagnostic>) {
    match map.get(key) {
        None | Some(Value::Bool(_)) => {}
        Some(Value::String(s)) if s == "true" || s == "false" => {
            let b = s == "true";
            warn(
                w,
                &child(at, key),
                format!("`{key}` is a string; read as {b}"),
            );
            map.insert(key.into(), Value::Bool(b));
        }
        Some(_) => {
            warn(
                w,
                &child(at, key),
                format!("`{key}` is not a boolean; ignored"),
            );
            map.remove(key);
        }
    }
}

/// Drops `key` unless it is a string.
fn string(map: &mut Map<String, Value>, key: &str, at: &str, w: &mut Vec<Diagnostic>) {
    if map.get(key).is_some_and(|v| !v.is_string()) {
        warn(
            w,
            &child(at, key),
            format!("`{key}` is not a string; ignored"),
        );
        map.remove(key);
    }
}

/// Drops `key` unless its value satisfies `ok`.
fn shape(
    map: &mut Map<String, Value>,
    key: &str,
    at: &str,
    w: &mut Vec<Diagnostic>,
    ok: fn(&Value) -> bool,
    what: &str,
) {
    if map.get(key).is_some_and(|v| !ok(v)) {
        warn(
            w,
            &child(at, key),
            format!("`{key}` is not {what}; ignored"),
        );
        map.remove(key);
    }
}

fn external_docs(map: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    shape(
        map,
        "externalDocs",
        at,
        w,
        |v| v.get("url").is_some_and(Value::is_string),
        "an object with a `url`",
    );
}

/// Repairs the document's structure; returns the warnings.
pub fn repair_structure(doc: &mut Value) -> Vec<Diagnostic> {
    let mut w = Vec::new();
    let Value::Object(root) = doc else {
        return w;
    };
    match root.get_mut("info") {
        Some(Value::Object(info)) => {
            for key in ["title", "version"] {
                match info.get(key) {
                    Some(Value::String(_)) => {}
                    Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                        let s = v.to_string();
                        warn(
                            &mut w,
                            &child("#/info", key),
                            format!("`{key}` is not a string; read as \"{s}\""),
                        );
                        info.insert(key.into(), Value::String(s));
                    }
                    _ => {
                        let fill = if key == "title" { "API" } else { "0.0.0" };
                        warn(
                            &mut w,
                            &child("#/info", key),
                            format!("no `{key}` string; \"{fill}\" is used"),
                        );
                        info.insert(key.into(), Value::String(fill.into()));
                    }
                }
            }
        }
        _ => {
            warn(
                &mut w,
                "#/info",
                "no `info` object; title \"API\" and version \"0.0.0\" are used",
            );
            root.insert("info".into(), json!({"title": "API", "version": "0.0.0"}));
        }
    }
    servers(root, "#", &mut w);
    external_docs(root, "#", &mut w);
    shape(root, "security", "#", &mut w, Value::is_array, "a list");
    match root.get_mut("tags") {
        Some(Value::Array(tags)) => {
            let before = tags.len();
            tags.retain(|t| t.get("name").is_some_and(Value::is_string));
            if tags.len() != before {
                warn(&mut w, "#/tags", "a tag without a `name` string is ignored");
            }
            for t in tags.iter_mut() {
                if let Value::Object(t) = t {
                    external_docs(t, "#/tags", &mut w);
                    string(t, "description", "#/tags", &mut w);
                }
            }
        }
        None => {}
        Some(_) => {
            warn(&mut w, "#/tags", "`tags` is not a list; ignored");
            root.remove("tags");
        }
    }
    match root.get_mut("paths") {
        // 3.1: a document may describe only webhooks or components.
        None => {
            root.insert("paths".into(), Value::Object(Map::new()));
        }
        Some(Value::Object(paths)) => {
            let mut dropped = Vec::new();
            for (path, item) in paths.iter_mut() {
                if path.starts_with("x-") {
                    continue;
                }
                let at = child("#/paths", path);
                match item {
                    Value::Object(item) => path_item(item, &at, &mut w),
                    _ => {
                        warn(
                            &mut w,
                            &at,
                            "the path item is not an object; the path is left out",
                        );
                        dropped.push(path.clone());
                    }
                }
            }
            for p in dropped {
                paths.shift_remove(&p);
            }
        }
        Some(_) => {
            warn(
                &mut w,
                "#/paths",
                "`paths` is not an object; no operations are read",
            );
            root.insert("paths".into(), Value::Object(Map::new()));
        }
    }
    if let Some(components) = root.get_mut("components") {
        match components {
            Value::Object(c) => components_section(c, &mut w),
            _ => {
                warn(
                    &mut w,
                    "#/components",
                    "`components` is not an object; ignored",
                );
                root.remove("components");
            }
        }
    }
    w
}

fn servers(map: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    let here = child(at, "servers");
    match map.get_mut("servers") {
        None => {}
        Some(Value::Array(list)) => {
            let before = list.len();
            list.retain(|s| s.get("url").is_some_and(Value::is_string));
            if list.len() != before {
                warn(w, &here, "a server without a `url` string is ignored");
            }
            for (i, s) in list.iter_mut().enumerate() {
                let Some(Value::Object(vars)) = s.get_mut("variables") else {
                    continue;
                };
                for (name, var) in vars.iter_mut() {
                    let vat = child(&child(&child(&here, &i.to_string()), "variables"), name);
                    let Value::Object(var) = var else {
                        warn(
                            w,
                            &vat,
                            "the server variable is not an object; its value is empty",
                        );
                        *var = json!({"default": ""});
                        continue;
                    };
                    shape(var, "enum", &vat, w, Value::is_array, "a list");
                    if !var.get("default").is_some_and(Value::is_string) {
                        let fill = var
                            .get("enum")
                            .and_then(|e| e.get(0))
                            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                            .unwrap_or_default();
                        warn(
                            w,
                            &child(&vat, "default"),
                            format!("no `default` string; \"{fill}\" is used"),
                        );
                        var.insert("default".into(), Value::String(fill));
                    }
                    if let Some(Value::Array(e)) = var.get_mut("enum") {
                        for v in e.iter_mut() {
                            if !v.is_string() {
                                *v = Value::String(v.to_string());
                            }
                        }
                    }
                }
            }
        }
        Some(_) => {
            warn(w, &here, "`servers` is not a list; ignored");
            map.remove("servers");
        }
    }
}

fn path_item(item: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    servers(item, at, w);
    string(item, "summary", at, w);
    string(item, "description", at, w);
    parameters(item, at, w);
    for method in METHODS {
        match item.get_mut(*method) {
            None => {}
            Some(Value::Object(op)) => operation(op, &child(at, method), w),
            Some(_) => {
                warn(
                    w,
                    &child(at, method),
                    "the operation is not an object; left out",
                );
                item.remove(*method);
            }
        }
    }
}

fn operation(op: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    string(op, "operationId", at, w);
    string(op, "summary", at, w);
    string(op, "description", at, w);
    boolean(op, "deprecated", at, w);
    external_docs(op, at, w);
    servers(op, at, w);
    shape(op, "security", at, w, Value::is_array, "a list");
    match op.get_mut("tags") {
        None => {}
        Some(Value::Array(tags)) => {
            let before = tags.len();
            tags.retain(Value::is_string);
            if tags.len() != before {
                warn(
                    w,
                    &child(at, "tags"),
                    "a tag that is not a string is ignored",
                );
            }
        }
        Some(_) => {
            warn(w, &child(at, "tags"), "`tags` is not a list; ignored");
            op.remove("tags");
        }
    }
    parameters(op, at, w);
    match op.get_mut("requestBody") {
        None => {}
        Some(Value::Object(body)) => request_body(body, &child(at, "requestBody"), w),
        Some(_) => {
            warn(
                w,
                &child(at, "requestBody"),
                "the request body is not an object; left out",
            );
            op.remove("requestBody");
        }
    }
    match op.get_mut("responses") {
        // 3.1: `responses` is optional.
        None => {
            op.insert("responses".into(), Value::Object(Map::new()));
        }
        Some(Value::Object(responses)) => {
            let base = child(at, "responses");
            let mut dropped = Vec::new();
            for (code, r) in responses.iter_mut() {
                if code.starts_with("x-") {
                    continue;
                }
                let here = child(&base, code);
                match r {
                    Value::Object(r) => response(r, &here, w),
                    _ => {
                        warn(w, &here, "the response is not an object; left out");
                        dropped.push(code.clone());
                    }
                }
            }
            for c in dropped {
                responses.shift_remove(&c);
            }
        }
        Some(_) => {
            warn(
                w,
                &child(at, "responses"),
                "`responses` is not an object; ignored",
            );
            op.insert("responses".into(), Value::Object(Map::new()));
        }
    }
    // Requests the API makes, not the SDK; read by nothing later.
    op.remove("callbacks");
}

fn parameters(map: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    let base = child(at, "parameters");
    match map.get_mut("parameters") {
        None => {}
        Some(Value::Array(list)) => {
            let mut keep = Vec::with_capacity(list.len());
            for (i, p) in list.iter_mut().enumerate() {
                let here = child(&base, &i.to_string());
                keep.push(match p {
                    // Left out by the reference repair, which has warned.
                    Value::Object(p) if p.contains_key(super::refs::DROPPED) => false,
                    Value::Object(p) => parameter(p, &here, w),
                    _ => {
                        warn(w, &here, "the parameter is not an object; left out");
                        false
                    }
                });
            }
            let mut flags = keep.into_iter();
            list.retain(|_| flags.next().unwrap_or(true));
        }
        Some(_) => {
            warn(w, &base, "`parameters` is not a list; ignored");
            map.remove("parameters");
        }
    }
}

/// Repairs one parameter; false when it cannot be used at all.
fn parameter(p: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) -> bool {
    if p.contains_key("$ref") {
        return true;
    }
    if !p.get("name").is_some_and(Value::is_string) {
        warn(w, at, "the parameter has no `name` string; left out");
        return false;
    }
    if !p
        .get("in")
        .and_then(Value::as_str)
        .is_some_and(|l| LOCATIONS.contains(&l))
    {
        warn(
            w,
            &child(at, "in"),
            "the parameter's `in` is not query, header, path or cookie; left out",
        );
        return false;
    }
    for key in [
        "required",
        "deprecated",
        "allowEmptyValue",
        "explode",
        "allowReserved",
    ] {
        boolean(p, key, at, w);
    }
    string(p, "description", at, w);
    if p.get("style")
        .is_some_and(|s| !s.as_str().is_some_and(|s| STYLES.contains(&s)))
    {
        warn(
            w,
            &child(at, "style"),
            "unknown `style`; the default for the location is used",
        );
        p.remove("style");
    }
    if p.get("content").is_some_and(|c| !content_ok(c)) {
        warn(
            w,
            &child(at, "content"),
            "`content` is not a map of media types; ignored",
        );
        p.remove("content");
    }
    if !p.contains_key("schema") && !p.contains_key("content") {
        warn(
            w,
            at,
            "the parameter has neither `schema` nor `content`; typed as serde_json::Value",
        );
        p.insert("schema".into(), Value::Object(Map::new()));
    }
    true
}

fn content_ok(c: &Value) -> bool {
    c.as_object()
        .is_some_and(|m| m.values().all(Value::is_object))
}

fn content(map: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    match map.get_mut("content") {
        None => {}
        Some(Value::Object(media)) => {
            let base = child(at, "content");
            let before = media.len();
            media.retain(|_, m| m.is_object());
            if media.len() != before {
                warn(w, &base, "a media type that is not an object is ignored");
            }
            for (name, m) in media.iter_mut() {
                if let Value::Object(m) = m {
                    let here = child(&base, name);
                    shape(m, "examples", &here, w, Value::is_object, "a map");
                    shape(m, "encoding", &here, w, Value::is_object, "a map");
                }
            }
        }
        Some(_) => {
            warn(
                w,
                &child(at, "content"),
                "`content` is not a map of media types; ignored",
            );
            map.remove("content");
        }
    }
}

fn request_body(body: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    if body.contains_key("$ref") {
        return;
    }
    boolean(body, "required", at, w);
    string(body, "description", at, w);
    content(body, at, w);
}

fn response(r: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) {
    if r.contains_key("$ref") {
        return;
    }
    if !r.get("description").is_some_and(Value::is_string) {
        // Required by the specification, but nothing depends on it.
        r.insert("description".into(), Value::String(String::new()));
    }
    shape(r, "headers", at, w, Value::is_object, "a map");
    shape(r, "links", at, w, Value::is_object, "a map");
    content(r, at, w);
}

fn components_section(c: &mut Map<String, Value>, w: &mut Vec<Diagnostic>) {
    for (section, entries) in c.iter_mut() {
        if section.starts_with("x-") {
            continue;
        }
        let base = child("#/components", section);
        let Value::Object(entries) = entries else {
            warn(w, &base, format!("`{section}` is not a map; ignored"));
            *entries = Value::Object(Map::new());
            continue;
        };
        let mut dropped = Vec::new();
        for (name, v) in entries.iter_mut() {
            let at = child(&base, name);
            let keep = match (section.as_str(), v) {
                ("schemas", _) => true,
                ("parameters", Value::Object(p)) => parameter(p, &at, w),
                ("responses", Value::Object(r)) => {
                    response(r, &at, w);
                    true
                }
                ("requestBodies", Value::Object(b)) => {
                    request_body(b, &at, w);
                    true
                }
                ("securitySchemes", Value::Object(s)) => security_scheme(s, &at, w),
                ("pathItems", Value::Object(p)) => {
                    path_item(p, &at, w);
                    true
                }
                (_, Value::Object(_)) => true,
                _ => {
                    warn(w, &at, "not an object; ignored");
                    false
                }
            };
            if !keep {
                dropped.push(name.clone());
            }
        }
        for name in dropped {
            entries.shift_remove(&name);
        }
    }
    // Requests the API makes, not the SDK; read by nothing later.
    c.remove("callbacks");
}

/// A security scheme the typed model can read (3.1's `mutualTLS` and malformed ones
/// cannot; they are left out, so operations using them send no credential for them).
fn security_scheme(s: &mut Map<String, Value>, at: &str, w: &mut Vec<Diagnostic>) -> bool {
    if s.contains_key("$ref") {
        return true;
    }
    let has = |k: &str| s.get(k).is_some_and(Value::is_string);
    let ok = match s.get("type").and_then(Value::as_str) {
        Some("apiKey") => {
            has("name")
                && s.get("in")
                    .and_then(Value::as_str)
                    .is_some_and(|l| ["query", "header", "cookie"].contains(&l))
        }
        Some("http") => has("scheme"),
        Some("oauth2") => s.get("flows").is_some_and(Value::is_object),
        Some("openIdConnect") => has("openIdConnectUrl"),
        _ => false,
    };
    if !ok {
        warn(
            w,
            at,
            "security scheme of an unknown type or missing a required field; left out",
        );
    }
    ok
}

/// Where a typed parse failure can be contained, innermost first.
pub enum Isolated {
    /// The spot was replaced or removed; parse again.
    Fixed(Diagnostic),
    /// Nothing smaller than the document fails; the failure stays an error.
    NotFound,
}

/// Finds the smallest piece of the document that fails to parse on its own and loosens
/// or removes it. `parse_ok(kind, value)` tells whether `value` parses as `kind`.
pub fn isolate(raw: &mut Value, parse_ok: &dyn Fn(Piece, &Value) -> Option<String>) -> Isolated {
    match find(raw, parse_ok) {
        Some(Found::Schema(at)) => fix_schema(raw, &at, parse_ok),
        Some(Found::Remove(at, msg)) => remove(raw, &at, msg),
        Some(Found::Operation(at, op, msg)) => fix_operation(raw, &op, &at, msg, parse_ok),
        None => Isolated::NotFound,
    }
}

/// The first piece that fails on its own.
enum Found {
    Schema(String),
    Remove(String, String),
    Operation(String, Value, String),
}

fn find(raw: &Value, parse_ok: &dyn Fn(Piece, &Value) -> Option<String>) -> Option<Found> {
    // Component schemas and the schemas inside operations are the usual culprits.
    if let Some(Value::Object(schemas)) = raw.pointer("/components/schemas") {
        for (name, s) in schemas {
            if parse_ok(Piece::Schema, s).is_some() {
                return Some(Found::Schema(child("#/components/schemas", name)));
            }
        }
    }
    for (section, piece) in [
        ("parameters", Piece::Parameter),
        ("responses", Piece::Response),
        ("requestBodies", Piece::RequestBody),
        ("headers", Piece::Header),
    ] {
        if let Some(Value::Object(entries)) = raw.pointer(&format!("/components/{section}")) {
            for (name, v) in entries {
                if let Some(msg) = parse_ok(piece, v) {
                    let at = child(&child("#/components", section), name);
                    return Some(Found::Remove(
                        at,
                        format!("cannot be read ({msg}); left out"),
                    ));
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = raw.get("paths") {
        for (path, item) in paths {
            let path_at = child("#/paths", path);
            let Some(item_map) = item.as_object() else {
                continue;
            };
            for method in METHODS {
                let Some(op) = item_map.get(*method) else {
                    continue;
                };
                if let Some(msg) = parse_ok(Piece::Operation, op) {
                    return Some(Found::Operation(child(&path_at, method), op.clone(), msg));
                }
            }
            if let Some(msg) = parse_ok(Piece::PathItem, item) {
                return Some(Found::Remove(
                    path_at,
                    format!("the path item cannot be read ({msg}); left out"),
                ));
            }
        }
    }
    None
}

/// The kinds of piece [`isolate`] asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// A schema (or reference).
    Schema,
    /// A parameter (or reference).
    Parameter,
    /// A response (or reference).
    Response,
    /// A request body (or reference).
    RequestBody,
    /// A header (or reference).
    Header,
    /// An operation.
    Operation,
    /// A path item.
    PathItem,
}

fn fix_operation(
    raw: &mut Value,
    op: &Value,
    at: &str,
    msg: String,
    parse_ok: &dyn Fn(Piece, &Value) -> Option<String>,
) -> Isolated {
    if let Some(Value::Array(params)) = op.get("parameters") {
        for (i, p) in params.iter().enumerate() {
            if let Some(m) = parse_ok(Piece::Parameter, p) {
                let here = child(&child(at, "parameters"), &i.to_string());
                if let Some(s) = p.get("schema") {
                    if parse_ok(Piece::Schema, s).is_some() {
                        return fix_schema(raw, &child(&here, "schema"), parse_ok);
                    }
                }
                return remove(
                    raw,
                    &here,
                    format!("the parameter cannot be read ({m}); left out"),
                );
            }
        }
    }
    if let Some(body) = op.get("requestBody") {
        if let Some(m) = parse_ok(Piece::RequestBody, body) {
            let here = child(at, "requestBody");
            if let Some(found) = media_schema(raw, body, &here, parse_ok) {
                return found;
            }
            return replace(
                raw,
                &here,
                json!({"content": {"application/json": {"schema": {}}}}),
                format!("the request body cannot be read ({m}); sent as any JSON value"),
            );
        }
    }
    if let Some(Value::Object(responses)) = op.get("responses") {
        for (code, r) in responses {
            if let Some(m) = parse_ok(Piece::Response, r) {
                let here = child(&child(at, "responses"), code);
                if let Some(found) = media_schema(raw, r, &here, parse_ok) {
                    return found;
                }
                return replace(
                    raw,
                    &here,
                    json!({"description": "", "content": {"application/json": {"schema": {}}}}),
                    format!("the response cannot be read ({m}); decoded as serde_json::Value"),
                );
            }
        }
    }
    remove(
        raw,
        at,
        format!("the operation cannot be read ({msg}); left out"),
    )
}

/// A failing schema inside the `content` of a body or response.
fn media_schema(
    raw: &mut Value,
    holder: &Value,
    at: &str,
    parse_ok: &dyn Fn(Piece, &Value) -> Option<String>,
) -> Option<Isolated> {
    let content = holder.get("content")?.as_object()?;
    for (media, m) in content {
        if let Some(s) = m.get("schema") {
            if parse_ok(Piece::Schema, s).is_some() {
                let here = child(&child(&child(at, "content"), media), "schema");
                return Some(fix_schema(raw, &here, parse_ok));
            }
        }
    }
    None
}

/// Replaces the innermost failing subschema below the schema at `at` with "any".
fn fix_schema(
    raw: &mut Value,
    at: &str,
    parse_ok: &dyn Fn(Piece, &Value) -> Option<String>,
) -> Isolated {
    let mut at = at.to_string();
    let mut msg = String::new();
    loop {
        let Some(schema) = raw.pointer(at.trim_start_matches('#')) else {
            return Isolated::NotFound;
        };
        if let Some(m) = parse_ok(Piece::Schema, schema) {
            msg = m;
        }
        let mut deeper = None;
        if let Value::Object(map) = schema {
            'keys: for (key, v) in map {
                let subs: Vec<(String, &Value)> = match (key.as_str(), v) {
                    ("properties" | "patternProperties", Value::Object(m)) => m
                        .iter()
                        .map(|(k, s)| (child(&child(&at, key), k), s))
                        .collect(),
                    ("allOf" | "oneOf" | "anyOf", Value::Array(l)) => l
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (child(&child(&at, key), &i.to_string()), s))
                        .collect(),
                    ("items" | "additionalProperties" | "not", Value::Object(_)) => {
                        vec![(child(&at, key), v)]
                    }
                    _ => continue,
                };
                for (p, s) in subs {
                    if parse_ok(Piece::Schema, s).is_some() {
                        deeper = Some(p);
                        break 'keys;
                    }
                }
            }
        }
        match deeper {
            Some(p) => at = p,
            None => break,
        }
    }
    replace(
        raw,
        &at,
        Value::Object(Map::new()),
        format!("the schema cannot be read ({msg}); typed as serde_json::Value"),
    )
}

fn replace(raw: &mut Value, at: &str, with: Value, msg: String) -> Isolated {
    match raw.pointer_mut(at.trim_start_matches('#')) {
        Some(v) => {
            *v = with;
            Isolated::Fixed(Diagnostic::warning(at, msg))
        }
        None => Isolated::NotFound,
    }
}

fn remove(raw: &mut Value, at: &str, msg: String) -> Isolated {
    let Some((parent, last)) = at.rsplit_once('/') else {
        return Isolated::NotFound;
    };
    let key = crate::diag::unescape_token(last);
    let removed = match raw.pointer_mut(parent.trim_start_matches('#')) {
        Some(Value::Object(m)) => m.shift_remove(&key).is_some(),
        Some(Value::Array(l)) => match key.parse::<usize>() {
            Ok(i) if i < l.len() => {
                l.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    };
    if removed {
        Isolated::Fixed(Diagnostic::warning(at, msg))
    } else {
        Isolated::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_paths_and_responses_are_filled_in_silently() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "webhooks": {}, "components": {"pathItems": {"P": {"get": {}}}}});
        assert!(repair_structure(&mut doc).is_empty());
        assert_eq!(doc["paths"], json!({}));
        let mut doc = json!({"info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"operationId": "a"}}}});
        assert!(repair_structure(&mut doc).is_empty());
        assert_eq!(doc.pointer("/paths/~1a/get/responses"), Some(&json!({})));
    }

    #[test]
    fn unusable_parameters_are_left_out_with_a_warning() {
        let mut doc = json!({"info": {"title": "t", "version": 2}, "paths": {"/a": {"get": {"parameters": [
            {"in": "query"}, {"name": "a", "in": "body"}, {"name": "b", "in": "query", "required": "true"}, 5]}}}});
        let w = repair_structure(&mut doc);
        assert_eq!(
            doc.pointer("/paths/~1a/get/parameters"),
            Some(&json!([{"name": "b", "in": "query", "required": true, "schema": {}}]))
        );
        assert_eq!(doc.pointer("/info/version"), Some(&json!("2")));
        let pointers: Vec<&str> = w.iter().map(|d| d.pointer.as_str()).collect();
        assert!(
            pointers.contains(&"#/paths/~1a/get/parameters/0"),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&"#/paths/~1a/get/parameters/1/in"),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&"#/paths/~1a/get/parameters/3"),
            "{pointers:?}"
        );
    }

    #[test]
    fn unknown_security_schemes_are_left_out() {
        let mut doc = json!({"info": {"title": "t", "version": "1"}, "components": {"securitySchemes": {
            "tls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "in": "header", "name": "K"}}}});
        let w = repair_structure(&mut doc);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].pointer, "#/components/securitySchemes/tls");
        assert!(doc.pointer("/components/securitySchemes/key").is_some());
    }
}
