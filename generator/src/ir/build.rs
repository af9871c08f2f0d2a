//! Document -> [`Api`]: runs the type and operation builders, then the whole-space
//! passes that need every type at once (request variants without `readOnly` fields,
//! boxing of cycles, module assignment, pagination detection).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use super::names::{Scope, type_name};
use super::operations::TaggedOperation;
use super::operations::{SchemeNames, build_operations, group};
use super::types::TypeBuilder;
use super::{
    Api, ApiInfo, ApiKeyLocation, ClientSettings, DuplicateLookup, DuplicateRecovery, Environment,
    Feature, Method, Operation, Pagination, ParamLocation, SchemeKind, SecurityScheme, Servers,
    TypeDef, TypeKind, TypeRef,
};
use crate::config::Config;
use crate::diag::{Diagnostic, Severity, child};

/// Builds the IR from the typed document alone (without the sections openapiv3 does
/// not model, such as `webhooks:`). Returns it with warnings, or every error found.
pub fn build(
    doc: &OpenAPI,
    config: &Config,
    source: &str,
) -> Result<(Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    build_with_raw(doc, &serde_json::Value::Null, config, source)
}

/// Builds the IR; `raw` is the normalised document `doc` was parsed from, read for the
/// 3.1 sections openapiv3 drops (`webhooks:`). Returns it with warnings, or every error
/// found.
pub fn build_with_raw(
    doc: &OpenAPI,
    raw: &serde_json::Value,
    config: &Config,
    source: &str,
) -> Result<(Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    let mut scheme_diags = Vec::new();
    let renames = super::enums::renames(config, schemas, &mut scheme_diags);
    let mut tb = TypeBuilder::new(schemas, renames);
    tb.build_components();
    let (security_schemes, scheme_names) = security_schemes(doc, &mut scheme_diags);
    let ops = build_operations(doc, config, &scheme_names, &mut tb);
    let webhooks = super::webhooks::build_webhooks(raw, doc, config, &mut tb);
    let mut types = std::mem::take(&mut tb.types);
    let mut diags = std::mem::take(&mut tb.diags);
    diags.extend(super::stale::stale_entries(doc, config));
    diags.append(&mut scheme_diags);
    let mut ops = ops;
    collapse_refinements(&mut types, &tb.refinements, &mut ops);
    let mut scope_names: BTreeSet<String> = types.keys().cloned().collect();
    let mut op_names = BTreeSet::new();
    for o in &ops {
        op_names.insert(o.op.builder_name.clone());
        op_names.insert(o.op.error_name.clone());
        op_names.insert(o.op.success_name.clone());
    }
    scope_names.extend(op_names.iter().cloned());

    let twins = split_directions(
        &mut types,
        ops.iter_mut().map(|o| &mut o.op).collect(),
        &mut scope_names,
    );
    fold_received_nulls(&mut types, &ops, webhooks.as_ref(), config, &mut diags);
    fix_tags(&mut types);
    sibling_tags(&mut types, &twins, &tb, config, &mut diags);
    money_pairs(&mut types, config, &mut diags);
    for o in &mut ops {
        o.op.pagination = detect_pagination(&o.op, &types, config);
        if let Some(b) = &mut o.op.body {
            // Only a JSON body that really has the configured field carries the key.
            let keep = b.kind == super::BodyKind::Json
                && b.idempotency_field
                    .as_deref()
                    .is_some_and(|f| body_has_field(&types, &b.ty, f));
            if !keep {
                b.idempotency_field = None;
            }
        }
    }
    resolve_duplicates(&mut ops, config, &mut diags);
    let returns_list = |op: &Operation| {
        op.pagination.is_some()
            || op
                .responses
                .iter()
                .any(|r| r.success && matches!(r.ty, Some(TypeRef::Vec(_))))
    };
    let mut resources = group(ops, doc, config, &returns_list, &scope_names);
    let mut webhooks = webhooks;
    super::enums::share_enums(
        &mut types,
        &mut resources,
        &mut webhooks,
        config,
        &op_names,
        &mut diags,
    );
    super::enums::share_structs(&mut types, &mut resources, &mut webhooks, &tb.roles);
    diags.extend(super::enums::stale_renames(config, &types));
    replace_dangling(&mut types, &mut resources, &mut diags);
    mark_boxes(&mut types);
    assign_modules(&mut types, &resources);

    let api_key_scheme = api_key_scheme(doc, &security_schemes, &resources);
    let trusted_servers = trusted_servers(doc, config);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        diags.retain(|d| d.severity == Severity::Error);
        return Err(diags);
    }
    diags.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.message.cmp(&b.message)));
    diags.dedup();

    let title = doc.info.title.clone();
    let api_name = if config.krate.api_name.is_empty() {
        title.clone()
    } else {
        config.krate.api_name.clone()
    };
    let crate_name = if config.krate.name.is_empty() {
        format!("{}-sdk", heck::ToKebabCase::to_kebab_case(title.as_str()))
    } else {
        config.krate.name.clone()
    };
    let crate_description = if config.krate.description.is_empty() {
        format!("Typed async client for the {api_name} API")
    } else {
        config.krate.description.clone()
    };
    let environments = if config.environments.is_empty() {
        vec![Environment {
            name: "Production".into(),
            url: doc
                .servers
                .first()
                .map(|s| s.url.trim_end_matches('/').to_string())
                .unwrap_or_default(),
            docs: "The server the description lists first.".into(),
        }]
    } else {
        config
            .environments
            .iter()
            .map(|e| Environment {
                name: type_name(&e.name),
                url: e.url.trim_end_matches('/').to_string(),
                docs: if e.description.is_empty() {
                    format!("`{}`", e.url)
                } else {
                    e.description.clone()
                },
            })
            .collect()
    };
    let features: Vec<Feature> = config
        .feature_gated
        .iter()
        .map(|g| Feature {
            name: g.feature.clone(),
            docs: g.description.clone(),
        })
        .collect();
    super::gates::name_features(&mut resources, &features);
    let gates = super::gates::gate_types(&mut types, &resources);
    let api = Api {
        info: ApiInfo {
            title,
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            api_name,
            crate_name,
            crate_version: config.krate.version.clone(),
            crate_description,
            source: source.to_string(),
            dev_dependencies: config
                .dev_dependencies
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        },
        servers: Servers { environments },
        client: ClientSettings {
            api_key_env: config.client.api_key_env.clone(),
            base_url_env: config.client.base_url_env.clone(),
            request_id_headers: if config.client.request_id_headers.is_empty() {
                vec!["x-request-id".into()]
            } else {
                config
                    .client
                    .request_id_headers
                    .iter()
                    .map(|h| h.to_ascii_lowercase())
                    .collect()
            },
            security_schemes,
            api_key_scheme,
            trusted_servers,
        },
        types: types.into_values().collect(),
        resources,
        features,
        gates,
        webhooks,
    };
    Ok((api, diags))
}

