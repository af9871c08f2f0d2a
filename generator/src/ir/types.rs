//! Schemas -> named Rust types (the type space).
//!
//! Component schemas are named first, in document order, so that references resolve
//! before their targets are built; inline schemas that need a type of their own are
//! named from their position (`{Parent}{Property}`). `allOf` is merged into one struct;
//! a merge that refers back to itself is an error, since it has no finite shape.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::names::{Scope, field_name, joined_names, map_wanted, parse_wanted, type_name, wanted};
use super::{Constraints, EnumVariant, Field, StructDef, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::diag::{Diagnostic, child};

/// Builds the type space; shared by schema and operation building.
pub struct TypeBuilder<'a> {
    components: BTreeMap<String, &'a ReferenceOr<Schema>>,
    /// Component references in document order.
    order: Vec<String>,
    /// Polymorphic base: union name -> the struct with the base schema's own fields.
    poly_bases: BTreeMap<String, String>,
    /// `#/components/schemas/X` -> Rust type name.
    names: BTreeMap<String, String>,
    scope: Scope,
    /// Built types by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Component refs whose struct is being merged (allOf cycle detection).
    merging: BTreeSet<String>,
    /// Findings.
    pub diags: Vec<Diagnostic>,
    /// Types that are a component plus a stricter `required` list (3.1 `$ref` with a
    /// `required` sibling): refinement name -> component type name.
    pub refinements: BTreeMap<String, String>,
    /// Inline type name -> the short name its nested shapes are named after.
    pub roles: BTreeMap<String, String>,
    /// Configured names by JSON pointer of the schema (`renames` in the config).
    renames: BTreeMap<String, String>,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// What a property/field schema says about itself, beyond its type.
#[derive(Debug, Default, Clone)]
pub struct Annotations {
    /// May be null.
    pub nullable: bool,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// Description (own, or the one written beside a `$ref`).
    pub docs: Option<String>,
    /// Declared format.
    pub format: Option<String>,
    /// Example.
    pub example: Option<Value>,
    /// Constraints.
    pub constraints: Constraints,
}

impl<'a> TypeBuilder<'a> {
    /// Starts a type space over the document's component schemas; names every component.
    ///
    /// `renames` (JSON pointer of a schema -> Rust name, already checked) take
    /// precedence over every derived name.
    pub fn new(
        schemas: Option<&'a indexmap::IndexMap<String, ReferenceOr<Schema>>>,
        renames: BTreeMap<String, String>,
    ) -> Self {
        let mut reserved: Vec<&str> = super::names::RESERVED_TYPES.to_vec();
        reserved.extend(renames.values().map(String::as_str));
        let mut scope = Scope::with_reserved(&reserved);
        let mut names = BTreeMap::new();
        let mut components = BTreeMap::new();
        let mut order = Vec::new();
        if let Some(schemas) = schemas {
            for (name, schema) in schemas {
                let reference = format!("{COMPONENT_PREFIX}{}", crate::diag::escape_token(name));
                let rust = match renames.get(&reference) {
                    Some(configured) => configured.clone(),
                    None => scope.claim(&type_name(name)),
                };
                names.insert(reference.clone(), rust);
                components.insert(reference.clone(), schema);
                order.push(reference);
            }
        }
        Self {
            components,
            order,
            poly_bases: BTreeMap::new(),
            names,
            scope,
            types: BTreeMap::new(),
            merging: BTreeSet::new(),
            diags: Vec::new(),
            refinements: BTreeMap::new(),
            roles: BTreeMap::new(),
            renames,
        }
    }

    /// Builds every component schema into a named type.
    pub fn build_components(&mut self) {
        let refs: Vec<String> = self.components.keys().cloned().collect();
        for r in refs {
            self.ensure_component(&r);
        }
        self.polymorphism();
    }

    /// The Rust type name of a component schema reference.
    pub fn component_type(&self, reference: &str) -> Option<&str> {
        self.names.get(reference).map(String::as_str)
    }

    /// A component object with a discriminator that other components extend through
    /// `allOf` (or that its `mapping` names) stands, wherever it is referenced, for one
    /// of those: it becomes a tagged union over them, and its own fields, which the
    /// derived types have already merged, move to a struct `{Name}Base`.
    fn polymorphism(&mut self) {
        let order = self.order.clone();
        for base_ref in &order {
            let Some(ReferenceOr::Item(base)) = self.components.get(base_ref).copied() else {
                continue;
            };
            let Some(d) = &base.schema_data.discriminator else {
                continue;
            };
            let Some(union_name) = self.names.get(base_ref).cloned() else {
                continue;
            };
            if !matches!(
                self.types.get(&union_name).map(|t| &t.kind),
                Some(TypeKind::Struct(_))
            ) {
                continue;
            }
            let mut derived: Vec<String> = order
                .iter()
                .filter(|r| *r != base_ref)
                .filter(|r| match self.components.get(*r) {
                    Some(ReferenceOr::Item(s)) => all_of_members(s).iter().any(
                        |m| matches!(m, ReferenceOr::Reference { reference } if reference == base_ref),
                    ),
                    _ => false,
                })
                .cloned()
                .collect();
            let mut maps_base = Vec::new();
            for (value, target) in &d.mapping {
                let target = mapping_target(target);
                if &target == base_ref {
                    maps_base.push(value.clone());
                } else if self.names.contains_key(&target) && !derived.contains(&target) {
                    derived.push(target);
                }
            }
            if derived.is_empty() {
                continue;
            }
            let base_name = self.claim_name(&format!("{union_name}Base"));
            let Some(mut base_def) = self.types.remove(&union_name) else {
                continue;
            };
            let union_docs = base_def.docs.clone();
            let union_example = base_def.example.take();
            base_def.name = base_name.clone();
            base_def.docs = Some(format!(
                "The fields every [`{union_name}`] has: the base schema of the polymorphic type."
            ));
            self.types.insert(base_name.clone(), base_def);
            let mut scope = Scope::with_reserved(&["Unknown"]);
            let mut variants = Vec::new();
            let members = derived
                .iter()
                .map(|r| (Some(r), self.names.get(r).cloned().unwrap_or_default()))
                .chain((!maps_base.is_empty()).then(|| (None, base_name.clone())));
            let members: Vec<(Option<&String>, String)> = members.collect();
            for (i, (reference, ty_name)) in members.into_iter().enumerate() {
                let tag_values = match reference {
                    None => maps_base.clone(),
                    Some(r) => {
                        let mapped: Vec<String> = d
                            .mapping
                            .iter()
                            .filter(|(_, t)| &mapping_target(t) == r)
                            .map(|(k, _)| k.clone())
                            .collect();
                        if mapped.is_empty() {
                            let short = r.rsplit('/').next().unwrap_or_default();
                            vec![crate::diag::unescape_token(short)]
                        } else {
                            mapped
                        }
                    }
                };
                let ty = TypeRef::Named(ty_name);
                variants.push(UnionVariant {
                    name: scope.claim(&variant_name(&union_name, &ty, i)),
                    tag_values,
                    ty,
                    boxed: false,
                });
            }
            self.types.insert(
                union_name.clone(),
                TypeDef {
                    name: union_name.clone(),
                    module: String::new(),
                    docs: union_docs,
                    deprecated: base.schema_data.deprecated,
                    origin: base_ref.clone(),
                    example: union_example,
                    kind: TypeKind::TaggedUnion {
                        tag: d.property_name.clone(),
                        variants,
                    },
                },
            );
            self.poly_bases.insert(union_name, base_name);
        }
    }

    /// Claims a fresh type name for an inline schema: the first free alternative of a
    /// wanted name (see [`wanted`]), or the first with a numeric suffix.
    pub fn claim_name(&mut self, wanted: &str) -> String {
        let (alternatives, role) = parse_wanted(wanted);
        let alternatives: Vec<String> = alternatives.into_iter().map(type_name).collect();
        let name = match alternatives.iter().find(|a| !self.scope.contains(a)) {
            Some(free) => self.scope.claim(free),
            None => self
                .scope
                .claim(alternatives.first().map(String::as_str).unwrap_or("Type")),
        };
        if let Some(role) = role.map(type_name) {
            self.roles.insert(name.clone(), role);
        }
        name
    }

    /// The wanted name of a shape under `part` (a property or parameter name, in
    /// `UpperCamelCase`) of the type `parent`: the shortest natural name first (see
    /// [`joined_names`]), named after the parent's role, then after its full name.
    pub fn child_wanted(&self, parent: &str, part: &str) -> String {
        let mut alternatives = Vec::new();
        if let Some(role) = self.roles.get(parent) {
            alternatives.extend(joined_names(role, part));
        }
        for n in joined_names(parent, part) {
            if !alternatives.contains(&n) {
                alternatives.push(n);
            }
        }
        // A name that repeats a word is the last resort.
        alternatives.sort_by_key(|n| super::names::repeats_a_word(n));
        let role = if super::names::words(part).len() > 1 {
            part
        } else {
            ""
        };
        wanted(&alternatives, role)
    }

    fn ensure_component(&mut self, reference: &str) {
        let Some(name) = self.names.get(reference).cloned() else {
            return;
        };
        if self.types.contains_key(&name) {
            return;
        }
        let Some(schema) = self.components.get(reference).copied() else {
            return;
        };
        let pointer = reference.to_string();
        let (kind, data) = match schema {
            ReferenceOr::Reference { reference: target } => {
                (TypeKind::Alias(self.reference(target, &pointer)), None)
            }
            ReferenceOr::Item(s) => {
                self.merging.insert(reference.to_string());
                let kind = self.named_kind(&name, s, &pointer);
                self.merging.remove(reference);
                (kind, Some(&s.schema_data))
            }
        };
        self.insert(name, pointer, kind, data);
    }

    fn insert(&mut self, name: String, origin: String, kind: TypeKind, data: Option<&SchemaData>) {
        let def = TypeDef {
            name: name.clone(),
            module: String::new(),
            docs: data.and_then(|d| d.description.clone().or_else(|| d.title.clone())),
            deprecated: data.is_some_and(|d| d.deprecated),
            origin,
            example: data.and_then(|d| d.example.clone()),
            kind,
        };
        self.types.insert(name, def);
    }

    /// The Rust type for a reference.
    pub fn reference(&mut self, reference: &str, at: &str) -> TypeRef {
        match self.names.get(reference) {
            Some(n) => TypeRef::Named(n.clone()),
            None => {
                // Load-time checks guarantee local targets exist; a non-schema target
                // (a parameter used as a schema) is representable only loosely.
                self.diags.push(Diagnostic::warning(
                    at,
                    format!("`{reference}` is not a component schema; typed as serde_json::Value"),
                ));
                TypeRef::Json
            }
        }
    }

    /// The Rust type of a schema in field position; inline shapes become named types
    /// called `wanted`.
    pub fn type_of(&mut self, schema: &ReferenceOr<Schema>, wanted: &str, at: &str) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, at),
            ReferenceOr::Item(s) => self.inline(s, wanted, at),
        }
    }

    /// Same as [`Self::type_of`] for boxed schemas (properties, items).
    pub fn type_of_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        wanted: &str,
        at: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, at),
            ReferenceOr::Item(s) => self.inline(s, wanted, at),
        }
    }

    fn inline(&mut self, s: &Schema, wanted: &str, at: &str) -> TypeRef {
        if let Some(t) = self.simple_type(s, wanted, at) {
            return t;
        }
        let name = match self.renames.get(at) {
            Some(configured) => configured.clone(),
            None => self.claim_name(wanted),
        };
        let kind = self.named_kind(&name, s, at);
        self.insert(name.clone(), at.to_string(), kind, Some(&s.schema_data));
        TypeRef::Named(name)
    }

    /// Types that need no definition of their own: primitives, arrays, maps, and an
    /// `allOf` wrapping a single reference (3.1 `$ref` with siblings).
    fn simple_type(&mut self, s: &Schema, wanted: &str, at: &str) -> Option<TypeRef> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if st.enumeration.iter().all(Option::is_none) => {
                Some(string_type(&st.format))
            }
            SchemaKind::Type(Type::String(_)) => None,
            SchemaKind::Type(Type::Integer(it)) => Some(match it.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            SchemaKind::Type(Type::Number(nt)) => Some(match nt.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Some(TypeRef::Bool),
            SchemaKind::Type(Type::Array(at_)) => Some(TypeRef::Vec(Box::new(match &at_.items {
                Some(items) => self.type_of_boxed(
                    items,
                    &super::names::item_wanted(wanted),
                    &child(at, "items"),
                ),
                None => TypeRef::Json,
            }))),
            SchemaKind::Type(Type::Object(ot)) if ot.properties.is_empty() => {
                Some(self.map_type(ot.additional_properties.as_ref(), wanted, at))
            }
            SchemaKind::Type(Type::Object(_)) => None,
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                ReferenceOr::Reference { reference } => {
                    Some(self.reference(reference, &child(&child(at, "allOf"), "0")))
                }
                ReferenceOr::Item(inner) => {
                    Some(self.inline(inner, wanted, &child(&child(at, "allOf"), "0")))
                }
            },
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => None,
            SchemaKind::Not { .. } => {
                self.diags.push(Diagnostic::warning(
                    at,
                    "`not` cannot be expressed in Rust types; typed as serde_json::Value",
                ));
                Some(TypeRef::Json)
            }
            SchemaKind::Any(any) => self.any_simple(any, wanted, at),
        }
    }

    fn any_simple(&mut self, any: &AnySchema, wanted: &str, at: &str) -> Option<TypeRef> {
        let structured = !any.properties.is_empty()
            || !any.one_of.is_empty()
            || !any.any_of.is_empty()
            || any.all_of.len() > 1
            || !any.enumeration.is_empty();
        if structured {
            return None;
        }
        if let Some(items) = &any.items {
            return Some(TypeRef::Vec(Box::new(self.type_of_boxed(
                items,
                &super::names::item_wanted(wanted),
                &child(at, "items"),
            ))));
        }
        if let Some(ap) = &any.additional_properties {
            return Some(self.map_type(Some(ap), wanted, at));
        }
        if let [only] = any.all_of.as_slice() {
            return Some(self.type_of(only, wanted, &child(&child(at, "allOf"), "0")));
        }
        Some(match any.typ.as_deref() {
            Some("string") => TypeRef::String,
            Some("integer") => TypeRef::I64,
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("object") => TypeRef::Map(Box::new(TypeRef::Json)),
            _ => TypeRef::Json,
        })
    }

    fn map_type(&mut self, ap: Option<&AdditionalProperties>, wanted: &str, at: &str) -> TypeRef {
        let value = match ap {
            Some(AdditionalProperties::Schema(s)) => self.type_of(
                s,
                &map_wanted(wanted, |w| format!("{w}Value")),
                &child(at, "additionalProperties"),
            ),
            _ => TypeRef::Json,
        };
        TypeRef::Map(Box::new(value))
    }

    /// The shape of a schema that gets a named type (a component or a complex inline).
    fn named_kind(&mut self, name: &str, s: &Schema, at: &str) -> TypeKind {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                let values: Vec<String> = st.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    TypeKind::Alias(string_type(&st.format))
                } else {
                    TypeKind::StringEnum(enum_variants(&values))
                }
            }
            SchemaKind::Type(Type::Object(ot)) if !ot.properties.is_empty() => {
                TypeKind::Struct(self.object(
                    name,
                    &ot.properties,
                    &ot.required,
                    ot.additional_properties.as_ref(),
                    at,
                ))
            }
            SchemaKind::OneOf { one_of } => self.union(
                name,
                one_of,
                s.schema_data.discriminator.as_ref(),
                &child(at, "oneOf"),
            ),
            SchemaKind::AnyOf { any_of } => self.union(
                name,
                any_of,
                s.schema_data.discriminator.as_ref(),
                &child(at, "anyOf"),
            ),
            SchemaKind::AllOf { all_of } => self.all_of(name, all_of, at),
            SchemaKind::Any(any)
                if !any.properties.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() =>
            {
                TypeKind::Struct(self.object(
                    name,
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    at,
                ))
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() => self.union(
                name,
                &any.one_of,
                s.schema_data.discriminator.as_ref(),
                &child(at, "oneOf"),
            ),
            SchemaKind::Any(any) if !any.any_of.is_empty() => self.union(
                name,
                &any.any_of,
                s.schema_data.discriminator.as_ref(),
                &child(at, "anyOf"),
            ),
            SchemaKind::Any(any) if any.all_of.len() > 1 => self.all_of(name, &any.all_of, at),
            SchemaKind::Any(any) if !any.enumeration.is_empty() => {
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                if values.len() == any.enumeration.len() {
                    TypeKind::StringEnum(enum_variants(&values))
                } else {
                    self.diags.push(Diagnostic::warning(
                        at,
                        "enum of mixed or non-string values; typed as serde_json::Value",
                    ));
                    TypeKind::Alias(TypeRef::Json)
                }
            }
            _ => {
                let t = self
                    .simple_type(s, &format!("{name}Item"), at)
                    .unwrap_or(TypeRef::Json);
                TypeKind::Alias(t)
            }
        }
    }

    fn object(
        &mut self,
        name: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        at: &str,
    ) -> StructDef {
        let mut scope = Scope::with_reserved(&["additional_properties"]);
        let mut fields = Vec::new();
        let props_at = child(at, "properties");
        for (wire, schema) in properties {
            let here = child(&props_at, wire);
            let wanted = self.child_wanted(name, &super::names::camel(wire));
            let ty = self.type_of_boxed(schema, &wanted, &here);
            let mut ann = self.annotations_boxed(schema);
            if let Some(p) = ann.constraints.pattern.take() {
                match regex_lite::Regex::new(&p) {
                    Ok(_) => ann.constraints.pattern = Some(p),
                    Err(e) => self.diags.push(Diagnostic::warning(
                        child(&here, "pattern"),
                        format!(
                            "pattern `{p}` is not supported ({e}); it is not checked before sending"
                        ),
                    )),
                }
            }
            let multipart_binary = ty == TypeRef::Binary;
            let constraints = ann.constraints.fit_to(&ty);
            fields.push(Field {
                name: scope.claim(&field_name(wire)),
                wire: wire.clone(),
                ty,
                required: required.contains(wire),
                nullable: ann.nullable,
                folded: false,
                read_only: ann.read_only,
                write_only: ann.write_only,
                fixed: None,
                boxed: false,
                docs: ann.docs,
                deprecated: ann.deprecated,
                constraints,
                format: ann.format.filter(|_| !multipart_binary),
                example: ann.example,
            });
        }
        let additional = match additional {
            Some(AdditionalProperties::Schema(s)) => Some(self.type_of(
                s,
                &format!("{name}Value"),
                &child(at, "additionalProperties"),
            )),
            _ => None,
        };
        let multipart = fields.iter().any(|f| f.ty == TypeRef::Binary);
        StructDef {
            fields,
            additional,
            multipart,
            sibling_tags: Vec::new(),
            money: Vec::new(),
        }
    }

    /// Annotations of a property schema, looking through a single-reference `allOf`.
    pub fn annotations_boxed(&self, schema: &ReferenceOr<Box<Schema>>) -> Annotations {
        match schema {
            ReferenceOr::Reference { reference } => self.referenced_annotations(reference),
            ReferenceOr::Item(s) => annotations(s),
        }
    }

    /// A reference is nullable when its target says so (`Notes: {type: [object, "null"]}`).
    fn referenced_annotations(&self, reference: &str) -> Annotations {
        let nullable = matches!(self.components.get(reference), Some(ReferenceOr::Item(s)) if s.schema_data.nullable);
        Annotations {
            nullable,
            ..Annotations::default()
        }
    }

    /// Annotations of a schema in parameter or body position.
    pub fn annotations(&self, schema: &ReferenceOr<Schema>) -> Annotations {
        match schema {
            ReferenceOr::Reference { reference } => self.referenced_annotations(reference),
            ReferenceOr::Item(s) => annotations(s),
        }
    }

    fn union(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        at: &str,
    ) -> TypeKind {
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let here = child(at, &i.to_string());
            let ty = self.type_of(member, &format!("{name}Variant{}", i + 1), &here);
            let naming_ty = match ty.named().and_then(|n| self.refinements.get(n)) {
                Some(component) => TypeRef::Named(component.clone()),
                None => ty.clone(),
            };
            let wanted = variant_name(name, &naming_ty, i);
            let ty = match ty.named().map(String::from) {
                // A tightened component gets a name from its role in the union.
                Some(n) if self.refinements.contains_key(&n) => {
                    let renamed = self.claim_name(&format!("{name}{wanted}"));
                    if let Some(mut def) = self.types.remove(&n) {
                        def.name = renamed.clone();
                        self.types.insert(renamed.clone(), def);
                    }
                    if let Some(component) = self.refinements.remove(&n) {
                        self.refinements.insert(renamed.clone(), component);
                    }
                    TypeRef::Named(renamed)
                }
                _ => ty,
            };
            let tag_values = match (discriminator, member) {
                (Some(d), ReferenceOr::Reference { reference }) => {
                    let mapped: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| mapping_target(target) == *reference)
                        .map(|(k, _)| k.clone())
                        .collect();
                    if mapped.is_empty() {
                        vec![reference.rsplit('/').next().unwrap_or_default().to_string()]
                    } else {
                        mapped
                    }
                }
                (Some(d), ReferenceOr::Item(s)) => inline_tag_values(s, &d.property_name),
                (None, _) => Vec::new(),
            };
            variants.push(UnionVariant {
                name: scope.claim(&wanted),
                tag_values,
                ty,
                boxed: false,
            });
        }
        union_kind(discriminator, variants)
    }

    fn all_of(&mut self, name: &str, members: &[ReferenceOr<Schema>], at: &str) -> TypeKind {
        // `allOf: [Base, {oneOf: [A, B]}]` distributes into `oneOf: [Base+A, Base+B]`.
        let mut split: Option<Split<'_>> = None;
        let mut plain: Vec<(usize, &ReferenceOr<Schema>)> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            if let ReferenceOr::Item(s) = member {
                let here = child(&child(at, "allOf"), &i.to_string());
                match &s.schema_kind {
                    SchemaKind::OneOf { one_of } if split.is_none() => {
                        split = Some((
                            one_of,
                            s.schema_data.discriminator.as_ref(),
                            child(&here, "oneOf"),
                        ));
                        continue;
                    }
                    SchemaKind::AnyOf { any_of } if split.is_none() => {
                        split = Some((
                            any_of,
                            s.schema_data.discriminator.as_ref(),
                            child(&here, "anyOf"),
                        ));
                        continue;
                    }
                    _ => {}
                }
            }
            plain.push((i, member));
        }
        let Some(base) = self.merge(name, &plain, at) else {
            return TypeKind::Alias(TypeRef::Json);
        };
        let Some((branches, discriminator, branches_at)) = split else {
            if let Some(target) = self.refined_component(&plain) {
                self.refinements.insert(name.to_string(), target);
            }
            return TypeKind::Struct(base);
        };
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let here = child(&branches_at, &i.to_string());
            let (wanted, tag_values) = match branch {
                ReferenceOr::Reference { reference } => {
                    let short = reference.rsplit('/').next().unwrap_or_default().to_string();
                    (type_name(&short), vec![short])
                }
                ReferenceOr::Item(s) => match single_value_property(s) {
                    Some(v) => (type_name(&v), vec![v]),
                    None => (format!("Variant{}", i + 1), Vec::new()),
                },
            };
            let variant = scope.claim(&wanted);
            let type_name_ = self.claim_name(&format!("{name}{variant}"));
            let Some(mut merged) = self.merge(&type_name_, &[(0, branch)], &here) else {
                return TypeKind::Alias(TypeRef::Json);
            };
            let mut fields = base.fields.clone();
            for f in merged.fields.drain(..) {
                fields.retain(|g| g.wire != f.wire);
                fields.push(f);
            }
            let multipart = fields.iter().any(|f| f.ty == TypeRef::Binary);
            let def = StructDef {
                fields,
                additional: merged.additional.or(base.additional.clone()),
                multipart,
                sibling_tags: Vec::new(),
                money: Vec::new(),
            };
            self.types.insert(
                type_name_.clone(),
                TypeDef {
                    name: type_name_.clone(),
                    module: String::new(),
                    docs: Some(format!("The `{variant}` form of [`{name}`].")),
                    deprecated: false,
                    origin: here,
                    example: None,
                    kind: TypeKind::Struct(def),
                },
            );
            let tag_values = if discriminator.is_some() {
                tag_values
            } else {
                Vec::new()
            };
            variants.push(UnionVariant {
                name: variant,
                tag_values,
                ty: TypeRef::Named(type_name_),
                boxed: false,
            });
        }
        union_kind(discriminator, variants)
    }

    /// The component an `allOf` only tightens: one reference plus members that add
    /// nothing but `required`.
    fn refined_component(&self, members: &[(usize, &ReferenceOr<Schema>)]) -> Option<String> {
        let mut target = None;
        for (_, m) in members {
            match m {
                ReferenceOr::Reference { reference } if target.is_none() => {
                    target = self.names.get(reference).cloned();
                    if target
                        .as_ref()
                        .is_some_and(|t| self.poly_bases.contains_key(t))
                    {
                        return None;
                    }
                }
                ReferenceOr::Item(s) => match &s.schema_kind {
                    SchemaKind::Type(Type::Object(o))
                        if o.properties.is_empty() && o.additional_properties.is_none() => {}
                    _ => return None,
                },
                ReferenceOr::Reference { .. } => return None,
            }
        }
        target
    }

    /// Merges object members into one struct; `None` (with a warning) when a member is
    /// not an object.
    fn merge(
        &mut self,
        name: &str,
        members: &[(usize, &ReferenceOr<Schema>)],
        at: &str,
    ) -> Option<StructDef> {
        let mut merged = StructDef {
            fields: Vec::new(),
            additional: None,
            multipart: false,
            sibling_tags: Vec::new(),
            money: Vec::new(),
        };
        let mut extra_required: Vec<String> = Vec::new();
        for (i, member) in members {
            let here = child(&child(at, "allOf"), &i.to_string());
            let part = match member {
                ReferenceOr::Reference { reference } => {
                    if self.merging.contains(reference) {
                        self.diags.push(Diagnostic::error(
                            here,
                            format!("`allOf` includes `{reference}`, which includes this schema again: no finite type"),
                        ));
                        continue;
                    }
                    self.ensure_component(reference);
                    let resolved = self
                        .names
                        .get(reference)
                        .map(|n| self.poly_bases.get(n).unwrap_or(n))
                        .and_then(|n| self.types.get(n))
                        .map(|t| t.kind.clone());
                    match resolved {
                        Some(TypeKind::Struct(s)) => s,
                        Some(TypeKind::Alias(TypeRef::Map(_)))
                        | Some(TypeKind::Alias(TypeRef::Json)) => continue,
                        _ => {
                            self.diags.push(Diagnostic::warning(
                                here,
                                "`allOf` member is not an object; the merged type is serde_json::Value",
                            ));
                            return None;
                        }
                    }
                }
                ReferenceOr::Item(s) => {
                    if let SchemaKind::Type(Type::Object(ot)) = &s.schema_kind {
                        extra_required.extend(ot.required.iter().cloned());
                        if ot.properties.is_empty() {
                            continue;
                        }
                    }
                    if let SchemaKind::Any(any) = &s.schema_kind {
                        extra_required.extend(any.required.iter().cloned());
                    }
                    match self.named_kind(name, s, &here) {
                        TypeKind::Struct(st) => st,
                        TypeKind::Alias(TypeRef::Map(_)) | TypeKind::Alias(TypeRef::Json) => {
                            continue;
                        }
                        _ => {
                            self.diags.push(Diagnostic::warning(
                                here,
                                "`allOf` member is not an object; the merged type is serde_json::Value",
                            ));
                            return None;
                        }
                    }
                }
            };
            for f in part.fields {
                merged.fields.retain(|g| g.wire != f.wire);
                merged.fields.push(f);
            }
            if part.additional.is_some() {
                merged.additional = part.additional;
            }
        }
        for f in &mut merged.fields {
            if extra_required.contains(&f.wire) {
                f.required = true;
            }
        }
        merged.multipart = merged.fields.iter().any(|f| f.ty == TypeRef::Binary);
        Some(merged)
    }
}

