//! The per-spec generator configuration (`sdkgen.yaml` next to the spec).
//!
//! Everything vendor-specific lives here, never in generator code: crate metadata,
//! environments, method-name overrides, the idempotency body field, the pagination
//! shape and which operations are sandbox-only. Every field has a default so a spec
//! without a config still generates a usable crate.

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, pointer};
use crate::ir::names::{snake_ident_problem, type_name, type_name_problem};

/// Root of the configuration file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Package metadata of the generated crate.
    #[serde(rename = "crate")]
    pub krate: CrateConfig,
    /// Client runtime settings.
    pub client: ClientConfig,
    /// Named deployment targets; the first is the default. Empty means the spec's
    /// first root server becomes `Production`.
    pub environments: Vec<EnvironmentConfig>,
    /// Resource accessor names by tag (`payment_link: payment_links`).
    pub resources: BTreeMap<String, String>,
    /// Method names by operationId, overriding the derived name.
    pub methods: BTreeMap<String, String>,
    /// Request-body field that carries the idempotency key, if the API has one.
    pub idempotency: Option<IdempotencyConfig>,
    /// Page-number pagination shape, if the API paginates that way.
    pub pagination: Option<PaginationConfig>,
    /// Operations compiled only with a cargo feature (sandbox-only endpoints).
    pub feature_gated: Vec<FeatureGate>,
    /// Hand-written files copied into the output: output path -> path relative to the
    /// config file (examples that use this API's operations).
    pub extra_files: BTreeMap<String, String>,
    /// Schema type overrides by JSON pointer (`#/components/schemas/Amount: integer`),
    /// for schemas whose declared type contradicts the API's documented behaviour.
    pub type_overrides: BTreeMap<String, String>,
    /// OpenAPI Overlay files (relative to the config) applied to the description first.
    pub overlays: Vec<String>,
    /// The overlay documents, read by [`crate::generate`] (not part of the YAML).
    #[serde(skip)]
    pub loaded_overlays: Vec<crate::load::overlay::Overlay>,
    /// Type corrections by schema and property name, which survive spec updates.
    #[serde(default)]
    pub type_rules: TypeRules,
    /// Untagged unions whose member a sibling property names, by the JSON pointer of
    /// the union property (`#/components/schemas/Payment/properties/method/properties/details`).
    pub sibling_tags: BTreeMap<String, SiblingTagConfig>,
    /// Optional nullable properties of response types that keep absent and `null`
    /// apart (`Option<Option<T>>`), by the JSON pointer of the property
    /// (`#/components/schemas/Payment/properties/paid_at`). Without an entry a type
    /// only ever received folds both into `None`; request types always keep them apart.
    pub tri_state: Vec<String>,
    /// Webhook signatures and event dispatch (with the spec's `webhooks:` section).
    pub webhooks: Option<WebhooksConfig>,
    /// Extra `[dev-dependencies]` of the generated crate (name -> TOML value), for the
    /// `extra_files` examples.
    pub dev_dependencies: BTreeMap<String, String>,
    /// Hand-written parts of the generated crate's README (paths relative to the config).
    pub readme: ReadmeConfig,
    /// Rust type names chosen by hand: a component schema name (`Orders`) or the JSON
    /// pointer of any schema that becomes a type -> the Rust name.
    pub renames: BTreeMap<String, String>,
    /// When string enums become one shared type.
    pub enums: EnumsConfig,
    /// Amount fields paired with the field that names their currency: each struct with
    /// both gets an accessor returning them together as `Money`.
    pub money: Vec<MoneyRule>,
}

/// When string enums at different positions are one Rust type.
///
/// By default, enums with the same set of values found under the same property name
/// (`status` of an order and the `status` filter of the order list) are one type.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EnumsConfig {
    /// Properties and parameters whose values form one open enum, whatever their
    /// declared values (the known values are all of them together).
    pub shared: Vec<SharedEnumConfig>,
    /// JSON pointers of enum schemas (or of the properties holding them) that keep a
    /// type of their own even where the default rule would share it.
    pub separate: Vec<String>,
}

/// One enum shared by name pattern: `{name: Currency, properties: [currency, '*_currency']}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SharedEnumConfig {
    /// Rust name of the shared type.
    pub name: String,
    /// Globs of property and parameter names (`currency`, `*_currency`).
    pub properties: Vec<String>,
    /// Doc comment of the shared type.
    pub description: String,
}