/// The security schemes the SDK can send, and the names operations refer to them by.
/// Schemes it cannot send are warnings: operations needing only those get no credential.
fn security_schemes(
    doc: &OpenAPI,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<SecurityScheme>, SchemeNames) {
    use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as S};
    let mut out = Vec::new();
    let mut names = SchemeNames::default();
    let Some(components) = &doc.components else {
        return (out, names);
    };
    let mut scope = Scope::default();
    for (key, scheme) in &components.security_schemes {
        let at = crate::diag::pointer(["components", "securitySchemes", key]);
        let unsupported = |why: String| Diagnostic::warning(&at, why);
        let (kind, docs) = match scheme {
            ReferenceOr::Reference { .. } => {
                diags.push(unsupported(
                    "security scheme references are not supported; operations that need this scheme are sent without it".into(),
                ));
                names.by_key.insert(key.clone(), None);
                continue;
            }
            ReferenceOr::Item(S::HTTP {
                scheme,
                description,
                ..
            }) => {
                if scheme.eq_ignore_ascii_case("bearer") {
                    (SchemeKind::Bearer { flow: None }, description)
                } else if scheme.eq_ignore_ascii_case("basic") {
                    (SchemeKind::Basic, description)
                } else {
                    diags.push(unsupported(format!(
                        "HTTP `{scheme}` authentication is not supported (bearer and basic are); operations that need it are sent without it"
                    )));
                    names.by_key.insert(key.clone(), None);
                    continue;
                }
            }
            ReferenceOr::Item(S::APIKey {
                location,
                name,
                description,
                ..
            }) => {
                let location = match location {
                    APIKeyLocation::Header => ApiKeyLocation::Header,
                    APIKeyLocation::Query => ApiKeyLocation::Query,
                    APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                };
                let valid = match location {
                    ApiKeyLocation::Header | ApiKeyLocation::Cookie => is_header_token(name),
                    ApiKeyLocation::Query => !name.is_empty(),
                };
                if !valid {
                    let what = match location {
                        ApiKeyLocation::Header => "HTTP header",
                        ApiKeyLocation::Cookie => "cookie",
                        ApiKeyLocation::Query => "query parameter",
                    };
                    diags.push(Diagnostic::error(
                        child(&at, "name"),
                        format!("`{name}` is not a valid {what} name"),
                    ));
                }
                (
                    SchemeKind::ApiKey {
                        location,
                        name: name.clone(),
                    },
                    description,
                )
            }
            ReferenceOr::Item(S::OAuth2 { description, .. }) => {
                diags.push(unsupported(
                    "the SDK does not run OAuth 2 flows: callers set an access token for this scheme, sent as a bearer token".into(),
                ));
                (
                    SchemeKind::Bearer {
                        flow: Some("oauth2".into()),
                    },
                    description,
                )
            }
            ReferenceOr::Item(S::OpenIDConnect { description, .. }) => {
                diags.push(unsupported(
                    "the SDK does not run OpenID Connect flows: callers set an access token for this scheme, sent as a bearer token".into(),
                ));
                (
                    SchemeKind::Bearer {
                        flow: Some("openIdConnect".into()),
                    },
                    description,
                )
            }
        };
        let name = scope.claim(&type_name(key));
        names.by_key.insert(key.clone(), Some(name.clone()));
        out.push(SecurityScheme {
            key: key.clone(),
            name,
            kind,
            docs: docs.clone(),
        });
    }
    // A document that declares schemes but never requires one: every operation
    // accepts any of them (rather than silently sending no credential at all).
    let requires_any = doc.security.is_some()
        || doc.paths.paths.values().any(|item| match item {
            ReferenceOr::Item(item) => item.iter().any(|(_, op)| op.security.is_some()),
            ReferenceOr::Reference { .. } => false,
        });
    if !requires_any && !out.is_empty() {
        diags.push(Diagnostic::warning(
            "#/components/securitySchemes",
            "no `security` requirement names these schemes; every operation sends the credential of the first scheme that has one",
        ));
        names.fallback = Some(out.iter().map(|s| vec![s.name.clone()]).collect());
    }
    (out, names)
}

/// The scheme `api_key(..)` sets: the first single-token scheme (bearer or API key)
/// that operations require, else the first declared one.
fn api_key_scheme(
    doc: &OpenAPI,
    schemes: &[SecurityScheme],
    resources: &[super::Resource],
) -> Option<String> {
    let takes_token = |name: &str| {
        schemes
            .iter()
            .any(|s| s.name == name && !matches!(s.kind, SchemeKind::Basic))
    };
    let root = doc
        .security
        .iter()
        .flatten()
        .flat_map(|r| r.keys())
        .filter_map(|k| schemes.iter().find(|s| &s.key == k))
        .map(|s| s.name.clone());
    let used = resources
        .iter()
        .flat_map(|r| &r.operations)
        .flat_map(|o| o.security.iter().flatten().cloned());
    root.chain(used).find(|n| takes_token(n)).or_else(|| {
        schemes
            .iter()
            .find(|s| takes_token(&s.name))
            .map(|s| s.name.clone())
    })
}

/// The description's server URLs (root, path and operation level, variables at their
/// defaults) and the configured environments' URLs, without duplicates.
fn trusted_servers(doc: &OpenAPI, config: &Config) -> Vec<String> {
    use openapiv3::ReferenceOr;
    let mut urls: Vec<String> = Vec::new();
    let mut add = |s: &openapiv3::Server| {
        let mut url = s.url.clone();
        for (name, v) in s.variables.iter().flatten() {
            url = url.replace(&format!("{{{name}}}"), &v.default);
        }
        if url.contains("://") && !urls.contains(&url) {
            urls.push(url);
        }
    };
    doc.servers.iter().for_each(&mut add);
    for item in doc.paths.paths.values() {
        if let ReferenceOr::Item(item) = item {
            item.servers.iter().for_each(&mut add);
            for (_, op) in item.iter() {
                op.servers.iter().for_each(&mut add);
            }
        }
    }
    for e in &config.environments {
        if !urls.contains(&e.url) {
            urls.push(e.url.clone());
        }
    }
    urls
}

/// Whether a body type carries the given property (directly, or in any union member).
fn body_has_field(types: &BTreeMap<String, TypeDef>, ty: &TypeRef, wire: &str) -> bool {
    let Some(def) = ty.named().and_then(|n| types.get(n)) else {
        return false;
    };
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.wire == wire),
        TypeKind::UntaggedUnion(vs) | TypeKind::TaggedUnion { variants: vs, .. } => {
            vs.iter().any(|v| body_has_field(types, &v.ty, wire))
        }
        TypeKind::Alias(t) => body_has_field(types, t, wire),
        TypeKind::StringEnum(_) => false,
    }
}

/// RFC 9110 `token`: what a header name may contain.
fn is_header_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Every named type a type definition mentions (fields, map values, variants, alias).
pub fn mentions(def: &TypeDef) -> Vec<String> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                out.extend(f.ty.mentions().into_iter().map(String::from));
            }
            if let Some(a) = &s.additional {
                out.extend(a.mentions().into_iter().map(String::from));
            }
        }
        TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
            for v in variants {
                out.extend(v.ty.mentions().into_iter().map(String::from));
            }
        }
        TypeKind::Alias(t) => out.extend(t.mentions().into_iter().map(String::from)),
        TypeKind::StringEnum(_) => {}
    }
    out
}

pub(super) fn closure(
    types: &BTreeMap<String, TypeDef>,
    roots: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(def) = types.get(&n) {
            stack.extend(mentions(def));
        }
    }
    seen
}

