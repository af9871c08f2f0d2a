//! Stage 2, the intermediate representation: what the SDK is, independent of both the
//! OpenAPI document model and of Rust syntax.
//!
//! Every item knows its own Rust name and docs, so emit never invents names. The IR is
//! serialisable and snapshot-tested on its own; emit reads only these types, never
//! openapiv3.

pub mod build;
pub mod enums;
pub mod gates;
pub mod names;
pub mod operations;
pub mod stale;
pub mod types;
pub mod webhooks;

use serde::Serialize;
use serde_json::Value;

/// The whole API as the emitter sees it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Api {
    /// Crate and API identity.
    pub info: ApiInfo,
    /// Base URLs.
    pub servers: Servers,
    /// Client runtime settings.
    pub client: ClientSettings,
    /// Every named type, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations grouped by tag, in tag order.
    pub resources: Vec<Resource>,
    /// Cargo features gating operations.
    pub features: Vec<Feature>,
    /// The resource features each type needs, by type name (types needing none are
    /// absent); see [`gates`].
    pub gates: std::collections::BTreeMap<String, Vec<String>>,
    /// Requests the API sends (the description's `webhooks:`) and how they are signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
}

/// Incoming webhooks: the `Event` type and the signature checks of the generated crate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Webhooks {
    /// One `Event` variant per webhook, in document order.
    pub events: Vec<Webhook>,
    /// Payload property whose value selects the variant; `None`: tried in order.
    pub discriminator: Option<String>,
    /// Request header carrying the signature, if the config names one.
    pub signature_header: Option<String>,
    /// A signature over joined fields (e.g. a redirect callback), if configured.
    pub callback: Option<Callback>,
}

/// One webhook of the description.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Webhook {
    /// Key in `webhooks:`.
    pub name: String,
    /// `Event` variant name.
    pub variant: String,
    /// Summary or description of the webhook.
    pub docs: Option<String>,
    /// Payload type (the JSON request body).
    pub ty: TypeRef,
    /// Discriminator values selecting this variant (with a discriminator).
    pub tag_values: Vec<String>,
    /// Example payload from the spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// A signature over fields joined by a separator.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Callback {
    /// Rust function name.
    pub function: String,
    /// Rust argument names, in signing order.
    pub fields: Vec<String>,
    /// Text between the fields.
    pub separator: String,
    /// Doc comment.
    pub docs: String,
}

/// Crate and API identity.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Human name of the API for docs.
    pub api_name: String,
    /// Generated package name.
    pub crate_name: String,
    /// Generated package version.
    pub crate_version: String,
    /// Generated package description.
    pub crate_description: String,
    /// File name of the spec, for the generated-file header.
    pub source: String,
    /// Extra dev-dependencies of the generated crate (name, TOML value), from the config.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dev_dependencies: Vec<(String, String)>,
}

/// Base URLs: the environments the client can target.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Servers {
    /// Named environments; the first is the default.
    pub environments: Vec<Environment>,
}

/// One named environment.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Environment {
    /// Rust variant name.
    pub name: String,
    /// Base URL.
    pub url: String,
    /// Doc comment.
    pub docs: String,
}

/// Client runtime settings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClientSettings {
    /// Env var with the API key (empty: none).
    pub api_key_env: String,
    /// Env var with a base URL override (empty: none).
    pub base_url_env: String,
    /// Response headers carrying a request id.
    pub request_id_headers: Vec<String>,
    /// The security schemes the SDK can send, in `components.securitySchemes` order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The scheme `api_key(..)` sets: the first single-token scheme operations use.
    pub api_key_scheme: Option<String>,
    /// Base URLs of the description's servers (root, path and operation level, with
    /// variable defaults) and of the configured environments: with the client's own
    /// base URL, the only places credentials are sent to.
    pub trusted_servers: Vec<String>,
}

/// One supported entry of `components.securitySchemes`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's name in the description.
    pub key: String,
    /// Rust variant name in the generated `SecurityScheme` enum.
    pub name: String,
    /// Where the credential goes.
    pub kind: SchemeKind,
    /// The scheme's description.
    pub docs: Option<String>,
}

