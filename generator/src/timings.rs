//! Where generation time goes, per stage, printed to stderr when `SDKGEN_TIMINGS` is set.
//!
//! Stages: `read` (spec, config and templates from disk), `load`, `ir`, `emit` (wall
//! time) and `write`; inside `emit`, the time spent building token streams (`quote`),
//! parsing them into syntax trees (`syn`) and printing those (`prettyplease`) is summed
//! over every thread, so on several cores the three add up to more than `emit`'s wall
//! time. The counters cost two clock reads per measured span and nothing else.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A measured stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the spec, config and templates.
    Read,
    /// Parsing and normalising the description.
    Load,
    /// Building the IR.
    Ir,
    /// The whole emit stage, wall time.
    Emit,
    /// Building token streams (summed over threads).
    Quote,
    /// Parsing token streams into `syn` trees (summed over threads).
    Syn,
    /// Printing `syn` trees (summed over threads).
    Print,
    /// Hashing token streams and reading the format cache (summed over threads).
    Cache,
    /// Comparing with and writing to the output directory.
    Write,
}

const STAGES: [(Stage, &str); 9] = [
    (Stage::Read, "read"),
    (Stage::Load, "load"),
    (Stage::Ir, "ir"),
    (Stage::Emit, "emit"),
    (Stage::Quote, "  quote (all threads)"),
    (Stage::Syn, "  syn parse (all threads)"),
    (Stage::Print, "  prettyplease (all threads)"),
    (Stage::Cache, "  format cache (all threads)"),
    (Stage::Write, "write"),
];

static NANOS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];

/// Whether `SDKGEN_TIMINGS` is set (read once).
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("SDKGEN_TIMINGS").is_some_and(|v| !v.is_empty()))
}

/// Adds `d` to `stage`.
pub fn add(stage: Stage, d: Duration) {
    let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    NANOS[stage as usize].fetch_add(nanos, Ordering::Relaxed);
}

/// Runs `f`, counting its time to `stage` when timings are on.
pub fn time<R>(stage: Stage, f: impl FnOnce() -> R) -> R {
    if !enabled() {
        return f();
    }
    let t = Instant::now();
    let r = f();
    add(stage, t.elapsed());
    r
}

/// The counters as text, one stage a line, in milliseconds.
pub fn report() -> String {
    STAGES
        .iter()
        .map(|(s, name)| {
            let ms = NANOS[*s as usize].load(Ordering::Relaxed) as f64 / 1e6;
            format!("{name:<28} {ms:>9.1} ms\n")
        })
        .collect()
}