/// A component tightened by a `required` list and used nowhere else becomes the
/// tightened type itself: one type with the component's name instead of two.
fn collapse_refinements(
    types: &mut BTreeMap<String, TypeDef>,
    refinements: &BTreeMap<String, String>,
    ops: &mut [super::operations::TaggedOperation],
) {
    for (refined, component) in refinements {
        let mut uses = 0usize;
        for def in types.values() {
            uses += mentions(def).iter().filter(|m| *m == component).count();
        }
        for o in ops.iter() {
            let op = &o.op;
            let refs = op
                .params
                .iter()
                .map(|p| &p.ty)
                .chain(op.body.as_ref().map(|b| &b.ty))
                .chain(op.responses.iter().filter_map(|r| r.ty.as_ref()));
            uses += refs
                .map(|t| t.mentions().iter().filter(|m| **m == component).count())
                .sum::<usize>();
        }
        if uses > 0 {
            continue;
        }
        let Some(mut def) = types.remove(refined) else {
            continue;
        };
        let Some(original) = types.get(component) else {
            continue;
        };
        def.name = component.clone();
        def.origin = original.origin.clone();
        def.docs = original.docs.clone().or(def.docs);
        def.example = original.example.clone();
        def.deprecated = original.deprecated;
        types.insert(component.clone(), def);
        let map: BTreeMap<String, String> =
            [(refined.clone(), component.clone())].into_iter().collect();
        for def in types.values_mut() {
            def_refs_mut(def, &mut |t| rewrite_ref(t, &map));
        }
        for o in ops.iter_mut() {
            op_refs_mut(&mut o.op, &mut |t| rewrite_ref(t, &map));
        }
    }
}

/// Calls `f` on every type reference a definition holds.
pub(super) fn def_refs_mut(def: &mut TypeDef, f: &mut dyn FnMut(&mut TypeRef)) {
    match &mut def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|fl| f(&mut fl.ty));
            if let Some(a) = &mut s.additional {
                f(a);
            }
        }
        TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
            variants.iter_mut().for_each(|v| f(&mut v.ty))
        }
        TypeKind::Alias(t) => f(t),
        TypeKind::StringEnum(_) => {}
    }
}

/// Calls `f` on every type reference an operation holds: parameters, body, responses
/// and the pagination item.
pub(super) fn op_refs_mut(op: &mut Operation, f: &mut dyn FnMut(&mut TypeRef)) {
    op.params.iter_mut().for_each(|p| f(&mut p.ty));
    if let Some(b) = &mut op.body {
        f(&mut b.ty);
    }
    op.responses
        .iter_mut()
        .filter_map(|r| r.ty.as_mut())
        .for_each(&mut *f);
    if let Some(p) = &mut op.pagination {
        f(&mut p.item_ty);
    }
}

/// The last line of defence against emitting Rust that names a missing type: a reference
/// no pass resolved becomes `serde_json::Value`, with a warning at the place that used it.
fn replace_dangling(
    types: &mut BTreeMap<String, TypeDef>,
    resources: &mut [super::Resource],
    diags: &mut Vec<Diagnostic>,
) {
    let known: BTreeSet<String> = types.keys().cloned().collect();
    let fix = |t: &mut TypeRef, at: &str, diags: &mut Vec<Diagnostic>| {
        let mut dangling = Vec::new();
        collect_dangling(t, &known, &mut dangling);
        if dangling.is_empty() {
            return;
        }
        for name in dangling {
            diags.push(Diagnostic::warning(
                at,
                format!("type `{name}` was not generated; this position is typed as JSON"),
            ));
        }
        loosen_dangling(t, &known);
    };
    for def in types.values_mut() {
        let at = def.origin.clone();
        def_refs_mut(def, &mut |t| fix(t, &at, diags));
    }
    for r in resources.iter_mut() {
        for op in r.operations.iter_mut() {
            let at = format!("#/paths/{}", crate::diag::escape_token(&op.path));
            op_refs_mut(op, &mut |t| fix(t, &at, diags));
        }
    }
}

fn collect_dangling(t: &TypeRef, known: &BTreeSet<String>, out: &mut Vec<String>) {
    for m in t.mentions() {
        if !known.contains(m) {
            out.push(m.to_string());
        }
    }
}

fn loosen_dangling(t: &mut TypeRef, known: &BTreeSet<String>) {
    match t {
        TypeRef::Named(n) if !known.contains(n.as_str()) => *t = TypeRef::Json,
        TypeRef::Vec(inner) | TypeRef::Map(inner) => loosen_dangling(inner, known),
        _ => {}
    }
}

/// `readOnly` fields are never sent and `writeOnly` fields never come back. A type
/// reachable only from request bodies loses its read-only fields in place, one reachable
/// only from responses its write-only fields. A type used in both directions keeps its
/// name for responses (without write-only fields) and gets a request twin `{Name}Input`
/// (without read-only fields); request-side references are rewritten to the twin.
/// Returns the twins (response name -> request name).
fn split_directions(
    types: &mut BTreeMap<String, TypeDef>,
    mut ops: Vec<&mut Operation>,
    taken: &mut BTreeSet<String>,
) -> BTreeMap<String, String> {
    let req_roots: Vec<String> = ops
        .iter()
        .filter_map(|o| o.body.as_ref())
        .flat_map(|b| {
            b.ty.mentions()
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    let resp_roots: Vec<String> = ops
        .iter()
        .flat_map(|o| o.responses.iter().filter_map(|r| r.ty.as_ref()))
        .flat_map(|t| {
            t.mentions()
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    let req = closure(types, req_roots);
    let resp = closure(types, resp_roots);
    let has = |def: &TypeDef, pick: fn(&super::Field) -> bool| matches!(&def.kind, TypeKind::Struct(s) if s.fields.iter().any(pick));
    // Fixed points: a type needs changes for one direction if it has fields to drop or
    // mentions a type that needs changes. Response types change in place, so a request
    // type that is one of them needs its own copy.
    let resp_needs = needs_changes(types, &resp, |def, _| has(def, |f| f.write_only));
    let req_needs = needs_changes(types, &req, |def, name| {
        has(def, |f| f.read_only) || resp_needs.contains(name)
    });
    // Request-side name for each type needing changes.
    let mut twin: BTreeMap<String, String> = BTreeMap::new();
    for name in &req_needs {
        if resp.contains(name) {
            let mut candidate = format!("{name}Input");
            let mut i = 2;
            while taken.contains(&candidate) {
                candidate = format!("{name}Input{i}");
                i += 1;
            }
            taken.insert(candidate.clone());
            twin.insert(name.clone(), candidate);
        } else {
            twin.insert(name.clone(), name.clone());
        }
    }
    let rewrite = |t: &mut TypeRef| rewrite_ref(t, &twin);
    let mut replaced = Vec::new();
    for (orig, target) in &twin {
        let Some(def) = types.get(orig).cloned() else {
            continue;
        };
        let mut def = def;
        def.name = target.clone();
        if target != orig {
            def.example = None;
            let why = if has(&def, |f| f.write_only) && has(&def, |f| f.read_only) {
                "without the read-only fields, which the server sets, and with the write-only ones, which responses leave out"
            } else if has(&def, |f| f.write_only) {
                "with the write-only fields, which responses leave out"
            } else {
                "the same fields without the read-only ones, which the server sets"
            };
            def.docs = Some(format!(
                "Request form of [`{orig}`]: {why}.{}",
                def.docs
                    .as_deref()
                    .map(|d| format!("\n\n{d}"))
                    .unwrap_or_default()
            ));
        }
        drop_fields(&mut def, |f| f.read_only);
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    rewrite(&mut f.ty);
                }
                if let Some(a) = &mut s.additional {
                    rewrite(a);
                }
            }
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                for v in variants {
                    rewrite(&mut v.ty);
                }
            }
            TypeKind::Alias(t) => rewrite(t),
            TypeKind::StringEnum(_) => {}
        }
        replaced.push(def);
    }
    // Response forms change in place, after their request twins were copied.
    for name in &resp_needs {
        if let Some(def) = types.get_mut(name) {
            drop_fields(def, |f| f.write_only);
        }
    }
    for def in replaced {
        types.insert(def.name.clone(), def);
    }
    for op in ops.iter_mut() {
        if let Some(b) = &mut op.body {
            rewrite_ref(&mut b.ty, &twin);
        }
    }
    twin.retain(|orig, target| orig != target);
    twin
}