/// How a credential is sent.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`: HTTP bearer, and the access token of an
    /// OAuth 2 or OpenID Connect scheme (the SDK does not run those flows).
    Bearer {
        /// `oauth2` or `openIdConnect` when the token comes from such a flow.
        #[serde(skip_serializing_if = "Option::is_none")]
        flow: Option<String>,
    },
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where.
        location: ApiKeyLocation,
        /// Header, parameter or cookie name.
        name: String,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A cargo feature of the generated crate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Feature {
    /// Feature name.
    pub name: String,
    /// What it enables.
    pub docs: String,
}

/// A named Rust type.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypeDef {
    /// Rust type name, unique in the crate.
    pub name: String,
    /// Module (type family) the type is emitted into.
    pub module: String,
    /// Doc comment text from the schema description.
    pub docs: Option<String>,
    /// `deprecated: true` in the schema.
    pub deprecated: bool,
    /// JSON pointer of the schema this type comes from.
    pub origin: String,
    /// Example value from the spec, used by round-trip tests and docs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// The shape.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(StructDef),
    /// A closed string set plus an `Unknown(String)` fallback.
    StringEnum(Vec<EnumVariant>),
    /// `oneOf`/`anyOf` with a discriminator property.
    TaggedUnion {
        /// Discriminator property name.
        tag: String,
        /// Variants in spec order.
        variants: Vec<UnionVariant>,
    },
    /// `oneOf`/`anyOf` without a discriminator: the member is chosen by the evidence
    /// in the payload (see [`member_shape`]).
    UntaggedUnion(Vec<UnionVariant>),
    /// A name for another type (`type Notes = BTreeMap<String, String>`).
    Alias(TypeRef),
}

/// Fields of a struct.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StructDef {
    /// Properties in spec order.
    pub fields: Vec<Field>,
    /// Type of additional properties, if they are modelled (flattened map).
    pub additional: Option<TypeRef>,
    /// Contains a binary field: sent as multipart, not (de)serialised with serde.
    pub multipart: bool,
    /// Untagged-union fields whose member a sibling field names (from the config).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sibling_tags: Vec<SiblingTag>,
    /// Amount fields and the currency fields they go with (from the config).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub money: Vec<MoneyPair>,
}

/// An integer amount field and the field naming its currency, read together through
/// an accessor that returns both as the runtime's `Money`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MoneyPair {
    /// Rust name of the accessor (`money`, `source_money`).
    pub accessor: String,
    /// Rust name of the amount field.
    pub amount: String,
    /// Rust name of the currency field.
    pub currency: String,
}

/// An untagged-union field of a struct whose member is named by another field of the
/// same struct (`payment_method.type` says which `payment_method.details` follows).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SiblingTag {
    /// Rust name of the union field.
    pub field: String,
    /// Rust name of the field whose value names the member.
    pub tag_field: String,
    /// Tag value -> union variant name.
    pub variants: Vec<(String, String)>,
}

/// Methods a generated struct has or inherits (its own `new`, `validate`, `to_multipart`,
/// serde's `serialize`/`deserialize`, and those of `Default`, `Clone`, `PartialEq`,
/// `Debug`, `From`/`Into`, `ToOwned`, `Borrow`, `Any`): a setter named like one would
/// shadow it, so it gets `with_` in front instead.
pub const STRUCT_METHODS: &[&str] = &[
    "new",
    "validate",
    "to_multipart",
    "serialize",
    "deserialize",
    "default",
    "clone",
    "clone_from",
    "clone_into",
    "eq",
    "ne",
    "fmt",
    "from",
    "into",
    "try_from",
    "try_into",
    "to_owned",
    "borrow",
    "borrow_mut",
    "type_id",
];

