//! One call per operation with inputs taken from the spec, emitted as
//! `src/contract.rs` behind the `contract-tests` feature: a contract test drives every
//! operation through the SDK against a mock server that validates requests (Prism).
//!
//! Inputs come from the spec's examples first, then from enums, formats and
//! constraints of the required fields; optional inputs are left out.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value, json};

use super::models::{ident, type_tokens};
use crate::ir::{Api, BodyKind, Field, Operation, Resource, StatusMatch, TypeKind, TypeRef};

/// A value for a string of the given format, that validators accept.
fn string_for(format: Option<&str>, min_len: Option<usize>) -> String {
    let f = format.unwrap_or("").to_ascii_lowercase();
    let s = if f == "date-time" || f == "timestamp" {
        "2026-01-01T00:00:00Z"
    } else if f == "date" {
        "2026-01-01"
    } else if f == "email" {
        "user@example.com"
    } else if f == "uri" || f == "url" {
        "https://example.com"
    } else if f == "uuid" {
        "00000000-0000-4000-8000-000000000000"
    } else if f.contains("4217") {
        "USD"
    } else if f.contains("3166") {
        "USA"
    } else {
        "sample"
    };
    let mut s = s.to_string();
    while min_len.is_some_and(|m| s.chars().count() < m) {
        s.push('x');
    }
    s
}

fn integer_for(field: Option<&Field>) -> i64 {
    match field.and_then(|f| f.constraints.minimum) {
        Some((min, exclusive)) => min.ceil() as i64 + i64::from(exclusive && min.fract() == 0.0),
        None => 1,
    }
}

/// A JSON value of type `ty` for a field (or a top-level body when `field` is None).
pub fn sample(api: &Api, ty: &TypeRef, field: Option<&Field>, depth: usize) -> Value {
    if let Some(e) = field.and_then(|f| f.example.clone()) {
        return e;
    }
    if depth > 8 {
        return Value::Null;
    }
    let format = field.and_then(|f| f.format.as_deref());
    match ty {
        TypeRef::String => Value::String(string_for(
            format,
            field.and_then(|f| f.constraints.min_length),
        )),
        TypeRef::Date => Value::String(string_for(Some("date"), None)),
        TypeRef::DateTime => Value::String(string_for(Some("date-time"), None)),
        TypeRef::Bool => Value::Bool(true),
        TypeRef::I32 | TypeRef::I64 => json!(integer_for(field)),
        TypeRef::F32 | TypeRef::F64 => json!(integer_for(field) as f64),
        TypeRef::Json | TypeRef::Map(_) => json!({}),
        TypeRef::Binary => Value::String("sample".into()),
        TypeRef::Vec(item) => {
            let n = field.and_then(|f| f.constraints.min_items).unwrap_or(0);
            Value::Array((0..n).map(|_| sample(api, item, None, depth + 1)).collect())
        }
        TypeRef::Named(n) => {
            let Some(def) = api.type_def(n) else {
                return Value::Null;
            };
            if let (Some(e), None) = (&def.example, field) {
                return e.clone();
            }
            match &def.kind {
                TypeKind::Struct(s) => {
                    let mut obj = Map::new();
                    for f in s.fields.iter().filter(|f| f.required) {
                        obj.insert(f.wire.clone(), sample(api, &f.ty, Some(f), depth + 1));
                    }
                    Value::Object(obj)
                }
                TypeKind::StringEnum(values) => values
                    .first()
                    .map_or(Value::Null, |v| Value::String(v.value.clone())),
                TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                    variants
                        .first()
                        .map_or(Value::Null, |v| sample(api, &v.ty, None, depth + 1))
                }
                TypeKind::Alias(t) => sample(api, t, field, depth + 1),
            }
        }
    }
}

