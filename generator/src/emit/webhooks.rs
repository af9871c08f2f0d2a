//! [`Webhooks`] -> the generated crate's `webhooks` module: the `Event` enum (one
//! variant per webhook, unknown payloads kept as JSON), `construct_event` (verify, then
//! parse) and the configured callback check. The signature code itself is the runtime
//! file `webhooks.rs`, copied beside it as `src/webhooks/signature.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, lines};
use super::models::{feature_cfg, ident, type_features, type_tokens};
use crate::ir::{Api, Webhooks};

/// The `src/webhooks/mod.rs` items.
pub fn webhooks_module(api: &Api, w: &Webhooks) -> TokenStream {
    let variants = w.events.iter().map(|e| {
        let v = ident(&e.variant);
        let t = type_tokens(&e.ty);
        let docs = doc_attrs(Some(
            e.docs
                .as_deref()
                .unwrap_or(&format!("The `{}` webhook.", e.name)),
        ));
        let cfg = feature_cfg(type_features(api, &e.ty), None);
        quote! { #docs #cfg #v(Box<#t>), }
    });
    let decode = match &w.discriminator {
        Some(d) => {
            let arms = w.events.iter().map(|e| {
                let v = ident(&e.variant);
                let values = &e.tag_values;
                let cfg = feature_cfg(type_features(api, &e.ty), None);
                quote! {
                    #cfg
                    #(Some(#values))|* => serde_json::from_value(value).map(|p| Event::#v(Box::new(p))),
                }
            });
            quote! {
                let tag = value.get(#d).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Event::Unknown(value)),
                }
            }
        }
        None => {
            let tries = w.events.iter().map(|e| {
                let v = ident(&e.variant);
                let t = type_tokens(&e.ty);
                let cfg = feature_cfg(type_features(api, &e.ty), None);
                quote! {
                    #cfg
                    if let Ok(p) = <#t as serde::Deserialize>::deserialize(&value) {
                        return Ok(Event::#v(Box::new(p)));
                    }
                }
            });
            quote! {
                #(#tries)*
                Ok(Event::Unknown(value))
            }
        }
    };
    let names = w.events.iter().map(|e| {
        let v = ident(&e.variant);
        let n = &e.name;
        let cfg = feature_cfg(type_features(api, &e.ty), None);
        quote! { #cfg Event::#v(_) => Some(#n), }
    });
    let how = match &w.discriminator {
        Some(d) => format!(
            "The variant is chosen by the payload's `{d}` property; a value this crate does\nnot know yet decodes as [`Event::Unknown`] with the whole payload."
        ),
        None => "Variants are tried in the order of the description; a payload none of them\naccepts decodes as [`Event::Unknown`]."
            .to_string(),
    };
    let event_doc = lines(&format!(
        "An event sent by the {} API to a webhook endpoint.\n\n{how}\n\nDecode only a verified body: use [`construct_event`].",
        api.info.api_name
    ));
    let header = match &w.signature_header {
        Some(h) => {
            let doc = lines("The request header carrying the signature.");
            quote! { #doc pub const SIGNATURE_HEADER: &str = #h; }
        }
        None => TokenStream::new(),
    };
    let header_doc = match &w.signature_header {
        Some(h) => format!("`signature_header` is the value of the `{h}` header"),
        None => "`signature_header` is the signature the request carries".to_string(),
    };
    let construct_doc = lines(&format!(
        "Verifies a webhook request, then decodes it.\n\n`raw_body` must be the bytes exactly as received; {header_doc}\n(hex HMAC-SHA256 of the body, either case, optionally prefixed `sha256=`);\n`secret` is the endpoint's webhook secret. The body is parsed only after the\nsignature matches.\n\n# Errors\n\n[`WebhookError::MissingSignature`], [`WebhookError::MalformedSignature`] or\n[`WebhookError::InvalidSignature`] when the signature does not check out (answer\nwith a 4xx), [`WebhookError::Decode`] when an authentic body is not a JSON event."
    ));
    let callback = match &w.callback {
        Some(c) => {
            let f = ident(&c.function);
            let args: Vec<_> = c.fields.iter().map(|a| ident(a)).collect();
            let sep = &c.separator;
            let joined = c
                .fields
                .iter()
                .map(|f| format!("{{{f}}}"))
                .collect::<Vec<_>>()
                .join(sep);
            let mut text = if c.docs.is_empty() {
                String::new()
            } else {
                format!("{}\n\n", c.docs.trim_end())
            };
            text.push_str(&format!(
                "Checks `signature` (hex HMAC-SHA256, either case) of the text\n`\"{joined}\"` keyed with `secret`, in constant time.\n\n# Errors\n\n[`WebhookError`] when the signature is missing, malformed or does not match."
            ));
            let doc = lines(&text);
            quote! {
                #doc
                pub fn #f(#(#args: &str,)* signature: &str, secret: &[u8]) -> Result<(), WebhookError> {
                    verify_joined(&[#(#args),*], #sep, signature, secret)
                }
            }
        }
        None => TokenStream::new(),
    };
    quote! {
        //! Webhooks: the events the API sends to your endpoint, and the checks of their
        //! signatures.

        mod signature;

        pub use signature::{WebhookError, sign, verify, verify_joined};

        #header

        #event_doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event this version of the crate does not know, kept as JSON.
            Unknown(serde_json::Value),
        }

        impl Event {
            /// Decodes an event from JSON that has already been verified.
            ///
            /// # Errors
            ///
            /// When the payload names a known event but does not match its schema.
            // Inline: the decoders of every payload are compiled where events are
            // decoded, not in this crate for callers that never do.
            #[inline]
            pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                #decode
            }

            /// The name of the webhook in the API description (`None` for [`Event::Unknown`]).
            pub fn webhook_name(&self) -> Option<&'static str> {
                match self {
                    #(#names)*
                    Event::Unknown(_) => None,
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for Event {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                Event::from_value(value).map_err(serde::de::Error::custom)
            }
        }

        #construct_doc
        #[inline]
        pub fn construct_event(
            raw_body: &[u8],
            signature_header: &str,
            secret: &[u8],
        ) -> Result<Event, WebhookError> {
            verify(raw_body, signature_header, secret)?;
            let value: serde_json::Value = serde_json::from_slice(raw_body)?;
            Ok(Event::from_value(value)?)
        }

        #callback
    }
}