/// The chainable setter of one optional field of a request type.
#[derive(Debug, Clone, PartialEq)]
pub struct Setter<'a> {
    /// The field it sets.
    pub field: &'a Field,
    /// Method name: the field's name, or `with_<name>` where that would shadow another
    /// method ([`STRUCT_METHODS`]).
    pub name: String,
    /// For an optional nullable field, the method that sends an explicit `null`.
    pub null: Option<String>,
}

impl StructDef {
    /// The arguments of `new()` (request types): every required field in spec order,
    /// except tags with a fixed value, which `new()` fills in itself.
    pub fn constructor(&self) -> Vec<&Field> {
        self.fields
            .iter()
            .filter(|f| f.required && f.fixed.is_none())
            .collect()
    }

    /// The setters of a request type: one per optional field (a fixed tag has none: the
    /// union writes it), named so that none shadows another method of the struct or
    /// another setter. Names are claimed in three rounds, each in field order: fields
    /// whose own name is free keep it, so a field added later never renames an existing
    /// setter; then `with_<name>` for the others; then the `_null` setters.
    pub fn setters(&self) -> Vec<Setter<'_>> {
        let mut scope = names::Scope::with_reserved(STRUCT_METHODS);
        let optional: Vec<&Field> = self
            .fields
            .iter()
            .filter(|f| !f.required && f.fixed.is_none())
            .collect();
        let reserved = |f: &Field| STRUCT_METHODS.contains(&f.name.as_str());
        let mut names: Vec<Option<String>> = optional
            .iter()
            .map(|f| (!reserved(f)).then(|| scope.claim(&f.name)))
            .collect();
        for (f, name) in optional.iter().zip(names.iter_mut()) {
            if name.is_none() {
                *name = Some(scope.claim(&format!("with_{}", f.name)));
            }
        }
        let mut out: Vec<Setter<'_>> = optional
            .iter()
            .zip(names)
            .map(|(f, name)| Setter {
                field: f,
                name: name.unwrap_or_default(),
                null: None,
            })
            .collect();
        for s in &mut out {
            if s.field.nullable {
                s.null = Some(scope.claim(&format!("{}_null", s.name.trim_end_matches('_'))));
            }
        }
        out
    }

    /// Whether the struct implements `Default` (every field optional, not multipart).
    pub fn has_default(&self) -> bool {
        !self.multipart && self.fields.iter().all(|f| !f.required)
    }
}

/// One property of a struct.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Field {
    /// Rust field name.
    pub name: String,
    /// JSON property name.
    pub wire: String,
    /// Value type (without the `Option` wrapping).
    pub ty: TypeRef,
    /// In the schema's `required` list.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Optional and nullable, with absent and `null` read alike (`Option<T>`, not
    /// `Option<Option<T>>`): set on types that are only ever received.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub folded: bool,
    /// `readOnly` in the schema.
    pub read_only: bool,
    /// `writeOnly` in the schema.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    /// The only value the field takes: the tag selecting this type in a tagged union.
    /// Constructors fill it in and the union's encoder writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// Boxed because it closes a cycle of directly nested types.
    pub boxed: bool,
    /// Doc comment.
    pub docs: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Checks that can run before a request is sent.
    pub constraints: Constraints,
    /// Declared `format`, for docs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Example value from the spec, for sample requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

impl Field {
    /// Whether the Rust type keeps `null` apart: nullable and not folded. An optional
    /// field that keeps it is `Option<Option<T>>` (absent, `null`, value).
    pub fn keeps_null(&self) -> bool {
        self.nullable && !self.folded
    }
}

/// Value constraints from the schema, checked client-side before sending.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// `maxLength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// `minimum` (and whether it is exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<(f64, bool)>,
    /// `maximum` (and whether it is exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<(f64, bool)>,
    /// `minItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    /// `maxItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
    /// `pattern` (checked with `regex-lite`; only patterns it can compile are kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Constraints {
    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Keeps only the checks that apply to a value of type `ty`: a length or pattern
    /// beside an enum or a `$ref` describes the wire text, which the type already
    /// restricts, and cannot be checked on the Rust value.
    pub fn fit_to(mut self, ty: &TypeRef) -> Self {
        if *ty != TypeRef::String {
            self.min_length = None;
            self.max_length = None;
            self.pattern = None;
        }
        if !matches!(
            ty,
            TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64
        ) {
            self.minimum = None;
            self.maximum = None;
        }
        if !matches!(ty, TypeRef::Vec(_)) {
            self.min_items = None;
            self.max_items = None;
        }
        self
    }
}