/// A Rust expression for a required parameter's argument.
fn param_arg(api: &Api, p: &crate::ir::Param) -> TokenStream {
    match param_literal(api, p) {
        Ok(literal) => literal,
        Err(json) => {
            let t = type_tokens(&p.ty);
            quote!(match from_json::<#t>(#json) { Ok(v) => v, Err(e) => return Outcome::input(e) })
        }
    }
}

/// A literal for a required parameter, or the JSON text of its sample when the
/// type has no literal form (objects, unions, lists).
fn param_literal(api: &Api, p: &crate::ir::Param) -> Result<TokenStream, String> {
    let value = p.example.clone().unwrap_or_else(|| {
        let as_field = Field {
            name: p.name.clone(),
            wire: p.wire.clone(),
            ty: p.ty.clone(),
            required: true,
            nullable: false,
            folded: false,
            read_only: false,
            write_only: false,
            fixed: None,
            boxed: false,
            docs: None,
            deprecated: false,
            constraints: p.constraints.clone(),
            format: p.format.clone(),
            example: None,
        };
        sample(api, &p.ty, Some(&as_field), 0)
    });
    let is_enum = |n: &str| {
        api.types
            .iter()
            .any(|t| t.name == n && matches!(t.kind, TypeKind::StringEnum(_)))
    };
    match (&p.ty, value) {
        (TypeRef::I32 | TypeRef::I64, Value::Number(n)) if n.is_i64() => {
            let n = proc_macro2::Literal::i64_unsuffixed(n.as_i64().unwrap_or(1));
            Ok(quote!(#n))
        }
        (TypeRef::Bool, Value::Bool(b)) => Ok(quote!(#b)),
        (TypeRef::Named(n), Value::String(s)) if is_enum(n) => {
            let t = ident(n);
            Ok(quote!(crate::models::#t::from(#s)))
        }
        (TypeRef::String, Value::String(s)) => Ok(quote!(#s)),
        (TypeRef::Named(_), Value::String(s))
            if super::operations::resolve_alias(api, &p.ty) == &TypeRef::String =>
        {
            Ok(quote!(#s))
        }
        // A string that is not valid for the declared type is still a string on the wire.
        (TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64, _) => {
            Err(sample(api, &p.ty, None, 0).to_string())
        }
        (_, other) => Err(other.to_string()),
    }
}

/// The body expression (a `Result<T, String>`), or `None` when the operation has none.
fn body_expr(api: &Api, op: &Operation) -> Option<TokenStream> {
    let b = op.body.as_ref().filter(|b| b.required)?;
    let t = type_tokens(&b.ty);
    match b.kind {
        BodyKind::Text => return Some(quote!(Ok::<String, String>(String::from("sample")))),
        BodyKind::Binary => {
            return Some(quote!(Ok::<crate::runtime::FilePart, String>(
                crate::runtime::FilePart::new(
                    b"sample".to_vec(),
                    "sample.bin",
                    "application/octet-stream"
                )
            )));
        }
        _ => {}
    }
    let multipart_struct =
        b.ty.named()
            .and_then(|n| api.type_def(n))
            .and_then(|d| match &d.kind {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            })
            .filter(|_| b.kind == BodyKind::Multipart);
    if let Some(s) = multipart_struct {
        let fields = s.fields.iter().map(|f| {
            let n = ident(&f.name);
            if f.ty == TypeRef::Binary && f.required {
                let file = quote!(crate::runtime::FilePart::new(
                    b"%PDF-1.4 sample".to_vec(),
                    "sample.pdf",
                    "application/pdf"
                ));
                if f.nullable {
                    quote!(#n: Some(#file))
                } else {
                    quote!(#n: #file)
                }
            } else if f.required {
                let json = sample(api, &f.ty, Some(f), 0).to_string();
                quote!(#n: from_json(#json)?)
            } else {
                quote!(#n: None)
            }
        });
        let extra = s
            .additional
            .as_ref()
            .map(|_| quote!(additional_properties: Default::default(),));
        return Some(quote!((|| -> Result<#t, String> { Ok(#t { #(#fields,)* #extra }) })()));
    }
    let json = b
        .example
        .clone()
        .unwrap_or_else(|| sample(api, &b.ty, None, 0))
        .to_string();
    Some(quote!(from_json::<#t>(#json)))
}

fn arm(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let id = &op.id;
    let accessor = ident(&r.accessor);
    let method = ident(&op.method_name);
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| param_arg(api, p))
        .collect();
    let body = body_expr(api, op);
    let setup = body.map(|b| {
        args.push(quote!(body));
        quote! {
            let body = match #b {
                Ok(body) => body,
                Err(e) => return Outcome::input(e),
            };
        }
    });
    let cfg = op.feature.as_ref().map(|f| quote!(#[cfg(feature = #f)]));
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated, reason = "every operation is exercised, deprecated ones too")]));
    quote! {
        #cfg
        #allow
        #id => {
            #setup
            outcome(client.#accessor().#method(#(#args),*).options(options).send_with_response().await)
        }
    }
}

/// The `src/contract.rs` module.
pub fn contract_module(api: &Api) -> TokenStream {
    let arms = api
        .resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |op| arm(api, r, op)));
    let entries = api
        .resources
        .iter()
        .flat_map(|r| r.operations.iter())
        .map(|op| {
            let id = &op.id;
            let statuses: Vec<u16> = op
                .responses
                .iter()
                .filter_map(|r| match r.status {
                    StatusMatch::Code(c) if !r.success && c >= 400 => Some(c),
                    _ => None,
                })
                .collect();
            let cfg = op.feature.as_ref().map(|f| quote!(#[cfg(feature = #f)]));
            quote! { #cfg (#id, &[#(#statuses),*]), }
        });
    // Only a spec with request bodies (or parameters without a literal form)
    // needs the helpers that build them.
    let any_body = api.resources.iter().flat_map(|r| &r.operations).any(|op| {
        body_expr(api, op).is_some()
            || op
                .params
                .iter()
                .any(|p| p.required && param_literal(api, p).is_err())
    });
    let body_helpers = any_body.then(|| {
        quote! {
            impl Outcome {
                fn input(e: String) -> Self {
                    Self { detail: format!("sample input does not decode: {e}"), ..Self::default() }
                }
            }

            fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
                serde_json::from_str(json).map_err(|e| e.to_string())
            }
        }
    });
    // A description without operations (components or webhooks only) has no calls.
    let no_operations = api.resources.iter().all(|r| r.operations.is_empty());
    let unused = no_operations
        .then(|| quote!(#![allow(dead_code, unused_variables, clippy::match_single_binding)]));
    quote! {
        //! One call per operation with sample inputs from the API description, for
        //! contract tests against a mock server that validates requests. Not part of
        //! the SDK's API: compiled only with the `contract-tests` feature.
        #unused

        /// Every operation (by operationId) with its documented error statuses.
        pub const OPERATIONS: &[(&str, &[u16])] = &[#(#entries)*];

        /// What one call produced.
        #[derive(Debug, Clone, Default)]
        pub struct Outcome {
            /// HTTP status, when a response arrived.
            pub status: Option<u16>,
            /// The `sl-violations` response header (Prism's request validation report).
            pub violations: Option<String>,
            /// A 2xx response whose body decoded into its type.
            pub ok: bool,
            /// An error status decoded as one of the operation's documented variants.
            pub typed_error: bool,
            /// The documented error body decoded (true too when none is documented).
            pub error_body_decoded: bool,
            /// The error or error kind, for reports.
            pub detail: String,
        }

        #body_helpers

        fn violations(headers: &reqwest::header::HeaderMap) -> Option<String> {
            headers.get("sl-violations").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        }

        fn outcome<T, E: std::fmt::Debug>(result: Result<crate::Response<T>, crate::Error<E>>) -> Outcome {
            match result {
                Ok(r) => Outcome {
                    status: Some(r.status().as_u16()),
                    violations: violations(r.headers()),
                    ok: r.status().is_success(),
                    detail: String::new(),
                    ..Outcome::default()
                },
                Err(crate::Error::Api(api)) => {
                    let kind = format!("{:?}", api.kind());
                    Outcome {
                        status: Some(api.status().as_u16()),
                        violations: violations(api.headers()),
                        typed_error: !kind.starts_with("UnexpectedStatus"),
                        error_body_decoded: !kind.contains("(None)"),
                        detail: kind,
                        ..Outcome::default()
                    }
                }
                Err(e) => Outcome { status: e.status().map(|s| s.as_u16()), detail: e.to_string(), ..Outcome::default() },
            }
        }

        /// Calls the operation `operation_id` with sample inputs.
        pub async fn call(client: &crate::Client, operation_id: &str, options: crate::RequestOptions) -> Outcome {
            match operation_id {
                #(#arms)*
                other => Outcome { detail: format!("unknown operation {other}"), ..Outcome::default() },
            }
        }
    }
}