/// The `oneOf`/`anyOf` member of an `allOf`: branches, discriminator, pointer.
type Split<'s> = (
    &'s [ReferenceOr<Schema>],
    Option<&'s openapiv3::Discriminator>,
    String,
);

/// The value of the first property that admits exactly one string (`enum: [fixed]`),
/// which names a branch of a distributed `allOf`.
fn single_value_property(s: &Schema) -> Option<String> {
    let props = match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(a) => &a.properties,
        _ => return None,
    };
    props.values().find_map(|p| match p {
        ReferenceOr::Item(p) => match &p.schema_kind {
            SchemaKind::Type(Type::String(st)) if st.enumeration.len() == 1 => {
                st.enumeration[0].clone()
            }
            SchemaKind::Any(a) if a.enumeration.len() == 1 => {
                a.enumeration[0].as_str().map(String::from)
            }
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    })
}

/// Tagged by the discriminator when there is one, tried in order otherwise.
fn union_kind(
    discriminator: Option<&openapiv3::Discriminator>,
    variants: Vec<UnionVariant>,
) -> TypeKind {
    match discriminator {
        Some(d) => TypeKind::TaggedUnion {
            tag: d.property_name.clone(),
            variants,
        },
        None => TypeKind::UntaggedUnion(variants),
    }
}