/// One value of a string enum.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnumVariant {
    /// Rust variant name.
    pub name: String,
    /// Wire value.
    pub value: String,
}

/// One member of a union.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// Discriminator values selecting this variant (tagged unions only).
    pub tag_values: Vec<String>,
    /// Payload type.
    pub ty: TypeRef,
    /// Boxed because it closes a cycle.
    pub boxed: bool,
}

/// A reference to a type, as used by fields, parameters and bodies.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// UTF-8 text (also uuid, email and other formats: kept verbatim).
    String,
    /// A calendar date without time or zone (`format: date`, `2003-11-29`).
    Date,
    /// An instant (`format: date-time`, RFC 3339 such as `2025-05-06T09:36:04Z`).
    DateTime,
    /// `true`/`false`.
    Bool,
    /// 32-bit signed integer (`format: int32`).
    I32,
    /// 64-bit signed integer (`integer` without format, `int64`).
    I64,
    /// 32-bit float (`format: float`).
    F32,
    /// 64-bit float (`number`).
    F64,
    /// Anything: `serde_json::Value`.
    Json,
    /// File content in a multipart body.
    Binary,
    /// A named type from [`Api::types`].
    Named(String),
    /// JSON array.
    Vec(Box<TypeRef>),
    /// JSON object with arbitrary keys.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The named type this refers to directly, if any.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(n) => Some(n),
            _ => None,
        }
    }

    /// Every named type mentioned, including inside containers.
    pub fn mentions(&self) -> Vec<&str> {
        match self {
            TypeRef::Named(n) => vec![n.as_str()],
            TypeRef::Vec(t) | TypeRef::Map(t) => t.mentions(),
            _ => Vec::new(),
        }
    }
}

/// A tag's operations: one accessor on the client.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Resource {
    /// The OpenAPI tag.
    pub tag: String,
    /// Accessor method name (`payouts`).
    pub accessor: String,
    /// Accessor struct name (`Payouts`).
    pub type_name: String,
    /// Module name (`payouts`).
    pub module: String,
    /// The cargo feature its operations and types sit behind (`payouts`).
    pub feature: String,
    /// Tag description.
    pub docs: Option<String>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
}

impl Method {
    /// Upper-case HTTP name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

/// Where an operation's base URL differs from the root server.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum ServerOverride {
    /// Same origin: the root server's trailing path segments `strip` are replaced
    /// by `append` (`https://h/api/v1` -> `https://h/api` strips `v1`).
    Relative {
        /// The server URL as the spec writes it (names the server to users).
        url: String,
        /// Trailing path segments of the root server that this server lacks.
        strip: Vec<String>,
        /// Path appended after stripping (may be empty).
        append: String,
    },
    /// Another origin: used as is.
    Absolute(String),
}

/// One HTTP operation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Operation {
    /// `operationId` (or one derived from method and path).
    pub id: String,
    /// Rust method name on the resource.
    pub method_name: String,
    /// Builder type name (`CreatePayout`).
    pub builder_name: String,
    /// Error kind enum name (`CreatePayoutError`).
    pub error_name: String,
    /// Success enum name, used when 2xx statuses carry different types.
    pub success_name: String,
    /// HTTP method.
    pub method: Method,
    /// Path template as written in the spec.
    pub path: String,
    /// Server override for this operation, if any.
    pub server: Option<ServerOverride>,
    /// Summary line.
    pub summary: Option<String>,
    /// Description.
    pub docs: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path, query and header parameters.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Documented responses.
    pub responses: Vec<ResponseDef>,
    /// The `Accept` header: the documented response media types, best first
    /// (`None`: `application/json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// Page-number pagination, when the operation fits the configured shape.
    pub pagination: Option<Pagination>,
    /// Cargo feature the operation is compiled under.
    pub feature: Option<String>,
    /// Security requirements: alternatives, each a set of schemes (Rust variant names)
    /// sent together. Empty: no credential. An empty alternative: credentials optional.
    pub security: Vec<Vec<String>>,
    /// What a retried call does with the API's duplicate-request answer (from the
    /// config's `idempotency.duplicates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<DuplicateRecovery>,
}