/// On a type that is only ever received (reachable from responses or webhook payloads
/// and from no request body or parameter), an optional nullable field reads absent and
/// `null` alike: `Option<T>` instead of `Option<Option<T>>`. Types that are sent keep
/// the difference (in a PATCH body, absent leaves a value unchanged and `null` clears
/// it), and so do the members of untagged unions, whose decoding takes a `null` the
/// member keeps as evidence that it is the right one; so does every field the config's
/// `tri_state` names by its JSON pointer. An entry naming no optional nullable property
/// is a stale-entry warning.
fn fold_received_nulls(
    types: &mut BTreeMap<String, TypeDef>,
    ops: &[TaggedOperation],
    webhooks: Option<&super::Webhooks>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) {
    let names =
        |t: &TypeRef| -> Vec<String> { t.mentions().into_iter().map(String::from).collect() };
    let sent = closure(
        types,
        ops.iter().flat_map(|o| {
            o.op.body
                .iter()
                .flat_map(|b| names(&b.ty))
                .chain(o.op.params.iter().flat_map(|p| names(&p.ty)))
                .collect::<Vec<_>>()
        }),
    );
    let received = closure(
        types,
        ops.iter()
            .flat_map(|o| o.op.responses.iter().filter_map(|r| r.ty.as_ref()))
            .chain(webhooks.iter().flat_map(|w| w.events.iter().map(|e| &e.ty)))
            .flat_map(names),
    );
    let union_members: BTreeSet<String> = types
        .values()
        .filter_map(|d| match &d.kind {
            TypeKind::UntaggedUnion(variants) => Some(variants),
            _ => None,
        })
        .flatten()
        .filter_map(|v| v.ty.named().map(String::from))
        .collect();
    // (entry, parent schema pointer, property, used) of each `tri_state` entry.
    let mut keep: Vec<(&String, String, String, bool)> = Vec::new();
    for pointer in &config.tri_state {
        match pointer
            .rsplit_once('/')
            .and_then(|(rest, last)| Some((rest.strip_suffix("/properties")?, last)))
        {
            Some((parent, last)) => keep.push((
                pointer,
                parent.to_string(),
                crate::diag::unescape_token(last),
                false,
            )),
            None => diags.push(Diagnostic::warning(
                pointer.clone(),
                "config `tri_state`: the pointer must name a property (`.../properties/NAME`); stale entry, ignored",
            )),
        }
    }
    for def in types.values_mut() {
        let origin = def.origin.clone();
        let fold = received.contains(&def.name)
            && !sent.contains(&def.name)
            && !union_members.contains(&def.name);
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for f in s.fields.iter_mut().filter(|f| !f.required && f.nullable) {
            let mut kept = false;
            for (_, parent, wire, used) in &mut keep {
                let here = *parent == origin
                    || parent
                        .strip_prefix(origin.as_str())
                        .is_some_and(|rest| rest.starts_with("/allOf/"));
                if here && *wire == f.wire {
                    *used = true;
                    kept = true;
                }
            }
            f.folded = fold && !kept;
        }
    }
    for (pointer, parent, wire, used) in keep {
        if !used {
            diags.push(Diagnostic::warning(
                pointer.clone(),
                format!(
                    "config `tri_state`: no type has an optional nullable property `{wire}` at `{parent}`; stale entry, ignored"
                ),
            ));
        }
    }
}

/// The types of `scope` that need changes: those `own` says so for, and those that
/// mention one of them (a fixed point).
fn needs_changes(
    types: &BTreeMap<String, TypeDef>,
    scope: &BTreeSet<String>,
    own: impl Fn(&TypeDef, &str) -> bool,
) -> BTreeSet<String> {
    let mut needs: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = needs.len();
        for name in scope {
            let Some(def) = types.get(name) else { continue };
            if own(def, name) || mentions(def).iter().any(|m| needs.contains(m)) {
                needs.insert(name.clone());
            }
        }
        if needs.len() == before {
            break;
        }
    }
    needs
}

/// Removes the fields `drop` picks from a struct, and from its example.
fn drop_fields(def: &mut TypeDef, drop: fn(&super::Field) -> bool) {
    let TypeKind::Struct(s) = &mut def.kind else {
        return;
    };
    let dropped: Vec<String> = s
        .fields
        .iter()
        .filter(|f| drop(f))
        .map(|f| f.wire.clone())
        .collect();
    s.fields.retain(|f| !drop(f));
    if let Some(serde_json::Value::Object(ex)) = &mut def.example {
        ex.retain(|k, _| !dropped.contains(k));
    }
}

/// A struct that is a member of tagged unions carries the tag that selects it: the
/// field takes that value by default, so a caller never writes it by hand. Only when
/// every union holding the struct agrees on one value.
fn fix_tags(types: &mut BTreeMap<String, TypeDef>) {
    let mut tags: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for def in types.values() {
        let TypeKind::TaggedUnion { tag, variants } = &def.kind else {
            continue;
        };
        for v in variants {
            if let Some(n) = v.ty.named() {
                // Several values selecting it leave none to default to.
                tags.entry((n.to_string(), tag.clone()))
                    .or_default()
                    .extend(v.tag_values.iter().cloned());
            }
        }
    }
    for ((name, tag), values) in tags {
        let Some(value) = values.first().filter(|_| values.len() == 1).cloned() else {
            continue;
        };
        let is_text = |t: &TypeRef| match t {
            TypeRef::String => true,
            TypeRef::Named(n) => {
                matches!(types.get(n).map(|d| &d.kind), Some(TypeKind::StringEnum(_)))
            }
            _ => false,
        };
        let text: Vec<String> = match types.get(&name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .filter(|f| f.wire == tag && is_text(&f.ty) && !f.boxed)
                .map(|f| f.wire.clone())
                .collect(),
            _ => continue,
        };
        if let Some(TypeKind::Struct(s)) = types.get_mut(&name).map(|d| &mut d.kind) {
            for f in &mut s.fields {
                if text.contains(&f.wire) {
                    f.fixed = Some(value.clone());
                }
            }
        }
    }
}

/// Attaches the configured sibling tags: the struct holding the union property learns
/// which field names its member, and which value names which variant.
/// The text a `*` pattern's star stands for in `name` (the whole pattern when it has
/// no star must equal `name`, and the capture is then empty).
fn star_capture<'a>(pattern: &str, name: &'a str) -> Option<&'a str> {
    match pattern.split_once('*') {
        None => (pattern == name).then_some(""),
        Some((pre, post)) => name
            .strip_prefix(pre)
            .and_then(|rest| rest.strip_suffix(post))
            .filter(|stem| !stem.is_empty()),
    }
}

