//! The description's `webhooks:` (OpenAPI 3.1) -> [`Webhooks`]: one event per webhook,
//! its JSON request body typed with the same machinery as operation bodies.
//!
//! openapiv3 models 3.0, which has no `webhooks:`, so the section is read from the raw
//! (normalised) document; each entry is a path item and parses as one.

use openapiv3::{OpenAPI, PathItem, ReferenceOr};
use serde_json::Value;

use super::names::{Scope, field_name, type_name};
use super::operations::{is_json, resolve_body};
use super::types::TypeBuilder;
use super::{Callback, Webhook, Webhooks};
use crate::config::Config;
use crate::diag::{Diagnostic, child};

/// The one signature scheme the runtime implements.
const HMAC_SHA256_HEX: &str = "hmac-sha256-hex";

/// Builds the webhook IR, or `None` when the description has no webhooks and the config
/// declares no signature scheme.
pub fn build_webhooks(
    raw: &Value,
    doc: &OpenAPI,
    config: &Config,
    tb: &mut TypeBuilder<'_>,
) -> Option<Webhooks> {
    let section = raw.get("webhooks").and_then(Value::as_object);
    let cfg = config.webhooks.as_ref();
    if section.is_none_or(|s| s.is_empty()) && cfg.is_none() {
        return None;
    }
    if let Some(c) = cfg {
        if !c.algorithm.is_empty() && c.algorithm != HMAC_SHA256_HEX {
            tb.diags.push(Diagnostic::error(
                "#",
                format!(
                    "config `webhooks.algorithm: {}` is not supported (only `{HMAC_SHA256_HEX}`)",
                    c.algorithm
                ),
            ));
        }
        if !c.signature_header.is_empty() && !is_header_name(&c.signature_header) {
            tb.diags.push(Diagnostic::error(
                "#",
                format!(
                    "config `webhooks.signature_header: {}` is not a valid HTTP header name",
                    c.signature_header
                ),
            ));
        }
    }
    let discriminator = cfg.and_then(|c| c.discriminator.clone());
    let mut variants = Scope::with_reserved(&["Unknown"]);
    let mut events = Vec::new();
    for (name, item) in section.into_iter().flatten() {
        let at = child("#/webhooks", name);
        let Some(item) = path_item(raw, item, &at, tb) else {
            continue;
        };
        let Some((method, op)) = item.iter().next() else {
            tb.diags.push(Diagnostic::warning(
                &at,
                "webhook has no operation; it is left out of `Event`",
            ));
            continue;
        };
        let op_at = child(&at, method);
        let variant = variants.claim(&type_name(name));
        let docs = op.summary.clone().or_else(|| op.description.clone());
        let body = op.request_body.as_ref().and_then(|b| resolve_body(doc, b));
        let media = body.and_then(|b| {
            b.content
                .iter()
                .find(|(m, _)| is_json(m))
                .map(|(m, media)| (m.clone(), media))
        });
        let (ty, example, schema_value) = match media {
            Some((m, media)) => {
                let schema_at = child(&child(&child(&op_at, "requestBody"), "content"), &m);
                let schema_at = child(&schema_at, "schema");
                let ty = match &media.schema {
                    Some(s) => tb.type_of(s, &format!("{variant}Event"), &schema_at),
                    None => super::TypeRef::Json,
                };
                let value = media.schema.as_ref().and_then(|s| match s {
                    ReferenceOr::Reference { reference } => {
                        crate::load::refs::resolve(raw, reference)
                    }
                    ReferenceOr::Item(_) => raw.pointer(schema_at.trim_start_matches('#')),
                });
                (ty, media.example.clone(), value)
            }
            None => {
                tb.diags.push(Diagnostic::warning(
                    &op_at,
                    "webhook has no JSON request body; its payload is kept as JSON",
                ));
                (super::TypeRef::Json, None, None)
            }
        };
        let tag_values = match &discriminator {
            Some(d) => vec![
                schema_value
                    .and_then(|s| single_value(raw, s, d))
                    .unwrap_or_else(|| name.clone()),
            ],
            None => Vec::new(),
        };
        events.push(Webhook {
            name: name.clone(),
            variant,
            docs,
            ty,
            tag_values,
            example,
        });
    }
    let callback = cfg.and_then(|c| c.callback.as_ref()).map(|c| Callback {
        function: if c.function.is_empty() {
            "verify_callback".into()
        } else {
            field_name(&c.function)
        },
        fields: c.fields.iter().map(|f| field_name(f)).collect(),
        separator: c.separator.clone(),
        docs: c.description.clone(),
    });
    Some(Webhooks {
        events,
        discriminator,
        signature_header: cfg
            .map(|c| c.signature_header.clone())
            .filter(|h| !h.is_empty()),
        callback,
    })
}

