//! The public API of a generated crate as data: every method, argument, setter, type,
//! field, variant and enum value that code using the SDK can name, with the Rust type
//! it sees. Small enough to commit beside the crate (`api-surface.json`), so the next
//! regeneration can say what changed without the old spec or git history.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ir::{self, Api, StatusMatch, TypeKind, TypeRef};

/// Version of the surface file's own format. A committed surface of another format was
/// written by a generator that recorded different things, so comparing it with a new
/// one would report generator changes as API changes; it is not compared.
pub const FORMAT: u32 = 2;

/// The public API of one generated crate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// [`FORMAT`] of the generator that wrote it (absent: 1).
    #[serde(default = "format_one")]
    pub format: u32,
    /// Package name.
    pub crate_name: String,
    /// Package version the surface was generated as.
    pub crate_version: String,
    /// `info.version` of the description.
    pub api_version: String,
    /// Environment variant -> base URL.
    pub environments: BTreeMap<String, String>,
    /// How requests authenticate.
    pub auth: String,
    /// Operations by their Rust call path (`payouts.create`).
    pub operations: BTreeMap<String, OpSurface>,
    /// Named types by Rust name.
    pub types: BTreeMap<String, TypeSurface>,
}

/// One operation as the caller sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpSurface {
    /// `operationId`.
    pub id: String,
    /// `POST /payouts`.
    pub route: String,
    /// Server override, if the operation has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Request builder type.
    pub builder: String,
    /// Error enum type.
    pub error: String,
    /// Cargo feature gating the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// Parameters by Rust name.
    pub params: BTreeMap<String, ParamSurface>,
    /// Request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySurface>,
    /// Success status -> Rust type of the decoded body.
    pub success: BTreeMap<String, String>,
    /// Error status -> `Variant(Type)`.
    pub errors: BTreeMap<String, String>,
}

/// One parameter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParamSurface {
    /// `path`, `query`, `header`, `cookie`.
    pub location: String,
    /// Name on the wire.
    pub wire: String,
    /// A method argument (true) or a builder setter (false).
    pub required: bool,
    /// Rust type.
    pub ty: String,
}

/// A request body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BodySurface {
    /// How it travels (`json`, `multipart`, ...).
    pub encoding: String,
    /// A method argument (true) or a builder setter (false).
    pub required: bool,
    /// Rust type.
    pub ty: String,
}

/// One named type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TypeSurface {
    /// `struct`, `enum`, `tagged union`, `untagged union`, `alias`.
    pub kind: String,
    /// Callers build it (reachable from a request body or parameter).
    pub input: bool,
    /// Fields by Rust name (structs).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldSurface>,
    /// Wire values (string enums), or `Variant(Type)` members (unions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// The aliased Rust type (aliases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// `new(...)` argument types, when the struct has a constructor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constructor: Option<String>,
    /// Implements `Default`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
    /// `#[non_exhaustive]`: no struct literals or exhaustive matches outside the crate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub non_exhaustive: bool,
    /// Setter method -> the field it sets (`x_null` setters too), for request structs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub setters: BTreeMap<String, String>,
    /// Member types with `impl From<Member> for Union` (unions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
}

/// One struct field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// JSON property name.
    pub wire: String,
    /// Rust type as declared (with its `Option` wrapping).
    pub ty: String,
    /// In the schema's `required` list.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
}

fn format_one() -> u32 {
    1
}

/// A type reference as Rust code names it (short names, no module paths).
pub fn rust_type(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Date => "jiff::civil::Date".into(),
        TypeRef::DateTime => "jiff::Timestamp".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Binary => "FilePart".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Vec(inner) => format!("Vec<{}>", rust_type(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust_type(inner)),
    }
}

fn field_type(f: &ir::Field) -> String {
    let inner = rust_type(&f.ty);
    match (f.required, f.keeps_null()) {
        (true, false) => inner,
        (true, true) | (false, false) => format!("Option<{inner}>"),
        (false, true) => format!("Option<Option<{inner}>>"),
    }
}

fn status(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(d) => format!("{d}XX"),
        StatusMatch::Default => "default".into(),
    }
}

fn server(s: &ir::ServerOverride) -> String {
    match s {
        ir::ServerOverride::Relative { strip, append, .. } => {
            format!("base URL minus {} segment(s) + `{append}`", strip.len())
        }
        ir::ServerOverride::Absolute(url) => url.clone(),
    }
}

