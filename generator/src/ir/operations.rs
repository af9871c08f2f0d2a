//! Paths -> operations grouped by tag.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, RequestBody,
    Response, StatusCode,
};

use super::names::{Scope, field_name, singular, type_name};
use super::types::TypeBuilder;
use super::{
    Body, BodyKind, FormEncoding, Method, Operation, Param, ParamLocation, ParamStyle, ResponseDef,
    ResponseKind, ServerOverride, StatusMatch, TypeRef,
};
use crate::config::Config;
use crate::diag::{Diagnostic, child};

/// An operation before grouping, with the tag it belongs to.
pub struct TaggedOperation {
    /// First tag, or `default`.
    pub tag: String,
    /// The operation.
    pub op: Operation,
}

/// The security schemes as operations refer to them.
#[derive(Debug, Default)]
pub struct SchemeNames {
    /// Scheme key -> Rust variant name, `None` when the SDK cannot send the scheme.
    pub by_key: BTreeMap<String, Option<String>>,
    /// The requirements of operations when the document names none anywhere.
    pub fallback: Option<Vec<Vec<String>>>,
}

/// Builds every operation of the document, in document order.
pub fn build_operations(
    doc: &OpenAPI,
    config: &Config,
    schemes: &SchemeNames,
    types: &mut TypeBuilder<'_>,
) -> Vec<TaggedOperation> {
    let root_server = doc
        .servers
        .first()
        .map(|s| server_url(&s.url, &s.variables));
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let path_at = child("#/paths", path);
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                types.diags.push(Diagnostic::warning(
                    &path_at,
                    "path item references are not supported; skipped",
                ));
                continue;
            }
        };
        for (method_name, op) in item.iter() {
            let Some(method) = parse_method(method_name) else {
                types.diags.push(Diagnostic::warning(
                    child(&path_at, method_name),
                    format!("HTTP method {method_name} is not supported; skipped"),
                ));
                continue;
            };
            let at = child(&path_at, method_name);
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{}_{}", method_name, path).to_snake_case());
            let servers = if !op.servers.is_empty() {
                &op.servers
            } else {
                &item.servers
            };
            let server = servers
                .first()
                .map(|s| server_url(&s.url, &s.variables))
                .and_then(|url| server_override(root_server.as_deref(), &url));
            let tag = op.tags.first().cloned().unwrap_or_else(|| "default".into());
            let builder_name = types.claim_name(&id);
            let error_name = types.claim_name(&format!("{builder_name}Error"));
            let success_name = types.claim_name(&format!("{builder_name}Success"));
            let params = build_params(doc, item, op, &builder_name, &at, types);
            let body = op
                .request_body
                .as_ref()
                .and_then(|b| build_body(doc, config, b, &builder_name, &at, types));
            let (responses, accept) = build_responses(doc, op, &builder_name, &at, types);
            let security = operation_security(doc, op, schemes, &at, &mut types.diags);
            let feature = config
                .feature_gated
                .iter()
                .find(|g| g.operations.iter().any(|o| o == &id))
                .map(|g| g.feature.clone());
            out.push(TaggedOperation {
                tag,
                op: Operation {
                    method_name: String::new(),
                    builder_name,
                    error_name,
                    success_name,
                    method,
                    path: path.clone(),
                    server,
                    summary: op.summary.clone(),
                    docs: op.description.clone(),
                    deprecated: op.deprecated,
                    params,
                    body,
                    responses,
                    accept,
                    pagination: None,
                    feature,
                    security,
                    duplicate: None,
                    id,
                },
            });
        }
    }
    out
}

