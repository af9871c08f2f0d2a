//! Where generation time goes, per stage, printed to stderr when `SDKGEN_TIMINGS` is set.
//!
//! Stages: `read` (spec, config and templates from disk), `load`, `ir`, `emit` (wall
//! time) and `write`; inside `emit`, the time spent building token streams (`quote`),
//! parsing them into syntax trees (`syn`) and printing those (`prettyplease`) is summed
//! over every thread, so on several cores the three add up to more than `emit`'s wall
//! time. The counters cost two clock reads per measured span and nothing else. After
//! `load`, `ir` and `emit`, the process's peak resident memory so far is noted too
//! (Linux only: `VmHWM` of `/proc/self/status`), which tells the stage that set it.

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
/// Peak resident memory in KiB when the stage ended (0: not measured).
static PEAK_KIB: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];

/// The process's peak resident set so far, in KiB, where the system reports it.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

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
    if matches!(stage, Stage::Load | Stage::Ir | Stage::Emit) {
        if let Some(kib) = peak_kib() {
            PEAK_KIB[stage as usize].fetch_max(kib, Ordering::Relaxed);
        }
    }
    r
}

/// The counters as text, one stage a line, in milliseconds.
pub fn report() -> String {
    STAGES
        .iter()
        .map(|(s, name)| {
            let ms = NANOS[*s as usize].load(Ordering::Relaxed) as f64 / 1e6;
            match PEAK_KIB[*s as usize].load(Ordering::Relaxed) {
                0 => format!("{name:<28} {ms:>9.1} ms\n"),
                kib => format!(
                    "{name:<28} {ms:>9.1} ms   peak memory by then {:.0} MB\n",
                    kib as f64 / 1024.0
                ),
            }
        })
        .collect()
}