/// A webhook entry as a path item, following a `$ref` to elsewhere in the document.
fn path_item(raw: &Value, item: &Value, at: &str, tb: &mut TypeBuilder<'_>) -> Option<PathItem> {
    let target = match item.get("$ref").and_then(Value::as_str) {
        Some(r) => crate::load::refs::resolve(raw, r)?,
        None => item,
    };
    let mut target = target.clone();
    if let Some(item) = target.as_object_mut() {
        // `responses` is optional in 3.1 (a webhook's answer is rarely described) but
        // required by the 3.0 model.
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(Value::Object(op)) = item.get_mut(method) {
                op.entry("responses")
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
            }
        }
    }
    match serde_json::from_value::<PathItem>(target) {
        Ok(p) => Some(p),
        Err(e) => {
            tb.diags.push(Diagnostic::warning(
                at,
                format!("webhook is not a valid path item ({e}); it is left out of `Event`"),
            ));
            None
        }
    }
}

/// The one value a schema allows for property `prop` (`const`, or an `enum` of one),
/// looking through `$ref` and `allOf`.
fn single_value(raw: &Value, schema: &Value, prop: &str) -> Option<String> {
    let schema = deref(raw, schema);
    if let Some(p) = schema.get("properties").and_then(|p| p.get(prop)) {
        let p = deref(raw, p);
        if let Some(Value::String(s)) = p.get("const") {
            return Some(s.clone());
        }
        if let Some(Value::Array(values)) = p.get("enum") {
            if let [Value::String(s)] = values.as_slice() {
                return Some(s.clone());
            }
        }
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|m| single_value(raw, m, prop))
}

fn deref<'a>(raw: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    // References were checked for cycles at load time; the bound is only a guard.
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match crate::load::refs::resolve(raw, r) {
                Some(t) => v = t,
                None => break,
            },
            None => break,
        }
    }
    v
}

fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::ir::{Api, TypeRef};

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: Hooks, version: '1'}
paths: {}
webhooks:
  payment:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                kind: {const: payment.v2}
                data: {$ref: '#/components/schemas/Payment'}
  refund:
    post:
      summary: A refund changed.
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/RefundEnvelope'}
  bare:
    post:
      responses: {'200': {description: ok}}
components:
  schemas:
    Payment:
      type: object
      properties: {id: {type: string}}
    RefundEnvelope:
      type: object
      properties:
        kind: {type: string}
"#;

    fn build(spec: &str, config: &str) -> Result<Api, Vec<crate::diag::Diagnostic>> {
        let cfg = Config::from_yaml(config).unwrap_or_else(|e| panic!("{e}"));
        crate::build_ir(spec, "hooks.yaml", &cfg).map(|(api, _)| api)
    }

    #[test]
    fn each_webhook_is_an_event_variant_with_its_tag_value() {
        let api = build(
            SPEC,
            "webhooks: {signature_header: X-Sig, discriminator: kind}",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let w = api.webhooks.unwrap_or_else(|| panic!("webhooks"));
        assert_eq!(w.signature_header.as_deref(), Some("X-Sig"));
        let names: Vec<_> = w.events.iter().map(|e| e.variant.as_str()).collect();
        assert_eq!(names, ["Payment", "Refund", "Bare"]);
        // `const` in the payload wins over the webhook's name.
        assert_eq!(w.events[0].tag_values, ["payment.v2"]);
        assert_eq!(w.events[1].tag_values, ["refund"]);
        assert_eq!(w.events[1].ty, TypeRef::Named("RefundEnvelope".into()));
        assert_eq!(w.events[1].docs.as_deref(), Some("A refund changed."));
        // Inline payloads are named after the webhook; no body means JSON.
        assert_eq!(w.events[0].ty, TypeRef::Named("PaymentEvent".into()));
        assert_eq!(w.events[2].ty, TypeRef::Json);
        assert!(api.types.iter().any(|t| t.name == "PaymentEvent"));
    }

    #[test]
    fn without_webhooks_or_config_there_is_nothing() {
        let spec = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n";
        let api = build(spec, "{}").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(api.webhooks.is_none());
        // A configured scheme alone still gives the verifier (and an `Event` of JSON).
        let api =
            build(spec, "webhooks: {signature_header: X-Sig}").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(api.webhooks.is_some_and(|w| w.events.is_empty()));
    }

    #[test]
    fn an_unsupported_scheme_or_bad_header_is_an_error() {
        let errors = build(SPEC, "webhooks: {algorithm: ed25519}")
            .err()
            .unwrap_or_default();
        assert!(
            errors.iter().any(|d| d.message.contains("ed25519")),
            "{errors:?}"
        );
        let errors = build(SPEC, "webhooks: {signature_header: 'X Sig'}")
            .err()
            .unwrap_or_default();
        assert!(
            errors.iter().any(|d| d.message.contains("header name")),
            "{errors:?}"
        );
    }
}