/// The `allOf` members of a schema.
fn all_of_members(s: &Schema) -> &[ReferenceOr<Schema>] {
    match &s.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a) => &a.all_of,
        _ => &[],
    }
}

/// A discriminator `mapping` value as a reference: a bare schema name (`Dog`) stands
/// for `#/components/schemas/Dog`.
fn mapping_target(target: &str) -> String {
    if target.contains('/') || target.starts_with('#') {
        target.to_string()
    } else {
        format!("{COMPONENT_PREFIX}{}", crate::diag::escape_token(target))
    }
}

fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        _ => TypeRef::String,
    }
}

fn format_name(s: &Schema) -> Option<String> {
    fn fmt<T: serde::Serialize>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
        match f {
            VariantOrUnknownOrEmpty::Item(i) => {
                serde_json::to_value(i).ok()?.as_str().map(String::from)
            }
            VariantOrUnknownOrEmpty::Unknown(u) => Some(u.clone()),
            VariantOrUnknownOrEmpty::Empty => None,
        }
    }
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => fmt(&t.format),
        SchemaKind::Type(Type::Integer(t)) => fmt(&t.format),
        SchemaKind::Type(Type::Number(t)) => fmt(&t.format),
        SchemaKind::Any(a) => a.format.clone(),
        _ => None,
    }
}