/// Pairs each struct's integer amount fields with their currency field, as the
/// config's `money` rules say (by JSON property name, so the rules survive spec
/// updates). A rule that pairs nothing is a warning.
fn money_pairs(
    types: &mut BTreeMap<String, TypeDef>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) {
    let mut used = vec![false; config.money.len()];
    for def in types.values_mut() {
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        let mut pairs = Vec::new();
        for amount in &s.fields {
            if !matches!(amount.ty, TypeRef::I64 | TypeRef::I32) {
                continue;
            }
            for (i, rule) in config.money.iter().enumerate() {
                let Some(stem) = star_capture(&rule.amount, &amount.wire) else {
                    continue;
                };
                let wire = rule.currency.replacen('*', stem, 1);
                let Some(currency) = s.fields.iter().find(|f| {
                    f.wire == wire && matches!(f.ty, TypeRef::String | TypeRef::Named(_))
                }) else {
                    continue;
                };
                let accessor = if amount.name.contains("amount") {
                    amount.name.replacen("amount", "money", 1)
                } else {
                    format!("{}_money", amount.name)
                };
                // Never shadow a field's setter or the builder's own methods.
                let taken = s.fields.iter().any(|f| f.name == accessor)
                    || matches!(accessor.as_str(), "new" | "validate")
                    || pairs
                        .iter()
                        .any(|p: &super::MoneyPair| p.accessor == accessor);
                if !taken {
                    used[i] = true;
                    pairs.push(super::MoneyPair {
                        accessor,
                        amount: amount.name.clone(),
                        currency: currency.name.clone(),
                    });
                }
                break;
            }
        }
        s.money = pairs;
    }
    for (i, rule) in config.money.iter().enumerate() {
        if !used[i] {
            diags.push(Diagnostic::warning(
                format!("config#/money/{i}"),
                format!(
                    "`{}` with `{}` pairs no integer amount with a currency field; stale entry, ignored",
                    rule.amount, rule.currency
                ),
            ));
        }
    }
}

fn sibling_tags(
    types: &mut BTreeMap<String, TypeDef>,
    twins: &BTreeMap<String, String>,
    tb: &TypeBuilder<'_>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) {
    for (pointer, tag) in &config.sibling_tags {
        // The entry no longer fits the description (e.g. after a spec update): it is
        // ignored with a warning, like every stale config entry, so regeneration goes on.
        let fail = |diags: &mut Vec<Diagnostic>, msg: String| {
            diags.push(Diagnostic::warning(
                pointer.clone(),
                format!("config `sibling_tags`: {msg}; stale entry, ignored"),
            ));
        };
        let (parent, wire) = match pointer.rsplit_once('/') {
            Some((rest, last)) => match rest.strip_suffix("/properties") {
                Some(parent) => (parent, crate::diag::unescape_token(last)),
                None => {
                    fail(
                        diags,
                        "the pointer must name a property (`.../properties/NAME`)".into(),
                    );
                    continue;
                }
            },
            None => {
                fail(diags, "not a JSON pointer".into());
                continue;
            }
        };
        let holders: Vec<String> = types
            .values()
            .filter(|d| d.origin == parent && matches!(d.kind, TypeKind::Struct(_)))
            .map(|d| d.name.clone())
            .collect();
        if holders.is_empty() {
            fail(
                diags,
                format!("`{parent}` is not an object schema with properties"),
            );
            continue;
        }
        for holder in holders {
            let Some(TypeKind::Struct(s)) = types.get(&holder).map(|d| &d.kind) else {
                continue;
            };
            let Some(field) = s.fields.iter().find(|f| f.wire == wire) else {
                fail(diags, format!("`{holder}` has no property `{wire}`"));
                continue;
            };
            let Some(tag_field) = s.fields.iter().find(|f| f.wire == tag.property) else {
                fail(
                    diags,
                    format!("`{holder}` has no property `{}`", tag.property),
                );
                continue;
            };
            let members = match field.ty.named().and_then(|n| types.get(n)).map(|d| &d.kind) {
                Some(TypeKind::UntaggedUnion(vs)) => vs,
                _ => {
                    fail(
                        diags,
                        format!("`{holder}.{wire}` is not a union without a discriminator"),
                    );
                    continue;
                }
            };
            let mut variants = Vec::new();
            for (value, target) in &tag.mapping {
                let reference = if target.starts_with('#') {
                    target.clone()
                } else {
                    crate::diag::pointer(["components", "schemas", target])
                };
                let Some(component) = tb.component_type(&reference) else {
                    fail(
                        diags,
                        format!("mapping `{value}`: `{target}` is not a component schema"),
                    );
                    continue;
                };
                let request_form = twins.get(component);
                let found = members.iter().find(|v| {
                    v.ty.named()
                        .is_some_and(|n| n == component || Some(&n.to_string()) == request_form)
                });
                match found {
                    Some(v) => variants.push((value.clone(), v.name.clone())),
                    None => fail(
                        diags,
                        format!(
                            "mapping `{value}`: `{target}` is not a member of `{holder}.{wire}`"
                        ),
                    ),
                }
            }
            let entry = super::SiblingTag {
                field: field.name.clone(),
                tag_field: tag_field.name.clone(),
                variants,
            };
            if let Some(TypeKind::Struct(s)) = types.get_mut(&holder).map(|d| &mut d.kind) {
                s.sibling_tags.push(entry);
            }
        }
    }
}

fn rewrite_ref(t: &mut TypeRef, map: &BTreeMap<String, String>) {
    match t {
        TypeRef::Named(n) => {
            if let Some(m) = map.get(n) {
                *n = m.clone();
            }
        }
        TypeRef::Vec(inner) | TypeRef::Map(inner) => rewrite_ref(inner, map),
        _ => {}
    }
}

/// Types a definition holds inline (not behind a Vec or map): the edges that make a
/// recursive type infinitely large.
fn direct(def: &TypeDef) -> Vec<String> {
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| f.ty.named().map(String::from))
            .collect(),
        TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => variants
            .iter()
            .filter_map(|v| v.ty.named().map(String::from))
            .collect(),
        TypeKind::Alias(t) => t.named().map(String::from).into_iter().collect(),
        TypeKind::StringEnum(_) => Vec::new(),
    }
}

/// Strongly connected components of the inline-containment graph (Kosaraju, iterative):
/// a component id per type. An inline edge closes a cycle exactly when both of its ends
/// are in one component, so one pass answers every edge instead of a search per field.
fn components(types: &BTreeMap<String, TypeDef>) -> BTreeMap<&str, usize> {
    let names: Vec<&str> = types.keys().map(String::as_str).collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|d| {
            direct(d)
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let mut reverse = vec![Vec::new(); names.len()];
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            reverse[to].push(from);
        }
    }
    // First pass: finishing order.
    let mut visited = vec![false; names.len()];
    let mut order = Vec::with_capacity(names.len());
    for start in 0..names.len() {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&to) = edges[node].get(next) {
                stack.push((node, next + 1));
                if !visited[to] {
                    visited[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    // Second pass, on the reversed graph in reverse finishing order.
    let mut component = vec![usize::MAX; names.len()];
    let mut count = 0;
    for &root in order.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = count;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &from in &reverse[node] {
                if component[from] == usize::MAX {
                    component[from] = count;
                    stack.push(from);
                }
            }
        }
        count += 1;
    }
    names.into_iter().zip(component).collect()
}

