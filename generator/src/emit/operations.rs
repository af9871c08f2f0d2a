//! Operations -> one resource module each: the accessor struct, one request builder per
//! operation (setters, `send`, `send_with_response`, `IntoFuture`, pagination), and the
//! operation's error-kind enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, lines, sanitize};
use super::models::{has_validate, ident, type_tokens};
use crate::ir::{
    Api, BodyKind, Method, Operation, Param, ParamLocation, ParamStyle, Resource, ResponseDef,
    ResponseKind, ServerOverride, StatusMatch, TypeKind, TypeRef,
};

/// The module for one resource.
pub fn resource_module(api: &Api, r: &Resource) -> TokenStream {
    let accessor_ty = ident(&r.type_name);
    let tag_doc = doc_attrs(Some(
        r.docs
            .as_deref()
            .unwrap_or(&format!("Operations tagged `{}`.", r.tag)),
    ));
    let methods = r.operations.iter().map(|op| accessor_method(api, r, op));
    let builders = r.operations.iter().map(|op| builder(api, op));
    quote! {
        #tag_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #accessor_ty<'a> {
            client: &'a crate::Client,
        }

        impl<'a> #accessor_ty<'a> {
            pub(crate) fn new(client: &'a crate::Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }

        #(#builders)*
    }
}

fn feature_attr(op: &Operation) -> TokenStream {
    match &op.feature {
        Some(f) => quote!(#[cfg(feature = #f)]),
        None => TokenStream::new(),
    }
}

fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}

/// Required inputs that become method arguments: path parameters, required query and
/// header parameters, and a required body.
fn required_params(op: &Operation) -> Vec<&Param> {
    op.params.iter().filter(|p| p.required).collect()
}

fn optional_params(op: &Operation) -> Vec<&Param> {
    op.params.iter().filter(|p| !p.required).collect()
}

fn arg_type(p: &Param) -> TokenStream {
    let t = type_tokens(&p.ty);
    quote!(impl Into<#t>)
}

fn accessor_method(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let cfg = feature_attr(op);
    let deprecated = deprecated_attr(op.deprecated);
    let req = required_params(op);
    let mut args: Vec<TokenStream> = req
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            let t = arg_type(p);
            quote!(#n: #t)
        })
        .collect();
    let mut inits: Vec<TokenStream> = req
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            quote!(#n: #n.into())
        })
        .collect();
    inits.extend(optional_params(op).iter().map(|p| {
        let n = ident(&p.name);
        quote!(#n: None)
    }));
    if let Some(b) = &op.body {
        let t = type_tokens(&b.ty);
        // Every body accepts what converts into it: a union body takes any member
        // (`create(order)`), text and file bodies take `&str`, `Vec<u8>`...
        if !b.required {
            inits.push(quote!(body: None));
        } else {
            args.push(quote!(body: impl Into<#t>));
            inits.push(quote!(body: body.into()));
        }
    }
    let docs = operation_docs(api, r, op);
    quote! {
        #docs
        #cfg
        #deprecated
        pub fn #name(&self, #(#args),*) -> #builder<'a> {
            #builder {
                client: self.client,
                #(#inits,)*
                options: crate::RequestOptions::default(),
            }
        }
    }
}

fn operation_docs(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let mut text = String::new();
    if let Some(s) = &op.summary {
        text.push_str(&sanitize(s));
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "{} (operationId `{}`){}",
        route(op),
        op.id,
        server_note(op)
    ));
    if let Some(f) = &op.feature {
        text.push_str(&format!("; only with the `{f}` cargo feature"));
    }
    text.push_str(".\n");
    if let Some(d) = &op.docs {
        text.push('\n');
        text.push_str(&sanitize(d));
        text.push('\n');
    }
    if let Some(b) = &op.body {
        if let Some(field) = &b.idempotency_field {
            text.push_str(&format!(
                "\nIdempotent: when the body's `{field}` is empty the SDK fills in a fresh UUID, and every \
                 retry re-sends the same value, so a retried call cannot act twice. A value you set always wins.\n"
            ));
        }
    }
    if op.pagination.is_some() {
        text.push_str(
            "\nPaginated: `.await` returns one page; `.into_stream()` walks every page.\n",
        );
    }
    text.push_str(&example(api, r, op));
    lines(&text)
}

/// The HTTP route in docs: `` `POST /orders` ``; under an operation's own server, the
/// path the request really takes after the base URL's replaced segments (`` `POST
/// /v2/things` `` where the server swaps the base URL's `/v1` for `/v2`).
pub fn route(op: &Operation) -> String {
    let path = op.path.replace('`', "'");
    let path = match &op.server {
        Some(ServerOverride::Relative { append, .. }) => {
            format!("{}{path}", append.trim_end_matches('/').replace('`', "'"))
        }
        _ => path,
    };
    format!("`{} {path}`", op.method.as_str())
}

/// Where an operation with its own server is sent, for its docs (empty otherwise).
fn server_note(op: &Operation) -> String {
    match &op.server {
        None => String::new(),
        Some(ServerOverride::Relative { url, strip, .. }) if !strip.is_empty() => format!(
            ", on the API's server `{}` (the base URL without its trailing `/{}`)",
            url.replace('`', "'"),
            strip.join("/").replace('`', "'")
        ),
        Some(ServerOverride::Relative { url, .. } | ServerOverride::Absolute(url)) => {
            format!(", on the server `{}`", url.replace('`', "'"))
        }
    }
}

