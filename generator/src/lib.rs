//! `sdkgen`: generates a typed async Rust SDK crate from an OpenAPI 3.0/3.1 description.
//!
//! The pipeline runs in one direction, one module per stage:
//! [`load`] (file -> normalised JSON -> openapiv3) -> [`ir`] (the SDK as data) ->
//! [`emit`] (IR -> Rust files) -> [`write`](mod@write) (only changed files touch the disk).
//! Vendor specifics come from [`config::Config`], never from code.

pub mod cache;
pub mod config;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod timings;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use diag::Diagnostic;

/// The result of a successful generation.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The IR the files were emitted from.
    pub api: ir::Api,
    /// File text by path relative to the output directory.
    pub files: BTreeMap<String, String>,
    /// Constructs represented only loosely.
    pub warnings: Vec<Diagnostic>,
}

/// Why generation failed: every error found, attributed to a file.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The file the errors are in.
    pub file: PathBuf,
    /// The errors.
    pub errors: Vec<Diagnostic>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {e}", self.file.display())?;
        }
        Ok(())
    }
}

/// Builds the IR from spec text.
pub fn build_ir(
    text: &str,
    source: &str,
    config: &config::Config,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let config_errors = config.validate();
    if !config_errors.is_empty() {
        return Err(config_errors);
    }
    let loaded = timings::time(timings::Stage::Load, || {
        load::load_str_cached(
            text,
            &config.loaded_overlays,
            &config.type_rules,
            &config.type_overrides,
        )
    })?;
    let (api, mut warnings) = timings::time(timings::Stage::Ir, || {
        ir::build::build_with_raw(&loaded.doc, &loaded.raw, config, source)
    })?;
    let mut all = loaded.warnings;
    all.append(&mut warnings);
    Ok((api, all))
}

/// Generates every file from spec text.
pub fn generate_str(
    text: &str,
    source: &str,
    config: &config::Config,
    templates: &emit::Templates,
) -> Result<Generated, Vec<Diagnostic>> {
    let (api, warnings) = build_ir(text, source, config)?;
    let files = emit::emit(&api, templates)?;
    Ok(Generated {
        api,
        files,
        warnings,
    })
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// The runtime and text templates built into the generator (from the workspace's
/// `templates/` at build time), so an installed binary needs no files beside it.
pub fn embedded_templates() -> emit::Templates {
    emit::Templates {
        runtime: embedded::RUNTIME
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect(),
        cargo_toml: embedded::CARGO_TOML.to_string(),
        readme: embedded::README.to_string(),
        extra: BTreeMap::new(),
        quickstart: None,
    }
}

/// Reads the runtime and text templates from a `templates/` directory.
pub fn read_templates(dir: &Path) -> Result<emit::Templates, String> {
    let read =
        |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()));
    let mut runtime = BTreeMap::new();
    let rt_dir = dir.join("runtime");
    let entries = std::fs::read_dir(&rt_dir).map_err(|e| format!("{}: {e}", rt_dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|x| x == "rs") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            runtime.insert(name, read(path)?);
        }
    }
    Ok(emit::Templates {
        runtime,
        cargo_toml: read(dir.join("Cargo.toml.tpl"))?,
        readme: read(dir.join("README.md.tpl"))?,
        extra: BTreeMap::new(),
        quickstart: None,
    })
}

fn fail(file: &Path, errors: Vec<Diagnostic>) -> Failure {
    Failure {
        file: file.to_path_buf(),
        errors,
    }
}

/// Reads a config file and the overlays it names (relative to the config's folder);
/// no config is the default config.
pub fn read_config(config: Option<&Path>) -> Result<config::Config, Failure> {
    let Some(p) = config else {
        return Ok(config::Config::default());
    };
    let t = std::fs::read_to_string(p).map_err(|e| {
        fail(
            p,
            vec![Diagnostic::error(
                "#",
                format!("cannot read the config: {e}"),
            )],
        )
    })?;
    let mut cfg = config::Config::from_yaml(&t).map_err(|e| {
        fail(
            p,
            vec![Diagnostic::error("#", format!("invalid config: {e}"))],
        )
    })?;
    let errors = cfg.validate();
    if !errors.is_empty() {
        return Err(fail(p, errors));
    }
    let base = p.parent().unwrap_or(Path::new("."));
    for (i, name) in cfg.overlays.iter().enumerate() {
        let path = base.join(name);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            fail(
                p,
                vec![Diagnostic::error(
                    format!("#/overlays/{i}"),
                    format!("{}: {e}", path.display()),
                )],
            )
        })?;
        cfg.loaded_overlays.push(load::overlay::Overlay {
            name: name.clone(),
            text,
        });
    }
    Ok(cfg)
}

/// The description as the generator reads it before its own rewrites: the vendor's
/// file with the config's overlays applied (what a mock server should serve).
pub fn overlaid_spec(spec: &Path, config: Option<&Path>) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(spec).map_err(|e| {
        fail(
            spec,
            vec![Diagnostic::error("#", format!("cannot read the file: {e}"))],
        )
    })?;
    let cfg = read_config(config)?;
    load::overlaid(&text, &cfg.loaded_overlays)
        .map(|(doc, _)| doc)
        .map_err(|e| fail(spec, e))
}

/// Generates from files: the spec, an optional config (YAML), and a templates
/// directory that replaces the embedded templates when given.
pub fn generate(
    spec: &Path,
    config: Option<&Path>,
    templates_dir: Option<&Path>,
) -> Result<Generated, Failure> {
    let read_start = timings::enabled().then(std::time::Instant::now);
    let text = std::fs::read_to_string(spec).map_err(|e| {
        fail(
            spec,
            vec![Diagnostic::error("#", format!("cannot read the file: {e}"))],
        )
    })?;
    let cfg = read_config(config)?;
    let mut templates = match templates_dir {
        Some(dir) => read_templates(dir).map_err(|e| {
            fail(
                dir,
                vec![Diagnostic::error(
                    "#",
                    format!("cannot read templates: {e}"),
                )],
            )
        })?,
        None => embedded_templates(),
    };
    if let Some(p) = config {
        let base = p.parent().unwrap_or(Path::new("."));
        for (out, src) in &cfg.extra_files {
            let path = base.join(src);
            let t = std::fs::read_to_string(&path).map_err(|e| {
                fail(
                    p,
                    vec![Diagnostic::error(
                        "#/extra_files",
                        format!("{}: {e}", path.display()),
                    )],
                )
            })?;
            templates.extra.insert(out.clone(), t);
        }
        if let Some(src) = &cfg.readme.quickstart {
            let path = base.join(src);
            let t = std::fs::read_to_string(&path).map_err(|e| {
                fail(
                    p,
                    vec![Diagnostic::error(
                        "#/readme/quickstart",
                        format!("{}: {e}", path.display()),
                    )],
                )
            })?;
            templates.quickstart = Some(t);
        }
    }
    if let Some(t) = read_start {
        timings::add(timings::Stage::Read, t.elapsed());
    }
    let source = spec
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    generate_str(&text, &source, &cfg, &templates).map_err(|e| fail(spec, e))
}
