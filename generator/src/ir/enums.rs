//! Whole-type-space naming passes: configured renames, and string enums shared between
//! positions.
//!
//! A spec often repeats one value set inline wherever it is used (an order's `status`
//! in the response and again on the order list's `status` filter). Two string enums
//! are one type when they have the same values and are found under the same property
//! or parameter name (plural and case ignored): a value read from a response can then
//! be passed back as a filter. The config can force more sharing by property-name
//! pattern (`enums.shared`: every `currency` and `*_currency` is one open `Currency`,
//! whose known values are all of theirs) and forbid it for single positions
//! (`enums.separate`).

use std::collections::{BTreeMap, BTreeSet};

use super::build::{def_refs_mut, op_refs_mut};
use super::names::{singular_name, type_name, words};
use super::{Resource, TypeDef, TypeKind, TypeRef, Webhooks};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::load::overrides::glob;

/// The JSON pointer a config `renames` key stands for: a pointer as written, or a
/// component schema name.
pub fn rename_pointer(key: &str) -> String {
    if key.starts_with('#') {
        key.to_string()
    } else {
        crate::diag::pointer(["components", "schemas", key])
    }
}

/// The configured renames by JSON pointer; a rename to a name a component already has
/// (and keeps) is an error.
pub fn renames(
    config: &Config,
    components: Option<&indexmap::IndexMap<String, openapiv3::ReferenceOr<openapiv3::Schema>>>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let out: BTreeMap<String, String> = config
        .renames
        .iter()
        .map(|(k, v)| (rename_pointer(k), v.clone()))
        .collect();
    for name in components.into_iter().flat_map(|c| c.keys()) {
        let pointer = rename_pointer(name);
        let rust = type_name(name);
        if out.contains_key(&pointer) {
            continue;
        }
        for (key, target) in &config.renames {
            if *target == rust {
                diags.push(Diagnostic::error(
                    format!("config#/renames/{}", crate::diag::escape_token(key)),
                    format!("`{target}` is already the name of component schema `{name}`"),
                ));
            }
        }
    }
    out
}

/// Warnings for `renames` entries whose pointer no type of the description comes from.
pub fn stale_renames(config: &Config, types: &BTreeMap<String, TypeDef>) -> Vec<Diagnostic> {
    let origins: BTreeSet<&str> = types.values().map(|d| d.origin.as_str()).collect();
    config
        .renames
        .keys()
        .filter(|key| !origins.contains(rename_pointer(key).as_str()))
        .map(|key| {
            Diagnostic::warning(
                format!("config#/renames/{}", crate::diag::escape_token(key)),
                format!(
                    "stale entry, ignored: no type comes from `{}`{}",
                    rename_pointer(key),
                    crate::load::overrides::nearest(key, origins.iter().copied())
                        .map(|n| format!("; nearest current schema: `{n}`"))
                        .unwrap_or_default()
                ),
            )
        })
        .collect()
}

/// A struct and the enum type one of its fields holds.
type Holding = (String, String);

/// A position holding a value: a struct field or an operation parameter.
struct Position {
    /// Wire name of the property or parameter.
    wire: String,
    /// The type held (possibly a list of it).
    ty: TypeRef,
}

/// The value type under a list, if any.
fn element(t: &TypeRef) -> &TypeRef {
    match t {
        TypeRef::Vec(inner) => element(inner),
        other => other,
    }
}

fn positions(types: &BTreeMap<String, TypeDef>, resources: &[Resource]) -> Vec<Position> {
    let mut out = Vec::new();
    for def in types.values() {
        if let TypeKind::Struct(s) = &def.kind {
            for f in &s.fields {
                out.push(Position {
                    wire: f.wire.clone(),
                    ty: f.ty.clone(),
                });
            }
        }
    }
    for r in resources {
        for op in &r.operations {
            for p in &op.params {
                out.push(Position {
                    wire: p.wire.clone(),
                    ty: p.ty.clone(),
                });
            }
        }
    }
    out
}

