//! Beside the pipeline: what changed between two versions of an API, classified by what
//! the change does to Rust code that uses the generated crate.
//!
//! Both sides are a [`Surface`] (the public API as data). The old side comes from the
//! `api-surface.json` committed with the generated crate, or from another description
//! file; the new side from the IR just built. Every change is breaking (code that
//! compiled against the old crate may not compile against the new one) or compatible,
//! with a one-line reason, and the report ends with the semver bump that implies.

pub mod surface;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

pub use surface::Surface;
use surface::{OpSurface, TypeSurface};

/// Whether code written against the old crate still compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// It may not.
    Breaking,
    /// It does.
    Compatible,
}

/// One change between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking or compatible.
    pub level: Level,
    /// What changed: `payouts.create`, `Payout.amount`, `PayoutStatus`...
    pub subject: String,
    /// The change, in a few words.
    pub what: String,
    /// Its effect on code using the SDK, in one line.
    pub why: String,
}

/// The semver step a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing public changed.
    None,
    /// Compatible changes only.
    Compatible,
    /// At least one breaking change.
    Breaking,
}

/// Every change between two surfaces.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Version of the old crate.
    pub old_version: String,
    /// API version (`info.version`) on each side.
    pub api_versions: (String, String),
    /// The changes, breaking first.
    pub changes: Vec<Change>,
}

struct Collector(Vec<Change>);

impl Collector {
    fn push(&mut self, level: Level, subject: impl Into<String>, what: String, why: &str) {
        self.0.push(Change {
            level,
            subject: subject.into(),
            what,
            why: why.to_string(),
        });
    }
    fn breaking(&mut self, subject: impl Into<String>, what: String, why: &str) {
        self.push(Level::Breaking, subject, what, why);
    }
    fn compatible(&mut self, subject: impl Into<String>, what: String, why: &str) {
        self.push(Level::Compatible, subject, what, why);
    }
}

/// Compares two surfaces.
pub fn compare(old: &Surface, new: &Surface) -> Report {
    let mut c = Collector(Vec::new());
    compare_servers(old, new, &mut c);
    compare_operations(old, new, &mut c);
    compare_types(old, new, &mut c);
    let mut changes = c.0;
    // Breaking first; within a level, methods, then environments and auth, then types.
    let rank = |c: &Change| {
        if c.subject.ends_with("()") {
            0
        } else if c.subject.starts_with("Environment::") || c.subject == "auth" {
            1
        } else {
            2
        }
    };
    changes.sort_by(|a, b| {
        (a.level, rank(a), &a.subject, &a.what).cmp(&(b.level, rank(b), &b.subject, &b.what))
    });
    changes.dedup();
    Report {
        old_version: old.crate_version.clone(),
        api_versions: (old.api_version.clone(), new.api_version.clone()),
        changes,
    }
}

fn compare_servers(old: &Surface, new: &Surface, c: &mut Collector) {
    for (name, url) in &old.environments {
        match new.environments.get(name) {
            None => c.breaking(
                format!("Environment::{name}"),
                "environment removed".into(),
                "code naming the variant no longer compiles",
            ),
            Some(u) if u != url => c.compatible(
                format!("Environment::{name}"),
                format!("base URL `{url}` -> `{u}`"),
                "same Rust code, requests go to the new URL",
            ),
            Some(_) => {}
        }
    }
    for name in new.environments.keys() {
        if !old.environments.contains_key(name) {
            c.compatible(
                format!("Environment::{name}"),
                "environment added".into(),
                "a new variant; matches over `Environment` are not expected",
            );
        }
    }
    if old.auth != new.auth {
        c.breaking(
            "auth",
            format!("{} -> {}", old.auth, new.auth),
            "credentials configured for the old scheme no longer authenticate",
        );
    }
}