/// Annotations read off an inline schema.
pub fn annotations(s: &Schema) -> Annotations {
    let d = &s.schema_data;
    let ref_doc = d
        .extensions
        .get("x-sdkgen-ref-description")
        .and_then(Value::as_str)
        .map(String::from);
    Annotations {
        nullable: d.nullable,
        read_only: d.read_only,
        write_only: d.write_only,
        deprecated: d.deprecated,
        docs: d
            .description
            .clone()
            .or(ref_doc)
            .or_else(|| d.title.clone()),
        format: format_name(s),
        example: d.example.clone(),
        constraints: constraints(s),
    }
}

fn constraints(s: &Schema) -> Constraints {
    let mut c = Constraints::default();
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            c.min_length = t.min_length.filter(|n| *n > 0);
            c.max_length = t.max_length;
            c.pattern = t.pattern.clone();
        }
        SchemaKind::Type(Type::Integer(t)) => {
            c.minimum = t.minimum.map(|m| (m as f64, t.exclusive_minimum));
            c.maximum = t.maximum.map(|m| (m as f64, t.exclusive_maximum));
        }
        SchemaKind::Type(Type::Number(t)) => {
            c.minimum = t.minimum.map(|m| (m, t.exclusive_minimum));
            c.maximum = t.maximum.map(|m| (m, t.exclusive_maximum));
        }
        SchemaKind::Type(Type::Array(t)) => {
            c.min_items = t.min_items.filter(|n| *n > 0);
            c.max_items = t.max_items;
        }
        _ => {}
    }
    c
}