/// The operation's security requirements (its own, else the document's) as
/// alternatives of Rust scheme names. An alternative naming a scheme the SDK cannot
/// send is dropped: it can never be met.
fn operation_security(
    doc: &OpenAPI,
    op: &openapiv3::Operation,
    schemes: &SchemeNames,
    at: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Vec<String>> {
    let (reqs, reqs_at) = match (&op.security, &doc.security) {
        (Some(r), _) => (r, child(at, "security")),
        (None, Some(r)) => (r, "#/security".to_string()),
        (None, None) => return schemes.fallback.clone().unwrap_or_default(),
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    for (i, req) in reqs.iter().enumerate() {
        let mut names = Vec::new();
        let mut possible = true;
        for key in req.keys() {
            match schemes.by_key.get(key) {
                Some(Some(name)) => names.push(name.clone()),
                Some(None) => possible = false,
                None => {
                    diags.push(Diagnostic::warning(
                        child(&child(&reqs_at, &i.to_string()), key),
                        format!("security scheme `{key}` is not declared in components.securitySchemes; this alternative cannot be met"),
                    ));
                    possible = false;
                }
            }
        }
        if possible && !out.contains(&names) {
            out.push(names);
        }
    }
    if out.is_empty() && !reqs.is_empty() {
        diags.push(Diagnostic::warning(
            reqs_at,
            "no security alternative of this operation can be sent by the SDK; it is sent without credentials",
        ));
    }
    out
}

fn parse_method(m: &str) -> Option<Method> {
    Some(match m {
        "get" => Method::Get,
        "post" => Method::Post,
        "put" => Method::Put,
        "patch" => Method::Patch,
        "delete" => Method::Delete,
        "head" => Method::Head,
        "options" => Method::Options,
        _ => return None,
    })
}

/// A server URL with its variables replaced by their defaults.
fn server_url(
    url: &str,
    vars: &Option<indexmap::IndexMap<String, openapiv3::ServerVariable>>,
) -> String {
    let mut out = url.to_string();
    if let Some(vars) = vars {
        for (name, v) in vars {
            out = out.replace(&format!("{{{name}}}"), &v.default);
        }
    }
    out.trim_end_matches('/').to_string()
}

fn split_url(url: &str) -> (String, Vec<String>) {
    let (origin, path) = match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => (&url[..i + 3 + j], &url[i + 3 + j..]),
            None => (url, ""),
        },
        None => ("", url),
    };
    (
        origin.to_string(),
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    )
}

/// How an operation's server relates to the root server.
pub fn server_override(root: Option<&str>, op: &str) -> Option<ServerOverride> {
    let root = root.unwrap_or("");
    if root == op {
        return None;
    }
    let (root_origin, root_path) = split_url(root);
    let (op_origin, op_path) = split_url(op);
    if root_origin != op_origin && !op_origin.is_empty() {
        return Some(ServerOverride::Absolute(op.to_string()));
    }
    let common = root_path
        .iter()
        .zip(&op_path)
        .take_while(|(a, b)| a == b)
        .count();
    let strip = root_path[common..].to_vec();
    let rest = &op_path[common..];
    let append = if rest.is_empty() {
        String::new()
    } else {
        format!("/{}", rest.join("/"))
    };
    Some(ServerOverride::Relative {
        url: op.trim_end_matches('/').to_string(),
        strip,
        append,
    })
}