fn rust_literal_for(p: &Param) -> String {
    let value = p.example.clone();
    match (&p.ty, value) {
        (TypeRef::I32 | TypeRef::I64, Some(serde_json::Value::Number(n))) => n.to_string(),
        (TypeRef::I32 | TypeRef::I64, _) => "1".into(),
        (TypeRef::F32 | TypeRef::F64, Some(serde_json::Value::Number(n))) => format!("{}_f64", n),
        (TypeRef::Bool, Some(serde_json::Value::Bool(b))) => b.to_string(),
        (TypeRef::Bool, _) => "true".into(),
        (TypeRef::String, Some(serde_json::Value::String(s))) => format!("{s:?}"),
        (TypeRef::Named(_), Some(serde_json::Value::String(s))) => format!("{s:?}"),
        _ => format!("{:?}", p.wire),
    }
}

fn example(api: &Api, r: &Resource, op: &Operation) -> String {
    let krate = api.info.crate_name.replace('-', "_");
    let mut setup = String::new();
    let mut args: Vec<String> = Vec::new();
    for p in required_params(op) {
        let lit = rust_literal_for(p);
        let named_enum = matches!(&p.ty, TypeRef::Named(n) if is_string_enum(api, n));
        match &p.ty {
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::Bool => args.push(lit),
            TypeRef::Named(n) if named_enum => {
                args.push(format!("{krate}::models::{n}::from({lit})"))
            }
            _ => return String::new(),
        }
    }
    if let Some(b) = &op.body {
        if b.required {
            if !matches!(b.kind, BodyKind::Json | BodyKind::Form) {
                return String::new();
            }
            // Without an example, the same sample the contract tests send (valid per the spec).
            let json = b
                .example
                .clone()
                .unwrap_or_else(|| super::contract::sample(api, &b.ty, None, 0));
            let pretty = serde_json::to_string(&json).unwrap_or_default();
            let Some(n) = b.ty.named() else {
                return String::new();
            };
            setup.push_str(&format!(
                "let body: {krate}::models::{n} = serde_json::from_value(serde_json::json!({pretty}))?;\n"
            ));
            args.push("body".into());
        }
    }
    let cfg = if op.feature.is_some() {
        "ignore"
    } else {
        "no_run"
    };
    format!(
        "\n# Example\n\n```{cfg}\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = {krate}::Client::from_env()?;\n{setup}let result = client.{}().{}({}).await?;\n# let _ = result;\n# Ok(())\n# }}\n```\n",
        r.accessor,
        op.method_name,
        args.join(", ")
    )
}

fn is_string_enum(api: &Api, name: &str) -> bool {
    api.types
        .iter()
        .any(|t| t.name == name && matches!(t.kind, TypeKind::StringEnum(_)))
}

/// What a successful call returns.
enum Success<'a> {
    /// One type (or `()`), whatever the 2xx status.
    Single(Option<&'a ResponseDef>),
    /// Different types per status: an enum named after the operation.
    PerStatus(Vec<&'a ResponseDef>),
}

/// The Rust type a response's body is read as (`None`: no body).
fn body_type(r: &ResponseDef) -> Option<TypeRef> {
    match r.kind {
        ResponseKind::Json => r.ty.clone(),
        ResponseKind::Text => Some(TypeRef::String),
        ResponseKind::Binary => None,
    }
}

/// The Rust type tokens of a response body, bytes included.
fn body_tokens(r: &ResponseDef) -> Option<TokenStream> {
    match r.kind {
        ResponseKind::Binary => Some(quote!(bytes::Bytes)),
        _ => body_type(r).map(|t| type_tokens(&t)),
    }
}

/// The same Rust value comes out of both responses.
fn same_body(a: &ResponseDef, b: &ResponseDef) -> bool {
    let key = |r: &ResponseDef| (r.kind == ResponseKind::Binary, body_type(r));
    key(a) == key(b)
}

fn success(op: &Operation) -> Success<'_> {
    let ok: Vec<&ResponseDef> = op.responses.iter().filter(|r| r.success).collect();
    match ok.first() {
        None => Success::Single(None),
        Some(first) if ok.iter().all(|r| same_body(r, first)) => {
            Success::Single(body_tokens(first).is_some().then_some(*first))
        }
        Some(_) => Success::PerStatus(ok),
    }
}

fn success_name(op: &Operation) -> proc_macro2::Ident {
    ident(&op.success_name)
}

