//! Named types -> Rust items: structs, string enums, tagged and untagged unions, aliases.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, lines};
use crate::ir::{Api, EnumVariant, Field, StructDef, TypeDef, TypeKind, TypeRef, UnionVariant};

/// An identifier from a name the IR has already made legal.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for a type reference.
pub fn type_tokens(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Binary => quote!(crate::runtime::FilePart),
        TypeRef::Named(n) => {
            let n = ident(n);
            quote!(crate::models::#n)
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// The item(s) for one named type.
pub fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
    let mut docs_text = def.docs.clone().unwrap_or_default();
    if docs_text.trim().is_empty() {
        docs_text = format!("`{}` from the API description.", def.name);
    }
    // Deprecation of a type is documented rather than an attribute: the attribute would
    // warn inside this crate wherever a live type still refers to it.
    if def.deprecated {
        docs_text.push_str("\n\n**Deprecated** in the API description.");
    }
    let docs = doc_attrs(Some(&docs_text));
    let body = match &def.kind {
        TypeKind::Struct(s) => structure(def, s),
        TypeKind::StringEnum(values) => string_enum(&def.name, values),
        TypeKind::TaggedUnion { tag, variants } => {
            let union = tagged_union(&def.name, tag, variants);
            let validate = union_validate(api, &def.name, variants);
            quote!(#union #validate)
        }
        TypeKind::UntaggedUnion(variants) => {
            let union = untagged_union(&def.name, variants);
            let validate = union_validate(api, &def.name, variants);
            quote!(#union #validate)
        }
        TypeKind::Alias(t) => {
            let name = ident(&def.name);
            let t = type_tokens(t);
            quote!(pub type #name = #t;)
        }
    };
    quote! {
        #docs
        #body
    }
}

/// The Rust type of a field, with its `Option` wrapping.
pub fn field_type(f: &Field) -> TokenStream {
    let inner = type_tokens(&f.ty);
    let inner = if f.boxed { quote!(Box<#inner>) } else { inner };
    match (f.required, f.nullable) {
        (true, false) => inner,
        (true, true) | (false, false) => quote!(Option<#inner>),
        (false, true) => quote!(Option<Option<#inner>>),
    }
}

fn field_docs(f: &Field) -> TokenStream {
    let mut text = f
        .docs
        .clone()
        .map(|d| super::docs::sanitize(&d))
        .unwrap_or_default();
    let mut notes = Vec::new();
    if let Some(fmt) = &f.format {
        notes.push(format!("Format: `{fmt}`."));
    }
    if !f.required && f.nullable {
        notes.push("`None`: absent; `Some(None)`: explicit `null`.".to_string());
    }
    if f.read_only {
        notes.push("Read-only: set by the server.".to_string());
    }
    if f.deprecated {
        notes.push("**Deprecated** in the API description.".to_string());
    }
    if !notes.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&notes.join(" "));
    }
    if text.is_empty() {
        text = format!("`{}`", f.wire);
    }
    lines(&text)
}

fn structure(def: &TypeDef, s: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(f);
        let docs = field_docs(f);
        let wire = &f.wire;
        let rename = if s.multipart || f.name == f.wire {
            TokenStream::new()
        } else {
            quote!(#[serde(rename = #wire)])
        };
        let presence = if s.multipart {
            TokenStream::new()
        } else {
            match (f.required, f.nullable) {
                (true, false) => TokenStream::new(),
                (true, true) => quote!(#[serde(default)]),
                (false, false) => {
                    quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
                }
                (false, true) => quote!(#[serde(
                    default,
                    skip_serializing_if = "Option::is_none",
                    with = "crate::runtime::nullable"
                )]),
            }
        };
        quote! {
            #docs
            #rename
            #presence
            pub #fname: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|t| {
        let t = type_tokens(t);
        quote! {
            /// Properties not named in the API description, kept as sent.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #t>,
        }
    });
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let all_optional = required.is_empty();
    let derives = if s.multipart {
        quote!(#[derive(Debug, Clone, PartialEq)])
    } else if all_optional {
        quote!(#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)])
    };
    let constructor = if let Some(required) = s.constructor() {
        let args = required.iter().map(|f| {
            let n = ident(&f.name);
            let inner = type_tokens(&f.ty);
            if f.nullable {
                quote!(#n: Option<#inner>)
            } else {
                quote!(#n: #inner)
            }
        });
        let inits = s.fields.iter().map(|f| {
            let n = ident(&f.name);
            if f.required && f.boxed && !f.nullable {
                quote!(#n: Box::new(#n))
            } else if f.required && f.boxed {
                quote!(#n: #n.map(Box::new))
            } else if f.required {
                quote!(#n)
            } else {
                quote!(#n: None)
            }
        });
        let extra = s
            .additional
            .as_ref()
            .map(|_| quote!(additional_properties: Default::default(),));
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
        let doc = format!(
            " Creates a value from its required fields ({}); optional ones start empty.",
            names.join(", ")
        );
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits,)* #extra }
                }
            }
        }
    } else {
        TokenStream::new()
    };
    let multipart = if s.multipart {
        multipart_impl(&name, s)
    } else {
        TokenStream::new()
    };
    let validate = validate_impl(&name, s);
    quote! {
        #derives
        pub struct #name {
            #(#fields)*
            #additional
        }
        #constructor
        #multipart
        #validate
    }
}

fn multipart_impl(name: &Ident, s: &StructDef) -> TokenStream {
    let parts = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        let add = if f.ty == TypeRef::Binary {
            quote!(form.file(#wire, value.clone());)
        } else {
            quote!(form.text(#wire, crate::runtime::multipart_text(value));)
        };
        match (f.required, f.nullable) {
            (true, false) => quote! { { let value = &self.#n; #add } },
            (true, true) | (false, false) => quote! { if let Some(value) = &self.#n { #add } },
            (false, true) => quote! { if let Some(Some(value)) = &self.#n { #add } },
        }
    });
    quote! {
        impl #name {
            /// The `multipart/form-data` body for this value: files as file parts,
            /// everything else as text fields.
            pub(crate) fn to_multipart(&self) -> crate::runtime::MultipartBody {
                let mut form = crate::runtime::MultipartBody::new();
                #(#parts)*
                form
            }
        }
    }
}

fn fmt_bound(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn validate_impl(name: &Ident, s: &StructDef) -> TokenStream {
    let checks: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| !f.constraints.is_empty() && !f.boxed)
        .map(|f| {
            let n = ident(&f.name);
            let wire = &f.wire;
            let c = &f.constraints;
            let mut body = Vec::new();
            if let Some(min) = c.min_length {
                let msg = format!("must be at least {min} characters long");
                body.push(quote! { if value.chars().count() < #min { return Err(crate::runtime::ValidationError::new(#wire, #msg)); } });
            }
            if let Some(max) = c.max_length {
                let msg = format!("must be at most {max} characters long");
                body.push(quote! { if value.chars().count() > #max { return Err(crate::runtime::ValidationError::new(#wire, #msg)); } });
            }
            if let Some(pattern) = &c.pattern {
                let msg = format!("must match the pattern `{pattern}`");
                body.push(quote! {
                    // Compiled once; the generator checked that it compiles.
                    static PATTERN: std::sync::LazyLock<Option<regex_lite::Regex>> =
                        std::sync::LazyLock::new(|| regex_lite::Regex::new(#pattern).ok());
                    if PATTERN.as_ref().is_some_and(|re| !re.is_match(value)) {
                        return Err(crate::runtime::ValidationError::new(#wire, #msg));
                    }
                });
            }
            if let Some(min) = c.min_items {
                let msg = format!("must have at least {min} items");
                body.push(quote! { if value.len() < #min { return Err(crate::runtime::ValidationError::new(#wire, #msg)); } });
            }
            if let Some(max) = c.max_items {
                let msg = format!("must have at most {max} items");
                body.push(quote! { if value.len() > #max { return Err(crate::runtime::ValidationError::new(#wire, #msg)); } });
            }
            let numeric = matches!(f.ty, TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64);
            // Bounds compare as f64: exact for every i32 and f32, and for i64 within 2^53.
            let as_f64 = match f.ty {
                TypeRef::F64 => quote!(*value),
                TypeRef::I32 | TypeRef::F32 => quote!(f64::from(*value)),
                _ => quote!((*value as f64)),
            };
            if numeric {
                if let Some((min, excl)) = c.minimum {
                    let (op, word) = if excl { (quote!(<=), "greater than") } else { (quote!(<), "at least") };
                    let msg = format!("must be {word} {}", fmt_bound(min));
                    body.push(quote! { if #as_f64 #op #min { return Err(crate::runtime::ValidationError::new(#wire, #msg)); } });
                }
                if let Some((max, excl)) = c.maximum {
                    let (op, word) = if excl { (quote!(>=), "less than") } else { (quote!(>), "at most") };
                    let msg = format!("must be {word} {}", fmt_bound(max));
                    body.push(quote! { if #as_f64 #op #max { return Err(crate::runtime::ValidationError::new(#wire, #msg)); } });
                }
            }
            if body.is_empty() {
                return TokenStream::new();
            }
            match (f.required, f.nullable) {
                (true, false) => quote! { { let value = &self.#n; #(#body)* } },
                (true, true) | (false, false) => quote! { if let Some(value) = &self.#n { #(#body)* } },
                (false, true) => quote! { if let Some(Some(value)) = &self.#n { #(#body)* } },
            }
        })
        .filter(|t| !t.is_empty())
        .collect();
    if checks.is_empty() {
        return quote! {
            impl #name {
                /// Checks the constraints of the API description that can be checked before sending (none for this type).
                pub fn validate(&self) -> Result<(), crate::runtime::ValidationError> {
                    Ok(())
                }
            }
        };
    }
    quote! {
        impl #name {
            /// Checks the constraints of the API description that can be checked before
            /// sending (lengths, bounds, item counts), naming the first field that fails.
            pub fn validate(&self) -> Result<(), crate::runtime::ValidationError> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

fn string_enum(name: &str, values: &[EnumVariant]) -> TokenStream {
    let name = ident(name);
    let variants = values.iter().map(|v| {
        let n = ident(&v.name);
        let doc = format!(" `{}`", v.value.replace('`', "'"));
        quote! { #[doc = #doc] #n, }
    });
    let to_str = values.iter().map(|v| {
        let n = ident(&v.name);
        let s = &v.value;
        quote! { Self::#n => #s, }
    });
    let from_str = values.iter().map(|v| {
        let n = ident(&v.name);
        let s = &v.value;
        quote! { #s => Self::#n, }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know yet, kept verbatim so that it
            /// round-trips unchanged.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(s.as_ref()))
            }
        }

        impl crate::runtime::ToQuery for #name {
            fn to_query(&self, out: &mut Vec<String>) {
                out.push(self.as_str().to_string());
            }
        }
    }
}

fn variant_payload(v: &UnionVariant) -> TokenStream {
    let t = type_tokens(&v.ty);
    // Boxed when it closes a cycle, and always for named types so that the enum stays
    // small whatever the size of its members.
    if v.boxed || v.ty.named().is_some() {
        quote!(Box<#t>)
    } else {
        t
    }
}

/// Whether values of a type have a `validate()` method (structs and unions do).
pub fn has_validate(api: &Api, ty: &TypeRef) -> bool {
    ty.named()
        .and_then(|n| api.types.iter().find(|t| t.name == n))
        .is_some_and(|d| {
            matches!(
                d.kind,
                TypeKind::Struct(_) | TypeKind::TaggedUnion { .. } | TypeKind::UntaggedUnion(_)
            )
        })
}

/// A union validates whichever member it holds.
fn union_validate(api: &Api, name: &str, variants: &[UnionVariant]) -> TokenStream {
    let name = ident(name);
    let arms = variants.iter().map(|v| {
        let n = ident(&v.name);
        if has_validate(api, &v.ty) {
            quote!(Self::#n(value) => value.validate(),)
        } else {
            quote!(Self::#n(_) => Ok(()),)
        }
    });
    quote! {
        impl #name {
            /// Checks the constraints of the member this value holds before it is sent.
            pub fn validate(&self) -> Result<(), crate::runtime::ValidationError> {
                match self {
                    #(#arms)*
                    Self::Unknown(_) => Ok(()),
                }
            }
        }
    }
}

fn tagged_union(name: &str, tag: &str, variants: &[UnionVariant]) -> TokenStream {
    let name_i = ident(name);
    let vs = variants.iter().map(|v| {
        let n = ident(&v.name);
        let p = variant_payload(v);
        let tags: Vec<String> = v.tag_values.iter().map(|t| format!("`{t}`")).collect();
        let doc = format!(" Selected by `{tag}` = {}.", tags.join(" or "));
        quote! { #[doc = #doc] #n(#p), }
    });
    let arms = variants.iter().map(|v| {
        let n = ident(&v.name);
        let values = v.tag_values.iter().map(|t| quote!(Some(#t)));
        let wrap = if v.ty.named().is_some() || v.boxed { quote!(|x| Self::#n(Box::new(x))) } else { quote!(Self::#n) };
        quote! {
            #(#values)|* => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom),
        }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name_i {
            #(#vs)*
            /// A member this version of the SDK does not know (an unknown tag), kept verbatim.
            Unknown(serde_json::Value),
        }

        impl<'de> serde::Deserialize<'de> for #name_i {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

fn untagged_union(name: &str, variants: &[UnionVariant]) -> TokenStream {
    let name_i = ident(name);
    let vs = variants.iter().map(|v| {
        let n = ident(&v.name);
        let p = variant_payload(v);
        let doc = match &v.ty {
            TypeRef::Named(t) => format!(" The [`{t}`](crate::models::{t}) shape."),
            _ => " A value of this primitive shape.".to_string(),
        };
        quote! { #[doc = #doc] #n(#p), }
    });
    let doc = lines(
        "Decoding tries each member in the order the API description lists them and\nkeeps the first that fits; JSON that fits none is kept as `Unknown`.",
    );
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #doc
        pub enum #name_i {
            #(#vs)*
            /// JSON matching none of the known members, kept verbatim.
            Unknown(serde_json::Value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_nullable_fields_keep_three_states() {
        let f = Field {
            name: "x".into(),
            wire: "x".into(),
            ty: TypeRef::String,
            required: false,
            nullable: true,
            read_only: false,
            boxed: false,
            docs: None,
            deprecated: false,
            constraints: Default::default(),
            format: None,
            example: None,
        };
        assert_eq!(
            field_type(&f).to_string().replace(' ', ""),
            "Option<Option<String>>"
        );
        let required = Field {
            required: true,
            nullable: false,
            ..f
        };
        assert_eq!(field_type(&required).to_string(), "String");
    }
}