fn compare_operations(old: &Surface, new: &Surface, c: &mut Collector) {
    for (path, o) in &old.operations {
        let Some(n) = new.operations.get(path) else {
            // An operation that moved to another method name is still a removal for callers.
            let moved = new
                .operations
                .iter()
                .find(|(p, n)| n.id == o.id && !old.operations.contains_key(*p));
            let what = match moved {
                Some((p, _)) => format!("method removed (now `{p}()`)"),
                None => format!("method removed ({})", o.route),
            };
            c.breaking(
                format!("{path}()"),
                what,
                "calls to the method no longer compile",
            );
            continue;
        };
        compare_operation(path, o, n, c);
    }
    for (path, n) in &new.operations {
        if !old.operations.contains_key(path) {
            c.compatible(
                format!("{path}()"),
                format!("method added ({})", n.route),
                "new API; existing code is unaffected",
            );
        }
    }
}

fn compare_operation(path: &str, o: &OpSurface, n: &OpSurface, c: &mut Collector) {
    let subject = format!("{path}()");
    if o.route != n.route {
        c.compatible(
            &subject,
            format!("route `{}` -> `{}`", o.route, n.route),
            "same Rust call; the request goes to the new route",
        );
    }
    if o.server != n.server {
        c.compatible(
            &subject,
            format!(
                "server `{}` -> `{}`",
                o.server.as_deref().unwrap_or("default"),
                n.server.as_deref().unwrap_or("default")
            ),
            "same Rust call; the request goes to another base URL",
        );
    }
    if o.builder != n.builder {
        c.breaking(
            &subject,
            format!("builder type `{}` -> `{}`", o.builder, n.builder),
            "code naming the builder type no longer compiles",
        );
    }
    if o.feature != n.feature {
        let level = if n.feature.is_some() {
            Level::Breaking
        } else {
            Level::Compatible
        };
        c.push(
            level,
            &subject,
            format!(
                "cargo feature `{}` -> `{}`",
                o.feature.as_deref().unwrap_or("none"),
                n.feature.as_deref().unwrap_or("none")
            ),
            if level == Level::Breaking {
                "the method now needs the feature enabled"
            } else {
                "the method no longer needs a feature"
            },
        );
    }
    for (name, p) in &o.params {
        let what_old = if p.required { "argument" } else { "setter" };
        match n.params.get(name) {
            None => c.breaking(
                &subject,
                format!("{what_old} `{name}` removed ({} `{}`)", p.location, p.wire),
                "calls passing it no longer compile",
            ),
            Some(q) => {
                if p.required != q.required {
                    let what = if q.required {
                        format!("`{name}` became a required argument")
                    } else {
                        format!("argument `{name}` became an optional setter")
                    };
                    c.breaking(&subject, what, "the method's argument list changed");
                }
                if p.ty != q.ty {
                    c.breaking(
                        &subject,
                        format!("`{name}`: `{}` -> `{}`", p.ty, q.ty),
                        "values of the old type no longer fit",
                    );
                }
            }
        }
    }
    for (name, q) in &n.params {
        if o.params.contains_key(name) {
            continue;
        }
        if q.required {
            c.breaking(
                &subject,
                format!(
                    "required argument `{name}` added ({} `{}`)",
                    q.location, q.wire
                ),
                "existing calls lack the new argument",
            );
        } else {
            c.compatible(
                &subject,
                format!(
                    "optional setter `.{name}()` added ({} `{}`)",
                    q.location, q.wire
                ),
                "existing calls are unaffected",
            );
        }
    }
    match (&o.body, &n.body) {
        (None, Some(b)) if b.required => c.breaking(
            &subject,
            format!("required body `{}` added", b.ty),
            "existing calls lack the new argument",
        ),
        (None, Some(b)) => c.compatible(
            &subject,
            format!("optional body `.body({})` added", b.ty),
            "existing calls are unaffected",
        ),
        (Some(b), None) => c.breaking(
            &subject,
            format!("body `{}` removed", b.ty),
            "calls passing a body no longer compile",
        ),
        (Some(a), Some(b)) => {
            if a.ty != b.ty {
                c.breaking(
                    &subject,
                    format!("body `{}` -> `{}`", a.ty, b.ty),
                    "values of the old type no longer fit",
                );
            }
            if a.required != b.required {
                c.breaking(
                    &subject,
                    format!(
                        "body became {}",
                        if b.required {
                            "a required argument"
                        } else {
                            "an optional setter"
                        }
                    ),
                    "the method's argument list changed",
                );
            }
            if a.encoding != b.encoding {
                c.compatible(
                    &subject,
                    format!("body sent as {} instead of {}", b.encoding, a.encoding),
                    "same Rust call; the wire encoding changed",
                );
            }
        }
        (None, None) => {}
    }
    if o.success != n.success {
        let old_types: BTreeSet<&String> = o.success.values().collect();
        let new_types: BTreeSet<&String> = n.success.values().collect();
        let fmt = |m: &BTreeMap<String, String>| {
            m.iter()
                .map(|(s, t)| format!("{s} {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if old_types != new_types {
            c.breaking(
                &subject,
                format!("returns `{}` -> `{}`", fmt(&o.success), fmt(&n.success)),
                "code using the result sees another type",
            );
        } else {
            c.compatible(
                &subject,
                format!(
                    "success statuses `{}` -> `{}`",
                    fmt(&o.success),
                    fmt(&n.success)
                ),
                "same result type",
            );
        }
    }
    if o.error != n.error {
        c.breaking(
            &subject,
            format!("error type `{}` -> `{}`", o.error, n.error),
            "code naming the error type no longer compiles",
        );
    }
    for (status, v) in &o.errors {
        match n.errors.get(status) {
            None => c.breaking(
                &subject,
                format!("documented error {status} `{v}` removed"),
                "match arms naming the variant no longer compile",
            ),
            Some(w) if w != v => c.breaking(
                &subject,
                format!("error {status}: `{v}` -> `{w}`"),
                "match arms on the old variant or body type no longer compile",
            ),
            Some(_) => {}
        }
    }
    for (status, w) in &n.errors {
        if !o.errors.contains_key(status) {
            c.compatible(
                &subject,
                format!("documented error {status} `{w}` added"),
                "error enums are #[non_exhaustive]; the status was an unexpected-status error before",
            );
        }
    }
}

/// Every place a type is written, by position (`Type.field`, `op(param)`, `op body`,
/// `op 200`, `Union::Variant`), with the Rust type written there.
fn uses(s: &Surface) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, t) in &s.types {
        for f in t.fields.values() {
            out.insert(format!("{name}.{}", f.wire), f.ty.clone());
        }
        for m in &t.members {
            if let Some((variant, rest)) = m.split_once('(') {
                out.insert(
                    format!("{name}::{variant}"),
                    rest.trim_end_matches(')').to_string(),
                );
            }
        }
    }
    for (path, o) in &s.operations {
        for (p, param) in &o.params {
            out.insert(format!("{path}({p})"), param.ty.clone());
        }
        if let Some(b) = &o.body {
            out.insert(format!("{path} body"), b.ty.clone());
        }
        for (status, ty) in o.success.iter().chain(&o.errors) {
            out.insert(format!("{path} {status}"), ty.clone());
        }
    }
    out
}

