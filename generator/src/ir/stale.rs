//! Config entries that name nothing in this version of the description: after a spec
//! update an operationId or tag may be gone or renamed. Each is a warning naming the
//! config key and the nearest current name; generation goes on.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;

use crate::config::Config;
use crate::diag::{Diagnostic, escape_token};
use crate::load::overrides::nearest;

fn hint(wanted: &str, known: &BTreeSet<String>) -> String {
    nearest(wanted, known.iter().map(String::as_str))
        .map(|n| format!("; nearest current name: `{n}`"))
        .unwrap_or_default()
}

/// Warnings for every stale entry of `config`, all at once.
pub fn stale_entries(doc: &OpenAPI, config: &Config) -> Vec<Diagnostic> {
    let mut ids = BTreeSet::new();
    let mut tags: BTreeSet<String> = doc.tags.iter().map(|t| t.name.clone()).collect();
    for (_, item) in doc.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (_, op) in item.iter() {
            if let Some(id) = &op.operation_id {
                ids.insert(id.clone());
            }
            tags.extend(op.tags.iter().cloned());
        }
    }
    let mut out = Vec::new();
    for id in config.methods.keys() {
        if !ids.contains(id) {
            out.push(Diagnostic::warning(
                format!("config#/methods/{}", escape_token(id)),
                format!(
                    "stale entry, ignored: no operation has operationId `{id}`{}",
                    hint(id, &ids)
                ),
            ));
        }
    }
    for tag in config.resources.keys() {
        if !tags.contains(tag) {
            out.push(Diagnostic::warning(
                format!("config#/resources/{}", escape_token(tag)),
                format!(
                    "stale entry, ignored: no operation has tag `{tag}`{}",
                    hint(tag, &tags)
                ),
            ));
        }
    }
    for (g, gate) in config.feature_gated.iter().enumerate() {
        for (i, id) in gate.operations.iter().enumerate() {
            if !ids.contains(id) {
                out.push(Diagnostic::warning(
                    format!("config#/feature_gated/{g}/operations/{i}"),
                    format!(
                        "stale entry, ignored: no operation has operationId `{id}`{}",
                        hint(id, &ids)
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stale_entry_is_listed_with_the_nearest_name() {
        let doc: OpenAPI = serde_yaml::from_str(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    get:\n      operationId: createPayIn\n      tags: [Payment]\n      responses: {'200': {description: ok}}\n",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let config = Config::from_yaml(
            "methods: {createPayin: create, createPayIn: create}\nresources: {Payments: payments, Payment: payments}\nfeature_gated: [{feature: sandbox, operations: [mockThing, createPayIn]}]\n",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let w = stale_entries(&doc, &config);
        assert_eq!(w.len(), 3, "{w:?}");
        assert_eq!(w[0].pointer, "config#/methods/createPayin");
        assert!(
            w[0].message.contains("nearest current name: `createPayIn`"),
            "{}",
            w[0].message
        );
        assert_eq!(w[1].pointer, "config#/resources/Payments");
        assert!(w[1].message.contains("`Payment`"), "{}", w[1].message);
        assert_eq!(w[2].pointer, "config#/feature_gated/0/operations/0");
    }
}