fn output_type(op: &Operation) -> TokenStream {
    match success(op) {
        Success::Single(Some(r)) => body_tokens(r).unwrap_or_else(|| quote!(())),
        Success::Single(None) => quote!(()),
        Success::PerStatus(_) => {
            let n = success_name(op);
            quote!(#n)
        }
    }
}

/// The `RawResponse` call that reads a success body.
fn decode_call(r: Option<&ResponseDef>) -> TokenStream {
    match r.map(|r| (r.kind, body_type(r).is_some())) {
        Some((ResponseKind::Binary, _)) => quote!(raw.bytes()),
        Some((ResponseKind::Text, _)) => quote!(raw.text()),
        Some((ResponseKind::Json, true)) => quote!(raw.json()),
        _ => quote!(raw.empty()),
    }
}

/// Payload type of a success or error enum variant: named types are boxed so that the
/// enum stays small whichever body is largest.
fn payload(t: &TypeRef) -> TokenStream {
    let tokens = type_tokens(t);
    if t.named().is_some() {
        quote!(Box<#tokens>)
    } else {
        tokens
    }
}

fn status_pattern(s: StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Code(c) => quote!(#c),
        StatusMatch::Range(d) => {
            let lo = d * 100;
            let hi = d * 100 + 99;
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn builder(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.builder_name);
    let error = ident(&op.error_name);
    let cfg = feature_attr(op);
    let output = output_type(op);
    let params = &op.params;
    let fields = params.iter().map(|p| {
        let n = ident(&p.name);
        let t = type_tokens(&p.ty);
        if p.required {
            quote!(#n: #t,)
        } else {
            quote!(#n: Option<#t>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let t = type_tokens(&b.ty);
        if b.required {
            quote!(body: #t,)
        } else {
            quote!(body: Option<#t>,)
        }
    });
    let setters = optional_params(op).into_iter().map(|p| {
        let n = ident(&p.name);
        let t = type_tokens(&p.ty);
        let mut text = p
            .docs
            .as_deref()
            .map(sanitize)
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| format!("Sets `{}`.", p.wire));
        if let Some(f) = &p.format {
            text.push_str(&format!("\n\nFormat: `{f}`."));
        }
        let docs = lines(&text);
        quote! {
            #docs
            pub fn #n(mut self, value: impl Into<#t>) -> Self {
                self.#n = Some(value.into());
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let t = type_tokens(&b.ty);
        quote! {
            /// Sets the request body.
            pub fn body(mut self, value: impl Into<#t>) -> Self {
                self.body = Some(value.into());
                self
            }
        }
    });
    let SendParts {
        call: send_call,
        body: send_body,
        request: request_body,
        decode: decode_body,
    } = send_parts(api, op);
    let pagination = pagination(op);
    let success_enum = success_enum(op);
    let error_enum = error_enum(op);
    let summary = format!(
        " Request builder for {} (operationId `{}`): set options, then `.await` it.",
        route(op),
        op.id
    );
    quote! {
        #[doc = #summary]
        #cfg
        #[derive(Debug, Clone)]
        #[must_use = "a request builder does nothing until it is awaited or sent"]
        pub struct #name<'a> {
            client: &'a crate::Client,
            #(#fields)*
            #body_field
            options: crate::RequestOptions,
        }

        #cfg
        impl<'a> #name<'a> {
            #(#setters)*
            #body_setter

            /// Replaces the per-request options (timeout, retries).
            pub fn options(mut self, options: crate::RequestOptions) -> Self {
                self.options = options;
                self
            }

            /// Sets a timeout for this request only, overriding the client's.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options = self.options.timeout(timeout);
                self
            }

            /// Sets the longest this call may take, attempts, waits between retries and
            /// `Retry-After` together, overriding the client's deadline.
            pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
                self.options = self.options.deadline(deadline);
                self
            }

            /// Sets how many times this request may be retried, overriding the client's.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.options = self.options.max_retries(retries);
                self
            }

            /// Sends the request and returns the decoded body.
            #[inline]
            pub fn send(self) -> crate::CallFuture<'a, #output, #error> {
                #send_body
            }

            /// Sends the request and returns the decoded body with the status and headers.
            #[inline]
            pub fn send_with_response(self) -> crate::CallFuture<'a, crate::Response<#output>, #error> {
                #send_call
            }

            /// The request this builder describes, or why it cannot be sent.
            #[inline]
            fn request(self) -> Result<crate::runtime::Request, crate::Error<#error>> {
                #request_body
            }

            /// The call's result from the raw answer.
            #[inline]
            fn decode(raw: crate::runtime::RawResponse) -> Result<crate::Response<#output>, crate::Error<#error>> {
                #decode_body
            }

            #pagination
        }

        #cfg
        impl<'a> std::future::IntoFuture for #name<'a> {
            type Output = Result<#output, crate::Error<#error>>;
            type IntoFuture = crate::CallFuture<'a, #output, #error>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #success_enum
        #error_enum
    }
}

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(reqwest::Method::GET),
        Method::Post => quote!(reqwest::Method::POST),
        Method::Put => quote!(reqwest::Method::PUT),
        Method::Patch => quote!(reqwest::Method::PATCH),
        Method::Delete => quote!(reqwest::Method::DELETE),
        Method::Head => quote!(reqwest::Method::HEAD),
        Method::Options => quote!(reqwest::Method::OPTIONS),
    }
}