/// An amount field and its currency field, by JSON property name. A `*` in `amount`
/// matches any text, and the same text replaces the `*` of `currency`
/// (`*_amount` with `*_currency` pairs `source_amount` with `source_currency`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MoneyRule {
    /// Property name (pattern) of the amount, an integer in minor units.
    pub amount: String,
    /// Property name (pattern) of the currency.
    pub currency: String,
}

/// Hand-written README parts. The README is the crate's documentation, so every
/// `rust` block in them is compiled (and run unless marked `no_run`) as a doctest.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReadmeConfig {
    /// Markdown that replaces the generic quickstart (the API's real flows).
    pub quickstart: Option<String>,
}

/// How a sibling property names the member of an untagged union.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiblingTagConfig {
    /// The property of the same object whose value names the member (`type`).
    pub property: String,
    /// Property value -> member schema, as a component name (`CardDetails`) or a
    /// reference (`#/components/schemas/CardDetails`).
    pub mapping: BTreeMap<String, String>,
}

/// How the API signs webhooks and how a payload names its event.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Request header carrying the signature (e.g. `X-Signature`).
    pub signature_header: String,
    /// Signature scheme; `hmac-sha256-hex` (HMAC-SHA256 of the raw body, hex) is the
    /// one supported.
    pub algorithm: String,
    /// Payload property whose value names the webhook (selects the `Event` variant).
    /// Its value per webhook is the single value its schema allows, or else the
    /// webhook's name. Without it, variants are tried in document order.
    pub discriminator: Option<String>,
    /// A second signed message built from named fields, e.g. a redirect callback.
    pub callback: Option<CallbackConfig>,
}

/// A signature over fields joined by a separator (HMAC-SHA256, hex).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CallbackConfig {
    /// Function name generated in the `webhooks` module.
    pub function: String,
    /// Field names in signing order; they become the function's arguments.
    pub fields: Vec<String>,
    /// Text between fields.
    pub separator: String,
    /// Doc line for the generated function (which key signs it, where the fields come from).
    pub description: String,
}

/// Package metadata of the generated crate.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CrateConfig {
    /// Package name, e.g. `glomo-sdk`. Empty means derived from `info.title`.
    pub name: String,
    /// Package version.
    pub version: String,
    /// One-line package description. Empty means derived from `info.title`.
    pub description: String,
    /// Human name of the API used in docs (`Glomo`). Empty means `info.title`.
    pub api_name: String,
}

impl Default for CrateConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            version: "0.1.0".into(),
            description: String::new(),
            api_name: String::new(),
        }
    }
}

/// Client runtime settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    /// Environment variable holding the API key for `Client::from_env`.
    pub api_key_env: String,
    /// Environment variable overriding the base URL for `Client::from_env`.
    pub base_url_env: String,
    /// Response headers that carry the server's request id, first match wins.
    pub request_id_headers: Vec<String>,
}

/// One named deployment target.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    /// Variant name (`Production`, `Sandbox`).
    pub name: String,
    /// Base URL that the spec's root server stands for in this environment.
    pub url: String,
    /// Doc comment for the variant.
    #[serde(default)]
    pub description: String,
}

/// Idempotency via a request-body field.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdempotencyConfig {
    /// Name of the JSON body property (`request_id`).
    pub body_field: String,
    /// How the API answers a request whose key it has already seen, by the operationId
    /// of the operation that sends the key. When the SDK itself retried and gets this
    /// answer, an earlier attempt went through: the resource is looked up instead of
    /// reporting a failure.
    #[serde(default)]
    pub duplicates: BTreeMap<String, DuplicateConfig>,
}

/// The API's answer to a repeated idempotency key, and how to find the resource the
/// first request created.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DuplicateConfig {
    /// The status of the duplicate answer (`409`, or `400` where the API reuses it).
    pub status: u16,
    /// Text the answer's body must contain as well, where the status alone is also
    /// used for other errors (`already exists for this request_id`).
    #[serde(default)]
    pub body_contains: Option<String>,
    /// The list operation that finds the resource by its key. Without one, the SDK
    /// reports a distinct error carrying the key instead.
    #[serde(default)]
    pub lookup: Option<DuplicateLookupConfig>,
}

/// A list operation filtered by the idempotency key.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DuplicateLookupConfig {
    /// operationId of a `GET` operation whose items have the created resource's shape.
    pub operation: String,
    /// Its query parameter that filters by the key; default: the body field's name.
    #[serde(default)]
    pub param: Option<String>,
}

