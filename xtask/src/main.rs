//! Project automation: `cargo xtask regen` and `cargo xtask check`.
//!
//! `regen` regenerates `generated-sdk/` from `spec/` and every golden fixture crate under
//! `tests/golden/` from `tests/fixtures/`; `check` does the same comparison without
//! writing and fails when anything is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// One generation job: spec, config, output directory.
struct Job {
    spec: PathBuf,
    config: Option<PathBuf>,
    out: PathBuf,
}

fn jobs(root: &Path) -> Result<Vec<Job>, String> {
    let mut jobs = vec![Job {
        spec: root.join("spec/glomo.openapi.yaml"),
        config: Some(root.join("spec/sdkgen.yaml")),
        out: root.join("generated-sdk"),
    }];
    let dir = root.join("tests/fixtures");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    specs.sort();
    for spec in specs {
        let name = spec
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        // Fixtures have no config: the defaults (crate name from `info.title`) are
        // part of what they test.
        jobs.push(Job {
            out: root.join("tests/golden").join(&name),
            spec,
            config: None,
        });
    }
    Ok(jobs)
}

fn run(check: bool) -> Result<bool, String> {
    let root = root();
    let templates = root.join("templates");
    let mut clean = true;
    for job in jobs(&root)? {
        let generated = sdkgen::generate(&job.spec, job.config.as_deref(), &templates)
            .map_err(|f| f.to_string())?;
        let changes = sdkgen::write::diff(&job.out, &generated.files).map_err(|e| e.to_string())?;
        if changes.is_empty() {
            continue;
        }
        clean = false;
        let rel = job
            .out
            .strip_prefix(&root)
            .unwrap_or(&job.out)
            .display()
            .to_string();
        for c in &changes {
            eprintln!("{rel}: {c}");
        }
        if !check {
            sdkgen::write::apply(&job.out, &generated.files, &changes)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(clean)
}

fn main() -> ExitCode {
    let cmd = std::env::args().nth(1).unwrap_or_default();
    let check = match cmd.as_str() {
        "regen" => false,
        "check" => true,
        _ => {
            eprintln!(
                "usage: cargo xtask <regen|check>\n  regen  regenerate generated-sdk/ and tests/golden/ from their specs\n  check  fail if either is stale"
            );
            return ExitCode::from(2);
        }
    };
    match run(check) {
        Ok(true) => {
            eprintln!("generated output is up to date");
            ExitCode::SUCCESS
        }
        Ok(false) if check => {
            eprintln!("generated output is stale: run `cargo xtask regen` and commit the result");
            ExitCode::FAILURE
        }
        Ok(false) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