/// The type names a written Rust type mentions (`Option<Vec<Order>>` -> `Order`).
fn type_names(ty: &str) -> Vec<&str> {
    ty.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter(|w| !matches!(*w, "Option" | "Vec" | "BTreeMap" | "String" | "Box"))
        .collect()
}

/// A type's names without their types: field and wire names, member names, enum
/// values; to spot a rename that came with a retyped field.
fn skeleton(t: &TypeSurface) -> String {
    let mut s = t.kind.clone();
    for (name, f) in &t.fields {
        let _ = write!(s, ";{name}:{}", f.wire);
    }
    for m in &t.members {
        let _ = write!(s, ";{}", m.split('(').next().unwrap_or_default());
    }
    if t.alias.is_some() {
        s.push('=');
    }
    s
}

/// A type's shape without its name, to spot renames.
fn shape(t: &TypeSurface) -> String {
    let mut s = t.kind.clone();
    for (name, f) in &t.fields {
        let _ = write!(s, ";{name}:{}:{}", f.wire, f.ty);
    }
    for m in &t.members {
        let _ = write!(s, ";{m}");
    }
    if let Some(a) = &t.alias {
        let _ = write!(s, "={a}");
    }
    s
}

fn compare_types(old: &Surface, new: &Surface, c: &mut Collector) {
    let removed: Vec<&String> = old
        .types
        .keys()
        .filter(|k| !new.types.contains_key(*k))
        .collect();
    let added: Vec<&String> = new
        .types
        .keys()
        .filter(|k| !old.types.contains_key(*k))
        .collect();
    // Same shape under a new name: reported once, as a rename. Only unambiguous pairs,
    // first by the whole shape, then by the names alone (fields, members or values),
    // for a type renamed while a field's type changed too.
    let mut renamed_to: BTreeSet<&String> = BTreeSet::new();
    let mut reported: BTreeSet<&String> = BTreeSet::new();
    // Old name -> new name of every type found renamed or merged so far.
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for (key, how) in [
        (shape as fn(&TypeSurface) -> String, "same shape as"),
        (skeleton, "same fields or values as"),
    ] {
        let mut by_key: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for a in added.iter().filter(|a| !renamed_to.contains(*a)) {
            by_key.entry(key(&new.types[*a])).or_default().push(a);
        }
        let left: Vec<&String> = removed
            .iter()
            .copied()
            .filter(|r| !reported.contains(r))
            .collect();
        let mut removed_keys: BTreeMap<String, usize> = BTreeMap::new();
        for r in &left {
            *removed_keys.entry(key(&old.types[*r])).or_default() += 1;
        }
        for r in left {
            let k = key(&old.types[r]);
            let candidates = by_key.get(&k).map(Vec::as_slice).unwrap_or_default();
            if let ([to], Some(1)) = (candidates, removed_keys.get(&k)) {
                renamed_to.insert(to);
                reported.insert(r);
                moved.insert(r.clone(), to.to_string());
                c.breaking(
                    r.as_str(),
                    format!("renamed to `{to}` (looks like it: {how} the new type)"),
                    "code naming the old type no longer compiles",
                );
                // What else changed with the rename, under the new name.
                compare_type(to, &old.types[r], &new.types[*to], c);
            }
        }
    }
    // Otherwise: the type every position of the old one now holds, if it is always the
    // same (a rename whose shape changed too, or a merge into another type).
    // Rounds until nothing new is found: a type nested in a renamed one is found once its
    // holder's new name is known.
    let new_uses = uses(new);
    for _ in 0..8 {
        let found = moved.len();
        // A list: positions of several old holders can meet in one new holder.
        let old_uses: Vec<(String, String)> = uses(old)
            .into_iter()
            .map(|(position, ty)| {
                let holder = position.split(['.', ':']).next().unwrap_or_default();
                match moved.get(holder) {
                    Some(to) => (format!("{to}{}", &position[holder.len()..]), ty),
                    None => (position, ty),
                }
            })
            .collect();
        let left: Vec<&String> = removed
            .iter()
            .copied()
            .filter(|r| !reported.contains(r))
            .collect();
        for r in left {
            let mut now: BTreeSet<&str> = BTreeSet::new();
            for (position, ty) in &old_uses {
                if type_names(ty).contains(&r.as_str()) {
                    if let Some(n) = new_uses.get(position) {
                        now.extend(
                            type_names(n).into_iter().filter(|t| {
                                new.types.contains_key(*t) && !type_names(ty).contains(t)
                            }),
                        );
                    }
                }
            }
            if let [to] = now.into_iter().collect::<Vec<_>>().as_slice() {
                reported.insert(r);
                moved.insert(r.clone(), to.to_string());
                if let Some((key, _)) = new.types.get_key_value(*to) {
                    renamed_to.insert(key);
                }
                let how = if old.types.contains_key(*to) {
                    "merged into"
                } else {
                    "renamed to"
                };
                c.breaking(
                    r.as_str(),
                    format!("{how} `{to}` (it takes its place wherever the old type was used)"),
                    "code naming the old type no longer compiles",
                );
            }
        }
        if moved.len() == found {
            break;
        }
    }
    for r in removed.iter().copied().filter(|r| !reported.contains(r)) {
        // Merged into a type that already existed (one enum for several positions).
        let sh = shape(&old.types[r]);
        let same: Vec<&String> = new
            .types
            .iter()
            .filter(|(n, t)| old.types.contains_key(*n) && shape(t) == sh)
            .map(|(n, _)| n)
            .collect();
        match same.as_slice() {
            [into] => c.breaking(
                r.as_str(),
                format!("merged into `{into}` (same shape)"),
                "code naming the old type no longer compiles",
            ),
            _ => c.breaking(
                r.as_str(),
                format!("{} removed", old.types[r].kind),
                "code naming the type no longer compiles",
            ),
        }
    }
    for a in added {
        if renamed_to.contains(a) {
            continue;
        }
        c.compatible(
            a.as_str(),
            format!("{} added", new.types[a].kind),
            "new type; existing code is unaffected",
        );
    }
    for (name, o) in &old.types {
        if let Some(n) = new.types.get(name) {
            compare_type(name, o, n, c);
        }
    }
}