/// Page-number pagination shape.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PaginationConfig {
    /// Query parameter with the page number.
    pub page_param: String,
    /// Query parameter with the page size.
    pub per_page_param: String,
    /// Response property holding the items array.
    pub items_field: String,
    /// Response property holding the page metadata object.
    pub meta_field: String,
    /// Property of the metadata object with the next page number (null at the end).
    pub next_field: String,
    /// Query parameter pinned to the walk's start time so pages do not drift.
    pub pin_param: Option<String>,
    /// Pinning is skipped when the caller set any of these parameters.
    pub pin_unless: Vec<String>,
}

impl Default for PaginationConfig {
    fn default() -> Self {
        Self {
            page_param: "page".into(),
            per_page_param: "per_page".into(),
            items_field: "data".into(),
            meta_field: "page_meta".into(),
            next_field: "next".into(),
            pin_param: None,
            pin_unless: Vec::new(),
        }
    }
}

/// A cargo feature gating some operations.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeatureGate {
    /// Cargo feature name.
    pub feature: String,
    /// Why the feature exists, shown in docs.
    #[serde(default)]
    pub description: String,
    /// operationIds behind the feature.
    pub operations: Vec<String>,
}

/// Type corrections by name rather than by position.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TypeRules {
    /// Applied in order; the first rule that matches a schema wins.
    #[serde(default)]
    pub rules: Vec<TypeRule>,
    /// Globs of property names (`*amount*`): a `number` property so named that no rule
    /// retypes is a warning rather than a silent floating-point field.
    #[serde(default)]
    pub warn_numbers: Vec<String>,
}

/// One rule: schemas of type `from` at matching positions get type `to`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TypeRule {
    /// Globs of property names (`amount`, `*_amount`); the property's schema (or its
    /// array items) is retyped wherever it appears.
    #[serde(default)]
    pub properties: Vec<String>,
    /// Globs of component schema names. With `properties`: only properties inside
    /// these components. Alone: the component schemas themselves.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// The declared type the rule applies to (`number`).
    pub from: String,
    /// The type used instead (`integer`).
    pub to: String,
    /// Globs of parameter names (`before`, `after`): the rule applies to those
    /// parameters' schemas, and only to them.
    #[serde(default)]
    pub parameters: Vec<String>,
    /// The `format` the retyped schema gets (`date-time`); without it any declared
    /// format is dropped.
    #[serde(default)]
    pub format: Option<String>,
    /// JSON pointers the rule leaves alone.
    #[serde(default)]
    pub except: Vec<String>,
}

impl Config {
    /// Parses a YAML configuration.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }

