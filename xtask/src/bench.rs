//! `cargo xtask bench`: the generator and the generated crate side by side with a peer
//! generator (ploidy 0.15, the fastest Rust one measured), on the same machine in the
//! same run, so every figure comes with its yardstick.
//!
//! Rows: the crate-only debug build of each crate for `spec/` (`cargo clean -p <crate>`
//! then `cargo build`, dependencies already built), regeneration from `spec/` (cold,
//! with the cache warm, and after a vendor update: the cache as Glomo's earlier
//! published file left it), and regeneration of large descriptions from the corpus
//! directory. Each measurement is a
//! whole child process, run alternately for the two sides (the order flips every round,
//! so a neighbour's load hits both alike), `--runs` times; the median is reported. Wall
//! time is taken here; CPU time and peak memory (the largest resident set of any one
//! process of the tree, e.g. one `rustc`) come from `/usr/bin/time` when it is installed.
//!
//! Everything lives in `target/bench/` (git-ignored): the peer is installed there with
//! `cargo install --locked` on first use, its crate is generated and built there with
//! its own target directory, and both generators write their output there.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask bench [--runs N] [--corpus DIR] [--no-build] [SPEC...]
  Times sdkgen and the generated crate against ploidy 0.15 and its crate for the
  same description, alternately, and prints the medians and their ratios.
  --runs N      runs per measurement (default 5, also the most the build rows use)
  --corpus DIR  the corpus directory (default: $SDKGEN_CORPUS, else
                ../shared/corpus/specs relative to the workspace root)
  --no-build    skip the crate build rows (the slow part)
  SPEC          corpus file names to regenerate (default: sentry.json lithic.yaml)";

const PEER_VERSION: &str = "0.15.0";

struct Options {
    runs: usize,
    corpus: PathBuf,
    build: bool,
    specs: Vec<String>,
}