fn compare_type(name: &str, o: &TypeSurface, n: &TypeSurface, c: &mut Collector) {
    if o.kind != n.kind {
        c.breaking(
            name,
            format!("{} -> {}", o.kind, n.kind),
            "construction and matching differ between the two kinds",
        );
        return;
    }
    if o.alias != n.alias {
        c.breaking(
            name,
            format!(
                "alias of `{}` -> `{}`",
                o.alias.as_deref().unwrap_or_default(),
                n.alias.as_deref().unwrap_or_default()
            ),
            "values of the old type no longer fit",
        );
    }
    match (&o.constructor, &n.constructor) {
        (Some(a), Some(b)) if a != b => c.breaking(
            format!("{name}::new"),
            format!("`{a}` -> `{b}`"),
            "calls to the constructor no longer compile",
        ),
        (Some(a), None) => c.breaking(
            format!("{name}::new"),
            format!("constructor `{a}` removed (only request types have one)"),
            "calls to the constructor no longer compile",
        ),
        (None, Some(b)) => c.compatible(
            format!("{name}::new"),
            format!("constructor `{b}` added"),
            "new API; existing code is unaffected",
        ),
        _ => {}
    }
    if o.default && !n.default {
        c.breaking(
            name,
            "no longer implements `Default` (a field became required)".into(),
            "`..Default::default()` and `X::default()` no longer compile",
        );
    } else if !o.default && n.default {
        c.compatible(
            name,
            "now implements `Default`".into(),
            "new API; existing code is unaffected",
        );
    }
    if !o.non_exhaustive && n.non_exhaustive {
        c.breaking(
            name,
            "now `#[non_exhaustive]`".into(),
            if n.kind == "struct" {
                "struct literals no longer compile outside the crate (build it with `new` and setters, or from `Default` or JSON)"
            } else {
                "exhaustive matches outside the crate need a wildcard arm"
            },
        );
    } else if o.non_exhaustive && !n.non_exhaustive {
        c.compatible(
            name,
            "no longer `#[non_exhaustive]`".into(),
            "more code compiles; existing code is unaffected",
        );
    }
    for (m, field) in &o.setters {
        if n.setters.get(m) != Some(field) {
            c.breaking(
                format!("{name}::{m}"),
                format!("setter `.{m}()` removed (field `{field}`)"),
                "calls to the setter no longer compile",
            );
        }
    }
    for (m, field) in &n.setters {
        if o.setters.get(m) != Some(field) {
            c.compatible(
                format!("{name}::{m}"),
                format!("setter `.{m}()` added (field `{field}`)"),
                "new API; existing code is unaffected",
            );
        }
    }
    for t in &o.from {
        if !n.from.contains(t) {
            c.breaking(
                name,
                format!("`From<{t}>` removed"),
                "passing that member where the union is expected no longer compiles",
            );
        }
    }
    for t in &n.from {
        if !o.from.contains(t) {
            c.compatible(
                name,
                format!("`From<{t}>` added"),
                "new API; existing code is unaffected",
            );
        }
    }
    // Both sides `#[non_exhaustive]`: no caller wrote a struct literal or an exhaustive
    // match, so what only adds stays compatible.
    let closed = o.non_exhaustive && n.non_exhaustive;
    for (f, of) in &o.fields {
        let subject = format!("{name}.{f}");
        match n.fields.get(f) {
            None => c.breaking(
                subject,
                format!("field removed (`{}`)", of.wire),
                "code reading or setting the field no longer compiles",
            ),
            Some(nf) if nf.ty != of.ty => {
                let what = if of.required && !nf.required {
                    "made optional"
                } else if !of.required && nf.required {
                    "made required"
                } else if !of.nullable && nf.nullable {
                    "made nullable"
                } else if of.nullable && !nf.nullable {
                    "no longer nullable"
                } else {
                    "retyped"
                };
                c.breaking(
                    subject,
                    format!("{what}: `{}` -> `{}`", of.ty, nf.ty),
                    "code reading or setting the field sees another type",
                );
            }
            Some(nf) if nf.wire != of.wire => c.compatible(
                subject,
                format!("JSON name `{}` -> `{}`", of.wire, nf.wire),
                "same Rust field; the wire name changed",
            ),
            Some(_) => {}
        }
    }
    for (f, nf) in &n.fields {
        if o.fields.contains_key(f) {
            continue;
        }
        let subject = format!("{name}.{f}");
        if closed && n.input && nf.required {
            c.breaking(
                subject,
                format!("required field added: `{}`", nf.ty),
                "`new()` takes the new field as an argument",
            );
        } else if closed && n.input {
            c.compatible(
                subject,
                format!("optional field added: `{}`", nf.ty),
                "request type built with `new` and setters: existing code is unaffected",
            );
        } else if closed {
            c.compatible(
                subject,
                format!("field added: `{}`", nf.ty),
                "`#[non_exhaustive]` response type: code reading it is unaffected",
            );
        // Exhaustive structs with public fields: a struct literal must name every
        // field, so any new field breaks code that builds the type by hand.
        } else if n.input && nf.required {
            c.breaking(
                subject,
                format!("required field added: `{}`", nf.ty),
                "request values built with a struct literal lack the field",
            );
        } else if n.input {
            c.breaking(
                subject,
                format!("optional field added: `{}`", nf.ty),
                "request values built with a struct literal must name the field (`..Default::default()` avoids this)",
            );
        } else {
            c.breaking(
                subject,
                format!("field added: `{}`", nf.ty),
                "response type: code reading it is unaffected; struct literals (e.g. test fixtures) must name the field",
            );
        }
    }
    let what = if o.kind == "enum" { "value" } else { "member" };
    for m in &o.members {
        if !n.members.contains(m) {
            c.breaking(
                name,
                format!("{what} `{m}` removed"),
                "match arms and constructors naming it no longer compile",
            );
        }
    }
    for m in &n.members {
        if !o.members.contains(m) {
            let (level, why) = match (closed, o.kind == "enum") {
                (true, true) => (
                    Level::Compatible,
                    "`#[non_exhaustive]`: matches have a wildcard arm already; the value, `Unknown` before, now has its own variant",
                ),
                (true, false) => (
                    Level::Compatible,
                    "`#[non_exhaustive]`: matches have a wildcard arm already; JSON that decoded as another member or `Unknown` may now decode as this one",
                ),
                (false, true) => (
                    Level::Breaking,
                    "exhaustive matches need a new arm (the value decoded as `Unknown` before)",
                ),
                (false, false) => (Level::Breaking, "exhaustive matches need a new arm"),
            };
            c.push(level, name, format!("{what} `{m}` added"), why);
        }
    }
}

