//! Per-resource cargo features: each resource's operations sit behind a feature of its
//! own (all on by default), and so does every type that only those operations reach,
//! so that a service using a few resources compiles only them.
//!
//! A type's gate is the set of features of every resource-owned type it mentions,
//! directly or not: a type in the `payouts` module needs `payouts`; a shared type that
//! mentions a `payouts` type (a webhook payload wrapping a payout, say) needs it too.
//! A shared type gated by one feature moves into that resource's module; one gated by
//! several stays shared and is compiled when all of them are on.

use std::collections::{BTreeMap, BTreeSet};

use super::{Resource, TypeDef};

/// Gives each resource its cargo feature name: the module name in kebab case, or with
/// `-api` appended when that is already a configured feature (or a reserved one).
pub(super) fn name_features(resources: &mut [Resource], configured: &[super::Feature]) {
    let taken: BTreeSet<&str> = configured
        .iter()
        .map(|f| f.name.as_str())
        .chain(crate::config::RESERVED_FEATURES.iter().copied())
        .collect();
    for r in resources {
        let name = r.module.replace('_', "-");
        r.feature = if taken.contains(name.as_str()) {
            format!("{name}-api")
        } else {
            name
        };
    }
}

/// The features each type needs (types that need none are left out), moving shared
/// types that need exactly one into that resource's module.
pub(super) fn gate_types(
    types: &mut BTreeMap<String, TypeDef>,
    resources: &[Resource],
) -> BTreeMap<String, Vec<String>> {
    let feature_of: BTreeMap<&str, &str> = resources
        .iter()
        .map(|r| (r.module.as_str(), r.feature.as_str()))
        .collect();
    let edges: BTreeMap<&str, Vec<String>> = types
        .iter()
        .map(|(n, d)| (n.as_str(), super::build::mentions(d)))
        .collect();
    let mut gates: BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .map(|(n, d)| {
            let own = feature_of.get(d.module.as_str()).map(|f| f.to_string());
            (n.clone(), own.into_iter().collect())
        })
        .collect();
    // A fixed point over the mention graph (cycles included): each round adds what the
    // mentioned types need; sets only grow, and are bounded by the resource count.
    loop {
        let mut changed = false;
        for (name, mentioned) in &edges {
            let mut add: BTreeSet<String> = BTreeSet::new();
            for m in mentioned {
                if let Some(g) = gates.get(m) {
                    add.extend(g.iter().cloned());
                }
            }
            if let Some(g) = gates.get_mut(*name) {
                let before = g.len();
                g.extend(add);
                changed |= g.len() != before;
            }
        }
        if !changed {
            break;
        }
    }
    let module_of: BTreeMap<&str, &str> = resources
        .iter()
        .map(|r| (r.feature.as_str(), r.module.as_str()))
        .collect();
    for (name, def) in types.iter_mut() {
        let Some(g) = gates.get(name) else { continue };
        if def.module == "common" && g.len() == 1 {
            if let Some(m) = g.iter().next().and_then(|f| module_of.get(f.as_str())) {
                def.module = m.to_string();
            }
        }
    }
    gates
        .into_iter()
        .filter(|(_, g)| !g.is_empty())
        .map(|(n, g)| (n, g.into_iter().collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::ir::Api;

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /orders:
    get:
      operationId: getOrders
      tags: [orders]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
  /refunds:
    get:
      operationId: getRefunds
      tags: [refunds]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Refund'}
  /sandbox:
    get:
      operationId: getSandbox
      tags: [sandbox]
      responses:
        '204': {description: none}
components:
  schemas:
    Money:
      type: object
      properties:
        amount: {type: integer}
    Order:
      type: object
      properties:
        total: {$ref: '#/components/schemas/Money'}
    Refund:
      type: object
      properties:
        amount: {$ref: '#/components/schemas/Money'}
    OrderEnvelope:
      type: object
      properties:
        order: {$ref: '#/components/schemas/Order'}
    Pair:
      type: object
      properties:
        envelope: {$ref: '#/components/schemas/OrderEnvelope'}
        refund: {$ref: '#/components/schemas/Refund'}
"#;

    fn build(config: &str) -> Api {
        let config = Config::from_yaml(config).unwrap_or_else(|e| panic!("{e}"));
        match crate::build_ir(SPEC, "t.yaml", &config) {
            Ok((api, _)) => api,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn gate<'a>(api: &'a Api, name: &str) -> Vec<&'a str> {
        api.gates
            .get(name)
            .map(|g| g.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    fn module<'a>(api: &'a Api, name: &str) -> &'a str {
        api.type_def(name)
            .map(|t| t.module.as_str())
            .unwrap_or_else(|| panic!("{name}"))
    }

    #[test]
    fn a_type_needs_the_features_of_every_resource_type_it_reaches() {
        let api = build("{}");
        assert_eq!(gate(&api, "Order"), ["orders"]);
        assert_eq!(gate(&api, "Money"), Vec::<&str>::new(), "shared by both");
        assert_eq!(module(&api, "Money"), "common");
        // Used by no operation, but wraps an order: it moves to the orders module.
        assert_eq!(gate(&api, "OrderEnvelope"), ["orders"]);
        assert_eq!(module(&api, "OrderEnvelope"), "orders");
        // Reaches both resources (one of them through the envelope): stays shared,
        // compiled only with both.
        assert_eq!(gate(&api, "Pair"), ["orders", "refunds"]);
        assert_eq!(module(&api, "Pair"), "common");
    }

    #[test]
    fn a_resource_feature_never_takes_a_configured_or_reserved_name() {
        let api = build(
            "feature_gated: [{feature: sandbox, description: mocks, operations: [getOrders]}]",
        );
        let features: Vec<&str> = api.resources.iter().map(|r| r.feature.as_str()).collect();
        assert_eq!(features, ["orders", "refunds", "sandbox-api"]);
    }
}
