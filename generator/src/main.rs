//! `sdkgen` command line: generate an SDK crate from an OpenAPI description.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generates a typed async Rust SDK crate from an OpenAPI 3.0/3.1 description.
#[derive(Debug, Parser)]
#[command(name = "sdkgen", version, about)]
struct Cli {
    /// The OpenAPI description (YAML or JSON).
    spec: PathBuf,
    /// Directory of the generated crate (created if missing).
    #[arg(short, long)]
    out: PathBuf,
    /// Generator config (YAML) with crate name, environments and naming overrides.
    #[arg(short, long)]
    config: Option<PathBuf>,
    /// Directory with runtime and crate templates to use instead of the built-in ones.
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Write nothing; exit with status 1 and list the files that differ.
    #[arg(long)]
    check: bool,
    /// Write into a non-empty directory that holds no earlier sdkgen output
    /// (files with the same paths are overwritten; nothing is deleted).
    #[arg(long)]
    force: bool,
    /// Do not print warnings.
    #[arg(short, long)]
    quiet: bool,
    /// Format every file anew instead of reusing formatted files from the cache
    /// (`$SDKGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/sdkgen`, else `~/.cache/sdkgen`).
    #[arg(long)]
    no_cache: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !cli.no_cache {
        if let Some(dir) = sdkgen::cache::default_dir() {
            sdkgen::cache::enable(dir);
        }
    }
    let generated =
        match sdkgen::generate(&cli.spec, cli.config.as_deref(), cli.templates.as_deref()) {
            Ok(g) => g,
            Err(failure) => {
                eprintln!("{failure}");
                return ExitCode::from(2);
            }
        };
    if !cli.quiet {
        for w in &generated.warnings {
            eprintln!("{}: {w}", cli.spec.display());
        }
    }
    let write_start = std::time::Instant::now();
    let changes = match sdkgen::write::diff(&cli.out, &generated.files, cli.force) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {e}", cli.out.display());
            return ExitCode::from(2);
        }
    };
    if cli.check {
        if changes.is_empty() {
            return ExitCode::SUCCESS;
        }
        eprintln!("{} is stale; `sdkgen` would change:", cli.out.display());
        for c in &changes {
            eprintln!("  {c}");
        }
        return ExitCode::from(1);
    }
    if let Err(e) = sdkgen::write::apply(&cli.out, &generated.files, &changes) {
        eprintln!("{}: {e}", cli.out.display());
        return ExitCode::from(2);
    }
    if !cli.quiet {
        eprintln!("{} file(s) changed in {}", changes.len(), cli.out.display());
    }
    sdkgen::cache::prune();
    if sdkgen::timings::enabled() {
        sdkgen::timings::add(sdkgen::timings::Stage::Write, write_start.elapsed());
        eprint!("{}", sdkgen::timings::report());
        let (files, hits, misses) = sdkgen::cache::stats();
        eprintln!(
            "format cache: {files} file(s) reused whole; {hits} piece(s) reused, {misses} formatted"
        );
        let loaded = if sdkgen::cache::loads_reused() > 0 {
            "reused"
        } else {
            "parsed"
        };
        eprintln!("load cache: description {loaded}");
    }
    ExitCode::SUCCESS
}