impl Surface {
    /// The surface of the crate generated from `api`.
    pub fn of(api: &Api) -> Self {
        let mut operations = BTreeMap::new();
        for r in &api.resources {
            for op in &r.operations {
                let params = op
                    .params
                    .iter()
                    .map(|p| {
                        let location = match p.location {
                            ir::ParamLocation::Path => "path",
                            ir::ParamLocation::Query => "query",
                            ir::ParamLocation::Header => "header",
                            ir::ParamLocation::Cookie => "cookie",
                        };
                        (
                            p.name.clone(),
                            ParamSurface {
                                location: location.into(),
                                wire: p.wire.clone(),
                                required: p.required,
                                ty: rust_type(&p.ty),
                            },
                        )
                    })
                    .collect();
                let body = op.body.as_ref().map(|b| BodySurface {
                    encoding: format!("{:?}", b.kind).to_lowercase(),
                    required: b.required,
                    ty: rust_type(&b.ty),
                });
                let mut success = BTreeMap::new();
                let mut errors = BTreeMap::new();
                for resp in &op.responses {
                    let ty = resp.ty.as_ref().map_or_else(|| "()".to_string(), rust_type);
                    if resp.success {
                        success.insert(status(resp.status), ty);
                    } else {
                        errors.insert(status(resp.status), format!("{}({ty})", resp.variant));
                    }
                }
                operations.insert(
                    format!("{}.{}", r.accessor, op.method_name),
                    OpSurface {
                        id: op.id.clone(),
                        route: format!("{} {}", op.method.as_str(), op.path),
                        server: op.server.as_ref().map(server),
                        builder: op.builder_name.clone(),
                        error: op.error_name.clone(),
                        feature: op.feature.clone(),
                        params,
                        body,
                        success,
                        errors,
                    },
                );
            }
        }
        let inputs = api.input_types();
        let types = api
            .types
            .iter()
            .map(|t| {
                let mut s = TypeSurface {
                    input: inputs.contains(&t.name),
                    ..TypeSurface::default()
                };
                match &t.kind {
                    TypeKind::Struct(st) => {
                        s.kind = "struct".into();
                        s.default = st.has_default();
                        s.non_exhaustive = true;
                        if s.input {
                            let args: Vec<String> = st
                                .constructor()
                                .iter()
                                .map(|f| {
                                    let t = rust_type(&f.ty);
                                    if f.nullable {
                                        format!("{}: Option<{t}>", f.name)
                                    } else {
                                        format!("{}: impl Into<{t}>", f.name)
                                    }
                                })
                                .collect();
                            s.constructor = Some(format!("new({})", args.join(", ")));
                            for setter in st.setters() {
                                s.setters
                                    .insert(setter.name.clone(), setter.field.name.clone());
                                if let Some(null) = setter.null {
                                    s.setters.insert(null, setter.field.name.clone());
                                }
                            }
                        }
                        s.fields = st
                            .fields
                            .iter()
                            .map(|f| {
                                (
                                    f.name.clone(),
                                    FieldSurface {
                                        wire: f.wire.clone(),
                                        ty: field_type(f),
                                        required: f.required,
                                        nullable: f.nullable,
                                    },
                                )
                            })
                            .collect();
                        if let Some(a) = &st.additional {
                            s.fields.insert(
                                "additional_properties".into(),
                                FieldSurface {
                                    wire: "*".into(),
                                    ty: format!("BTreeMap<String, {}>", rust_type(a)),
                                    required: true,
                                    nullable: false,
                                },
                            );
                        }
                    }
                    TypeKind::StringEnum(values) => {
                        s.kind = "enum".into();
                        s.non_exhaustive = true;
                        s.members = values.iter().map(|v| v.value.clone()).collect();
                    }
                    TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                        s.kind = if matches!(t.kind, TypeKind::TaggedUnion { .. }) {
                            "tagged union".into()
                        } else {
                            "untagged union".into()
                        };
                        s.members = variants
                            .iter()
                            .map(|v| format!("{}({})", v.name, rust_type(&v.ty)))
                            .collect();
                        s.non_exhaustive = true;
                        s.from = api
                            .from_members(&t.name, variants)
                            .iter()
                            .map(|v| rust_type(&v.ty))
                            .collect();
                    }
                    TypeKind::Alias(a) => {
                        s.kind = "alias".into();
                        s.alias = Some(rust_type(a));
                    }
                }
                (t.name.clone(), s)
            })
            .collect();
        Surface {
            format: FORMAT,
            crate_name: api.info.crate_name.clone(),
            crate_version: api.info.crate_version.clone(),
            api_version: api.info.version.clone(),
            environments: api
                .servers
                .environments
                .iter()
                .map(|e| (e.name.clone(), e.url.clone()))
                .collect(),
            auth: auth_summary(api),
            operations,
            types,
        }
    }

    /// The committed form: pretty JSON, keys sorted, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads the committed form.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not an API surface file: {e}"))
    }

    /// One line per public item, for a snapshot a reviewer can read: a spec update shows
    /// up as a few changed lines.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "crate {} {} (API {})\nauth {}\n",
            self.crate_name, self.crate_version, self.api_version, self.auth
        ));
        for (name, url) in &self.environments {
            out.push_str(&format!("env {name} = {url}\n"));
        }
        for (path, op) in &self.operations {
            let args: Vec<String> = op
                .params
                .iter()
                .filter(|(_, p)| p.required)
                .map(|(n, p)| format!("{n}: {}", p.ty))
                .chain(
                    op.body
                        .iter()
                        .filter(|b| b.required)
                        .map(|b| format!("body: {}", b.ty)),
                )
                .collect();
            let ok: Vec<String> = op.success.iter().map(|(s, t)| format!("{s} {t}")).collect();
            out.push_str(&format!(
                "fn {path}({}) -> {} [{}{}{}]\n",
                args.join(", "),
                ok.join(" | "),
                op.route,
                op.server
                    .as_ref()
                    .map(|s| format!(" @ {s}"))
                    .unwrap_or_default(),
                op.feature
                    .as_ref()
                    .map(|f| format!(", feature {f}"))
                    .unwrap_or_default(),
            ));
            for (n, p) in op.params.iter().filter(|(_, p)| !p.required) {
                out.push_str(&format!("  .{n}({}) {} `{}`\n", p.ty, p.location, p.wire));
            }
            if let Some(b) = op.body.as_ref().filter(|b| !b.required) {
                out.push_str(&format!("  .body({}) {}\n", b.ty, b.encoding));
            }
            for (s, v) in &op.errors {
                out.push_str(&format!("  ! {s} {}::{v}\n", op.error));
            }
        }
        for (name, t) in &self.types {
            let input = if t.input { " (input)" } else { "" };
            match t.kind.as_str() {
                "struct" => {
                    let mut extras = Vec::new();
                    if let Some(c) = &t.constructor {
                        extras.push(c.clone());
                    }
                    if t.default {
                        extras.push("Default".to_string());
                    }
                    if t.non_exhaustive {
                        extras.push("non_exhaustive".to_string());
                    }
                    let extras = if extras.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", extras.join(", "))
                    };
                    out.push_str(&format!("struct {name}{input}{extras}\n"));
                    for (f, fs) in &t.fields {
                        let wire = if *f == fs.wire {
                            String::new()
                        } else {
                            format!(" `{}`", fs.wire)
                        };
                        let setters: Vec<String> = t
                            .setters
                            .iter()
                            .filter(|(_, field)| *field == f)
                            .map(|(m, _)| format!(".{m}()"))
                            .collect();
                        let setters = if setters.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", setters.join(" "))
                        };
                        out.push_str(&format!("  {f}: {}{wire}{setters}\n", fs.ty));
                    }
                }
                "alias" => out.push_str(&format!(
                    "type {name} = {}\n",
                    t.alias.as_deref().unwrap_or_default()
                )),
                kind => {
                    let mut extras = Vec::new();
                    if t.non_exhaustive {
                        extras.push("non_exhaustive".to_string());
                    }
                    if !t.from.is_empty() {
                        extras.push(format!("From<{}>", t.from.join(", ")));
                    }
                    let extras = if extras.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", extras.join(", "))
                    };
                    out.push_str(&format!(
                        "{kind} {name}{input}{extras}: {}\n",
                        t.members.join(" | ")
                    ))
                }
            }
        }
        out
    }
}

/// The security schemes in one line. A single bearer scheme, a single API-key header
/// or none keep the form surfaces had before schemes were listed (`Bearer`,
/// `ApiKeyHeader("X-Api-Key")`, `None`), so committed surfaces stay comparable.
fn auth_summary(api: &Api) -> String {
    use crate::ir::{ApiKeyLocation, SchemeKind};
    let schemes = &api.client.security_schemes;
    match schemes.as_slice() {
        [] => return "None".into(),
        [only] => match &only.kind {
            SchemeKind::Bearer { flow: None } => return "Bearer".into(),
            SchemeKind::ApiKey {
                location: ApiKeyLocation::Header,
                name,
            } => return format!("ApiKeyHeader({name:?})"),
            _ => {}
        },
        _ => {}
    }
    schemes
        .iter()
        .map(|s| {
            let kind = match &s.kind {
                SchemeKind::Bearer { flow: None } => "bearer".to_string(),
                SchemeKind::Bearer { flow: Some(f) } => format!("{f} bearer"),
                SchemeKind::Basic => "basic".to_string(),
                SchemeKind::ApiKey { location, name } => format!("{location:?} {name}"),
            };
            format!("{} ({kind})", s.name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}