/// Boxes exactly the inline edges that close a cycle.
fn mark_boxes(types: &mut BTreeMap<String, TypeDef>) {
    let component: BTreeMap<String, usize> = components(types)
        .into_iter()
        .map(|(n, c)| (n.to_string(), c))
        .collect();
    let closes_cycle = |from: &str, to: &str| matches!((component.get(from), component.get(to)), (Some(a), Some(b)) if a == b);
    for (name, def) in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    if let Some(target) = f.ty.named() {
                        f.boxed = closes_cycle(name, target);
                    }
                }
            }
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                for v in variants {
                    if let Some(target) = v.ty.named() {
                        v.boxed = closes_cycle(name, target);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A type used by one resource only lives in that resource's model module; shared and
/// unused types live in `common`.
fn assign_modules(types: &mut BTreeMap<String, TypeDef>, resources: &[super::Resource]) {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in resources {
        let roots: Vec<String> = r
            .operations
            .iter()
            .flat_map(|op| {
                let mut v: Vec<String> = Vec::new();
                for p in &op.params {
                    v.extend(p.ty.mentions().into_iter().map(String::from));
                }
                if let Some(b) = &op.body {
                    v.extend(b.ty.mentions().into_iter().map(String::from));
                }
                for resp in &op.responses {
                    if let Some(t) = &resp.ty {
                        v.extend(t.mentions().into_iter().map(String::from));
                    }
                }
                v
            })
            .collect();
        for t in closure(types, roots) {
            users.entry(t).or_default().insert(r.module.clone());
        }
    }
    for (name, def) in types.iter_mut() {
        def.module = match users.get(name) {
            Some(set) if set.len() == 1 => set.iter().next().cloned().unwrap_or_default(),
            _ => "common".into(),
        };
    }
}

fn field_of<'t>(
    types: &'t BTreeMap<String, TypeDef>,
    ty: &TypeRef,
    wire: &str,
) -> Option<&'t super::Field> {
    let def = types.get(ty.named()?)?;
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().find(|f| f.wire == wire),
        _ => None,
    }
}

/// Matches an operation against the configured page-number pagination shape.
/// Attaches the config's `idempotency.duplicates` rules to their operations, checking
/// each against the document: the operation exists and sends the key, it has one
/// success type, and the lookup is a `GET` list with the key as a query filter.
fn resolve_duplicates(ops: &mut [TaggedOperation], config: &Config, diags: &mut Vec<Diagnostic>) {
    let Some(idem) = &config.idempotency else {
        return;
    };
    for (id, rule) in &idem.duplicates {
        let at = format!(
            "config#/idempotency/duplicates/{}",
            crate::diag::escape_token(id)
        );
        // A rule that no longer fits the description (after a spec update) is ignored
        // with a warning naming it, so regeneration goes on; a malformed rule is an error.
        let mut fail = |message: String| {
            diags.push(Diagnostic::warning(
                at.clone(),
                format!("{message}; stale entry, ignored: retried creates of this operation are not recovered"),
            ))
        };
        let Some(index) = ops.iter().position(|o| &o.op.id == id) else {
            fail(format!(
                "config `idempotency.duplicates`: unknown operationId `{id}`"
            ));
            continue;
        };
        let op = &ops[index].op;
        let Some(key_field) = op.body.as_ref().and_then(|b| b.idempotency_field.clone()) else {
            fail(format!(
                "config `idempotency.duplicates.{id}`: the operation's request body has no `{}` field, so it sends no idempotency key",
                idem.body_field
            ));
            continue;
        };
        let successes: Vec<_> = op.responses.iter().filter(|r| r.success).collect();
        let single = successes.first().and_then(|r| r.ty.as_ref()).is_some()
            && successes.iter().all(|r| r.ty == successes[0].ty);
        if !single {
            fail(format!(
                "config `idempotency.duplicates.{id}`: the operation must have one JSON success type to return the looked-up resource as"
            ));
            continue;
        }
        if !(100..=599).contains(&rule.status) {
            diags.push(Diagnostic::error(
                at.clone(),
                format!(
                    "config `idempotency.duplicates.{id}.status`: {} is not an HTTP status",
                    rule.status
                ),
            ));
            continue;
        }
        let lookup = match &rule.lookup {
            None => None,
            Some(l) => match duplicate_lookup(ops, config, l, &key_field, op.feature.as_deref()) {
                Ok(lookup) => Some(lookup),
                Err(message) => {
                    fail(format!(
                        "config `idempotency.duplicates.{id}.lookup`: {message}"
                    ));
                    continue;
                }
            },
        };
        ops[index].op.duplicate = Some(DuplicateRecovery {
            status: rule.status,
            body_contains: rule.body_contains.clone().filter(|s| !s.is_empty()),
            key_field,
            lookup,
        });
    }
}

fn duplicate_lookup(
    ops: &[TaggedOperation],
    config: &Config,
    l: &crate::config::DuplicateLookupConfig,
    key_field: &str,
    feature: Option<&str>,
) -> Result<DuplicateLookup, String> {
    let target = &l.operation;
    let op = ops
        .iter()
        .map(|o| &o.op)
        .find(|o| &o.id == target)
        .ok_or_else(|| format!("unknown operationId `{target}`"))?;
    if op.method != Method::Get {
        return Err(format!("`{target}` is not a GET operation"));
    }
    let param = l.param.clone().unwrap_or_else(|| key_field.to_string());
    if !op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Query && p.wire == param)
    {
        return Err(format!("`{target}` has no query parameter `{param}`"));
    }
    if let Some(p) = op.params.iter().find(|p| p.required && p.wire != param) {
        return Err(format!(
            "`{target}` needs the parameter `{}`, which a lookup cannot fill in",
            p.wire
        ));
    }
    if op.feature.is_some() && op.feature.as_deref() != feature {
        return Err(format!(
            "`{target}` exists only behind a cargo feature the operation does not need"
        ));
    }
    let items_field = if op.pagination.is_some() {
        config.pagination.as_ref().map(|p| p.items_field.clone())
    } else if op
        .responses
        .iter()
        .any(|r| r.success && matches!(r.ty, Some(TypeRef::Vec(_))))
    {
        None
    } else {
        return Err(format!(
            "`{target}` does not return a list (an array, or the configured paginated shape)"
        ));
    };
    Ok(DuplicateLookup {
        operation: target.clone(),
        path: op.path.clone(),
        server: op.server.clone(),
        param,
        items_field,
    })
}

