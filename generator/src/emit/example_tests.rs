//! Round-trip tests emitted into the crate (`src/example_tests.rs`, compiled only under
//! `cfg(test)`): every example in the API description, and a sample of every member of
//! every union, must decode into its generated type and encode back to equal JSON; a
//! union sample must also decode as the member it was made for wherever it fits only
//! that member (or its tag or sibling tag names it).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::contract::sample;
use super::models::{feature_cfg, ident, type_features, type_tokens};
use crate::ir::{
    Api, BodyKind, MemberShape, StructDef, TypeDef, TypeKind, TypeRef, fixed_value, member_shape,
};

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

/// One union test: name, the type decoded, the sample, the variant it must decode as
/// (`None`: any member that keeps it), and where it comes from.
pub struct UnionSample {
    /// Test name.
    pub name: String,
    /// Type decoded.
    pub ty: TypeRef,
    /// The JSON.
    pub json: Value,
    /// `(union type, variant, Rust access path from the decoded value)` it must select.
    pub expect: Option<(String, String, TokenStream)>,
    /// What the sample is for, in failure messages.
    pub origin: String,
}

/// A member payload with every property the member has (so that it differs from other
/// members as far as the description allows).
fn member_sample(api: &Api, ty: &TypeRef) -> Value {
    match ty.named().and_then(|n| api.type_def(n)).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) if !s.multipart => full_object(api, s),
        _ => sample(api, ty, None, 0),
    }
}

fn full_object(api: &Api, s: &StructDef) -> Value {
    let mut obj = Map::new();
    for f in &s.fields {
        let v = match fixed_value(api, f) {
            Some(v) => Value::String(v),
            None => sample(api, &f.ty, Some(f), 1),
        };
        obj.insert(f.wire.clone(), v);
    }
    Value::Object(obj)
}