/// How the API answers a repeated idempotency key, and how to find what the first
/// request created.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuplicateRecovery {
    /// Status of the duplicate answer.
    pub status: u16,
    /// Text the answer's body must also contain.
    pub body_contains: Option<String>,
    /// Wire name of the body field carrying the key.
    pub key_field: String,
    /// The list operation that finds the resource by key, if there is one.
    pub lookup: Option<DuplicateLookup>,
}

/// A `GET` list operation filtered by the idempotency key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuplicateLookup {
    /// Its operationId.
    pub operation: String,
    /// Its path (no path parameters).
    pub path: String,
    /// Its server override, if any.
    pub server: Option<ServerOverride>,
    /// Wire name of the query parameter filtering by key.
    pub param: String,
    /// Wire name of the response property holding the items; `None` when the body is
    /// the array itself.
    pub items_field: Option<String>,
}

/// Parameter location.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// As a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// How a parameter's value is written (OpenAPI `style`, plus `content`-encoded JSON).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub enum ParamStyle {
    /// `form` (query and cookie default): `a=1&a=2`, or `a=1,2` without explode.
    #[default]
    Form,
    /// `simple` (path and header default): `1,2`.
    Simple,
    /// `spaceDelimited` arrays: `a=1%202`.
    SpaceDelimited,
    /// `pipeDelimited` arrays: `a=1|2`.
    PipeDelimited,
    /// `deepObject`: `a[b][c]=v`.
    DeepObject,
    /// `content` with a JSON media type: the value serialised as JSON text.
    Json,
}

impl ParamStyle {
    /// The style a location uses when the spec names none.
    pub fn default_for(location: ParamLocation) -> Self {
        match location {
            ParamLocation::Path | ParamLocation::Header => ParamStyle::Simple,
            ParamLocation::Query | ParamLocation::Cookie => ParamStyle::Form,
        }
    }
}

/// One parameter.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Wire name.
    pub wire: String,
    /// Location.
    pub location: ParamLocation,
    /// Required (path parameters always are).
    pub required: bool,
    /// Value type.
    pub ty: TypeRef,
    /// Doc comment.
    pub docs: Option<String>,
    /// Example value from the spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// Declared `format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Constraints checked before sending.
    pub constraints: Constraints,
    /// How the value is written, when it is not the location's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<ParamStyle>,
    /// `explode`, when it is not the style's default (true for form, false otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explode: Option<bool>,
}

impl Param {
    /// The style in effect.
    pub fn style(&self) -> ParamStyle {
        self.style
            .unwrap_or_else(|| ParamStyle::default_for(self.location))
    }

    /// Whether lists and objects explode, in effect.
    pub fn explode(&self) -> bool {
        self.explode.unwrap_or(self.style() == ParamStyle::Form)
    }
}

/// How a request body travels: chosen per operation, whatever the payload type.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` and `application/*+json`.
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `text/*`: a string.
    Text,
    /// Anything else: raw bytes.
    Binary,
}

/// How one property of a form body is written (`encoding` of the media type).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FormEncoding {
    /// Property name.
    pub property: String,
    /// Style (form, spaceDelimited, pipeDelimited, deepObject; `Json` for a JSON `contentType`).
    pub style: ParamStyle,
    /// Explode.
    pub explode: bool,
}