fn detect_pagination(
    op: &Operation,
    types: &BTreeMap<String, TypeDef>,
    config: &Config,
) -> Option<Pagination> {
    let pc = config.pagination.as_ref()?;
    let page = op
        .params
        .iter()
        .find(|p| p.location == ParamLocation::Query && p.wire == pc.page_param)?;
    let ok = op.responses.iter().find(|r| r.success)?;
    let body = ok.ty.as_ref()?;
    let items = field_of(types, body, &pc.items_field)?;
    let TypeRef::Vec(item_ty) = &items.ty else {
        return None;
    };
    let meta = field_of(types, body, &pc.meta_field)?;
    let next = field_of(types, &meta.ty, &pc.next_field)?;
    if !matches!(next.ty, TypeRef::I32 | TypeRef::I64) {
        return None;
    }
    let depth = |f: &super::Field| -> u8 {
        u8::from(!f.required || f.nullable) + u8::from(!f.required && f.keeps_null())
    };
    let param_name = |wire: &str| {
        op.params
            .iter()
            .find(|p| p.wire == wire)
            .map(|p| p.name.clone())
    };
    Some(Pagination {
        page_param: page.name.clone(),
        items_field: items.name.clone(),
        items_depth: depth(items),
        item_ty: (**item_ty).clone(),
        meta_field: meta.name.clone(),
        meta_depth: depth(meta),
        next_field: next.name.clone(),
        next_depth: depth(next),
        pin_param: pc.pin_param.as_deref().and_then(param_name),
        pin_unless: pc.pin_unless.iter().filter_map(|w| param_name(w)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Constraints, Field, StructDef};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            name: name.into(),
            wire: name.into(),
            ty,
            required: true,
            nullable: false,
            folded: false,
            read_only: false,
            write_only: false,
            fixed: None,
            boxed: false,
            docs: None,
            deprecated: false,
            constraints: Constraints::default(),
            format: None,
            example: None,
        }
    }

    #[test]
    fn a_reference_to_a_missing_type_becomes_json_with_a_warning() {
        let def = TypeDef {
            name: "Holder".into(),
            module: "common".into(),
            docs: None,
            deprecated: false,
            origin: "#/components/schemas/Holder".into(),
            example: None,
            kind: TypeKind::Struct(StructDef {
                fields: vec![
                    field(
                        "gone",
                        TypeRef::Vec(Box::new(TypeRef::Named("Gone".into()))),
                    ),
                    field("me", TypeRef::Named("Holder".into())),
                ],
                additional: None,
                multipart: false,
                sibling_tags: Vec::new(),
                money: Vec::new(),
            }),
        };
        let mut types: BTreeMap<String, TypeDef> = [("Holder".to_string(), def)].into();
        let mut diags = Vec::new();
        replace_dangling(&mut types, &mut [], &mut diags);
        let TypeKind::Struct(s) = &types["Holder"].kind else {
            panic!("still a struct")
        };
        assert_eq!(s.fields[0].ty, TypeRef::Vec(Box::new(TypeRef::Json)));
        assert_eq!(s.fields[1].ty, TypeRef::Named("Holder".into()));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pointer, "#/components/schemas/Holder");
        assert!(diags[0].message.contains("`Gone`"), "{}", diags[0].message);
    }

    #[test]
    fn constraints_follow_the_type_they_check() {
        let c = Constraints {
            min_length: Some(1),
            max_length: Some(5),
            minimum: Some((0.0, false)),
            min_items: Some(1),
            pattern: Some("^a$".into()),
            ..Constraints::default()
        };
        let on_enum = c.clone().fit_to(&TypeRef::Named("Kind".into()));
        assert!(on_enum.is_empty());
        let on_string = c.clone().fit_to(&TypeRef::String);
        assert_eq!(on_string.max_length, Some(5));
        assert_eq!(on_string.minimum, None);
        let on_int = c.clone().fit_to(&TypeRef::I64);
        assert_eq!(on_int.minimum, Some((0.0, false)));
        assert_eq!(on_int.pattern, None);
        let on_vec = c.fit_to(&TypeRef::Vec(Box::new(TypeRef::String)));
        assert_eq!(on_vec.min_items, Some(1));
        assert_eq!(on_vec.min_length, None);
    }
}

#[cfg(test)]
mod sibling_tag_tests {
    use crate::config::{Config, SiblingTagConfig};
    use crate::diag::Severity;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /charges:
    get:
      operationId: getCharge
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Charge'}
components:
  schemas:
    Charge:
      type: object
      properties:
        kind: {type: string}
        details:
          oneOf:
          - $ref: '#/components/schemas/A'
          - $ref: '#/components/schemas/B'
    A:
      type: object
      properties: {x: {type: string}}
    B:
      type: object
      properties: {x: {type: string}}
    C:
      type: object
      properties: {y: {type: string}}
"#;

    fn with_tag(pointer: &str, property: &str, mapping: &[(&str, &str)]) -> Config {
        let mut config = Config::default();
        config.sibling_tags.insert(
            pointer.into(),
            SiblingTagConfig {
                property: property.into(),
                mapping: mapping
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            },
        );
        config
    }

    /// The diagnostics about sibling tags, whether generation went on or not.
    fn errors(config: &Config) -> Vec<String> {
        let diags = match crate::build_ir(SPEC, "t.yaml", config) {
            Ok((_, warnings)) => warnings,
            Err(diags) => diags,
        };
        diags
            .iter()
            .filter(|d| d.severity == Severity::Error || d.message.contains("sibling_tags"))
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn sibling_tags_resolve_to_variants() {
        let config = with_tag(
            "#/components/schemas/Charge/properties/details",
            "kind",
            &[("a", "A"), ("b", "#/components/schemas/B")],
        );
        let (api, _) = crate::build_ir(SPEC, "t.yaml", &config).unwrap();
        let charge = api.type_def("Charge").unwrap();
        let super::TypeKind::Struct(s) = &charge.kind else {
            panic!("{charge:?}")
        };
        let tag = &s.sibling_tags[0];
        assert_eq!(
            (tag.field.as_str(), tag.tag_field.as_str()),
            ("details", "kind")
        );
        assert_eq!(
            tag.variants,
            [("a".to_string(), "A".to_string()), ("b".into(), "B".into())]
        );
    }

    #[test]
    fn stale_sibling_tags_are_warnings_naming_the_config_key() {
        let cases = [
            with_tag("#/components/schemas/Nope/properties/details", "kind", &[]),
            with_tag("#/components/schemas/Charge", "kind", &[]),
            with_tag(
                "#/components/schemas/Charge/properties/details",
                "missing",
                &[],
            ),
            with_tag(
                "#/components/schemas/Charge/properties/kind",
                "details",
                &[],
            ),
            with_tag(
                "#/components/schemas/Charge/properties/details",
                "kind",
                &[("c", "C")],
            ),
            with_tag(
                "#/components/schemas/Charge/properties/details",
                "kind",
                &[("z", "Zed")],
            ),
        ];
        for config in &cases {
            let errs = errors(config);
            assert_eq!(errs.len(), 1, "{config:?}: {errs:?}");
            assert!(errs[0].contains("config `sibling_tags`"), "{errs:?}");
        }
    }
}

#[cfg(test)]
mod duplicate_tests {
    use crate::config::Config;

    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: T, version: "1" }
servers: [{ url: "https://h.example/api/v1" }]
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                request_id: { type: string }
                name: { type: string }
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
    get:
      operationId: listThings
      parameters:
        - { in: query, name: request_id, schema: { type: string } }
      responses:
        "200":
          description: list
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/Thing" } }
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - { in: path, name: id, required: true, schema: { type: string } }
      responses:
        "200":
          description: one
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
components:
  schemas:
    Thing:
      type: object
      properties:
        id: { type: string }
        request_id: { type: string }
"##;

    fn config(duplicates: &str) -> Config {
        let text = format!("idempotency:\n  body_field: request_id\n  duplicates:\n{duplicates}");
        Config::from_yaml(&text).unwrap_or_else(|e| unreachable!("{e}"))
    }