impl Report {
    /// The semver step the changes call for.
    pub fn bump(&self) -> Bump {
        if self.changes.iter().any(|c| c.level == Level::Breaking) {
            Bump::Breaking
        } else if self.changes.is_empty() {
            Bump::None
        } else {
            Bump::Compatible
        }
    }

    /// The version after this change. Before 1.0 the minor number is the breaking one
    /// (0.3.1 -> 0.4.0) and the patch number takes compatible changes (0.3.1 -> 0.3.2);
    /// from 1.0, major and minor. An unparsable version is returned as is.
    pub fn next_version(&self) -> String {
        next_version(&self.old_version, self.bump())
    }

    /// (breaking, compatible) counts.
    pub fn counts(&self) -> (usize, usize) {
        let breaking = self
            .changes
            .iter()
            .filter(|c| c.level == Level::Breaking)
            .count();
        (breaking, self.changes.len() - breaking)
    }

    fn verdict(&self) -> String {
        match self.bump() {
            Bump::None => format!("no public API change: version stays {}", self.old_version),
            Bump::Compatible => format!(
                "compatible changes only: {} -> {}",
                self.old_version,
                self.next_version()
            ),
            Bump::Breaking => format!(
                "breaking changes: {} -> {}",
                self.old_version,
                self.next_version()
            ),
        }
    }