/// Whether a member (by its evidence) could hold the sample: what the runtime checks
/// before decoding.
fn admits(shape: &MemberShape, v: &Value) -> bool {
    match (shape, v) {
        (MemberShape::Any, _)
        | (MemberShape::Array, Value::Array(_))
        | (MemberShape::Number, Value::Number(_))
        | (MemberShape::Bool, Value::Bool(_)) => true,
        (MemberShape::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (MemberShape::String(values), Value::String(s)) => values.is_empty() || values.contains(s),
        (
            MemberShape::Object {
                known,
                required,
                fixed,
                open,
            },
            Value::Object(map),
        ) => {
            required.iter().all(|k| map.contains_key(k))
                && fixed
                    .iter()
                    .all(|(k, x)| map.get(k).is_none_or(|y| y.as_str() == Some(x)))
                && (*open || map.keys().all(|k| known.contains(k)))
        }
        _ => false,
    }
}

/// A sample per member of every union, and per sibling tag value.
pub fn union_samples(api: &Api) -> Vec<UnionSample> {
    let snake = |s: &str| heck::ToSnakeCase::to_snake_case(s);
    let mut out = Vec::new();
    for t in &api.types {
        let here = TypeRef::Named(t.name.clone());
        match &t.kind {
            TypeKind::UntaggedUnion(variants) => {
                let shapes: Vec<MemberShape> =
                    variants.iter().map(|v| member_shape(api, &v.ty)).collect();
                for (i, v) in variants.iter().enumerate() {
                    let json = member_sample(api, &v.ty);
                    let only_this = shapes
                        .iter()
                        .enumerate()
                        .all(|(j, s)| (j == i) == admits(s, &json));
                    out.push(UnionSample {
                        name: format!("union_{}_{}", snake(&t.name), snake(&v.name)),
                        ty: here.clone(),
                        json,
                        expect: only_this
                            .then(|| (t.name.clone(), v.name.clone(), quote!(Some(&value)))),
                        origin: format!("{}::{}", t.name, v.name),
                    });
                }
            }
            TypeKind::TaggedUnion { tag, variants } => {
                for v in variants {
                    let (Some(value), Value::Object(mut obj)) =
                        (v.tag_values.first(), member_sample(api, &v.ty))
                    else {
                        continue;
                    };
                    obj.insert(tag.clone(), Value::String(value.clone()));
                    out.push(UnionSample {
                        name: format!("union_{}_{}", snake(&t.name), snake(&v.name)),
                        ty: here.clone(),
                        json: Value::Object(obj),
                        expect: Some((t.name.clone(), v.name.clone(), quote!(Some(&value)))),
                        origin: format!("{}::{} (`{tag}` = `{value}`)", t.name, v.name),
                    });
                }
            }
            TypeKind::Struct(s) if !s.multipart => {
                for st in &s.sibling_tags {
                    let (Some(field), Some(tag_field)) = (
                        s.fields.iter().find(|f| f.name == st.field),
                        s.fields.iter().find(|f| f.name == st.tag_field),
                    ) else {
                        continue;
                    };
                    let Some(TypeKind::UntaggedUnion(variants)) = field
                        .ty
                        .named()
                        .and_then(|n| api.type_def(n))
                        .map(|d| &d.kind)
                    else {
                        continue;
                    };
                    for (value, variant) in &st.variants {
                        let Some(v) = variants.iter().find(|v| &v.name == variant) else {
                            continue;
                        };
                        let mut obj = Map::new();
                        for f in s.fields.iter().filter(|f| f.required) {
                            obj.insert(f.wire.clone(), sample(api, &f.ty, Some(f), 1));
                        }
                        obj.insert(tag_field.wire.clone(), Value::String(value.clone()));
                        obj.insert(field.wire.clone(), member_sample(api, &v.ty));
                        let unbox = if field.boxed {
                            quote!(.map(|b| &**b))
                        } else {
                            quote!()
                        };
                        let access = super::models::field_ref(&quote!(value), field, &unbox);
                        out.push(UnionSample {
                            name: format!(
                                "sibling_tag_{}_{}_{}",
                                snake(&t.name),
                                snake(&field.name),
                                snake(variant)
                            ),
                            ty: here.clone(),
                            json: Value::Object(obj),
                            expect: field
                                .ty
                                .named()
                                .map(|u| (u.to_string(), variant.clone(), access)),
                            origin: format!(
                                "{}.{} with `{}` = `{value}`",
                                t.name, field.wire, tag_field.wire
                            ),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for u in &mut out {
        let base = u.name.clone();
        let mut i = 2;
        while !seen.insert(u.name.clone()) {
            u.name = format!("{base}_{i}");
            i += 1;
        }
    }
    out
}

/// The test module, or `None` when the description has neither examples nor unions.
pub fn example_tests(api: &Api) -> Option<TokenStream> {
    let list = examples(api);
    let unions = union_samples(api);
    if list.is_empty() && unions.is_empty() {
        return None;
    }
    let tests = list.iter().map(|(name, ty, value, origin)| {
        let f = ident(name);
        let t = type_tokens(ty);
        let json = serde_json::to_string(value).unwrap_or_default();
        let cfg = feature_cfg(type_features(api, ty), None);
        quote! {
            #cfg
            #[test]
            fn #f() {
                round_trip::<#t>(#json, #origin);
            }
        }
    });
    let union_tests = unions.iter().map(|u| {
        let f = ident(&u.name);
        let t = type_tokens(&u.ty);
        let json = serde_json::to_string(&u.json).unwrap_or_default();
        let origin = &u.origin;
        let cfg = feature_cfg(type_features(api, &u.ty), None);
        let check = match &u.expect {
            Some((union, variant, access)) => {
                let union = ident(union);
                let variant = ident(variant);
                let want = format!("{union}::{variant}");
                quote! {
                    let held: Option<&crate::models::#union> = #access;
                    assert!(
                        matches!(held, Some(crate::models::#union::#variant(_))),
                        "{} decodes as {held:?}, not {}", #origin, #want
                    );
                }
            }
            None => TokenStream::new(),
        };
        if check.is_empty() {
            return quote! {
                #cfg
                #[test]
                fn #f() {
                    round_trip::<#t>(#json, #origin);
                }
            };
        }
        quote! {
            #cfg
            #[test]
            fn #f() {
                let value: #t = round_trip::<#t>(#json, #origin);
                #check
            }
        }
    });
    Some(quote! {
        //! Every example of the API description, and a sample of every member of every
        //! union, decodes into its type and encodes back to equal JSON; a union sample
        //! decodes as its own member wherever only that member fits it or a tag names it.

        /// Equal as JSON: numbers compare by value (`1` equals `1.0`), texts of one
        /// instant are equal (`.130Z` and `.13Z`), and a `null` member equals an absent
        /// one (received types read both as `None`).
        fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
            use serde_json::Value;
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
                (Value::Object(x), Value::Object(y)) => {
                    let present = |m: &serde_json::Map<String, Value>| m.values().filter(|v| !v.is_null()).count();
                    present(x) == present(y)
                        && x.iter().filter(|(_, v)| !v.is_null()).all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
                }
                (Value::String(x), Value::String(y)) => {
                    x == y
                        || matches!(
                            (x.parse::<jiff::Timestamp>(), y.parse::<jiff::Timestamp>()),
                            (Ok(p), Ok(q)) if p == q
                        )
                }
                _ => a == b,
            }
        }

        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str, origin: &str) -> T {
            let original: serde_json::Value = serde_json::from_str(json).expect("example is JSON");
            let decoded: T = match serde_json::from_str(json) {
                Ok(v) => v,
                Err(e) => panic!("example at {origin} does not decode: {e}\n{json}"),
            };
            let encoded = serde_json::to_value(&decoded).expect("value encodes");
            assert!(same(&original, &encoded), "example at {origin} does not round-trip:\n  in:  {original}\n  out: {encoded}");
            decoded
        }

        #(#tests)*
        #(#union_tests)*
    })
}
