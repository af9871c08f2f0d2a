//! Project automation: `cargo xtask regen`, `cargo xtask check`, `cargo xtask corpus` and
//! `cargo xtask bench`.
//!
//! `regen` regenerates `generated-sdk/` from `spec/` and every golden fixture crate under
//! `tests/golden/` from `tests/fixtures/`; `check` does the same comparison without
//! writing and fails when anything is stale; `corpus` generates and compiles an SDK for
//! every real-world description of the corpus directory (see [`corpus`]).

mod bench;
mod changes;
mod corpus;

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
    let mut clean = true;
    for job in jobs(&root)? {
        let mut generated =
            sdkgen::generate(&job.spec, job.config.as_deref(), None).map_err(|f| f.to_string())?;
        if job.config.is_some() {
            for w in &generated.warnings {
                eprintln!("{}: {w}", job.spec.display());
            }
        }
        // The change report: only for crates with a config (the fixtures' goldens are
        // test output, not published crates).
        let report = job
            .config
            .as_ref()
            .and_then(|_| changes::report_for(&job.out, &generated))
            .filter(|r| !r.changes.is_empty());
        if let (Some(r), Some(cfg), false) = (&report, &job.config, check) {
            let next = r.next_version();
            // Bump once: a config whose version was already moved past the committed
            // crate's is left as the user set it.
            if changes::needs_bump(r) && generated.api.info.crate_version == r.old_version {
                changes::set_config_version(cfg, &next)?;
                generated =
                    sdkgen::generate(&job.spec, Some(cfg), None).map_err(|f| f.to_string())?;
            }
        }
        let changes =
            sdkgen::write::diff(&job.out, &generated.files, false).map_err(|e| e.to_string())?;
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
        if let Some(r) = &report {
            eprint!("{rel}: {}", r.summary());
        }
        if !check {
            sdkgen::write::apply(&job.out, &generated.files, &changes)
                .map_err(|e| e.to_string())?;
            if let Some(r) = &report {
                let version = generated.api.info.crate_version.clone();
                changes::prepend_changelog(&job.out, r, &version)?;
                let md = root.join("target/api-changes.md");
                let _ = std::fs::create_dir_all(root.join("target"));
                std::fs::write(
                    &md,
                    r.markdown(&format!("## {} {version}", generated.api.info.crate_name)),
                )
                .map_err(|e| format!("{}: {e}", md.display()))?;
                eprintln!(
                    "{rel}: full report in {} and {rel}/CHANGELOG.md",
                    md.display()
                );
            }
        }
    }
    Ok(clean)
}

/// `cargo xtask diff OLD NEW [--config FILE]`: the change report between two
/// description files, on stdout as Markdown; nothing is written.
fn diff_command(args: &[String]) -> Result<(), String> {
    let mut files = Vec::new();
    let mut config = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--config" {
            config = Some(PathBuf::from(it.next().ok_or("--config needs a file")?));
        } else {
            files.push(PathBuf::from(a));
        }
    }
    let [old, new] = files.as_slice() else {
        return Err("usage: cargo xtask diff OLD NEW [--config FILE]".into());
    };
    let side = |spec: &Path| {
        sdkgen::generate(spec, config.as_deref(), None)
            .map(|g| sdkgen::diff::Surface::of(&g.api))
            .map_err(|f| f.to_string())
    };
    let report = sdkgen::diff::compare(&side(old)?, &side(new)?);
    eprint!("{}", report.summary());
    print!(
        "{}",
        report.markdown(&format!("## {} -> {}", old.display(), new.display()))
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args.first().cloned().unwrap_or_default();
    let rest = args.get(1..).unwrap_or_default();
    let check = match cmd.as_str() {
        "regen" => false,
        "check" => true,
        "diff" => {
            return match diff_command(rest) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(2)
                }
            };
        }
        "corpus" => return corpus::main(&root(), rest),
        "bench" => return bench::main(&root(), rest),
        "corpus-generate" => return corpus::generate_child(rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <regen|check|diff|corpus|bench>\n  regen   regenerate generated-sdk/ and tests/golden/ from their specs\n  check   fail if either is stale\n  diff OLD NEW [--config FILE]  API change report between two description files\n  corpus  generate and compile every spec of the real-world corpus (--help)\n  bench   time sdkgen and its crate against a peer generator (--help)"
            );
            return ExitCode::from(2);
        }
    };
    // Formatted files are reused across runs from the target directory (output is
    // the same with or without; see `sdkgen::cache`).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    sdkgen::cache::enable(target.join("sdkgen-format-cache"));
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