/// `format!` pieces for the path: literal text with `{}` for each parameter, in order.
fn path_format(api: &Api, op: &Operation) -> (String, Vec<TokenStream>) {
    let mut fmt = String::new();
    let mut args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        fmt.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[start + 1..start + len];
        match op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire == wire)
        {
            Some(p) => {
                let n = ident(&p.name);
                fmt.push_str("{}");
                let wire = &p.wire;
                let value = if p.ty == TypeRef::String {
                    quote!(&self.#n)
                } else if displays_as_text(api, &p.ty) {
                    quote!(&self.#n.to_string())
                } else {
                    let style = style_tokens(p.style());
                    let explode = p.explode();
                    quote!(&crate::runtime::param_text(&self.#n, #style, #explode)?)
                };
                args.push(quote!(crate::runtime::path_param(#wire, #value)?));
            }
            None => fmt.push_str(
                &rest[start..=start + len]
                    .replace('{', "{{")
                    .replace('}', "}}"),
            ),
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    (fmt, args)
}

/// Where a typed body holds its idempotency key, so that generated code reads and
/// fills it on the value and the body is serialised once and never parsed back.
enum TypedKey {
    /// A string field of the body struct: its Rust name, and whether it is required.
    Field(String, bool),
    /// The same string field in every member struct of a union: the union's name and,
    /// per member, the variant, the field's Rust name and whether it is required. A
    /// value of the union's `Unknown` variant leaves the key to the runtime.
    Members(String, Vec<(String, String, bool)>),
}

/// The string field named `wire` of struct `ty`: its Rust name and whether it is
/// required; `None` when `ty` is not such a struct.
fn typed_key_field(api: &Api, ty: &TypeRef, wire: &str) -> Option<(String, bool)> {
    let TypeKind::Struct(s) = &api.type_def(ty.named()?)?.kind else {
        return None;
    };
    let f = s.fields.iter().find(|f| f.wire == wire)?;
    (f.ty == TypeRef::String && !f.keeps_null() && !f.boxed).then(|| (f.name.clone(), f.required))
}

/// Where the body `ty` holds the key field `wire`; `None` when it is neither a
/// struct with that string field nor a union whose every member is one (the key is
/// then found in the serialised body by the runtime).
fn typed_key(api: &Api, ty: &TypeRef, wire: &str) -> Option<TypedKey> {
    let def = api.type_def(ty.named()?)?;
    match &def.kind {
        TypeKind::Struct(_) => typed_key_field(api, ty, wire).map(|(n, r)| TypedKey::Field(n, r)),
        TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
            let members = variants
                .iter()
                .map(|v| typed_key_field(api, &v.ty, wire).map(|(n, r)| (v.name.clone(), n, r)))
                .collect::<Option<Vec<_>>>()?;
            (!members.is_empty()).then(|| TypedKey::Members(def.name.clone(), members))
        }
        _ => None,
    }
}

/// The expression filling and returning the key in field `name` of `owner`.
fn fill_key(owner: TokenStream, name: &str, required: bool) -> TokenStream {
    let n = ident(name);
    if required {
        quote!(crate::runtime::fill_key(&mut #owner.#n))
    } else {
        quote!(crate::runtime::fill_optional_key(&mut #owner.#n))
    }
}

/// The generated pieces of sending: the call itself, the body of the builder's
/// `request` (the request, built without `async`) and of its `decode` (the result from
/// the raw answer).
struct SendParts {
    /// `send_with_response`'s body.
    call: TokenStream,
    /// `send`'s body.
    body: TokenStream,
    request: TokenStream,
    decode: TokenStream,
}

fn send_parts(api: &Api, op: &Operation) -> SendParts {
    let method = method_tokens(op.method);
    let template = &op.path;
    let (fmt, fmt_args) = path_format(api, op);
    let path = if fmt_args.is_empty() {
        quote!(String::from(#fmt))
    } else {
        quote!(format!(#fmt, #(#fmt_args),*))
    };
    let server = with_server(op.server.as_ref(), quote!(req));
    let mut mutations: Vec<TokenStream> = Vec::new();
    if !op.security.is_empty() {
        let alternatives = op.security.iter().map(|alt| {
            let schemes = alt.iter().map(|n| {
                let n = ident(n);
                quote!(crate::config::SecurityScheme::#n)
            });
            quote!(&[#(#schemes),*])
        });
        mutations.push(quote!(req.security(&[#(#alternatives),*]);));
    }
    if let Some(accept) = &op.accept {
        mutations.push(quote!(req.accept(#accept);));
    }
    for p in &op.params {
        let n = ident(&p.name);
        let wire = &p.wire;
        let style = style_tokens(p.style());
        let explode = p.explode();
        let value = if p.required {
            quote!(&self.#n)
        } else {
            quote!(value)
        };
        let add = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Query => {
                if p.style() == ParamStyle::Form && p.explode() && query_simple(api, &p.ty) {
                    let copy = matches!(
                        resolve_alias(api, &p.ty),
                        TypeRef::Bool
                            | TypeRef::I32
                            | TypeRef::I64
                            | TypeRef::F32
                            | TypeRef::F64
                            | TypeRef::Date
                            | TypeRef::DateTime
                    );
                    // `ToQuery` takes values: a required `Copy` scalar is passed as is.
                    let value = if p.required && copy {
                        quote!(self.#n)
                    } else {
                        value.clone()
                    };
                    quote!(req.query(#wire, #value);)
                } else {
                    quote!(req.query_styled(#wire, #value, #style, #explode)?;)
                }
            }
            ParamLocation::Header => match &p.ty {
                TypeRef::String => quote!(req.header(#wire, String::clone(#value));),
                t if p.style() == ParamStyle::Simple && displays_as_text(api, t) => {
                    quote!(req.header(#wire, ToString::to_string(#value));)
                }
                _ => quote!(req.header_styled(#wire, #value, #style, #explode)?;),
            },
            ParamLocation::Cookie => quote!(req.cookie(#wire, #value, #style, #explode)?;),
        };
        if p.required {
            mutations.push(add);
        } else {
            mutations.push(quote!(if let Some(value) = &self.#n { #add }));
        }
    }
    if let Some(b) = &op.body {
        let validate = if has_validate(api, &b.ty) {
            quote!(body.validate()?;)
        } else {
            TokenStream::new()
        };
        let media_type = b
            .media_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        let encode = match b.kind {
            BodyKind::Json => match &b.media_type {
                Some(m) => quote!(req.json(body)?; req.content_type(#m);),
                None => quote!(req.json(body)?;),
            },
            BodyKind::Multipart if multipart_struct(api, &b.ty) => {
                quote!(req.multipart(body.to_multipart());)
            }
            BodyKind::Multipart => {
                quote!(req.multipart(crate::runtime::MultipartBody::from_serialize(body)?);)
            }
            BodyKind::Form => {
                let entries = b.encoding.iter().map(|e| {
                    let prop = &e.property;
                    let style = style_tokens(e.style);
                    let explode = e.explode;
                    quote!((#prop, #style, #explode))
                });
                quote!(req.form(body, &[#(#entries),*])?;)
            }
            BodyKind::Text => quote!(req.text(body, #media_type);),
            BodyKind::Binary => quote!(req.binary(body, #media_type);),
        };
        let typed_key = match (&b.idempotency_field, b.kind) {
            (Some(f), BodyKind::Json) => typed_key(api, &b.ty, f),
            _ => None,
        };
        match (typed_key, &b.idempotency_field) {
            // The key is read and filled in on the typed body, so the body is
            // serialised once and never parsed back.
            (Some(key), field) => {
                let fill = match key {
                    TypedKey::Field(name, required) => {
                        let fill = fill_key(quote!(body), &name, required);
                        quote!(req.idempotency_key(#fill);)
                    }
                    TypedKey::Members(union, members) => {
                        let u = ident(&union);
                        let arms = members.iter().map(|(variant, name, required)| {
                            let v = ident(variant);
                            let fill = fill_key(quote!(member), name, *required);
                            quote!(crate::models::#u::#v(member) => Some(#fill),)
                        });
                        let field = field.as_deref().unwrap_or_default();
                        quote! {
                            let key = match &mut body {
                                #(#arms)*
                                crate::models::#u::Unknown(_) => None,
                            };
                            match key {
                                Some(key) => req.idempotency_key(key),
                                None => req.idempotency_field(#field),
                            }
                        }
                    }
                };
                let encode = match &b.media_type {
                    Some(m) => quote!(req.json(&body)?; req.content_type(#m);),
                    None => quote!(req.json(&body)?;),
                };
                let with_body = quote! { #validate #fill #encode };
                if b.required {
                    mutations.push(quote!({ let mut body = self.body; #with_body }));
                } else {
                    mutations.push(quote!(if let Some(mut body) = self.body { #with_body }));
                }
            }
            (None, idem) => {
                let idem = match idem {
                    Some(f) => quote!(req.idempotency_field(#f);),
                    None => TokenStream::new(),
                };
                // The idempotency field comes first so the body is serialised in one
                // pass when it needs no key.
                let with_body = quote! { #validate #idem #encode };
                if b.required {
                    mutations.push(quote!({ let body = &self.body; #with_body }));
                } else {
                    mutations.push(quote!(if let Some(body) = &self.body { #with_body }));
                }
            }
        }
    }
    let error = ident(&op.error_name);
    // Each arm with the status it matches: exact codes must come before ranges, and
    // the catch-all last.
    let mut arms: Vec<(StatusMatch, TokenStream)> = Vec::new();
    match success(op) {
        Success::Single(r) => {
            let decode = decode_call(r);
            let statuses: Vec<StatusMatch> = op
                .responses
                .iter()
                .filter(|r| r.success)
                .map(|r| r.status)
                .collect();
            if statuses.is_empty() {
                arms.push((StatusMatch::Range(2), quote!(200..=299 => #decode,)));
            }
            // One arm per rank (codes, ranges, default) keeps `201 | 202 => ..` together.
            for rank_of in [
                StatusMatch::Code(0),
                StatusMatch::Range(0),
                StatusMatch::Default,
            ] {
                let same: Vec<StatusMatch> = statuses
                    .iter()
                    .copied()
                    .filter(|s| std::mem::discriminant(s) == std::mem::discriminant(&rank_of))
                    .collect();
                if let Some(first) = same.first().copied() {
                    let pats = same.into_iter().map(status_pattern);
                    arms.push((first, quote!(#(#pats)|* => #decode,)));
                }
            }
        }
        Success::PerStatus(list) => {
            let en = success_name(op);
            for r in list {
                let pat = status_pattern(r.status);
                let v = ident(&r.variant);
                let arm = match (r.kind, body_type(r)) {
                    (ResponseKind::Binary, _) => {
                        quote!(#pat => raw.bytes().map(|r| r.map(#en::#v)),)
                    }
                    (ResponseKind::Text, _) => quote!(#pat => raw.text().map(|r| r.map(#en::#v)),),
                    (ResponseKind::Json, Some(t)) => {
                        let t = payload(&t);
                        quote!(#pat => raw.json::<#t, _>().map(|r| r.map(#en::#v)),)
                    }
                    (ResponseKind::Json, None) => {
                        quote!(#pat => raw.empty().map(|r| r.map(|()| #en::#v)),)
                    }
                };
                arms.push((r.status, arm));
            }
        }
    }
    for r in op.responses.iter().filter(|r| !r.success) {
        let pat = status_pattern(r.status);
        let v = ident(&r.variant);
        let arm = match &r.ty {
            Some(t) => {
                let t = payload(t);
                quote!(#pat => Err(raw.api_error::<#t, _>(#error::#v)),)
            }
            None => quote!(#pat => Err(raw.unexpected(#error::#v)),),
        };
        arms.push((r.status, arm));
    }
    if !arms.iter().any(|(s, _)| *s == StatusMatch::Default) {
        arms.push((
            StatusMatch::Default,
            quote!(_ => Err(raw.unexpected(#error::UnexpectedStatus)),),
        ));
    }
    let rank = |s: &StatusMatch| match s {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    };
    arms.sort_by_key(|(s, _)| rank(s));
    let arms = arms.into_iter().map(|(_, a)| a);
    // `send` yields the body, `send_with_response` the whole response: the same call
    // with another decoder (a closure that captures nothing is a function pointer),
    // so neither future wraps the other.
    let call = |decode: TokenStream, recovered: TokenStream| match duplicate_recovery(op) {
        Some(duplicate) => quote! {
            static DUPLICATE: crate::runtime::Duplicate = #duplicate;
            let client = self.client;
            client.call_deduplicated(self.request(), &DUPLICATE, #decode, #recovered)
        },
        None => quote! {
            let client = self.client;
            client.call(self.request(), #decode)
        },
    };
    let body = call(
        quote!(|raw| Self::decode(raw).map(crate::Response::into_inner)),
        quote!(|raw| raw.recovered().map(crate::Response::into_inner)),
    );
    let call = call(
        quote!(Self::decode),
        quote!(crate::runtime::RawResponse::recovered),
    );
    SendParts {
        call,
        body,
        request: quote! {
            let path = #path;
            let mut req = crate::runtime::Request::new(#method, #template, path);
            #server
            #(#mutations)*
            req.options(&self.options);
            Ok(req)
        },
        decode: quote! {
            match raw.status().as_u16() {
                #(#arms)*
            }
        },
    }
}

/// Points the request in `var` at the operation's server, if it has its own.
fn with_server(server: Option<&ServerOverride>, var: TokenStream) -> TokenStream {
    match server {
        None => TokenStream::new(),
        Some(s) => {
            let s = server_tokens(s);
            quote!(#var = #var.with_server(#s);)
        }
    }
}

/// The runtime's description of a server override.
pub(crate) fn server_tokens(server: &ServerOverride) -> TokenStream {
    match server {
        ServerOverride::Relative { url, strip, append } => quote! {
            crate::runtime::ServerOverride::Relative { server: #url, strip: &[#(#strip),*], append: #append }
        },
        ServerOverride::Absolute(url) => quote! {
            crate::runtime::ServerOverride::Absolute(#url)
        },
    }
}

/// When the call was retried and the answer is the API's duplicate-request error, an
/// earlier attempt went through: the runtime looks the resource up (or reports that it
/// may exist). This is how it recognises that answer and finds the resource.
fn duplicate_recovery(op: &Operation) -> Option<TokenStream> {
    let d = op.duplicate.as_ref()?;
    let status = d.status;
    let contains = match &d.body_contains {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    };
    let lookup = match &d.lookup {
        None => quote!(None),
        Some(l) => {
            let path = &l.path;
            let param = &l.param;
            let server = match &l.server {
                Some(s) => {
                    let s = server_tokens(s);
                    quote!(Some(#s))
                }
                None => quote!(None),
            };
            let items = match &l.items_field {
                Some(f) => quote!(Some(#f)),
                None => quote!(None),
            };
            let key_field = &d.key_field;
            quote! {
                Some(crate::runtime::Lookup {
                    path: #path,
                    param: #param,
                    server: #server,
                    items_field: #items,
                    key_field: #key_field,
                })
            }
        }
    };
    Some(quote! {
        crate::runtime::Duplicate { status: #status, body_contains: #contains, lookup: #lookup }
    })
}

fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form => quote!(crate::runtime::Style::Form),
        ParamStyle::Simple => quote!(crate::runtime::Style::Simple),
        ParamStyle::SpaceDelimited => quote!(crate::runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(crate::runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(crate::runtime::Style::DeepObject),
        ParamStyle::Json => quote!(crate::runtime::Style::Json),
    }
}

/// The named type behind aliases.
pub fn resolve_alias<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    let mut ty = ty;
    for _ in 0..16 {
        let Some(def) = ty.named().and_then(|n| api.type_def(n)) else {
            break;
        };
        match &def.kind {
            TypeKind::Alias(inner) => ty = inner,
            _ => break,
        }
    }
    ty
}

/// A scalar whose `Display` is its wire text: strings, numbers, booleans, string enums.
fn displays_as_text(api: &Api, ty: &TypeRef) -> bool {
    match resolve_alias(api, ty) {
        TypeRef::String
        | TypeRef::Date
        | TypeRef::DateTime
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64 => true,
        TypeRef::Named(n) => is_string_enum(api, n),
        _ => false,
    }
}

/// A query value the `ToQuery` trait renders (scalars, string enums, lists of them).
fn query_simple(api: &Api, ty: &TypeRef) -> bool {
    match resolve_alias(api, ty) {
        TypeRef::Vec(inner) => displays_as_text(api, inner),
        other => displays_as_text(api, other),
    }
}

/// A body type with a generated `to_multipart` (a struct, possibly behind aliases).
pub fn multipart_struct(api: &Api, ty: &TypeRef) -> bool {
    resolve_alias(api, ty)
        .named()
        .and_then(|n| api.type_def(n))
        .is_some_and(|d| matches!(d.kind, TypeKind::Struct(_)))
}

fn depth_unwrap(expr: TokenStream, depth: u8) -> TokenStream {
    // Produces an Option<_> from a field wrapped `depth` times.
    match depth {
        0 => quote!(Some(#expr)),
        1 => expr,
        _ => quote!(#expr.flatten()),
    }
}

fn pagination(op: &Operation) -> TokenStream {
    let Some(p) = &op.pagination else {
        return TokenStream::new();
    };
    let error = ident(&op.error_name);
    let item = type_tokens(&p.item_ty);
    let page = ident(&p.page_param);
    let items = ident(&p.items_field);
    let meta = ident(&p.meta_field);
    let next = ident(&p.next_field);
    let items_expr = depth_unwrap(quote!(body.#items), p.items_depth);
    let meta_expr = depth_unwrap(quote!(body.#meta), p.meta_depth);
    let next_expr = match p.next_depth {
        0 => quote!(Some(m.#next)),
        1 => quote!(m.#next),
        _ => quote!(m.#next.flatten()),
    };
    let page_ty = op
        .params
        .iter()
        .find(|q| q.name == p.page_param)
        .map(|q| q.ty.clone())
        .unwrap_or(TypeRef::I64);
    let first_page = match page_ty {
        TypeRef::I32 | TypeRef::I64 => {
            quote!(self.#page.and_then(|p| u32::try_from(p).ok()).unwrap_or(1))
        }
        _ => quote!(1),
    };
    let set_page = match page_ty {
        TypeRef::I32 => quote!(builder.#page = Some(i32::try_from(page).unwrap_or(i32::MAX));),
        _ => quote!(builder.#page = Some(i64::from(page));),
    };
    // The window is pinned to the server's time from the first page's `Date`
    // header, applied to every later page, unless the caller chose a window.
    let (pin_wanted, apply_pin, server_time) = match &p.pin_param {
        Some(pin) => {
            let pin_i = ident(pin);
            // The pin is a `jiff::Timestamp`; a parameter typed as text gets its
            // RFC 3339 form.
            let pin_ty = op.params.iter().find(|q| &q.name == pin).map(|q| &q.ty);
            let value = match pin_ty {
                Some(TypeRef::DateTime) => quote!(at),
                Some(TypeRef::String) => quote!(at.to_string()),
                _ => quote!(at.to_string().into()),
            };
            let unless = p.pin_unless.iter().filter(|u| *u != pin).map(|u| {
                let u = ident(u);
                quote!(&& self.#u.is_none())
            });
            (
                quote!(let pin_wanted = self.#pin_i.is_none() #(#unless)*;),
                quote! {
                    if let Some(at) = pinned.filter(|_| pin_wanted) {
                        builder.#pin_i = Some(#value);
                    }
                },
                quote!(pin_wanted),
            )
        }
        None => (TokenStream::new(), quote!(let _ = pinned;), quote!(false)),
    };
    let pin_doc = match &p.pin_param {
        Some(pin) => format!(
            "\n\nUnless you set {}, the pages after the first are pinned to `{pin}` = the server's time when it answered the first page (its `Date` header, rounded up to the second), so that records created meanwhile do not shift items between pages. The server's clock is used, never this machine's.",
            std::iter::once(pin.clone())
                .chain(p.pin_unless.iter().filter(|u| *u != pin).cloned())
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        None => String::new(),
    };
    let stream_doc = lines(&format!(
        "Streams every item across pages, starting at the page set on this builder (or the first),\nuntil the server reports no next page.{pin_doc}"
    ));
    quote! {
        #stream_doc
        #[inline]
        pub fn into_stream(self) -> crate::runtime::PageStream<'a, #item, #error> {
            let first = #first_page;
            #pin_wanted
            let base = self;
            crate::runtime::PageStream::new(first, move |page, pinned| {
                let mut builder = base.clone();
                #set_page
                #apply_pin
                crate::runtime::page(
                    builder.send_with_response(),
                    #server_time,
                    |body| {
                        let items = #items_expr.unwrap_or_default();
                        let next = #meta_expr.and_then(|m| #next_expr).and_then(|n| u32::try_from(n).ok());
                        (items, next)
                    },
                )
            })
        }

        /// Fetches every page and returns all items in order.
        #[inline]
        pub fn collect_all(self) -> crate::CollectAll<'a, #item, #error> {
            self.into_stream().collect_all()
        }
    }
}

fn success_enum(op: &Operation) -> TokenStream {
    let Success::PerStatus(list) = success(op) else {
        return TokenStream::new();
    };
    let name = success_name(op);
    let cfg = feature_attr(op);
    let vs = list.iter().map(|r| {
        let v = ident(&r.variant);
        let doc = lines(&format!(
            "{}: {}",
            status_label(r.status),
            sanitize(&r.docs)
        ));
        match (r.kind, body_type(r)) {
            (ResponseKind::Binary, _) => quote!(#doc #v(bytes::Bytes),),
            (_, Some(t)) => {
                let t = payload(&t);
                quote!(#doc #v(#t),)
            }
            (_, None) => quote!(#doc #v,),
        }
    });
    let doc = format!(
        " The successful outcomes of `{}`, one per documented status.",
        op.id
    );
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#vs)*
        }
    }
}

fn status_label(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => format!("`{c}`"),
        StatusMatch::Range(d) => format!("`{d}XX`"),
        StatusMatch::Default => "any other status".into(),
    }
}

fn error_enum(op: &Operation) -> TokenStream {
    let name = ident(&op.error_name);
    let cfg = feature_attr(op);
    let errors: Vec<&ResponseDef> = op.responses.iter().filter(|r| !r.success).collect();
    let has_default = errors.iter().any(|r| r.status == StatusMatch::Default);
    let vs = errors.iter().map(|r| {
        let v = ident(&r.variant);
        let body_note = if r.ty.is_some() {
            " The body, when it decodes as documented."
        } else {
            ""
        };
        let doc = lines(&format!(
            "{}: {}{body_note}",
            status_label(r.status),
            sanitize(&r.docs)
        ));
        match &r.ty {
            Some(t) => {
                let t = payload(t);
                quote!(#doc #v(Option<#t>),)
            }
            None => quote!(#doc #v,),
        }
    });
    let unexpected = if has_default {
        TokenStream::new()
    } else {
        quote! {
            /// A status the API description does not document for this operation; the
            /// status, headers and raw body are on the [`ApiError`](crate::ApiError).
            UnexpectedStatus,
        }
    };
    let display_arms = errors.iter().map(|r| {
        let v = ident(&r.variant);
        let text = format!(
            "{} ({})",
            r.docs.lines().next().unwrap_or("").trim(),
            status_label(r.status).replace('`', "")
        );
        match &r.ty {
            Some(_) => quote!(Self::#v(_) => f.write_str(#text),),
            None => quote!(Self::#v => f.write_str(#text),),
        }
    });
    let unexpected_display = if has_default {
        TokenStream::new()
    } else {
        quote!(Self::UnexpectedStatus => f.write_str("undocumented status"),)
    };
    let doc = format!(
        " Error statuses of `{}`: one variant per documented status, chosen by the status code alone.",
        op.id
    );
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#vs)*
            #unexpected
        }

        #cfg
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#display_arms)*
                    #unexpected_display
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: T, version: '1'}
servers: [{url: 'https://h.example/api/v1'}]
paths:
  /things:
    post:
      operationId: createThing
      tags: [things]
      servers: [{url: 'https://h.example/api/v2'}]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}
      responses:
        '204': {description: ok}
  /things/{id}:
    get:
      operationId: getThing
      tags: [things]
      parameters: [{in: path, name: id, required: true, schema: {type: string}}]
      responses:
        '204': {description: ok}
"#;

    fn resource() -> (Api, Resource) {
        let config = crate::config::Config::from_yaml("{}").unwrap_or_else(|e| panic!("{e}"));
        let api = crate::build_ir(SPEC, "t.yaml", &config)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .0;
        let r = api.resources[0].clone();
        (api, r)
    }

    #[test]
    fn the_idempotency_key_of_a_union_body_is_filled_on_its_member() {
        const UNION: &str = r#"
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /transfers:
    post:
      operationId: createTransfer
      tags: [transfers]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {type: object, required: [iban, request_id], properties: {iban: {type: string}, request_id: {type: string}}}
                - {type: object, required: [card], properties: {card: {type: string}, request_id: {type: string}}}
      responses:
        '204': {description: ok}
  /notes:
    post:
      operationId: createNote
      tags: [transfers]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {type: object, required: [text], properties: {text: {type: string}, request_id: {type: string}}}
                - {type: object, required: [html], properties: {html: {type: string}}}
      responses:
        '204': {description: ok}
"#;
        let config = crate::config::Config::from_yaml("idempotency: {body_field: request_id}")
            .unwrap_or_else(|e| panic!("{e}"));
        let api = crate::build_ir(UNION, "t.yaml", &config)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .0;
        let text = resource_module(&api, &api.resources[0])
            .to_string()
            .replace(' ', "");
        // Each member fills its own field (required or optional); an unknown member
        // leaves the key to the runtime, which reads it from the serialised body.
        assert!(text.contains("fill_key(&mutmember.request_id)"), "{text}");
        assert!(
            text.contains("fill_optional_key(&mutmember.request_id)"),
            "{text}"
        );
        assert!(text.contains("::Unknown(_)=>None"), "{text}");
        assert!(
            text.contains("None=>req.idempotency_field(\"request_id\")"),
            "{text}"
        );
        // A union with a member lacking the field is left to the runtime entirely.
        assert_eq!(text.matches("letkey=match&mutbody").count(), 1, "{text}");
        assert_eq!(
            text.matches("req.idempotency_field(\"request_id\");")
                .count(),
            1,
            "{text}"
        );
    }

    #[test]
    fn every_method_names_its_route_with_the_server_override() {
        let (api, r) = resource();
        let text = resource_module(&api, &r).to_string();
        // The path the request takes: the override swaps the base URL's `/v1` for `/v2`.
        assert!(
            text.contains("`POST /v2/things` (operationId `createThing`), on the API's server `https://h.example/api/v2` (the base URL without its trailing `/v1`)"),
            "{text}"
        );
        assert!(
            text.contains("`GET /things/{id}` (operationId `getThing`)"),
            "{text}"
        );
        // Bodies are taken as `impl Into`, so a union body accepts any member.
        assert!(
            text.replace(' ', "")
                .contains("body:implInto<crate::models::CreateThingRequest>"),
            "{text}"
        );
    }
}