/// A request body.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Body {
    /// Encoding.
    pub kind: BodyKind,
    /// The media type sent as `Content-Type` (for JSON and multipart, the SDK's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Per-property encoding of a form body, where the spec sets one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<FormEncoding>,
    /// Payload type.
    pub ty: TypeRef,
    /// `requestBody.required`.
    pub required: bool,
    /// Body property carrying an idempotency key, if the configured one is present.
    pub idempotency_field: Option<String>,
    /// Example from the spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `4XX`: all codes with this first digit.
    Range(u16),
    /// `default`: everything not otherwise listed.
    Default,
}

/// One documented response.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResponseDef {
    /// Statuses covered.
    pub status: StatusMatch,
    /// Success (2xx, or `default` when no 2xx is listed).
    pub success: bool,
    /// Variant name in the success or error enum.
    pub variant: String,
    /// JSON body type, if any.
    pub ty: Option<TypeRef>,
    /// How the body is read.
    #[serde(skip_serializing_if = "ResponseKind::is_json")]
    pub kind: ResponseKind,
    /// Description.
    pub docs: String,
    /// Example bodies from the spec, by JSON pointer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<(String, Value)>,
}

/// How a response body is read.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub enum ResponseKind {
    /// JSON decoded into `ty` (or no body when `ty` is `None`).
    #[default]
    Json,
    /// `text/*`: a `String` (for an error status, kept raw in the error).
    Text,
    /// Any other media type: the raw bytes.
    Binary,
}

impl ResponseKind {
    /// For serde's `skip_serializing_if`.
    pub fn is_json(&self) -> bool {
        *self == ResponseKind::Json
    }
}

/// How a list operation pages.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pagination {
    /// Rust name of the page-number parameter.
    pub page_param: String,
    /// Rust field holding the items.
    pub items_field: String,
    /// How the items field is wrapped: 0 = plain, 1 = Option, 2 = `Option<Option<_>>`.
    pub items_depth: u8,
    /// Item type.
    pub item_ty: TypeRef,
    /// Rust field holding the page metadata.
    pub meta_field: String,
    /// How the metadata field is wrapped: 0 = plain, 1 = Option, 2 = `Option<Option<_>>`.
    pub meta_depth: u8,
    /// Rust field of the metadata with the next page.
    pub next_field: String,
    /// How the next-page field is wrapped: 0 = plain integer, 1 = Option, 2 = `Option<Option<_>>`.
    pub next_depth: u8,
    /// Rust name of the parameter pinned to the start time.
    pub pin_param: Option<String>,
    /// Rust names of parameters that disable pinning when set.
    pub pin_unless: Vec<String>,
}

impl Api {
    /// Every named type callers build: reachable from a request body or a parameter
    /// (through fields, members, map values and aliases). These get constructors and
    /// setters; the other types are read from responses (and webhooks).
    pub fn input_types(&self) -> std::collections::BTreeSet<String> {
        let mut stack: Vec<String> = self
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .flat_map(|op| {
                op.params
                    .iter()
                    .map(|p| &p.ty)
                    .chain(op.body.iter().map(|b| &b.ty))
            })
            .flat_map(|t| t.mentions().into_iter().map(String::from))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(name) = stack.pop() {
            if seen.contains(&name) {
                continue;
            }
            if let Some(def) = self.type_def(&name) {
                stack.extend(build::mentions(def));
            }
            seen.insert(name);
        }
        seen
    }