    /// A few lines for a terminal: counts, the verdict, then every breaking change.
    pub fn summary(&self) -> String {
        let (b, k) = self.counts();
        let mut out = format!(
            "API changes ({} -> {}): {b} breaking, {k} compatible; {}\n",
            self.api_versions.0,
            self.api_versions.1,
            self.verdict()
        );
        for ch in self.changes.iter().filter(|c| c.level == Level::Breaking) {
            let _ = writeln!(out, "  breaking: {}: {} ({})", ch.subject, ch.what, ch.why);
        }
        out
    }

    /// The full report as Markdown, for a pull request or a changelog section.
    pub fn markdown(&self, heading: &str) -> String {
        let (b, k) = self.counts();
        let mut out = format!(
            "{heading}\n\nAPI description {} -> {}. {b} breaking, {k} compatible: {}.\n",
            self.api_versions.0,
            self.api_versions.1,
            self.verdict()
        );
        for (level, title) in [
            (Level::Breaking, "Breaking"),
            (Level::Compatible, "Compatible"),
        ] {
            let list: Vec<&Change> = self.changes.iter().filter(|c| c.level == level).collect();
            if list.is_empty() {
                continue;
            }
            let _ = write!(out, "\n### {title}\n\n");
            for ch in list {
                let _ = writeln!(out, "- `{}`: {} — {}", ch.subject, ch.what, ch.why);
            }
        }
        out
    }
}

/// `version` after a `bump` (pre-1.0: breaking bumps the minor number).
pub fn next_version(version: &str, bump: Bump) -> String {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let [major, minor, patch] = parts.as_slice() else {
        return version.to_string();
    };
    let (major, minor, patch) = (*major, *minor, *patch);
    match (bump, major) {
        (Bump::None, _) => version.to_string(),
        (Bump::Compatible, 0) => format!("0.{minor}.{}", patch + 1),
        (Bump::Breaking, 0) => format!("0.{}.0", minor + 1),
        (Bump::Compatible, _) => format!("{major}.{}.0", minor + 1),
        (Bump::Breaking, _) => format!("{}.0.0", major + 1),
    }
}