fn parse_args(root: &Path, args: &[String]) -> Result<Options, String> {
    let mut runs = 5;
    let mut corpus = None;
    let mut build = true;
    let mut specs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => {
                let n = it.next().ok_or("--runs needs a number")?;
                runs = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("--runs: `{n}` is not a positive number"))?;
            }
            "--corpus" => {
                corpus = Some(PathBuf::from(
                    it.next().ok_or("--corpus needs a directory")?,
                ));
            }
            "--no-build" => build = false,
            "-h" | "--help" => return Err(USAGE.to_string()),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`\n{USAGE}")),
            s => specs.push(s.to_string()),
        }
    }
    if specs.is_empty() {
        specs = vec!["sentry.json".into(), "lithic.yaml".into()];
    }
    let corpus = crate::corpus::corpus_dir(root, corpus);
    Ok(Options {
        runs,
        corpus,
        build,
        specs,
    })
}

/// One measured process.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: f64,
    /// User + system seconds, when `/usr/bin/time` is there.
    cpu: Option<f64>,
    /// Peak resident set in MB, when `/usr/bin/time` is there.
    mem: Option<f64>,
}

/// Medians of several samples.
#[derive(Debug, Clone, Copy)]
struct Stats {
    wall: f64,
    cpu: Option<f64>,
    mem: Option<f64>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn stats(samples: &[Sample]) -> Stats {
    let opt = |f: fn(&Sample) -> Option<f64>| -> Option<f64> {
        let v: Option<Vec<f64>> = samples.iter().map(f).collect();
        v.map(median)
    };
    Stats {
        wall: median(samples.iter().map(|s| s.wall).collect()),
        cpu: opt(|s| s.cpu),
        mem: opt(|s| s.mem),
    }
}

const TIME: &str = "/usr/bin/time";

/// The most runs a crate build row makes (each takes seconds).
const BUILD_RUNS: usize = 5;

/// Runs `program args` in `dir` with `envs`, output discarded; its wall time, and its
/// CPU time and peak memory through `/usr/bin/time` when available.
fn measure(
    dir: &Path,
    envs: &[(&str, &Path)],
    program: &Path,
    args: &[&str],
) -> Result<Sample, String> {
    let report = std::env::temp_dir().join(format!("xtask-bench-{}.time", std::process::id()));
    let timed = Path::new(TIME).exists();
    let mut cmd = if timed {
        let mut c = Command::new(TIME);
        c.arg("-f")
            .arg("%U %S %M")
            .arg("-o")
            .arg(&report)
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let wall = start.elapsed().as_secs_f64();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(8).collect();
        return Err(format!(
            "{} {} failed ({}):\n{}",
            program.display(),
            args.join(" "),
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let (mut cpu, mut mem) = (None, None);
    if timed {
        let text = std::fs::read_to_string(&report).unwrap_or_default();
        let _ = std::fs::remove_file(&report);
        // The last line: `/usr/bin/time` may print a status line before it.
        let nums: Vec<f64> = text
            .lines()
            .last()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        if let [user, sys, kb] = nums.as_slice() {
            cpu = Some(user + sys);
            mem = Some(kb / 1024.0);
        }
    }
    Ok(Sample { wall, cpu, mem })
}

/// Runs a preparation step (not timed); fails on a non-zero exit.
fn prepare(
    dir: &Path,
    envs: &[(&str, &Path)],
    program: &Path,
    args: &[&str],
) -> Result<(), String> {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {} failed ({}):\n{}",
            program.display(),
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The format cache sdkgen regenerates with.
enum Cache<'a> {
    /// `--no-cache`: every file formatted.
    Off,
    /// Filled by an untimed run of the same description.
    Warm,
    /// `dir`, put back before every run by the shell command `restore`.
    Restored { dir: &'a Path, restore: String },
}

/// One side of a comparison: an untimed preparation (e.g. `cargo clean -p`), then the
/// timed command.
struct Side<'a> {
    dir: &'a Path,
    envs: Vec<(&'a str, &'a Path)>,
    prep: Option<(&'a Path, Vec<&'a str>)>,
    program: &'a Path,
    args: Vec<&'a str>,
}

impl Side<'_> {
    fn run(&self) -> Result<Sample, String> {
        if let Some((p, a)) = &self.prep {
            prepare(self.dir, &self.envs, p, a)?;
        }
        measure(self.dir, &self.envs, self.program, &self.args)
    }
}

/// Both sides `runs` times, alternately, the order flipping each round.
fn compare(ours: &Side<'_>, peer: &Side<'_>, runs: usize) -> Result<Compared, String> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..runs {
        if i % 2 == 0 {
            a.push(ours.run()?);
            b.push(peer.run()?);
        } else {
            b.push(peer.run()?);
            a.push(ours.run()?);
        }
    }
    let mut pairs: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x.wall / y.wall).collect();
    pairs.sort_by(f64::total_cmp);
    Ok(Compared {
        ours: stats(&a),
        peer: stats(&b),
        pairs,
    })
}

/// Both sides of one row, and the wall-time ratio of each pair of runs made one after
/// the other (sorted): on a machine whose speed drifts, the median of those ratios is
/// steadier than the ratio of the medians.
struct Compared {
    ours: Stats,
    peer: Stats,
    pairs: Vec<f64>,
}

fn fmt_side(s: &Stats) -> String {
    let mut t = format!("{:.3} s wall", s.wall);
    if let Some(c) = s.cpu {
        t.push_str(&format!(", {c:.3} s cpu"));
    }
    if let Some(m) = s.mem {
        t.push_str(&format!(", {m:.0} MB"));
    }
    t
}

fn fmt_ratio(a: &Stats, b: &Stats) -> String {
    let mut t = format!("{:.2}x wall", a.wall / b.wall);
    if let (Some(x), Some(y)) = (a.cpu, b.cpu) {
        t.push_str(&format!(", {:.2}x cpu", x / y));
    }
    if let (Some(x), Some(y)) = (a.mem, b.mem) {
        t.push_str(&format!(", {:.2}x memory", x / y));
    }
    t
}

fn row(what: &str, c: &Compared) -> String {
    let mut ratio = fmt_ratio(&c.ours, &c.peer);
    if let (Some(lo), Some(hi)) = (c.pairs.first(), c.pairs.last()) {
        ratio.push_str(&format!(
            "; paired {:.2}x wall ({lo:.2}..{hi:.2})",
            median(c.pairs.clone())
        ));
    }
    format!(
        "| {what} | {} | {} | {ratio} |",
        fmt_side(&c.ours),
        fmt_side(&c.peer),
    )
}

/// Installs the peer into `target/bench/ploidy` unless it is there.
fn peer_binary(scratch: &Path, cargo: &Path) -> Result<PathBuf, String> {
    let root = scratch.join("ploidy");
    let bin = root.join("bin/ploidy");
    if !bin.exists() {
        eprintln!(
            "bench: installing ploidy {PEER_VERSION} into {}",
            root.display()
        );
        let root_s = root.to_string_lossy().to_string();
        prepare(
            scratch,
            &[],
            cargo,
            &[
                "install",
                "--locked",
                "ploidy",
                "--version",
                PEER_VERSION,
                "--root",
                &root_s,
            ],
        )?;
    }
    Ok(bin)
}

/// Generates the peer's crate for `spec` into `out`, standing alone (own workspace).
fn peer_crate(ploidy: &Path, spec: &Path, out: &Path, name: &str) -> Result<(), String> {
    let (spec_s, out_s) = (spec.to_string_lossy(), out.to_string_lossy());
    prepare(
        Path::new("."),
        &[],
        ploidy,
        &["generate", "rust", &spec_s, "-o", &out_s, "--name", name],
    )?;
    let manifest = out.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    if !text.contains("[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    Ok(())
}

fn run(root: &Path, opts: &Options) -> Result<(), String> {
    let cargo = PathBuf::from(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let scratch = root.join("target/bench");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let ploidy = peer_binary(&scratch, &cargo)?;
    eprintln!("bench: building sdkgen (release)");
    prepare(
        root,
        &[],
        &cargo,
        &["build", "--release", "-q", "-p", "sdkgen"],
    )?;
    let sdkgen = target.join("release/sdkgen");
    let spec = root.join("spec/glomo.openapi.yaml");
    let config = root.join("spec/sdkgen.yaml");
    let mut rows = Vec::new();

    if opts.build {
        let peer_dir = scratch.join("glomo_ploidy");
        let peer_target = scratch.join("ploidy-target");
        peer_crate(&ploidy, &spec, &peer_dir, "glomo_ploidy")?;
        eprintln!("bench: building both crates' dependencies (not timed)");
        // One debug-info setting for both crates (this workspace's own), so the row
        // compares the code, not the profiles.
        let debug = ("CARGO_PROFILE_DEV_DEBUG", Path::new("line-tables-only"));
        let env_ours = [("CARGO_TARGET_DIR", target.as_path()), debug];
        let env_peer = [("CARGO_TARGET_DIR", peer_target.as_path()), debug];
        prepare(root, &env_ours, &cargo, &["build", "-q", "-p", "glomo-sdk"])?;
        prepare(&peer_dir, &env_peer, &cargo, &["build", "-q"])?;
        let ours = Side {
            dir: root,
            envs: env_ours.to_vec(),
            prep: Some((&cargo, vec!["clean", "-q", "-p", "glomo-sdk"])),
            program: &cargo,
            args: vec!["build", "-q", "-p", "glomo-sdk"],
        };
        let peer = Side {
            dir: &peer_dir,
            envs: env_peer.to_vec(),
            prep: Some((&cargo, vec!["clean", "-q", "-p", "glomo_ploidy"])),
            program: &cargo,
            args: vec!["build", "-q"],
        };
        eprintln!("bench: crate-only debug builds");
        let c = compare(&ours, &peer, opts.runs.min(BUILD_RUNS))?;
        rows.push(row(
            "crate-only debug build (`cargo clean -p <crate> && cargo build`, deps prebuilt)",
            &c,
        ));
        // ploidy's runtime is a separate crate (`ploidy-util`), prebuilt in the row
        // above, while glomo-sdk compiles its runtime in. On a service's clean build
        // both are compiled, so this row rebuilds ploidy's runtime with its crate.
        let peer_with_runtime = Side {
            prep: Some((
                &cargo,
                vec!["clean", "-q", "-p", "glomo_ploidy", "-p", "ploidy-util"],
            )),
            args: vec!["build", "-q"],
            dir: &peer_dir,
            envs: env_peer.to_vec(),
            program: &cargo,
        };
        eprintln!("bench: crate-only debug builds, the peer's runtime crate included");
        let c = compare(&ours, &peer_with_runtime, opts.runs.min(BUILD_RUNS))?;
        rows.push(row(
            "the same, ploidy's runtime crate `ploidy-util` rebuilt too (glomo-sdk has its runtime inside)",
            &c,
        ));
        // A service using one resource: glomo-sdk with only the `payouts` feature,
        // against the peer's whole crate (it has no such features).
        let one = [
            "build",
            "-q",
            "-p",
            "glomo-sdk",
            "--no-default-features",
            "--features",
            "payouts",
        ];
        prepare(root, &env_ours, &cargo, &one)?;
        let ours_one = Side {
            args: one.to_vec(),
            ..ours
        };
        eprintln!("bench: crate-only debug builds, one resource");
        let c = compare(&ours_one, &peer, opts.runs.min(BUILD_RUNS))?;
        rows.push(row(
            "the same, glomo-sdk with one resource (`--no-default-features --features payouts`)",
            &c,
        ));
    }

    let regen_dir = scratch.join("regen");
    let format_cache = scratch.join("format-cache");
    let regen = |what: String,
                 spec: &Path,
                 config: Option<&Path>,
                 name: &str,
                 cache: &Cache<'_>|
     -> Result<String, String> {
        let ours_out = regen_dir.join("sdkgen").join(name);
        let peer_out = regen_dir.join("ploidy").join(name);
        let (spec_s, ours_s, peer_s) = (
            spec.to_string_lossy().to_string(),
            ours_out.to_string_lossy().to_string(),
            peer_out.to_string_lossy().to_string(),
        );
        let config_s = config.map(|c| c.to_string_lossy().to_string());
        let mut ours_args = vec![spec_s.as_str(), "-o", &ours_s, "-q"];
        if let Some(c) = &config_s {
            ours_args.extend(["-c", c.as_str()]);
        }
        let (cache_dir, prep) = match cache {
            Cache::Off => {
                ours_args.push("--no-cache");
                (format_cache.as_path(), None)
            }
            Cache::Warm => (format_cache.as_path(), None),
            Cache::Restored { dir, restore } => {
                (*dir, Some((Path::new("sh"), vec!["-c", restore.as_str()])))
            }
        };
        let ours = Side {
            dir: root,
            envs: vec![("SDKGEN_CACHE_DIR", cache_dir)],
            prep,
            program: &sdkgen,
            args: ours_args,
        };
        let peer = Side {
            dir: root,
            envs: Vec::new(),
            prep: None,
            program: &ploidy,
            args: vec!["generate", "rust", &spec_s, "-o", &peer_s, "--name", name],
        };
        // One untimed run each: the output directories exist from then on, so every
        // timed run regenerates over earlier output.
        ours.run()?;
        peer.run()?;
        eprintln!("bench: {what}");
        let c = compare(&ours, &peer, opts.runs)?;
        Ok(row(&what, &c))
    };
    for (cache, how) in [
        (Cache::Off, "cold, `--no-cache`"),
        (Cache::Warm, "format cache warm"),
    ] {
        rows.push(regen(
            format!("regenerate from `spec/` (release binary; {how})"),
            &spec,
            Some(&config),
            "glomo",
            &cache,
        )?);
    }
    // After an update: the cache holds what the earlier description left, restored
    // before each timed run, so every run is the first of the new description.
    let config_s = config.to_string_lossy().to_string();
    let after_update = |what: String, earlier: &Path, now: &Path, label: &str| {
        let before = scratch.join(format!("format-cache-{label}-before"));
        let dir = scratch.join(format!("format-cache-{label}"));
        let _ = std::fs::remove_dir_all(&before);
        let out = regen_dir
            .join("sdkgen")
            .join(format!("glomo-{label}-before"));
        let (earlier_s, out_s) = (
            earlier.to_string_lossy().to_string(),
            out.to_string_lossy().to_string(),
        );
        prepare(
            root,
            &[("SDKGEN_CACHE_DIR", before.as_path())],
            &sdkgen,
            &[&earlier_s, "-o", &out_s, "-c", &config_s, "-q"],
        )?;
        let restore = format!(
            "rm -rf '{0}' && cp -r '{1}' '{0}'",
            dir.display(),
            before.display()
        );
        regen(
            what,
            now,
            Some(&config),
            "glomo",
            &Cache::Restored { dir: &dir, restore },
        )
    };
    // A small vendor update: one optional property added to one schema.
    match one_field_added(&spec, &scratch) {
        Ok((changed, schema)) => rows.push(after_update(
            format!("regenerate from `spec/` with one optional property added to `{schema}` (cache left by the unchanged file)"),
            &spec,
            &changed,
            "one-field",
        )?),
        Err(e) => rows.push(format!(
            "| regenerate after a one-field change | not run: {e} | | |"
        )),
    }
    // A real one: the file Glomo published earlier (`../shared/glomo-api/history/`).
    let previous = root.join("../shared/glomo-api/history/glomo-2025.openapi.json");
    if previous.is_file() {
        rows.push(after_update(
            "regenerate from `spec/` after a vendor update (cache left by Glomo's earlier published file)".into(),
            &previous,
            &spec,
            "update",
        )?);
    } else {
        rows.push(
            "| regenerate after a vendor update | not run: no earlier published file | | |".into(),
        );
    }
    for name in &opts.specs {
        let path = opts.corpus.join(name);
        let size = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) => {
                rows.push(format!("| regenerate `{name}` | not run: {e} | | |"));
                continue;
            }
        };
        let crate_name: String = name
            .split('.')
            .next()
            .unwrap_or("spec")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        for (cache, how) in [(Cache::Off, "cold"), (Cache::Warm, "format cache warm")] {
            let what = format!(
                "regenerate `{name}` ({:.1} MB, no config; {how})",
                size as f64 / 1e6
            );
            match regen(what.clone(), &path, None, &crate_name, &cache) {
                Ok(r) => rows.push(r),
                Err(e) => rows.push(format!(
                    "| {what} | failed: {} | | |",
                    e.lines().next().unwrap_or_default()
                )),
            }
        }
    }

    println!(
        "\n{} runs per row (median, and the median ratio of runs made one after the other; builds: {}), {} core(s)\n",
        opts.runs,
        opts.runs.min(BUILD_RUNS),
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    println!("| what | glomo-sdk / sdkgen | ploidy {PEER_VERSION} | ratio |");
    println!("|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    Ok(())
}

/// Runs `cargo xtask bench`.
pub fn main(root: &Path, args: &[String]) -> ExitCode {
    let opts = match parse_args(root, args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(root, &opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `spec` with one optional string property added to its alphabetically first schema
/// that has properties, written as JSON into `scratch`: the file, and the schema's name.
fn one_field_added(spec: &Path, scratch: &Path) -> Result<(PathBuf, String), String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let mut doc = sdkgen::load::parse_text(&text).map_err(|e| e.to_string())?;
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or("the description has no `components.schemas`")?;
    let mut names: Vec<&String> = schemas
        .iter()
        .filter(|(_, s)| {
            s.get("properties")
                .is_some_and(serde_json::Value::is_object)
        })
        .map(|(name, _)| name)
        .collect();
    names.sort();
    let name = names
        .first()
        .map(|n| n.to_string())
        .ok_or("no schema has properties")?;
    if let Some(props) = schemas
        .get_mut(&name)
        .and_then(|s| s.get_mut("properties"))
        .and_then(serde_json::Value::as_object_mut)
    {
        props.insert(
            "bench_added_field".into(),
            serde_json::json!({"type": "string", "description": "Added by the benchmark."}),
        );
    }
    let out = scratch.join("one-field-added.openapi.json");
    let json = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    std::fs::write(&out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok((out, name))
}