    /// Every diagnostic, whether generation went on (stale rules warn) or not.
    fn errors(duplicates: &str) -> Vec<String> {
        match crate::build_ir(SPEC, "t.yaml", &config(duplicates)) {
            Ok((_, warnings)) => warnings.iter().map(ToString::to_string).collect(),
            Err(diags) => diags.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn duplicate_rules_attach_to_their_operation() {
        let cfg = config("    createThing: { status: 409, lookup: { operation: listThings } }\n");
        let (api, _) =
            crate::build_ir(SPEC, "t.yaml", &cfg).unwrap_or_else(|e| unreachable!("{e:?}"));
        let op = api
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .find(|o| o.id == "createThing");
        let rule = op.and_then(|o| o.duplicate.clone());
        let rule = rule.unwrap_or_else(|| unreachable!("no rule attached"));
        assert_eq!(rule.status, 409);
        assert_eq!(rule.key_field, "request_id");
        let lookup = rule.lookup.unwrap_or_else(|| unreachable!("no lookup"));
        assert_eq!(
            (lookup.path.as_str(), lookup.param.as_str()),
            ("/things", "request_id")
        );
        assert_eq!(lookup.items_field, None, "the body is the array");
    }

    #[test]
    fn stale_duplicate_rules_warn_and_malformed_ones_are_errors() {
        let cases = [
            (
                "    createThnig: { status: 409 }\n",
                "unknown operationId `createThnig`",
            ),
            (
                "    createThing: { status: 409, lookup: { operation: listThigns } }\n",
                "unknown operationId `listThigns`",
            ),
            (
                "    listThings: { status: 409 }\n",
                "sends no idempotency key",
            ),
            (
                "    createThing: { status: 409, lookup: { operation: getThing } }\n",
                "has no query parameter `request_id`",
            ),
            (
                "    createThing: { status: 409, lookup: { operation: createThing } }\n",
                "is not a GET operation",
            ),
            (
                "    createThing: { status: 409, lookup: { operation: listThings, param: rid } }\n",
                "has no query parameter `rid`",
            ),
            ("    createThing: { status: 42 }\n", "not an HTTP status"),
        ];
        for (rule, expected) in cases {
            let errors = errors(rule);
            assert!(
                errors
                    .iter()
                    .any(|e| e.contains(expected) && e.contains("config#/idempotency/duplicates/")),
                "{rule}: {errors:?}"
            );
        }
        // A rule that no longer fits the description warns; a malformed one is an error.
        assert!(errors("    createThnig: { status: 409 }\n")[0].starts_with("warning: "));
        assert!(errors("    createThing: { status: 42 }\n")[0].starts_with("error: "));
    }
}

#[cfg(test)]
mod fold_tests {
    use crate::config::Config;
    use crate::ir::{Api, Field, TypeKind, TypeRef};

    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - { in: query, name: before, schema: { type: string } }
        - { in: query, name: day, schema: { type: string, format: date } }
      responses:
        "200":
          description: list
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
    patch:
      operationId: patchThing
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/ThingPatch" }
      responses:
        "200":
          description: both ways
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Shared" }
components:
  schemas:
    Thing:
      type: object
      properties:
        paid_at: { type: string, format: date-time, nullable: true }
        note: { type: string, nullable: true }
        kept: { type: string, nullable: true }
        born: { type: string, format: date }
        stamp: { type: string, format: timestamp }
        shared: { $ref: "#/components/schemas/Shared" }
    ThingPatch:
      type: object
      properties:
        note: { type: string, nullable: true }
        shared: { $ref: "#/components/schemas/Shared" }
    Shared:
      type: object
      properties:
        label: { type: string, nullable: true }
"##;

    fn build(config: &str) -> (Api, Vec<String>) {
        let cfg = Config::from_yaml(config).unwrap_or_else(|e| unreachable!("{e}"));
        let (api, warnings) =
            crate::build_ir(SPEC, "t.yaml", &cfg).unwrap_or_else(|e| unreachable!("{e:?}"));
        (api, warnings.iter().map(ToString::to_string).collect())
    }

    fn field<'a>(api: &'a Api, ty: &str, wire: &str) -> &'a Field {
        let def = api.type_def(ty);
        let Some(TypeKind::Struct(s)) = def.map(|d| &d.kind) else {
            unreachable!("{ty} is not a struct");
        };
        s.fields
            .iter()
            .find(|f| f.wire == wire)
            .unwrap_or_else(|| unreachable!("{ty}.{wire}"))
    }

    #[test]
    fn received_types_fold_null_and_sent_types_keep_it() {
        let (api, warnings) = build(
            "tri_state:\n  - '#/components/schemas/Thing/properties/kept'\n  - '#/components/schemas/Thing/properties/gone'\n",
        );
        // Response-only: absent and null are one `None`.
        assert!(field(&api, "Thing", "note").folded);
        assert!(field(&api, "Thing", "paid_at").folded);
        // ... unless the config keeps the difference.
        assert!(!field(&api, "Thing", "kept").folded);
        // A PATCH body keeps the tri-state, and so does a type also sent.
        assert!(!field(&api, "ThingPatch", "note").folded);
        assert!(!field(&api, "Shared", "label").folded);
        assert!(field(&api, "Shared", "label").keeps_null());
        assert!(!field(&api, "Thing", "note").keeps_null());
        // A stale entry is a warning naming it.
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("Thing/properties/gone") && warnings[0].contains("stale"),
            "{warnings:?}"
        );
    }

    #[test]
    fn date_and_date_time_formats_are_typed() {
        let (api, _) = build(
            "type_rules:\n  rules:\n    - {parameters: [before], from: string, to: string, format: date-time}\n    - {properties: [stamp], from: string, to: string, format: date-time}\n",
        );
        assert_eq!(field(&api, "Thing", "paid_at").ty, TypeRef::DateTime);
        assert_eq!(field(&api, "Thing", "born").ty, TypeRef::Date);
        assert_eq!(field(&api, "Thing", "stamp").ty, TypeRef::DateTime);
        let op = api
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .find(|o| o.id == "listThings");
        let params: Vec<(&str, &TypeRef)> = op
            .map(|o| o.params.iter().map(|p| (p.wire.as_str(), &p.ty)).collect())
            .unwrap_or_default();
        assert_eq!(
            params,
            [("before", &TypeRef::DateTime), ("day", &TypeRef::Date)]
        );
        // Without the rules, an undeclared or unknown format stays text.
        let (api, _) = build("{}");
        assert_eq!(field(&api, "Thing", "stamp").ty, TypeRef::String);
    }
}

#[cfg(test)]
mod money_tests {
    use crate::config::{Config, MoneyRule};

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Transfer:
      type: object
      required: [amount, currency]
      properties:
        amount: {type: integer}
        currency: {type: string, enum: [USD, EUR]}
        source_amount: {type: integer, format: int32}
        source_currency: {type: string}
        fee_amount: {type: number}
        fee_currency: {type: string}
        target_amount: {type: integer}
    Money:
      type: object
      properties:
        money: {type: string}
        amount: {type: integer}
        currency: {type: string}
"#;

    fn rule(amount: &str, currency: &str) -> MoneyRule {
        MoneyRule {
            amount: amount.into(),
            currency: currency.into(),
        }
    }

    fn pairs(api: &crate::ir::Api, ty: &str) -> Vec<(String, String, String)> {
        match api.type_def(ty).map(|t| &t.kind) {
            Some(super::TypeKind::Struct(s)) => s
                .money
                .iter()
                .map(|p| (p.accessor.clone(), p.amount.clone(), p.currency.clone()))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn amounts_pair_with_the_currency_the_rules_name() {
        let config = Config {
            money: vec![
                rule("amount", "currency"),
                rule("*_amount", "*_currency"),
                rule("total", "currency"),
            ],
            ..Config::default()
        };
        let (api, warnings) = crate::build_ir(SPEC, "t.yaml", &config).unwrap();
        let own = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        // Integers only (`fee_amount` is a number), with a currency field of the same
        // stem (`target_amount` has none).
        assert_eq!(
            pairs(&api, "Transfer"),
            [
                own("money", "amount", "currency"),
                own("source_money", "source_amount", "source_currency"),
            ]
        );
        // An accessor never takes the name of a field (its setter or its reader).
        assert_eq!(pairs(&api, "Money"), []);
        // A rule that pairs nothing anywhere is reported, not an error.
        let stale: Vec<String> = warnings
            .iter()
            .filter(|d| d.message.contains("pairs no integer amount"))
            .map(ToString::to_string)
            .collect();
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert!(stale[0].contains("config#/money/2"), "{stale:?}");
    }
}