/// Resolves an item that may be a reference into `#/components/{section}/...`;
/// `section` picks that map out of the components.
fn resolve<'d, T>(
    doc: &'d OpenAPI,
    item: &'d ReferenceOr<T>,
    prefix: &str,
    section: impl Fn(&'d openapiv3::Components) -> &'d indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<&'d T> {
    match item {
        ReferenceOr::Item(t) => Some(t),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(prefix)?;
            match section(doc.components.as_ref()?).get(&crate::diag::unescape_token(name))? {
                ReferenceOr::Item(t) => Some(t),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn resolve_param<'d>(doc: &'d OpenAPI, p: &'d ReferenceOr<Parameter>) -> Option<&'d Parameter> {
    resolve(doc, p, "#/components/parameters/", |c| &c.parameters)
}

pub(crate) fn resolve_body<'d>(
    doc: &'d OpenAPI,
    b: &'d ReferenceOr<RequestBody>,
) -> Option<&'d RequestBody> {
    resolve(doc, b, "#/components/requestBodies/", |c| &c.request_bodies)
}

fn resolve_response<'d>(doc: &'d OpenAPI, r: &'d ReferenceOr<Response>) -> Option<&'d Response> {
    resolve(doc, r, "#/components/responses/", |c| &c.responses)
}

fn build_params(
    doc: &OpenAPI,
    item: &PathItem,
    op: &openapiv3::Operation,
    op_name: &str,
    at: &str,
    types: &mut TypeBuilder<'_>,
) -> Vec<Param> {
    let mut merged: Vec<(&Parameter, String)> = Vec::new();
    let path_at = at.rsplit_once('/').map_or(at, |(p, _)| p);
    let lists = [
        (&item.parameters, child(path_at, "parameters")),
        (&op.parameters, child(at, "parameters")),
    ];
    for (list, base) in lists {
        for (i, p) in list.iter().enumerate() {
            let here = child(&base, &i.to_string());
            let Some(p) = resolve_param(doc, p) else {
                types.diags.push(Diagnostic::warning(
                    &here,
                    "parameter reference does not resolve to a parameter; skipped",
                ));
                continue;
            };
            let d = p.parameter_data_ref();
            // An operation's parameter replaces the path item's with the same name and
            // location (header names compare case-insensitively).
            let header = matches!(p, Parameter::Header { .. });
            merged.retain(|(q, _)| {
                let qd = q.parameter_data_ref();
                let same_name = if header {
                    qd.name.eq_ignore_ascii_case(&d.name)
                } else {
                    qd.name == d.name
                };
                !(same_name && std::mem::discriminant(*q) == std::mem::discriminant(p))
            });
            merged.push((p, here));
        }
    }
    let mut scope = Scope::with_reserved(BUILDER_RESERVED);
    let mut out = Vec::new();
    for (p, here) in merged {
        let (location, data, style) = match p {
            Parameter::Path {
                parameter_data,
                style,
            } => {
                if *style != openapiv3::PathStyle::Simple {
                    types.diags.push(Diagnostic::warning(
                        &here,
                        format!(
                            "path parameter `{}`: only `style: simple` is supported; sent as simple",
                            parameter_data.name
                        ),
                    ));
                }
                (ParamLocation::Path, parameter_data, ParamStyle::Simple)
            }
            Parameter::Query {
                parameter_data,
                style,
                ..
            } => (
                ParamLocation::Query,
                parameter_data,
                match style {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            Parameter::Header { parameter_data, .. } => {
                // OpenAPI: header parameters named Accept, Content-Type or Authorization
                // are ignored; the SDK sets those headers itself.
                let lower = parameter_data.name.to_ascii_lowercase();
                if matches!(lower.as_str(), "accept" | "content-type" | "authorization") {
                    continue;
                }
                (ParamLocation::Header, parameter_data, ParamStyle::Simple)
            }
            Parameter::Cookie { parameter_data, .. } => {
                (ParamLocation::Cookie, parameter_data, ParamStyle::Form)
            }
        };
        let wanted = types.child_wanted(op_name, &super::names::camel(&data.name));
        let (ty, ann, style) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => (
                types.type_of(s, &wanted, &child(&here, "schema")),
                types.annotations(s),
                style,
            ),
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media_type, media)) => {
                    let ty = match &media.schema {
                        Some(s) => types.type_of(
                            s,
                            &wanted,
                            &child(&child(&child(&here, "content"), media_type), "schema"),
                        ),
                        None => TypeRef::Json,
                    };
                    let ann = media
                        .schema
                        .as_ref()
                        .map(|s| types.annotations(s))
                        .unwrap_or_default();
                    if is_json(media_type) {
                        (ty, ann, ParamStyle::Json)
                    } else {
                        // Any other media type: the value's text as it is.
                        (TypeRef::String, ann, style)
                    }
                }
                None => (TypeRef::String, Default::default(), style),
            },
        };
        let constraints = ann.constraints.fit_to(&ty);
        let default_style = ParamStyle::default_for(location);
        let default_explode = style == ParamStyle::Form;
        out.push(Param {
            name: scope.claim(&field_name(&data.name)),
            wire: data.name.clone(),
            location,
            required: data.required || location == ParamLocation::Path,
            // A file cannot travel in a URL or a header: its text form is sent.
            ty: if ty == TypeRef::Binary {
                TypeRef::String
            } else {
                ty
            },
            docs: data.description.clone().or(ann.docs),
            example: data.example.clone().or(ann.example),
            format: ann.format,
            constraints,
            style: (style != default_style).then_some(style),
            explode: data.explode.filter(|e| *e != default_explode),
        });
    }
    out
}

