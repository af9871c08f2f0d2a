//! Round-trip tests for every example in the API description, emitted into the crate
//! (`src/example_tests.rs`, compiled only under `cfg(test)`): each example must decode
//! into its generated type and encode back to equal JSON.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::models::{ident, type_tokens};
use crate::ir::{Api, BodyKind, TypeDef, TypeKind, TypeRef};

fn decodable(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(n) => api
            .types
            .iter()
            .find(|d: &&TypeDef| &d.name == n)
            .is_some_and(|d| match &d.kind {
                TypeKind::Struct(s) => !s.multipart,
                _ => true,
            }),
        TypeRef::Binary => false,
        TypeRef::Vec(inner) | TypeRef::Map(inner) => decodable(api, inner),
        _ => true,
    }
}

/// Every (test name, type, example, where it comes from), in a stable order.
pub fn examples(api: &Api) -> Vec<(String, TypeRef, Value, String)> {
    let mut out = Vec::new();
    for t in &api.types {
        if let Some(e) = &t.example {
            out.push((
                format!("schema_{}", t.name),
                TypeRef::Named(t.name.clone()),
                e.clone(),
                t.origin.clone(),
            ));
        }
    }
    for r in &api.resources {
        for op in &r.operations {
            if let Some(b) = &op.body {
                if let (Some(e), BodyKind::Json) = (&b.example, b.kind) {
                    out.push((
                        format!("{}_request", op.id),
                        b.ty.clone(),
                        e.clone(),
                        format!("{} request body", op.id),
                    ));
                }
            }
            for resp in &op.responses {
                let Some(ty) = &resp.ty else { continue };
                for (i, (ptr, e)) in resp.examples.iter().enumerate() {
                    out.push((
                        format!("{}_{}_{}", op.id, resp.variant, i + 1),
                        ty.clone(),
                        e.clone(),
                        ptr.clone(),
                    ));
                }
            }
        }
    }
    out.retain(|(_, ty, _, _)| decodable(api, ty));
    let mut seen = std::collections::BTreeSet::new();
    for (name, ..) in &mut out {
        let mut n = heck::ToSnakeCase::to_snake_case(name.as_str());
        let base = n.clone();
        let mut i = 2;
        while !seen.insert(n.clone()) {
            n = format!("{base}_{i}");
            i += 1;
        }
        *name = n;
    }
    out
}

/// The test module, or `None` when the description has no examples.
pub fn example_tests(api: &Api) -> Option<TokenStream> {
    let list = examples(api);
    if list.is_empty() {
        return None;
    }
    let tests = list.iter().map(|(name, ty, value, origin)| {
        let f = ident(name);
        let t = type_tokens(ty);
        let json = serde_json::to_string(value).unwrap_or_default();
        quote! {
            #[test]
            fn #f() {
                round_trip::<#t>(#json, #origin);
            }
        }
    });
    Some(quote! {
        //! Every example of the API description decodes into its type and encodes back to
        //! equal JSON.

        /// Equal as JSON: numbers compare by value (`1` equals `1.0`).
        fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
            use serde_json::Value;
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
                (Value::Object(x), Value::Object(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
                }
                _ => a == b,
            }
        }

        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str, origin: &str) {
            let original: serde_json::Value = serde_json::from_str(json).expect("example is JSON");
            let decoded: T = match serde_json::from_str(json) {
                Ok(v) => v,
                Err(e) => panic!("example at {origin} does not decode: {e}\n{json}"),
            };
            let encoded = serde_json::to_value(&decoded).expect("value encodes");
            assert!(same(&original, &encoded), "example at {origin} does not round-trip:\n  in:  {original}\n  out: {encoded}");
        }

        #(#tests)*
    })
}