    /// The Rust type a reference stands for once aliases are followed (also inside
    /// lists and maps).
    pub fn resolved(&self, t: &TypeRef) -> TypeRef {
        fn go(api: &Api, t: &TypeRef, depth: u8) -> TypeRef {
            if depth > 16 {
                return t.clone();
            }
            match t {
                TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
                    Some(TypeKind::Alias(inner)) => go(api, inner, depth + 1),
                    _ => t.clone(),
                },
                TypeRef::Vec(inner) => TypeRef::Vec(Box::new(go(api, inner, depth + 1))),
                TypeRef::Map(inner) => TypeRef::Map(Box::new(go(api, inner, depth + 1))),
                other => other.clone(),
            }
        }
        go(self, t, 0)
    }

    /// The members of union `union` that convert into it with `From`: those whose
    /// resolved type no other member has (two `impl From<String>` would conflict), except
    /// the union itself (`From<T> for T` exists already).
    pub fn from_members<'a>(
        &self,
        union: &str,
        variants: &'a [UnionVariant],
    ) -> Vec<&'a UnionVariant> {
        let types: Vec<TypeRef> = variants.iter().map(|v| self.resolved(&v.ty)).collect();
        let me = TypeRef::Named(union.to_string());
        variants
            .iter()
            .zip(&types)
            .filter(|(_, t)| **t != me && types.iter().filter(|u| u == t).count() == 1)
            .map(|(v, _)| v)
            .collect()
    }

    /// The named type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        // `types` is sorted by name; the linear fallback keeps a hand-built `Api` working.
        match self.types.binary_search_by(|t| t.name.as_str().cmp(name)) {
            Ok(i) => self.types.get(i),
            Err(_) => self.types.iter().find(|t| t.name == name),
        }
    }
}

/// What decoding can tell about a union member before trying it: the JSON it accepts
/// and, for objects, the properties it knows, requires and fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberShape {
    /// A JSON object.
    Object {
        /// Every property the member's type has.
        known: Vec<String>,
        /// Properties that must be present.
        required: Vec<String>,
        /// Properties admitting a single value (`const`, one-value `enum`, a tag), with it.
        fixed: Vec<(String, String)>,
        /// Keeps properties it does not name (additional properties).
        open: bool,
    },
    /// A string; when `values` is not empty, only those.
    String(Vec<String>),
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A JSON array.
    Array,
    /// Anything (nested unions, `serde_json::Value`): only decoding can tell.
    Any,
}

/// The evidence the generator has about a union member of type `ty`.
pub fn member_shape(api: &Api, ty: &TypeRef) -> MemberShape {
    shape_of(api, ty, 0)
}

fn shape_of(api: &Api, ty: &TypeRef, depth: usize) -> MemberShape {
    match ty {
        TypeRef::String | TypeRef::Binary | TypeRef::Date | TypeRef::DateTime => {
            MemberShape::String(Vec::new())
        }
        TypeRef::Bool => MemberShape::Bool,
        TypeRef::I32 | TypeRef::I64 => MemberShape::Integer,
        TypeRef::F32 | TypeRef::F64 => MemberShape::Number,
        TypeRef::Json => MemberShape::Any,
        TypeRef::Vec(_) => MemberShape::Array,
        TypeRef::Map(_) => MemberShape::Object {
            known: Vec::new(),
            required: Vec::new(),
            fixed: Vec::new(),
            open: true,
        },
        TypeRef::Named(n) => {
            let Some(def) = api.type_def(n) else {
                return MemberShape::Any;
            };
            match &def.kind {
                TypeKind::Struct(s) if !s.multipart => MemberShape::Object {
                    known: s.fields.iter().map(|f| f.wire.clone()).collect(),
                    required: s
                        .fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| f.wire.clone())
                        .collect(),
                    fixed: s
                        .fields
                        .iter()
                        .filter_map(|f| Some((f.wire.clone(), fixed_value(api, f)?)))
                        .collect(),
                    open: s.additional.is_some(),
                },
                TypeKind::StringEnum(values) => {
                    MemberShape::String(values.iter().map(|v| v.value.clone()).collect())
                }
                TypeKind::Alias(t) if depth < 16 => shape_of(api, t, depth + 1),
                _ => MemberShape::Any,
            }
        }
    }
}

/// The single value a field can take: its tag value, or the one value of its enum.
pub fn fixed_value(api: &Api, f: &Field) -> Option<String> {
    if f.fixed.is_some() {
        return f.fixed.clone();
    }
    if f.nullable {
        return None;
    }
    match api.type_def(f.ty.named()?).map(|d| &d.kind) {
        Some(TypeKind::StringEnum(values)) if values.len() == 1 => Some(values[0].value.clone()),
        _ => None,
    }
}
