//! Snapshots (insta) for `spec/`: the IR and the public API surface (one line per
//! method, setter, type, field and value, so a spec update reads as a short diff; the
//! generated crate itself is committed and diffed in full). For each fixture spec in
//! `tests/fixtures/`: the IR and every generated file. Review changes with
//! `cargo insta review`.
//!
//! The golden crates under `tests/golden/` are the same output compiled as workspace
//! members (see `fixtures_decode.rs`); `cargo xtask check` keeps them in step.

use sdk_tests::root;
use sdkgen::config::Config;

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "yaml" || x == "json")
        })
        .filter_map(|e| {
            e.path()
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
        })
        .collect();
    names.sort();
    names
}

fn snapshot_generated(prefix: &str, generated: &sdkgen::Generated, per_file: bool) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(root().join("tests/snapshots").join(prefix));
    settings.bind(|| {
        insta::assert_yaml_snapshot!("ir", generated.api);
        insta::assert_snapshot!(
            "api-surface",
            sdkgen::diff::Surface::of(&generated.api).to_text()
        );
        if !per_file {
            return;
        }
        for (path, text) in &generated.files {
            // The runtime is copied verbatim from templates/; its diffs are reviewed there.
            // The surface file is the JSON form of the `api-surface` snapshot.
            if path.starts_with("src/runtime/") || path == "api-surface.json" {
                continue;
            }
            insta::assert_snapshot!(path.replace('/', "__"), text);
        }
    });
}

#[test]
fn glomo_spec_snapshots() {
    let r = root();
    let generated = sdkgen::generate(
        &r.join("spec/glomo.openapi.yaml"),
        Some(&r.join("spec/sdkgen.yaml")),
        Some(&r.join("templates")),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    snapshot_generated("glomo", &generated, false);
}

#[test]
fn fixture_snapshots() {
    let r = root();
    for name in fixture_names() {
        let path = r.join("tests/fixtures").join(format!("{name}.yaml"));
        let generated = sdkgen::generate(&path, None, Some(&r.join("templates")))
            .unwrap_or_else(|f| panic!("{f}"));
        snapshot_generated(&format!("fixtures/{name}"), &generated, true);
    }
}

#[test]
fn generation_is_deterministic() {
    let r = root();
    let generate = || {
        sdkgen::generate(
            &r.join("spec/glomo.openapi.yaml"),
            Some(&r.join("spec/sdkgen.yaml")),
            Some(&r.join("templates")),
        )
        .unwrap_or_else(|f| panic!("{f}"))
        .files
    };
    let first = generate();
    let second = generate();
    assert_eq!(first.len(), second.len());
    for (path, text) in &first {
        assert_eq!(
            Some(text),
            second.get(path),
            "{path} differs between two runs"
        );
    }
}

#[test]
fn every_component_schema_has_a_model() {
    let r = root();
    let text = std::fs::read_to_string(r.join("spec/glomo.openapi.yaml")).unwrap();
    let raw = sdkgen::load::parse_text(&text).unwrap();
    let components = raw
        .pointer("/components/schemas")
        .and_then(|v| v.as_object())
        .unwrap();
    let config =
        Config::from_yaml(&std::fs::read_to_string(r.join("spec/sdkgen.yaml")).unwrap()).unwrap();
    let (api, _) = sdkgen::build_ir(&text, "glomo.openapi.yaml", &config).unwrap();
    for name in components.keys() {
        let origin = format!("#/components/schemas/{name}");
        assert!(
            api.types.iter().any(|t| t.origin == origin),
            "no model for {origin}"
        );
    }
    let ops: usize = api.resources.iter().map(|r| r.operations.len()).sum();
    let spec_ops = raw
        .pointer("/paths")
        .and_then(|p| p.as_object())
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().keys())
        .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
        .count();
    assert_eq!(ops, spec_ops, "every operation of the spec is in the IR");
}