pub(crate) fn enum_variants(values: &[String]) -> Vec<EnumVariant> {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .iter()
        .filter(|v| seen.insert((*v).clone()))
        .map(|v| EnumVariant {
            name: scope.claim(&type_name(v)),
            value: v.clone(),
        })
        .collect()
}

fn inline_tag_values(s: &Schema, tag: &str) -> Vec<String> {
    let props = match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(a) => &a.properties,
        _ => return Vec::new(),
    };
    match props.get(tag) {
        Some(ReferenceOr::Item(p)) => match &p.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                st.enumeration.iter().flatten().cloned().collect()
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A variant name for a union member: the member type's name without the words it
/// shares with the union's name (`CreatePayoutWithQuoteRequest` in `CreatePayoutRequest`
/// becomes `WithQuote`), or a name from the primitive kind.
fn variant_name(union: &str, ty: &TypeRef, index: usize) -> String {
    match ty {
        TypeRef::Named(n) => {
            let union_words: BTreeSet<String> = split_camel(union).into_iter().collect();
            let rest: String = split_camel(n)
                .into_iter()
                .filter(|w| !union_words.contains(w))
                .collect();
            if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit()) {
                n.clone()
            } else {
                rest
            }
        }
        TypeRef::String => "String".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::Vec(_) => "List".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Json | TypeRef::Binary => format!("Variant{}", index + 1),
    }
}

fn split_camel(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in s.chars() {
        if c.is_ascii_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_drop_words_shared_with_the_union() {
        let n = |s: &str| TypeRef::Named(s.into());
        assert_eq!(
            variant_name("CreatePayoutRequest", &n("CreatePayoutWithQuoteRequest"), 0),
            "WithQuote"
        );
        assert_eq!(variant_name("Pet", &n("Pet"), 0), "Pet");
        assert_eq!(variant_name("Shape", &n("Circle"), 0), "Circle");
        assert_eq!(variant_name("X", &TypeRef::String, 0), "String");
    }

    #[test]
    fn duplicate_and_clashing_enum_values_get_unique_names() {
        let v = enum_variants(&[
            "usd".into(),
            "USD".into(),
            "usd".into(),
            "unknown".into(),
            "".into(),
        ]);
        let names: Vec<_> = v.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Usd", "Usd2", "Unknown2", "Empty"]);
    }
}