    /// Checks every value that becomes a name in the generated code or its
    /// `Cargo.toml`; each problem is an error at the JSON pointer of the config key.
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (section, map) in [("methods", &self.methods), ("resources", &self.resources)] {
            for (key, name) in map {
                if let Some(problem) = snake_ident_problem(name) {
                    out.push(Diagnostic::error(
                        config_pointer([section, key.as_str()]),
                        problem,
                    ));
                }
            }
        }
        for (key, name) in &self.renames {
            if let Some(problem) = type_name_problem(name) {
                out.push(Diagnostic::error(
                    config_pointer(["renames", key.as_str()]),
                    problem,
                ));
            }
        }
        let mut targets = BTreeSet::new();
        for name in self.renames.values() {
            if !targets.insert(name) {
                out.push(Diagnostic::error(
                    config_pointer(["renames"]),
                    format!("two entries rename to `{name}`; type names must be unique"),
                ));
            }
        }
        for (i, e) in self.enums.shared.iter().enumerate() {
            let i = i.to_string();
            if let Some(problem) = type_name_problem(&e.name) {
                out.push(Diagnostic::error(
                    config_pointer(["enums", "shared", i.as_str(), "name"]),
                    problem,
                ));
            }
            if e.properties.is_empty() {
                out.push(Diagnostic::error(
                    config_pointer(["enums", "shared", i.as_str(), "properties"]),
                    "a shared enum needs at least one property name pattern",
                ));
            }
        }
        let name = &self.krate.name;
        let package_name = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name.is_empty() && !package_name {
            out.push(Diagnostic::error(
                "config#/crate/name",
                format!(
                    "{name:?} is not a package name (an ASCII letter, then letters, digits, `-` and `_`)"
                ),
            ));
        }
        let mut env_names = BTreeSet::new();
        for (i, e) in self.environments.iter().enumerate() {
            let i = i.to_string();
            if !env_names.insert(type_name(&e.name)) {
                out.push(Diagnostic::error(
                    config_pointer(["environments", i.as_str(), "name"]),
                    format!(
                        "{:?} names the same `Environment` variant (`{}`) as an earlier environment",
                        e.name,
                        type_name(&e.name)
                    ),
                ));
            }
        }
        for (i, g) in self.feature_gated.iter().enumerate() {
            let f = &g.feature;
            let legal = f.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                && f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'));
            let problem = if !legal {
                Some(format!(
                    "{f:?} is not a cargo feature name (letters, digits, `_`, `-`, `+`, `.`)"
                ))
            } else if RESERVED_FEATURES.contains(&f.as_str()) {
                Some(format!(
                    "{f:?} is a feature the generated crate already defines"
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                let i = i.to_string();
                out.push(Diagnostic::error(
                    config_pointer(["feature_gated", i.as_str(), "feature"]),
                    problem,
                ));
            }
        }
        for (i, h) in self.client.request_id_headers.iter().enumerate() {
            let token = !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !token {
                let i = i.to_string();
                out.push(Diagnostic::error(
                    config_pointer(["client", "request_id_headers", i.as_str()]),
                    format!("{h:?} is not an HTTP header name"),
                ));
            }
        }
        for path in self.extra_files.keys() {
            let plain = !path.is_empty()
                && !path.contains('\\')
                && std::path::Path::new(path)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain {
                out.push(Diagnostic::error(
                    config_pointer(["extra_files", path.as_str()]),
                    format!("{path:?} is not a relative path inside the output directory"),
                ));
            }
        }
        out
    }
}

/// A pointer into the config file (`config#/methods/createPayin`).
fn config_pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    format!("config{}", pointer(tokens))
}

/// Features every generated crate defines, so no configured or resource feature may
/// take their names.
pub(crate) const RESERVED_FEATURES: &[&str] = &["default", "contract-tests"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_has_defaults() {
        let c = Config::from_yaml("{}").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(c.krate.version, "0.1.0");
        assert!(c.pagination.is_none());
    }

    #[test]
    fn duplicate_rules_parse() {
        let c = Config::from_yaml(
            "idempotency:\n  body_field: request_id\n  duplicates:\n    createThing:\n      status: 400\n      body_contains: already exists\n      lookup: { operation: listThings }\n",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let rule = c
            .idempotency
            .as_ref()
            .and_then(|i| i.duplicates.get("createThing"))
            .cloned();
        assert_eq!(
            rule,
            Some(DuplicateConfig {
                status: 400,
                body_contains: Some("already exists".into()),
                lookup: Some(DuplicateLookupConfig {
                    operation: "listThings".into(),
                    param: None
                }),
            })
        );
    }

    #[test]
    fn names_that_cannot_be_rust_are_errors_at_their_key() {
        let c = Config::from_yaml(
            "crate: {name: '1 sdk'}\nmethods: {createPayin: create-link, getA: get_a, del: type}\nresources: {payment_link: Links}\nfeature_gated: [{feature: 'a b', operations: []}]\nclient: {request_id_headers: ['x id']}\nenvironments: [{name: live, url: 'https://a'}, {name: Live, url: 'https://b'}]\nextra_files: {'../x.rs': x.rs}\n",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let shown: Vec<String> = c.validate().iter().map(ToString::to_string).collect();
        let expected = [
            "error: config#/methods/createPayin: \"create-link\" is not a Rust identifier",
            "error: config#/methods/del: \"type\" is a Rust keyword",
            "error: config#/resources/payment_link: \"Links\" is not snake_case",
            "error: config#/crate/name:",
            "error: config#/environments/1/name:",
            "error: config#/feature_gated/0/feature:",
            "error: config#/client/request_id_headers/0:",
            "error: config#/extra_files/..~1x.rs:",
        ];
        for e in expected {
            assert!(shown.iter().any(|s| s.starts_with(e)), "{e} in {shown:#?}");
        }
        assert_eq!(shown.len(), expected.len(), "{shown:#?}");
        assert!(Config::default().validate().is_empty());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::from_yaml("craet: {}").err().unwrap_or_default();
        assert!(err.contains("unknown field"), "{err}");
    }
}