/// Names a parameter must not take: the builder's own fields and methods.
const BUILDER_RESERVED: &[&str] = &[
    "body",
    "options",
    "client",
    "self",
    "timeout",
    "deadline",
    "max_retries",
    "send",
    "send_with_response",
    "request",
    "decode",
    "into_future",
    "into_stream",
    "collect_all",
    "clone",
    "fmt",
];

/// The media type without parameters, lower-cased.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn is_json(media: &str) -> bool {
    let m = essence(media);
    m == "application/json" || m.ends_with("+json") || m == "*/*"
}

fn is_binary_schema(doc: &OpenAPI, schema: Option<&ReferenceOr<openapiv3::Schema>>) -> bool {
    let schema = match schema {
        Some(ReferenceOr::Item(s)) => Some(s),
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|n| {
                doc.components
                    .as_ref()?
                    .schemas
                    .get(&crate::diag::unescape_token(n))
            })
            .and_then(|s| match s {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { .. } => None,
            }),
        None => None,
    };
    schema.is_some_and(|s| {
        matches!(
            &s.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::String(t))
                if matches!(t.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
        )
    })
}

/// How a request body of this media type travels, and its rank when an operation
/// offers several (lower is better): JSON, multipart, form, text, binary, then
/// anything unknown (sent as bytes). `*/*` counts as JSON unless its schema is binary.
fn body_kind(
    doc: &OpenAPI,
    media_type: &str,
    media: &openapiv3::MediaType,
) -> (u8, BodyKind, bool) {
    let m = essence(media_type);
    let binary_schema = is_binary_schema(doc, media.schema.as_ref());
    if is_json(&m) && !binary_schema {
        (0, BodyKind::Json, true)
    } else if m == "multipart/form-data" || m == "multipart/mixed" {
        (1, BodyKind::Multipart, true)
    } else if m == "application/x-www-form-urlencoded" {
        (2, BodyKind::Form, true)
    } else if m.starts_with("text/") && !binary_schema {
        (3, BodyKind::Text, true)
    } else if m == "application/octet-stream"
        || binary_schema
        || ["image/", "audio/", "video/", "font/"]
            .iter()
            .any(|p| m.starts_with(p))
        || matches!(
            m.as_str(),
            "application/pdf" | "application/zip" | "application/gzip"
        )
    {
        (4, BodyKind::Binary, true)
    } else {
        (5, BodyKind::Binary, false)
    }
}