/// The values of a string enum type.
fn values(types: &BTreeMap<String, TypeDef>, name: &str) -> Option<Vec<String>> {
    match &types.get(name)?.kind {
        TypeKind::StringEnum(vs) => Some(vs.iter().map(|v| v.value.clone()).collect()),
        _ => None,
    }
}

/// Whether a type is text: `String`, or a named alias of it.
fn is_text(types: &BTreeMap<String, TypeDef>, t: &TypeRef) -> bool {
    match t {
        TypeRef::String => true,
        TypeRef::Named(n) => matches!(
            types.get(n).map(|d| &d.kind),
            Some(TypeKind::Alias(TypeRef::String))
        ),
        _ => false,
    }
}

/// Types that are the payload of a union variant: merging two of them would give one
/// union two variants of one type, so they keep their own.
fn union_members(types: &BTreeMap<String, TypeDef>) -> BTreeSet<String> {
    types
        .values()
        .flat_map(|d| match &d.kind {
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => variants
                .iter()
                .filter_map(|v| v.ty.named().map(String::from))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn is_component(def: &TypeDef) -> bool {
    def.origin
        .strip_prefix("#/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Runs both sharing rules and rewrites every reference to a merged type.
pub fn share_enums(
    types: &mut BTreeMap<String, TypeDef>,
    resources: &mut [Resource],
    webhooks: &mut Option<Webhooks>,
    config: &Config,
    taken: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut map = BTreeMap::new();
    for (i, rule) in config.enums.shared.iter().enumerate() {
        shared_by_pattern(types, resources, rule, i, taken, &mut map, diags);
    }
    rename_everywhere(types, resources, webhooks, &map);
    let (map, narrowed) = same_values(types, resources, config);
    // A filter that allows fewer values than its new type knows says which.
    for r in resources.iter_mut() {
        for op in &mut r.operations {
            for p in &mut op.params {
                let Some(vs) = element(&p.ty).named().and_then(|n| narrowed.get(n)) else {
                    continue;
                };
                let list: Vec<String> = vs.iter().map(|v| format!("`{v}`")).collect();
                let note = format!("Accepted here: {}.", list.join(", "));
                p.docs = Some(match p.docs.take() {
                    Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
                    _ => note,
                });
                if p.example.is_none() {
                    p.example = vs.first().map(|v| serde_json::Value::String(v.clone()));
                }
            }
        }
    }
    rename_everywhere(types, resources, webhooks, &map);
}

/// One `enums.shared` rule: every text or enum value at a matching property or
/// parameter becomes the one open enum, with the union of the known values. A
/// position that allowed fewer values keeps them in its docs (and its sample).
fn shared_by_pattern(
    types: &mut BTreeMap<String, TypeDef>,
    resources: &mut [Resource],
    rule: &crate::config::SharedEnumConfig,
    index: usize,
    taken: &BTreeSet<String>,
    map: &mut BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    let at = format!("config#/enums/shared/{index}");
    let name = rule.name.clone();
    if taken.contains(&name) {
        diags.push(Diagnostic::error(
            format!("{at}/name"),
            format!("`{name}` is already the name of an operation's builder or error type"),
        ));
        return;
    }
    let matches = |wire: &str| rule.properties.iter().any(|p| glob(p, wire));
    // What each matching position holds: text, or an enum (merged away).
    let mut merged: BTreeSet<String> = BTreeSet::new();
    let mut all_values: BTreeSet<String> = BTreeSet::new();
    let mut any = false;
    for p in positions(types, resources) {
        if !matches(&p.wire) {
            continue;
        }
        match element(&p.ty) {
            TypeRef::Named(n) if n != &name => {
                if let Some(vs) = values(types, n) {
                    all_values.extend(vs);
                    merged.insert(n.clone());
                    any = true;
                } else if is_text(types, element(&p.ty)) {
                    any = true;
                }
            }
            t => any |= t == &TypeRef::Named(name.clone()) || is_text(types, t),
        }
    }
    if !any {
        diags.push(Diagnostic::warning(
            format!("{at}/properties"),
            "stale entry, ignored: no text or enum property or parameter matches",
        ));
        return;
    }
    let existing = types.get(&name).cloned();
    match existing.as_ref().map(|d| &d.kind) {
        None | Some(TypeKind::Alias(TypeRef::String)) => {}
        Some(TypeKind::StringEnum(vs)) => all_values.extend(vs.iter().map(|v| v.value.clone())),
        Some(_) => {
            diags.push(Diagnostic::error(
                format!("{at}/name"),
                format!("`{name}` is already the name of a type that is not text"),
            ));
            return;
        }
    }
    let all: Vec<String> = all_values.into_iter().collect();
    let origin = existing
        .as_ref()
        .map(|d| d.origin.clone())
        .or_else(|| {
            merged
                .iter()
                .find_map(|m| types.get(m).map(|d| d.origin.clone()))
        })
        .unwrap_or_else(|| at.clone());
    let docs = if rule.description.is_empty() {
        existing.as_ref().and_then(|d| d.docs.clone())
    } else {
        Some(rule.description.clone())
    };
    // Where a position allowed fewer values than the shared type knows, say which.
    let restricted = |ty: &TypeRef, types: &BTreeMap<String, TypeDef>| -> Option<Vec<String>> {
        let vs = values(types, element(ty).named()?)?;
        (vs.len() < all.len()).then_some(vs)
    };
    let note = |vs: &[String]| {
        let list: Vec<String> = vs.iter().map(|v| format!("`{v}`")).collect();
        format!("Accepted here: {}.", list.join(", "))
    };
    let add_note = |docs: &mut Option<String>, text: String| {
        *docs = Some(match docs.take() {
            Some(d) if !d.trim().is_empty() => format!("{d}\n\n{text}"),
            _ => text,
        });
    };
    let becomes = |ty: &TypeRef, types: &BTreeMap<String, TypeDef>| {
        let el = element(ty);
        merged.contains(el.named().unwrap_or_default()) || is_text(types, el)
    };
    let retype = |ty: &mut TypeRef| {
        let mut t = ty;
        while let TypeRef::Vec(inner) = t {
            t = inner;
        }
        *t = TypeRef::Named(name.clone());
    };
    let snapshot = types.clone();
    for def in types.values_mut() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                if !matches(&f.wire) || !becomes(&f.ty, &snapshot) {
                    continue;
                }
                if let Some(vs) = restricted(&f.ty, &snapshot) {
                    add_note(&mut f.docs, note(&vs));
                    if f.example.is_none() {
                        f.example = vs.first().map(|v| serde_json::Value::String(v.clone()));
                    }
                }
                retype(&mut f.ty);
                f.constraints = std::mem::take(&mut f.constraints).fit_to(&f.ty);
            }
        }
    }
    for r in resources.iter_mut() {
        for op in &mut r.operations {
            for p in &mut op.params {
                if !matches(&p.wire) || !becomes(&p.ty, &snapshot) {
                    continue;
                }
                if let Some(vs) = restricted(&p.ty, &snapshot) {
                    add_note(&mut p.docs, note(&vs));
                    if p.example.is_none() {
                        p.example = vs.first().map(|v| serde_json::Value::String(v.clone()));
                    }
                }
                retype(&mut p.ty);
                p.constraints = std::mem::take(&mut p.constraints).fit_to(&p.ty);
            }
        }
    }
    for m in &merged {
        types.remove(m);
        map.insert(m.clone(), name.clone());
    }
    types.insert(
        name.clone(),
        TypeDef {
            name: name.clone(),
            module: String::new(),
            docs,
            deprecated: false,
            origin,
            example: None,
            kind: TypeKind::StringEnum(super::types::enum_variants(&all)),
        },
    );
}

/// The default rule: string enums with the same values under the same property name
/// are one type, and so is a parameter's enum with the enum of the same-named
/// property of what the operation returns when it allows only values of that enum (a
/// list's `status` filter takes the `status` type of the items). Parameters are never
/// matched with types their operation does not return or send. Returns the renames
/// (merged name -> kept name) and, per parameter left with fewer values than its new
/// type knows, those values.
fn same_values(
    types: &BTreeMap<String, TypeDef>,
    resources: &[Resource],
    config: &Config,
) -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let separate: BTreeSet<&str> = config.enums.separate.iter().map(String::as_str).collect();
    let members = union_members(types);
    let kept_apart = |n: &str, pointer: &str| {
        let origin = types.get(n).map(|d| d.origin.as_str()).unwrap_or_default();
        separate.contains(pointer) || separate.contains(origin) || members.contains(n)
    };
    // (sorted values, property name) -> (holder, enum type) of fields found there.
    let mut groups: BTreeMap<(Vec<String>, String), BTreeSet<Holding>> = BTreeMap::new();
    // Field enums by property name, with the struct holding them.
    let mut fields: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for def in types.values() {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        for f in &s.fields {
            let Some(n) = element(&f.ty).named() else {
                continue;
            };
            let Some(mut vs) = values(types, n) else {
                continue;
            };
            let pointer =
                crate::diag::child(&crate::diag::child(&def.origin, "properties"), &f.wire);
            if kept_apart(n, &pointer) {
                continue;
            }
            vs.sort();
            let property = singular_name(&type_name(&f.wire));
            groups
                .entry((vs, property.clone()))
                .or_default()
                .insert((def.name.clone(), n.to_string()));
            fields
                .entry(property)
                .or_default()
                .push((def.name.clone(), n.to_string()));
        }
    }
    // Fields of unrelated types (a refund's and a withdrawal's `status`) keep their own
    // types unless the property name says more than one word (`payment_methods`).
    // Edges only feed the union-find below, so a multi-word property links its members
    // in a chain rather than pairwise, and each holder's stems are computed once: a
    // large description has groups of hundreds of members.
    let mut edges: Vec<Vec<String>> = Vec::new();
    for ((_, property), members) in &groups {
        let members: Vec<&(String, String)> = members.iter().collect();
        if words(property).len() > 1 {
            for pair in members.windows(2) {
                if pair[0].1 != pair[1].1 {
                    edges.push(vec![pair[0].1.clone(), pair[1].1.clone()]);
                }
            }
            continue;
        }
        let stems: Vec<BTreeSet<String>> = members.iter().map(|(h, _)| stems(h)).collect();
        for (i, (_, a)) in members.iter().enumerate() {
            for (j, (_, b)) in members.iter().enumerate().skip(i + 1) {
                if a != b && related_stems(&stems[i], &stems[j]) {
                    edges.push(vec![a.clone(), b.clone()]);
                }
            }
        }
    }
    let mut narrowed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in resources {
        for op in &r.operations {
            let roots = op
                .responses
                .iter()
                .filter_map(|r| r.ty.as_ref())
                .chain(op.body.as_ref().map(|b| &b.ty))
                .flat_map(|t| t.mentions().into_iter().map(String::from));
            let reach = super::build::closure(types, roots);
            for p in &op.params {
                let Some(n) = element(&p.ty).named() else {
                    continue;
                };
                let Some(vs) = values(types, n) else {
                    continue;
                };
                if kept_apart(n, &format!("{}#{}", op.id, p.wire)) {
                    continue;
                }
                let property = singular_name(&type_name(&p.wire));
                let mut targets: Vec<(usize, String)> = fields
                    .get(&property)
                    .into_iter()
                    .flatten()
                    .filter(|(holder, _)| reach.contains(holder))
                    .filter_map(|(_, e)| {
                        let known = values(types, e)?;
                        vs.iter()
                            .all(|v| known.contains(v))
                            .then_some((known.len(), e.clone()))
                    })
                    .collect();
                // The closest fit: the fewest values, then by name.
                targets.sort();
                if let Some((len, target)) = targets.into_iter().next() {
                    if len > vs.len() {
                        narrowed.insert(n.to_string(), vs.clone());
                    }
                    edges.push(vec![target, n.to_string()]);
                }
            }
        }
    }
    // Union-find over the edges: every connected set of enums is one type.
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    fn find(owner: &BTreeMap<String, String>, n: &str) -> String {
        let mut cur = n.to_string();
        while let Some(next) = owner.get(&cur).filter(|next| **next != cur) {
            cur = next.clone();
        }
        cur
    }
    for members in &edges {
        let Some(first) = members.first() else {
            continue;
        };
        owner.entry(first.clone()).or_insert_with(|| first.clone());
        for m in &members[1..] {
            let (a, b) = (find(&owner, first), find(&owner, m));
            owner.entry(m.clone()).or_insert_with(|| m.clone());
            if a != b {
                owner.insert(b, a);
            }
        }
    }
    let mut sets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in owner.keys() {
        sets.entry(find(&owner, n)).or_default().push(n.clone());
    }
    let configured: BTreeSet<&String> = config.renames.values().collect();
    let mut map = BTreeMap::new();
    for members in sets.values() {
        // The kept type: a configured name, a component, the one with the most values
        // (a filter's narrower set joins the full one), then the shortest name.
        let key = |n: &String| {
            let def = types.get(n);
            (
                !configured.contains(n),
                !def.is_some_and(is_component),
                usize::MAX - values(types, n).map_or(0, |v| v.len()),
                words(n).len(),
                n.len(),
                n.clone(),
            )
        };
        let mut ranked = members.clone();
        ranked.sort_by_key(key);
        let Some(kept) = ranked.first() else {
            continue;
        };
        for m in &ranked[1..] {
            // Two components are two names a reader may already know: they stay apart.
            let named = types.get(m).is_some_and(is_component) || configured.contains(m);
            let fewer = values(types, m).map_or(0, |v| v.len())
                < values(types, kept).map_or(0, |v| v.len());
            if !named && (!fewer || narrowed.contains_key(m)) {
                map.insert(m.clone(), kept.clone());
            }
        }
    }
    narrowed.retain(|n, _| map.contains_key(n));
    (map, narrowed)
}

/// Inline objects with the same fields (names, types, docs and all) are one type: the
/// same error body under every operation, the same nested object in a request and in
/// its response. The kept name is the role the shapes share (`BadRequestBody` for the
/// 400 bodies of several operations) when it is free; else only shapes of related
/// types merge (by their nouns, as for enums), under the shortest of their names.
pub fn share_structs(
    types: &mut BTreeMap<String, TypeDef>,
    resources: &mut [Resource],
    webhooks: &mut Option<Webhooks>,
    roles: &BTreeMap<String, String>,
) {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let members = union_members(types);
    for (name, def) in types.iter() {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        if is_component(def) || s.multipart || !s.sibling_tags.is_empty() || members.contains(name)
        {
            continue;
        }
        let Ok(key) = serde_json::to_string(s) else {
            continue;
        };
        groups.entry(key).or_default().push(name.clone());
    }
    let mut map = BTreeMap::new();
    let mut renamed = BTreeMap::new();
    let mut claimed: BTreeSet<String> = types.keys().cloned().collect();
    // The largest group gets a shared role name first.
    let mut groups: Vec<Vec<String>> = groups.into_values().filter(|m| m.len() > 1).collect();
    groups.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for members in groups {
        let role = members
            .first()
            .and_then(|m| roles.get(m))
            .filter(|r| members.iter().all(|m| roles.get(m) == Some(*r)))
            .filter(|r| !claimed.contains(*r) && super::names::type_name_problem(r).is_none());
        if let Some(r) = role {
            claimed.insert(r.clone());
        }
        // Without a shared role to name them, only shapes of the same thing are one
        // type (a beneficiary's address is not a bank account's, even when the fields
        // read the same): one cluster per related set, named by its shortest name.
        let clusters: Vec<Vec<String>> = if role.is_some() {
            vec![members.clone()]
        } else {
            // Each name's stems once: a large description has groups of hundreds.
            let stems: Vec<BTreeSet<String>> = members.iter().map(|m| stems(m)).collect();
            let mut clusters: Vec<Vec<usize>> = Vec::new();
            for (i, s) in stems.iter().enumerate() {
                match clusters
                    .iter_mut()
                    .find(|c| c.iter().any(|&j| related_stems(&stems[j], s)))
                {
                    Some(c) => c.push(i),
                    None => clusters.push(vec![i]),
                }
            }
            clusters
                .into_iter()
                .map(|c| c.into_iter().map(|i| members[i].clone()).collect())
                .collect()
        };
        for cluster in clusters.into_iter().filter(|c| c.len() > 1) {
            let mut ranked = cluster.clone();
            ranked.sort_by_cached_key(|n| (words(n).len(), n.len(), n.clone()));
            let Some(first) = ranked.first().cloned() else {
                continue;
            };
            let kept = role.cloned().unwrap_or(first.clone());
            if kept != first {
                renamed.insert(first.clone(), kept.clone());
            }
            for m in &ranked {
                if *m != kept {
                    map.insert(m.clone(), kept.clone());
                }
            }
        }
    }
    // The kept definition moves to its new name before references are rewritten.
    for (from, to) in &renamed {
        if let Some(mut def) = types.remove(from) {
            def.name = to.clone();
            types.insert(to.clone(), def);
        }
    }
    rename_everywhere(types, resources, webhooks, &map);
}

/// The nouns of a type name: its words, singular, without the words of roles.
fn stems(n: &str) -> BTreeSet<String> {
    const ROLES: &[&str] = &[
        "create", "update", "get", "list", "request", "response", "input", "body", "mock", "new",
        "delete", "patch", "v1", "v2", "v3", "detail", "data", "item",
    ];
    words(n)
        .iter()
        .map(|w| super::names::singular_word(&w.to_ascii_lowercase()))
        .filter(|w| !ROLES.contains(&w.as_str()))
        .collect()
}

/// Whether two type names, by their [`stems`], stand for the same thing in different
/// roles (`Orders`, `OrderResponse`, `CreateOrderWithQuoteRequest`): the nouns of one,
/// without the words of roles, are among the nouns of the other.
fn related_stems(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    !a.is_empty() && !b.is_empty() && (a.is_subset(b) || b.is_subset(a))
}

/// Replaces every reference to a key of `map` by its value, removes the replaced
/// definitions and rewrites doc links to them.
pub fn rename_everywhere(
    types: &mut BTreeMap<String, TypeDef>,
    resources: &mut [Resource],
    webhooks: &mut Option<Webhooks>,
    map: &BTreeMap<String, String>,
) {
    if map.is_empty() {
        return;
    }
    let rewrite = |t: &mut TypeRef| rewrite(t, map);
    for old in map.keys() {
        if map.get(old) != Some(old) {
            types.remove(old);
        }
    }
    for def in types.values_mut() {
        def_refs_mut(def, &mut |t| rewrite(t));
        if let Some(d) = &mut def.docs {
            if let Some(relinked) = relink(d, map) {
                *d = relinked;
            }
        }
    }
    for r in resources.iter_mut() {
        for op in &mut r.operations {
            op_refs_mut(op, &mut |t| rewrite(t));
        }
    }
    if let Some(w) = webhooks {
        for e in &mut w.events {
            rewrite(&mut e.ty);
        }
    }
}

/// `doc` with every intra-doc link "[`Old`]" to a key of `map` pointing at its value,
/// in one pass over the text; `None` when it has no link to change.
fn relink(doc: &str, map: &BTreeMap<String, String>) -> Option<String> {
    if !doc.contains("[`") {
        return None;
    }
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc;
    let mut changed = false;
    while let Some(i) = rest.find("[`") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let Some(j) = rest.find("`]") else { break };
        let name = &rest[..j];
        match map.get(name) {
            Some(new) => {
                changed |= new != name;
                out.push_str(new);
            }
            None => out.push_str(name),
        }
        out.push_str("`]");
        rest = &rest[j + 2..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn rewrite(t: &mut TypeRef, map: &BTreeMap<String, String>) {
    match t {
        TypeRef::Named(n) => {
            if let Some(m) = map.get(n) {
                *n = m.clone();
            }
        }
        TypeRef::Vec(inner) | TypeRef::Map(inner) => rewrite(inner, map),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::ir::{Api, TypeKind, TypeRef};

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /orders:
    get:
      operationId: getOrders
      parameters:
        - {in: query, name: status, schema: {type: string, enum: [paid, open]}}
        - {in: query, name: currency, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Order'}}
        '400':
          description: bad
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: string, enum: [Bad Request]}
                  message: {type: string}
  /refunds:
    get:
      operationId: getRefunds
      parameters:
        - {in: query, name: status, schema: {type: string, enum: [paid, open, expired]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Refund'}}
        '400':
          description: bad
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: string, enum: [Bad Request]}
                  message: {type: string}
components:
  schemas:
    Order:
      type: object
      properties:
        status: {type: string, enum: [open, paid, expired]}
        customer:
          type: object
          properties:
            customer_type: {type: string, enum: [person, business]}
        payment_methods:
          type: array
          items: {type: string, enum: [card, bank]}
        currency: {type: string, enum: [USD, EUR]}
        settlement_currency: {type: string, enum: [USD, GBP]}
        fees:
          type: object
          properties:
            fx_fee:
              type: object
              properties:
                amount: {type: integer}
    OrderResponse:
      type: object
      properties:
        status: {type: string, enum: [open, paid, expired]}
        payment_methods:
          type: array
          items: {type: string, enum: [card, bank]}
    Refund:
      type: object
      properties:
        status: {type: string, enum: [open, paid, expired]}
"#;

    fn build(config: &Config) -> Api {
        match crate::build_ir(SPEC, "t.yaml", config) {
            Ok((api, _)) => api,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn config(yaml: &str) -> Config {
        Config::from_yaml(yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    fn names(api: &Api) -> Vec<&str> {
        api.types.iter().map(|t| t.name.as_str()).collect()
    }

    fn param_ty<'a>(api: &'a Api, op: &str, param: &str) -> &'a TypeRef {
        let op = api
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .find(|o| o.id == op)
            .unwrap_or_else(|| panic!("{op}"));
        &op.params.iter().find(|p| p.wire == param).unwrap().ty
    }

    fn field_ty<'a>(api: &'a Api, ty: &str, wire: &str) -> &'a TypeRef {
        let TypeKind::Struct(s) = &api.type_def(ty).unwrap_or_else(|| panic!("{ty}")).kind else {
            panic!("{ty} is not a struct")
        };
        &s.fields.iter().find(|f| f.wire == wire).unwrap().ty
    }

    #[test]
    fn doc_links_follow_renames_in_one_pass() {
        let map: std::collections::BTreeMap<String, String> = [("A", "B"), ("B", "C")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(
            super::relink("See [`A`], [`B`], [`Z`] and [`A` unclosed", &map).as_deref(),
            Some("See [`B`], [`C`], [`Z`] and [`A` unclosed")
        );
        assert_eq!(super::relink("See [`Z`].", &map), None);
        assert_eq!(super::relink("No links.", &map), None);
    }

    #[test]
    fn names_drop_repeated_words_and_items_are_singular() {
        let api = build(&Config::default());
        let n = names(&api);
        assert!(n.contains(&"OrderCustomer"), "{n:?}");
        assert!(n.contains(&"OrderCustomerType"), "{n:?}");
        assert!(!n.iter().any(|n| n.contains("CustomerCustomer")), "{n:?}");
        assert!(n.contains(&"OrderFxFee"), "{n:?}");
        assert_eq!(
            field_ty(&api, "Order", "payment_methods"),
            &TypeRef::Vec(Box::new(TypeRef::Named("OrderPaymentMethod".into())))
        );
        assert!(
            !n.iter().any(|n| super::super::names::repeats_a_word(n)),
            "{n:?}"
        );
    }

    #[test]
    fn same_values_under_the_same_property_are_one_type() {
        let api = build(&Config::default());
        // Order and OrderResponse are the same thing: one status, one payment method.
        assert_eq!(
            field_ty(&api, "Order", "status"),
            field_ty(&api, "OrderResponse", "status")
        );
        assert_eq!(
            field_ty(&api, "Order", "payment_methods"),
            field_ty(&api, "OrderResponse", "payment_methods")
        );
        // A refund's status has the same values but means something else.
        assert_ne!(
            field_ty(&api, "Order", "status"),
            field_ty(&api, "Refund", "status")
        );
        // The order list's filter takes the status read from an order, and says
        // which values it accepts.
        assert_eq!(
            param_ty(&api, "getOrders", "status"),
            field_ty(&api, "Order", "status")
        );
        assert_eq!(
            param_ty(&api, "getRefunds", "status"),
            field_ty(&api, "Refund", "status")
        );
        let op = &api.resources[0].operations[0];
        let docs = op.params[0].docs.as_deref().unwrap_or_default();
        assert!(docs.contains("Accepted here: `paid`, `open`."), "{docs}");
        // The same error body under two operations is one type named for its status.
        assert!(names(&api).contains(&"BadRequestBody"), "{:?}", names(&api));
        assert!(
            names(&api).contains(&"BadRequestBodyError"),
            "{:?}",
            names(&api)
        );
    }

    #[test]
    fn separate_keeps_an_enum_apart() {
        let api = build(&config(
            "enums: {separate: ['#/components/schemas/OrderResponse/properties/status']}",
        ));
        assert_ne!(
            field_ty(&api, "Order", "status"),
            field_ty(&api, "OrderResponse", "status")
        );
    }

    #[test]
    fn shared_enums_by_pattern_join_every_value() {
        let api = build(&config(
            "enums: {shared: [{name: Currency, properties: [currency, '*_currency']}]}",
        ));
        let currency = TypeRef::Named("Currency".into());
        assert_eq!(field_ty(&api, "Order", "currency"), &currency);
        assert_eq!(field_ty(&api, "Order", "settlement_currency"), &currency);
        // A plain text parameter of that name becomes the open enum too.
        assert_eq!(param_ty(&api, "getOrders", "currency"), &currency);
        let TypeKind::StringEnum(vs) = &api.type_def("Currency").unwrap().kind else {
            panic!()
        };
        let values: Vec<&str> = vs.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["EUR", "GBP", "USD"]);
        // The narrower position keeps its restriction in its docs.
        let TypeKind::Struct(s) = &api.type_def("Order").unwrap().kind else {
            panic!()
        };
        let f = s
            .fields
            .iter()
            .find(|f| f.wire == "settlement_currency")
            .unwrap();
        assert_eq!(f.docs.as_deref(), Some("Accepted here: `USD`, `GBP`."));
    }

    #[test]
    fn renames_by_schema_name_and_pointer() {
        let api = build(&config(
            "renames: {Refund: Reimbursement, '#/components/schemas/Order/properties/customer': Buyer}",
        ));
        let n = names(&api);
        assert!(
            n.contains(&"Reimbursement") && !n.contains(&"Refund"),
            "{n:?}"
        );
        assert!(n.contains(&"Buyer"), "{n:?}");
        // Shapes inside the renamed one are named after the new name.
        assert!(
            n.contains(&"CustomerType") || n.contains(&"BuyerCustomerType"),
            "{n:?}"
        );
    }

    #[test]
    fn bad_and_stale_renames_are_reported_at_their_key() {
        let err = crate::build_ir(SPEC, "t.yaml", &config("renames: {Refund: refund_x}"))
            .err()
            .unwrap_or_default();
        assert!(
            err.iter()
                .any(|d| d.pointer == "config#/renames/Refund"
                    && d.message.contains("UpperCamelCase")),
            "{err:?}"
        );
        let err = crate::build_ir(SPEC, "t.yaml", &config("renames: {Refund: Order}"))
            .err()
            .unwrap_or_default();
        assert!(
            err.iter().any(|d| d
                .message
                .contains("already the name of component schema `Order`")),
            "{err:?}"
        );
        let (_, warnings) =
            crate::build_ir(SPEC, "t.yaml", &config("renames: {Refundd: Reimbursement}"))
                .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            warnings
                .iter()
                .any(|d| d.pointer == "config#/renames/Refundd"
                    && d.message.contains("stale entry")
                    && d.message.contains("#/components/schemas/Refund")),
            "{warnings:?}"
        );
    }

    #[test]
    fn names_do_not_depend_on_the_order_of_maps() {
        let a = build(&Config::default());
        let b = build(&Config::default());
        assert_eq!(names(&a), names(&b));
    }
}
