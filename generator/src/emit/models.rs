//! Named types -> Rust items: structs, string enums, tagged and untagged unions, aliases.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc_attrs, lines};
use crate::ir::{
    Api, EnumVariant, Field, MemberShape, StructDef, TypeDef, TypeKind, TypeRef, UnionVariant,
    member_shape,
};

/// An identifier from a name the IR has already made legal.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for a type reference.
pub fn type_tokens(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::Date => quote!(jiff::civil::Date),
        TypeRef::DateTime => quote!(jiff::Timestamp),
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

/// The item(s) for one named type; `inputs` are the types callers build
/// ([`Api::input_types`]), which get a constructor and setters.
pub fn type_def(api: &Api, def: &TypeDef, inputs: &BTreeSet<String>) -> TokenStream {
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
        TypeKind::Struct(s) => structure(api, def, s, inputs.contains(&def.name)),
        TypeKind::StringEnum(values) => string_enum(&def.name, values),
        TypeKind::TaggedUnion { tag, variants } => {
            let union = tagged_union(&def.name, tag, variants);
            let validate = union_validate(api, &def.name, variants);
            let from = union_from(api, &def.name, variants);
            quote!(#union #validate #from)
        }
        TypeKind::UntaggedUnion(variants) => {
            let union = untagged_union(api, &def.name, variants);
            let validate = union_validate(api, &def.name, variants);
            let from = union_from(api, &def.name, variants);
            quote!(#union #validate #from)
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
    match (f.required, f.keeps_null()) {
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
    if !f.required && f.keeps_null() {
        notes.push("`None`: absent; `Some(None)`: explicit `null`.".to_string());
    } else if !f.required && f.nullable {
        notes.push("`None`: absent or `null`.".to_string());
    }
    if f.read_only {
        notes.push("Read-only: set by the server.".to_string());
    }
    if f.write_only {
        notes.push("Write-only: sent, never returned.".to_string());
    }
    if let Some(v) = &f.fixed {
        notes.push(format!(
            "The tag selecting this type in its union: `{}`, written by the union when it encodes.",
            v.replace('`', "'")
        ));
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

/// Whether some operation sends this type as a `multipart/form-data` body.
fn is_multipart_body(api: &Api, name: &str) -> bool {
    api.resources
        .iter()
        .flat_map(|r| &r.operations)
        .filter_map(|op| op.body.as_ref())
        .filter(|b| b.kind == crate::ir::BodyKind::Multipart)
        .any(|b| {
            let mut ty = &b.ty;
            // Through aliases to the struct itself.
            for _ in 0..16 {
                match ty.named().and_then(|n| api.type_def(n)) {
                    Some(TypeDef {
                        kind: TypeKind::Alias(inner),
                        ..
                    }) => ty = inner,
                    _ => break,
                }
            }
            ty.named() == Some(name)
        })
}

/// How a field travels in a multipart body: one file, a list of files, or text.
fn file_shape(api: &Api, ty: &TypeRef) -> (bool, bool) {
    let resolve = |t: &TypeRef| -> TypeRef {
        let mut t = t.clone();
        for _ in 0..16 {
            let next = match t.named().and_then(|n| api.type_def(n)) {
                Some(TypeDef {
                    kind: TypeKind::Alias(inner),
                    ..
                }) => inner.clone(),
                _ => break,
            };
            t = next;
        }
        t
    };
    match resolve(ty) {
        TypeRef::Binary => (true, false),
        TypeRef::Vec(inner) => (false, resolve(&inner) == TypeRef::Binary),
        _ => (false, false),
    }
}

fn structure(api: &Api, def: &TypeDef, s: &StructDef, input: bool) -> TokenStream {
    let name = ident(&def.name);
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(f);
        let docs = field_docs(f);
        quote! {
            #docs
            pub #fname: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|t| {
        let t = type_tokens(t);
        quote! {
            /// Properties not named in the API description, kept as sent.
            pub additional_properties: std::collections::BTreeMap<String, #t>,
        }
    });
    let all_optional = s.fields.iter().all(|f| !f.required);
    // Every struct is serde: how a body travels (JSON, form, multipart) belongs to
    // the operation, and a file field is written as text inside JSON. `Serialize` and
    // `Deserialize` are generated rather than derived (see `serialize_impl` and
    // `deserialize_impl`): the derived ones are most of what the compiler checks.
    let derives = if all_optional {
        quote!(#[derive(Debug, Clone, Default, PartialEq)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    // Only request types get a constructor and setters: response types are read, and
    // built in tests from JSON or `Default`.
    let constructor = if input {
        builder_impl(&name, s)
    } else {
        TokenStream::new()
    };
    let encode = serialize_impl(&name, s);
    let decode = deserialize_impl(api, &name, s);
    let multipart = if is_multipart_body(api, &def.name) {
        multipart_impl(api, &name, s)
    } else {
        TokenStream::new()
    };
    let validate = validate_impl(&name, s);
    let money = money_impl(&name, s);
    // Every struct is `#[non_exhaustive]`: a field the API adds is not a breaking change
    // (request types are built with `new` and setters, response types read).
    quote! {
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #encode
        #decode
        #constructor
        #multipart
        #validate
        #money
    }
}

/// An expression of type `Option<&T>` reading field `f` of `receiver`, whatever its
/// presence (required, optional, optional and nullable); `unbox` follows each
/// `as_ref()` (`.map(|b| &**b)` for a boxed optional field).
pub fn field_ref(receiver: &TokenStream, f: &crate::ir::Field, unbox: &TokenStream) -> TokenStream {
    let n = ident(&f.name);
    match (f.required, f.keeps_null()) {
        (true, false) if f.boxed => quote!(Some(&*#receiver.#n)),
        (true, false) => quote!(Some(&#receiver.#n)),
        (true, true) | (false, false) => quote!(#receiver.#n.as_ref()#unbox),
        (false, true) => quote!(#receiver.#n.as_ref().and_then(Option::as_ref)#unbox),
    }
}

/// One accessor per amount field paired with a currency field: both together as the
/// runtime's `Money`, or `None` when either is absent.
fn money_impl(name: &Ident, s: &StructDef) -> TokenStream {
    let get = |f: &crate::ir::Field| field_ref(&quote!(self), f, &quote!());
    let methods: Vec<TokenStream> = s
        .money
        .iter()
        .filter_map(|p| {
            let a = s.fields.iter().find(|f| f.name == p.amount)?;
            let c = s.fields.iter().find(|f| f.name == p.currency)?;
            let currency = type_tokens(&c.ty);
            let (amount, cur) = (get(a), get(c));
            let amount = if a.ty == TypeRef::I32 {
                quote!(i64::from(*#amount?))
            } else {
                quote!(*#amount?)
            };
            let acc = ident(&p.accessor);
            let doc = format!(
                " `{}` with its currency (`{}`), when both are present; the amount is in the currency's smallest unit.",
                a.wire, c.wire
            );
            Some(quote! {
                #[doc = #doc]
                pub fn #acc(&self) -> Option<crate::Money<#currency>> {
                    Some(crate::Money::new(#amount, #cur?.clone()))
                }
            })
        })
        .collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

/// `new(required fields)` and one chainable setter per optional field of a request type.
fn builder_impl(name: &Ident, s: &StructDef) -> TokenStream {
    let args_fields = s.constructor();
    let args = args_fields.iter().map(|f| {
        let n = ident(&f.name);
        let inner = type_tokens(&f.ty);
        if f.nullable {
            quote!(#n: Option<#inner>)
        } else {
            quote!(#n: impl Into<#inner>)
        }
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        if let (true, Some(v)) = (f.required, &f.fixed) {
            let value = match &f.ty {
                TypeRef::Named(_) => {
                    let t = type_tokens(&f.ty);
                    quote!(#t::from(#v))
                }
                _ => quote!(String::from(#v)),
            };
            if f.nullable {
                quote!(#n: Some(#value))
            } else {
                quote!(#n: #value)
            }
        } else if f.required && f.nullable && f.boxed {
            quote!(#n: #n.map(Box::new))
        } else if f.required && f.nullable {
            quote!(#n)
        } else if f.required && f.boxed {
            quote!(#n: Box::new(#n.into()))
        } else if f.required {
            quote!(#n: #n.into())
        } else {
            quote!(#n: None)
        }
    });
    let extra = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: Default::default(),));
    let names: Vec<String> = args_fields
        .iter()
        .map(|f| format!("`{}`", f.wire))
        .collect();
    let tags: Vec<String> = s
        .fields
        .iter()
        .filter(|f| f.required)
        .filter_map(|f| Some(format!("`{}` is `{}`", f.wire, f.fixed.as_ref()?)))
        .collect();
    let mut doc = if names.is_empty() {
        " Creates a value with every field empty; set the ones you need with the setters."
            .to_string()
    } else {
        format!(
            " Creates a value from its required fields ({}); optional ones start empty and have setters.",
            names.join(", ")
        )
    };
    if !tags.is_empty() {
        doc.push_str(&format!(" The tag is set: {}.", tags.join(", ")));
    }
    // A constructor takes every required field, however many: the readable alternative
    // (a struct literal) is what `#[non_exhaustive]` rules out.
    let allow = (args_fields.len() > 7).then(|| {
        quote!(#[allow(clippy::too_many_arguments, reason = "one argument per required field of the API description")])
    });
    let setters = s.setters().into_iter().map(|st| {
        let f = st.field;
        let field = ident(&f.name);
        let method = ident(&st.name);
        let inner = type_tokens(&f.ty);
        let value = if f.boxed {
            quote!(Box::new(value.into()))
        } else {
            quote!(value.into())
        };
        let value = if f.nullable {
            quote!(Some(Some(#value)))
        } else {
            quote!(Some(#value))
        };
        let doc = format!(" Sets `{}` (JSON `{}`).", f.name, f.wire.replace('`', "'"));
        let allow = setter_allow(&st.name);
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        let null = st.null.as_ref().map(|null| {
            let null = ident(null);
            let doc = format!(
                " Sends `{}` as an explicit `null`.",
                f.wire.replace('`', "'")
            );
            let allow = setter_allow(&null.to_string());
            quote! {
                #[doc = #doc]
                #allow
                #deprecated
                pub fn #null(mut self) -> Self {
                    self.#field = Some(None);
                    self
                }
            }
        });
        quote! {
            #[doc = #doc]
            #allow
            #deprecated
            pub fn #method(mut self, value: impl Into<#inner>) -> Self {
                self.#field = #value;
                self
            }
            #null
        }
    });
    quote! {
        impl #name {
            #[doc = #doc]
            #allow
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #extra }
            }

            #(#setters)*
        }
    }
}

/// Setter names clippy would read as a conversion (`is_`, `to_`, `as_`, `from_`,
/// `into_`) or an operator method (`add`, `next`...): the name is the field's, so
/// the lint is silenced for that method alone.
fn setter_allow(name: &str) -> Option<TokenStream> {
    const TRAIT_METHODS: &[&str] = &[
        "add",
        "as_mut",
        "as_ref",
        "bitand",
        "bitor",
        "bitxor",
        "cmp",
        "deref",
        "deref_mut",
        "div",
        "drop",
        "from_iter",
        "from_str",
        "hash",
        "index",
        "index_mut",
        "into_iter",
        "mul",
        "neg",
        "next",
        "not",
        "partial_cmp",
        "rem",
        "shl",
        "shr",
        "sub",
    ];
    let convention = ["is_", "to_", "as_", "from_", "into_"]
        .iter()
        .any(|p| name.starts_with(p))
        || name == "is";
    if TRAIT_METHODS.contains(&name) {
        Some(
            quote!(#[allow(clippy::should_implement_trait, reason = "a setter named after its field")]),
        )
    } else if convention {
        Some(
            quote!(#[allow(clippy::wrong_self_convention, reason = "a setter named after its field")]),
        )
    } else {
        None
    }
}

/// `impl From<Member> for Union` for each member [`Api::from_members`] allows, so callers pass
/// the member itself (`create(order)`); boxing happens here, never in their code.
fn union_from(api: &Api, name: &str, variants: &[UnionVariant]) -> TokenStream {
    let union = ident(name);
    let impls = api.from_members(name, variants).into_iter().map(|v| {
        let n = ident(&v.name);
        let t = type_tokens(&v.ty);
        let value = if v.boxed || v.ty.named().is_some() {
            quote!(Box::new(value))
        } else {
            quote!(value)
        };
        quote! {
            impl From<#t> for #union {
                fn from(value: #t) -> Self {
                    Self::#n(#value)
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// `Deserialize` that lets sibling fields name the member of untagged-union fields,
/// around the derived impls (`remote = "Self"` makes them inherent functions).
/// Statements run on a decoded `value` that pick the member of each untagged union
/// field named by a sibling tag field (config `sibling_tags`).
fn sibling_selects(api: &Api, s: &StructDef) -> TokenStream {
    let selects = s.sibling_tags.iter().filter_map(|t| {
        let f = s.fields.iter().find(|f| f.name == t.field)?;
        let union_ty = f.ty.named()?;
        let TypeKind::UntaggedUnion(variants) = &api.type_def(union_ty)?.kind else {
            return None;
        };
        let arms = t.variants.iter().filter_map(|(value, variant)| {
            let i = variants.iter().position(|v| &v.name == variant)?;
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            Some(quote!(Some(#value) => Some(#i),))
        });
        let field = ident(&f.name);
        let tag_field = ident(&t.tag_field);
        let access = match (f.required, f.keeps_null()) {
            (true, false) => quote!(Some(&mut value.#field)),
            (true, true) | (false, false) => quote!(value.#field.as_mut()),
            (false, true) => quote!(value.#field.as_mut().and_then(Option::as_mut)),
        };
        let union_ty = type_tokens(&f.ty);
        Some(quote! {
            let member = match crate::runtime::union::tag_text(&value.#tag_field).as_deref() {
                #(#arms)*
                _ => None,
            };
            if let (Some(member), Some(field)) = (member, #access) {
                crate::runtime::union::prefer::<#union_ty>(field, member);
            }
        })
    });
    quote!(#(#selects)*)
}

/// A struct's `Serialize`: a JSON object with one entry per field present, in
/// declaration order, then the additional properties. An absent optional field is left
/// out; an optional nullable one (`Option<Option<T>>`) set to `Some(None)` is `null`.
fn serialize_impl(name: &Ident, s: &StructDef) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        if f.required {
            quote!(map.serialize_entry(#wire, &self.#n)?;)
        } else {
            quote! {
                if let Some(value) = &self.#n {
                    map.serialize_entry(#wire, value)?;
                }
            }
        }
    });
    let additional = s.additional.as_ref().map(|_| {
        quote! {
            for (key, value) in &self.additional_properties {
                map.serialize_entry(key, value)?;
            }
        }
    });
    let map = if s.fields.is_empty() && s.additional.is_none() {
        quote!(let map = serializer.serialize_map(Some(0))?;)
    } else {
        quote!(let mut map = serializer.serialize_map(None)?;)
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                use serde::ser::SerializeMap as _;
                #map
                #(#entries)*
                #additional
                map.end()
            }
        }
    }
}

/// `Deserialize` for a struct: one `visit_map` that finds each key's position among
/// the wire names (`runtime::de`, shared by every struct) and reads the value into its
/// field. A derived decoder costs several times the code per field (a field enum and
/// its visitor, a sequence visitor, duplicate checks), and decoders are most of what
/// a generated crate spends compiling.
fn deserialize_impl(api: &Api, name: &Ident, s: &StructDef) -> TokenStream {
    let wires: Vec<&str> = s.fields.iter().map(|f| f.wire.as_str()).collect();
    let locals: Vec<Ident> = (0..s.fields.len())
        .map(|i| format_ident!("field_{i}"))
        .collect();
    let inits = locals.iter().map(|l| quote!(let mut #l = None;));
    let additional = s.additional.is_some();
    let arms = s.fields.iter().zip(&locals).enumerate().map(|(i, (f, l))| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        let pat = if additional {
            quote!(Ok(#i))
        } else {
            quote!(Some(#i))
        };
        // A required field and an optional nullable one (`Option<Option<T>>`) record
        // that the key was present; an optional one takes the decoded `Option`.
        let read = match (f.required, f.keeps_null()) {
            (true, true) | (false, false) => {
                quote!(#l = map.next_value()?)
            }
            _ => quote!(#l = Some(map.next_value()?)),
        };
        quote!(#pat => #read,)
    });
    let (seed, rest) = if additional {
        (
            quote!(crate::runtime::de::FieldOrName(FIELDS)),
            quote! {
                Ok(_) => {}
                Err(name) => {
                    additional.insert(name, map.next_value()?);
                }
            },
        )
    } else {
        (
            quote!(crate::runtime::de::FieldIndex(FIELDS)),
            quote! {
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            },
        )
    };
    let fields = s.fields.iter().zip(&locals).map(|(f, l)| {
        let n = ident(&f.name);
        let wire = &f.wire;
        match (f.required, f.keeps_null()) {
            (true, false) => quote!(#n: crate::runtime::de::required(#l, #wire)?,),
            _ => quote!(#n: #l,),
        }
    });
    let (extra_init, extra_field) = if additional {
        (
            quote!(let mut additional = std::collections::BTreeMap::new();),
            quote!(additional_properties: additional,),
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let walk = if s.fields.is_empty() && !additional {
        quote! {
            while map.next_key_seed(#seed)?.is_some() {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key_seed(#seed)? {
                match key {
                    #(#arms)*
                    #rest
                }
            }
        }
    };
    let expecting = format!("an object `{name}`");
    let selects = sibling_selects(api, s);
    let finish = if selects.is_empty() {
        quote!(Ok(#name { #(#fields)* #extra_field }))
    } else {
        quote! {
            let mut value = #name { #(#fields)* #extra_field };
            #selects
            Ok(value)
        }
    };
    // The generic parameters and the visitor have names no schema can take (`__D`,
    // `__A`, `__Visitor`), so a model called `A` or `Fields` is not shadowed inside.
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<#name, __A::Error> {
                        const FIELDS: &[&str] = &[#(#wires),*];
                        #(#inits)*
                        #extra_init
                        #walk
                        #finish
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

fn multipart_impl(api: &Api, name: &Ident, s: &StructDef) -> TokenStream {
    let parts = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        let value = if f.boxed {
            quote!(value.as_ref())
        } else {
            quote!(value)
        };
        let add = match file_shape(api, &f.ty) {
            (true, _) => quote!(form.file(#wire, #value.clone());),
            (_, true) => quote!(for file in #value { form.file(#wire, file.clone()); }),
            _ => quote!(form.text(#wire, crate::runtime::multipart_text(#value));),
        };
        match (f.required, f.keeps_null()) {
            (true, false) => quote! { { let value = &self.#n; #add } },
            (true, true) | (false, false) => quote! { if let Some(value) = &self.#n { #add } },
            (false, true) => quote! { if let Some(Some(value)) = &self.#n { #add } },
        }
    });
    let extra = s.additional.as_ref().map(|_| {
        quote! {
            for (name, value) in &self.additional_properties {
                form.text_named(name.clone(), crate::runtime::multipart_text(value));
            }
        }
    });
    quote! {
        impl #name {
            /// The `multipart/form-data` body for this value: files as file parts,
            /// everything else as text fields (objects and lists as JSON text).
            pub(crate) fn to_multipart(&self) -> crate::runtime::MultipartBody {
                let mut form = crate::runtime::MultipartBody::new();
                #(#parts)*
                #extra
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
            match (f.required, f.keeps_null()) {
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
                #[inline]
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
            #[inline]
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
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know yet, kept verbatim so that it
            /// round-trips unchanged.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl From<&str> for #name {
            #[inline]
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
            #[inline]
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
    ty.named().and_then(|n| api.type_def(n)).is_some_and(|d| {
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
            #[inline]
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
    let arms = variants.iter().filter(|v| !v.tag_values.is_empty()).map(|v| {
        let n = ident(&v.name);
        let values = v.tag_values.iter().map(|t| quote!(Some(#t)));
        let wrap = if v.ty.named().is_some() || v.boxed { quote!(|x| Self::#n(Box::new(x))) } else { quote!(Self::#n) };
        quote! {
            #(#values)|* => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom),
        }
    });
    let encode = variants.iter().map(|v| {
        let n = ident(&v.name);
        let values = &v.tag_values;
        quote! {
            Self::#n(value) => crate::runtime::union::serialize_tagged(value, #tag, &[#(#values),*], serializer),
        }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name_i {
            #(#vs)*
            /// A member this version of the SDK does not know (an unknown tag), kept verbatim.
            Unknown(serde_json::Value),
        }

        impl serde::Serialize for #name_i {
            /// Writes the tag of the variant, whatever the member's own tag field says.
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name_i {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

/// The evidence table entry of one member.
fn member_tokens(shape: &MemberShape) -> TokenStream {
    let m = quote!(crate::runtime::union::Member);
    let of = |s: TokenStream| quote!(#m::of(crate::runtime::union::Shape::#s));
    match shape {
        MemberShape::Object {
            known,
            required,
            fixed,
            open,
        } => {
            let fixed = fixed.iter().map(|(k, v)| quote!((#k, #v)));
            quote!(#m::object(&[#(#known),*], &[#(#required),*], &[#(#fixed),*], #open))
        }
        MemberShape::String(values) if values.is_empty() => of(quote!(String)),
        MemberShape::String(values) => quote!(#m::one_of(&[#(#values),*])),
        MemberShape::Integer => of(quote!(Integer)),
        MemberShape::Number => of(quote!(Number)),
        MemberShape::Bool => of(quote!(Bool)),
        MemberShape::Array => of(quote!(Array)),
        MemberShape::Any => of(quote!(Any)),
    }
}

fn untagged_union(api: &Api, name: &str, variants: &[UnionVariant]) -> TokenStream {
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
        "Decoding picks the member by evidence: the properties each member knows, requires\nand fixes against those in the payload, and the JSON type. JSON that fits no member,\nor fits several equally well, is kept as `Unknown`.",
    );
    let members = variants
        .iter()
        .map(|v| member_tokens(&member_shape(api, &v.ty)));
    let decoders = variants.iter().enumerate().map(|(i, v)| {
        let n = ident(&v.name);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        let wrap = if v.ty.named().is_some() || v.boxed {
            quote!(|x| Self::#n(Box::new(x)))
        } else {
            quote!(Self::#n)
        };
        quote!(#i => serde_json::from_value(value).ok().map(#wrap),)
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        #doc
        pub enum #name_i {
            #(#vs)*
            /// JSON matching none of the known members, or several equally, kept verbatim.
            Unknown(serde_json::Value),
        }

        impl crate::runtime::union::Untagged for #name_i {
            const MEMBERS: &'static [crate::runtime::union::Member] = &[#(#members),*];
            fn member(index: usize, value: serde_json::Value) -> Option<Self> {
                match index {
                    #(#decoders)*
                    _ => None,
                }
            }
            fn unknown(value: serde_json::Value) -> Self {
                Self::Unknown(value)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name_i {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::union::deserialize(deserializer)
            }
        }
    }
}

/// `#[cfg(...)]` requiring every feature in `features` but those in `have` (what the
/// enclosing module already requires); empty when nothing is left.
pub fn feature_cfg<'a>(
    features: impl IntoIterator<Item = &'a String>,
    have: Option<&str>,
) -> TokenStream {
    let need: BTreeSet<&str> = features
        .into_iter()
        .map(String::as_str)
        .filter(|f| Some(*f) != have)
        .collect();
    match need.len() {
        0 => TokenStream::new(),
        1 => {
            let f = need.iter().next().copied().unwrap_or_default();
            quote!(#[cfg(feature = #f)])
        }
        _ => {
            let fs = need.iter();
            quote!(#[cfg(all(#(feature = #fs),*))])
        }
    }
}

/// The resource features code mentioning `ty` needs (see `ir::gates`).
pub fn type_features<'a>(api: &'a Api, ty: &TypeRef) -> BTreeSet<&'a String> {
    ty.mentions()
        .into_iter()
        .filter_map(|n| api.gates.get(n))
        .flatten()
        .collect()
}

/// The feature of the resource whose module is `module`, if it is one.
pub fn module_feature<'a>(api: &'a Api, module: &str) -> Option<&'a str> {
    api.resources
        .iter()
        .find(|r| r.module == module)
        .map(|r| r.feature.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Request types (body `Big`, reaching `Inner`) and a response type (`Out`); field
    /// names that are methods already; a union with an alias member of the same Rust
    /// type as another member, and one member that is the union itself.
    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /big:
    post:
      operationId: createBig
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Big'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}
  /choice:
    post:
      operationId: choose
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Choice'}}}
      responses:
        '204': {description: ok}
components:
  schemas:
    Big:
      type: object
      required: [a, b, c, d, e, f, g, h, i]
      properties:
        a: {type: string}
        b: {type: string}
        c: {type: integer}
        d: {type: string}
        e: {type: string}
        f: {type: string}
        g: {type: string}
        h: {type: string}
        i: {$ref: '#/components/schemas/Inner'}
        new: {type: string}
        validate: {type: boolean}
        default: {type: string}
        with_default: {type: string}
        is_primary: {type: boolean}
        note: {type: [string, 'null']}
    Inner:
      type: object
      properties:
        x: {type: string}
    Out:
      type: object
      required: [id]
      properties:
        id: {type: string}
    Code: {type: string}
    Choice:
      oneOf:
        - {$ref: '#/components/schemas/Inner'}
        - {type: string}
        - {$ref: '#/components/schemas/Code'}
        - {type: integer}
"#;

    fn api() -> Api {
        let config = crate::config::Config::from_yaml("{}").unwrap_or_else(|e| panic!("{e}"));
        crate::build_ir(SPEC, "t.yaml", &config)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .0
    }

    fn emitted(api: &Api, name: &str) -> String {
        let def = api.type_def(name).unwrap_or_else(|| panic!("no {name}"));
        type_def(api, def, &api.input_types())
            .to_string()
            .replace(' ', "")
    }

    #[test]
    fn request_types_get_a_constructor_with_every_required_field_and_setters() {
        let api = api();
        assert!(api.input_types().contains("Big") && api.input_types().contains("Inner"));
        assert!(!api.input_types().contains("Out"));
        let big = emitted(&api, "Big");
        // Nine required fields, no cap; each `impl Into`.
        assert!(
            big.contains("pubfnnew(a:implInto<String>,b:implInto<String>,c:implInto<i64>,d:implInto<String>,e:implInto<String>,f:implInto<String>,g:implInto<String>,h:implInto<String>,i:implInto<crate::models::Inner>)->Self"),
            "{big}"
        );
        assert!(big.contains("clippy::too_many_arguments"), "{big}");
        assert!(big.contains("#[non_exhaustive]pubstructBig"), "{big}");
        // Setters that would shadow `new`, `validate` and `Default::default` get `with_`;
        // the field really named `with_default` keeps its name, the clash gets a suffix.
        for setter in [
            "pubfnwith_new(mutself,value:implInto<String>)->Self{self.new=Some(value.into());self}",
            "pubfnwith_validate(mutself,value:implInto<bool>)",
            "pubfnwith_default(mutself,value:implInto<String>)->Self{self.with_default=",
            "pubfnwith_default2(mutself,value:implInto<String>)->Self{self.default=",
            "pubfnnote(mutself,value:implInto<String>)->Self{self.note=Some(Some(value.into()));self}",
            "pubfnnote_null(mutself)->Self{self.note=Some(None);self}",
        ] {
            assert!(big.contains(setter), "missing `{setter}` in {big}");
        }
        assert!(!big.contains("pubfnvalidate(mutself"), "{big}");
        // `is_primary` keeps its name; the lint about `is_` methods is silenced for it alone.
        assert!(
            big.contains("clippy::wrong_self_convention,reason=\"asetternamedafteritsfield\")]pubfnis_primary("),
            "{big}"
        );
        // An all-optional request type: `new()` without arguments, beside `Default`.
        let inner = emitted(&api, "Inner");
        assert!(inner.contains("Default"), "{inner}");
        assert!(inner.contains("pubfnnew()->Self"), "{inner}");
        assert!(
            inner.contains("pubfnx(mutself,value:implInto<String>)"),
            "{inner}"
        );
    }

    #[test]
    fn response_types_are_non_exhaustive_without_constructor_or_setters() {
        let api = api();
        let out = emitted(&api, "Out");
        assert!(out.contains("#[non_exhaustive]pubstructOut"), "{out}");
        assert!(!out.contains("fnnew"), "{out}");
    }

    #[test]
    fn setter_names_never_collide() {
        let api = api();
        let Some(TypeDef {
            kind: TypeKind::Struct(s),
            ..
        }) = api.type_def("Big")
        else {
            panic!("Big is a struct")
        };
        let names: Vec<String> = s
            .setters()
            .iter()
            .flat_map(|st| std::iter::once(st.name.clone()).chain(st.null.clone()))
            .collect();
        let unique: BTreeSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for n in &names {
            assert!(!crate::ir::STRUCT_METHODS.contains(&n.as_str()), "{n}");
        }
    }

    #[test]
    fn unions_convert_from_each_member_of_a_type_no_other_member_has() {
        let api = api();
        let choice = emitted(&api, "Choice");
        assert!(choice.contains("#[non_exhaustive]"), "{choice}");
        // `Inner` and `i64` are unique: `From`, boxing the struct inside the impl.
        assert!(
            choice.contains("implFrom<crate::models::Inner>forChoice{fnfrom(value:crate::models::Inner)->Self{Self::Inner(Box::new(value))}}"),
            "{choice}"
        );
        assert!(choice.contains("implFrom<i64>forChoice"), "{choice}");
        // `String` and `Code` (an alias of `String`) are the same Rust type: neither.
        assert!(!choice.contains("implFrom<String>"), "{choice}");
        assert!(
            !choice.contains("implFrom<crate::models::Code>"),
            "{choice}"
        );
    }

    #[test]
    fn optional_nullable_fields_keep_three_states() {
        let f = Field {
            name: "x".into(),
            wire: "x".into(),
            ty: TypeRef::String,
            required: false,
            nullable: true,
            folded: false,
            read_only: false,
            write_only: false,
            fixed: None,
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
        let folded = Field {
            folded: true,
            ..f.clone()
        };
        assert_eq!(
            field_type(&folded).to_string().replace(' ', ""),
            "Option<String>"
        );
        let time = Field {
            ty: TypeRef::DateTime,
            ..folded
        };
        assert_eq!(
            field_type(&time).to_string().replace(' ', ""),
            "Option<jiff::Timestamp>"
        );
        let required = Field {
            required: true,
            nullable: false,
            ..f
        };
        assert_eq!(field_type(&required).to_string(), "String");
    }
}