fn build_body(
    doc: &OpenAPI,
    config: &Config,
    b: &ReferenceOr<RequestBody>,
    op_name: &str,
    at: &str,
    types: &mut TypeBuilder<'_>,
) -> Option<Body> {
    let here = child(at, "requestBody");
    let Some(body) = resolve_body(doc, b) else {
        types.diags.push(Diagnostic::error(
            &here,
            "request body reference does not resolve to a request body",
        ));
        return None;
    };
    // The best media type by rank; document order breaks ties.
    let Some((media_type, media, kind, known)) = body
        .content
        .iter()
        .map(|(m, media)| {
            let (rank, kind, known) = body_kind(doc, m, media);
            (rank, m, media, kind, known)
        })
        .min_by_key(|(rank, ..)| *rank)
        .map(|(_, m, media, kind, known)| (m, media, kind, known))
    else {
        // No content at all: nothing to send.
        return None;
    };
    let media_at = child(&child(&here, "content"), media_type);
    if !known {
        types.diags.push(Diagnostic::warning(
            &media_at,
            format!("request body media type `{media_type}` is not known; sent as raw bytes"),
        ));
    }
    let ty = match (kind, &media.schema) {
        (BodyKind::Binary, _) => TypeRef::Binary,
        (BodyKind::Text, _) => TypeRef::String,
        (_, Some(s)) => types.type_of(s, &format!("{op_name}Request"), &child(&media_at, "schema")),
        (_, None) => TypeRef::Json,
    };
    let example = media.example.clone().or_else(|| {
        media.examples.values().find_map(|e| match e {
            ReferenceOr::Item(e) => e.value.clone(),
            ReferenceOr::Reference { .. } => None,
        })
    });
    let encoding = if kind == BodyKind::Form {
        media
            .encoding
            .iter()
            .filter_map(|(property, e)| {
                let json = e.content_type.as_deref().is_some_and(is_json);
                let style = match (&e.style, json) {
                    (_, true) => ParamStyle::Json,
                    (Some(QueryStyle::Form), _) => ParamStyle::Form,
                    (Some(QueryStyle::SpaceDelimited), _) => ParamStyle::SpaceDelimited,
                    (Some(QueryStyle::PipeDelimited), _) => ParamStyle::PipeDelimited,
                    (Some(QueryStyle::DeepObject), _) => ParamStyle::DeepObject,
                    (None, false) => return None,
                };
                Some(FormEncoding {
                    property: property.clone(),
                    style,
                    explode: e.explode,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let media_type = match kind {
        BodyKind::Multipart => None,
        // Plain JSON, and JSON offered as `*/*`, is sent as `application/json`;
        // `application/merge-patch+json` and the like keep their own type.
        BodyKind::Json => {
            let e = essence(media_type);
            (e != "application/json" && !e.contains('*')).then(|| media_type.clone())
        }
        _ => Some(media_type.clone()),
    };
    let idempotency_field = config.idempotency.as_ref().map(|i| i.body_field.clone());
    Some(Body {
        kind,
        media_type,
        encoding,
        ty,
        required: body.required,
        idempotency_field,
        example,
    })
}

/// Variant name for a status code (`404` -> `NotFound`).
pub fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Default => "Default".into(),
        StatusMatch::Range(d) => match d {
            1 => "Informational".into(),
            2 => "Success".into(),
            3 => "Redirection".into(),
            4 => "ClientError".into(),
            5 => "ServerError".into(),
            _ => format!("Status{d}xx"),
        },
        StatusMatch::Code(c) => match c {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritative",
            204 => "NoContent",
            206 => "PartialContent",
            301 => "MovedPermanently",
            302 => "Found",
            304 => "NotModified",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        }
        .into(),
    }
}

/// The documented responses, and the `Accept` header when it is not plain JSON.
fn build_responses(
    doc: &OpenAPI,
    op: &openapiv3::Operation,
    op_name: &str,
    at: &str,
    types: &mut TypeBuilder<'_>,
) -> (Vec<ResponseDef>, Option<String>) {
    let base = child(at, "responses");
    let mut listed: Vec<(StatusMatch, String, &ReferenceOr<Response>)> = Vec::new();
    for (code, r) in &op.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
            StatusCode::Range(d) => (StatusMatch::Range(*d), format!("{d}XX")),
        };
        listed.push((status, key, r));
    }
    if let Some(d) = &op.responses.default {
        listed.push((StatusMatch::Default, "default".into(), d));
    }
    let has_2xx = listed
        .iter()
        .any(|(s, _, _)| matches!(s, StatusMatch::Code(200..=299) | StatusMatch::Range(2)));
    let mut out = Vec::new();
    let mut accept: Vec<String> = Vec::new();
    for (status, key, r) in listed {
        let here = child(&base, &key);
        let success = match status {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(d) => d == 2,
            StatusMatch::Default => !has_2xx,
        };
        let Some(resp) = resolve_response(doc, r) else {
            types.diags.push(Diagnostic::warning(
                &here,
                "response reference does not resolve; treated as having no body",
            ));
            continue;
        };
        let variant = status_variant(status);
        // The best media type: JSON, then text, then bytes; document order breaks ties.
        let chosen = resp
            .content
            .iter()
            .map(|(m, media)| {
                let binary = is_binary_schema(doc, media.schema.as_ref());
                let rank = if is_json(m) && !binary {
                    0
                } else if essence(m).starts_with("text/") && !binary {
                    1
                } else {
                    2
                };
                (rank, m, media)
            })
            .min_by_key(|(rank, ..)| *rank);
        for m in resp.content.keys() {
            if !accept.iter().any(|a: &String| a.eq_ignore_ascii_case(m)) {
                accept.push(m.clone());
            }
        }
        let json = chosen
            .filter(|(rank, ..)| *rank == 0)
            .map(|(_, m, media)| (m, media));
        let kind = match chosen {
            None | Some((0, ..)) => ResponseKind::Json,
            Some((1, ..)) => ResponseKind::Text,
            Some(_) => ResponseKind::Binary,
        };
        let mut examples = Vec::new();
        if let Some((m, media)) = json {
            let media_at = child(&child(&here, "content"), m);
            if let Some(e) = &media.example {
                examples.push((child(&media_at, "example"), e.clone()));
            }
            for (name, e) in &media.examples {
                if let ReferenceOr::Item(e) = e {
                    if let Some(v) = &e.value {
                        examples.push((
                            child(&child(&child(&media_at, "examples"), name), "value"),
                            v.clone(),
                        ));
                    }
                }
            }
        }
        let ty = match json {
            Some((m, media)) => media.schema.as_ref().map(|s| {
                let wanted = if success {
                    let n_success = out.iter().filter(|r: &&ResponseDef| r.success).count();
                    if n_success == 0 {
                        format!("{op_name}Response")
                    } else {
                        format!("{op_name}{variant}Response")
                    }
                } else {
                    // Shapes inside an error body are named after the status, not the
                    // operation (`BadRequestBodyError`).
                    super::names::wanted(
                        &[format!("{op_name}{variant}Body")],
                        &format!("{variant}Body"),
                    )
                };
                types.type_of(
                    s,
                    &wanted,
                    &child(&child(&child(&here, "content"), m), "schema"),
                )
            }),
            None => None,
        };
        out.push(ResponseDef {
            status,
            success,
            variant,
            ty,
            kind,
            docs: resp.description.clone(),
            examples,
        });
    }
    out.sort_by_key(|r| r.status);
    // Only JSON (the SDK's default `Accept`) needs no header of its own.
    let accept = (!accept.is_empty() && !accept.iter().all(|m| essence(m) == "application/json"))
        .then(|| accept.join(", "));
    (out, accept)
}

/// Derives a method name from the operationId, dropping the words that name the
/// resource itself: `getPayoutById` on `payouts` becomes `get`, `getPayouts` becomes
/// `list`, `cancelPayout` becomes `cancel`.
pub fn derive_method_name(op: &Operation, resource_words: &[String], returns_list: bool) -> String {
    let snake = op.id.to_snake_case();
    let nouns: Vec<String> = resource_words.iter().map(|w| singular(w)).collect();
    let mut words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    words.retain(|w| !nouns.contains(&singular(w)));
    if words.ends_with(&["by", "id"]) {
        words.truncate(words.len() - 2);
    }
    let has_path_param = op.params.iter().any(|p| p.location == ParamLocation::Path);
    if words == ["get"] && !has_path_param && returns_list {
        return "list".into();
    }
    if words.is_empty() {
        return field_name(&snake);
    }
    field_name(&words.join("_"))
}

/// Groups operations by tag, in the order of the document's `tags` list and then of
/// first use, and names each operation's method.
pub fn group(
    ops: Vec<TaggedOperation>,
    doc: &OpenAPI,
    config: &Config,
    returns_list: &dyn Fn(&Operation) -> bool,
    type_names: &BTreeSet<String>,
) -> Vec<super::Resource> {
    let mut order: Vec<String> = doc.tags.iter().map(|t| t.name.clone()).collect();
    for o in &ops {
        if !order.contains(&o.tag) {
            order.push(o.tag.clone());
        }
    }
    let mut by_tag: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
    for o in ops {
        by_tag.entry(o.tag).or_default().push(o.op);
    }
    let mut accessor_scope = Scope::with_reserved(&[
        "builder",
        "new",
        "clone",
        "from_env",
        "set_api_key",
        "base_url",
        "fmt",
    ]);
    // Accessor structs live beside builders, error enums and models: one namespace.
    let mut type_scope = Scope::with_taken(type_names.clone());
    let mut resources = Vec::new();
    for tag in order {
        let Some(mut operations) = by_tag.remove(&tag) else {
            continue;
        };
        let accessor = accessor_scope.claim(&field_name(
            config
                .resources
                .get(&tag)
                .map_or(tag.as_str(), String::as_str),
        ));
        let words: Vec<String> = tag
            .to_snake_case()
            .split('_')
            .chain(accessor.split('_'))
            .map(String::from)
            .collect();
        let mut method_scope = Scope::with_reserved(&["new", "client"]);
        let derived: Vec<String> = operations
            .iter()
            .map(|op| {
                config
                    .methods
                    .get(&op.id)
                    .cloned()
                    .unwrap_or_else(|| derive_method_name(op, &words, returns_list(op)))
            })
            .collect();
        for (op, wanted) in operations.iter_mut().zip(&derived) {
            // A derived name used twice in one resource is ambiguous: both keep the full operationId.
            let clash = derived.iter().filter(|d| *d == wanted).count() > 1
                && !config.methods.contains_key(&op.id);
            let name = if clash {
                field_name(&op.id)
            } else {
                wanted.clone()
            };
            op.method_name = method_scope.claim(&name);
        }
        let docs = doc
            .tags
            .iter()
            .find(|t| t.name == tag)
            .and_then(|t| t.description.clone());
        let type_name_ = type_scope.claim(&format!("{}Api", type_name(&accessor)));
        resources.push(super::Resource {
            module: accessor.clone(),
            feature: String::new(),
            accessor,
            type_name: type_name_,
            tag,
            docs,
            operations,
        });
    }
    resources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_mount_is_a_relative_override() {
        assert_eq!(
            server_override(Some("https://h.com/api/v1"), "https://h.com/api"),
            Some(ServerOverride::Relative {
                url: "https://h.com/api".into(),
                strip: vec!["v1".into()],
                append: String::new()
            })
        );
        assert_eq!(
            server_override(Some("https://h.com/api/v1"), "https://h.com/api/v2"),
            Some(ServerOverride::Relative {
                url: "https://h.com/api/v2".into(),
                strip: vec!["v1".into()],
                append: "/v2".into()
            })
        );
        assert_eq!(
            server_override(Some("https://h.com/api/v1"), "https://h.com/api/v1"),
            None
        );
        assert_eq!(
            server_override(Some("https://h.com/api"), "https://files.h.com"),
            Some(ServerOverride::Absolute("https://files.h.com".into()))
        );
    }

    #[test]
    fn status_names() {
        assert_eq!(
            status_variant(StatusMatch::Code(422)),
            "UnprocessableEntity"
        );
        assert_eq!(status_variant(StatusMatch::Code(418)), "Status418");
        assert_eq!(status_variant(StatusMatch::Range(5)), "ServerError");
    }
}
