//! A content-addressed cache of formatted code, so that a regeneration formats only
//! the pieces whose tokens changed, and builds no tokens at all when the IR did not
//! change.
//!
//! Formatting (parsing tokens with `syn`, printing them with `prettyplease`) is most of
//! the emit stage, and after a spec update most code comes out as the same tokens as
//! last time. A file is formatted in pieces (a model module in runs of types, see
//! `emit::crate_files::runs`; other files whole). The key of a piece's entry is a
//! 128-bit hash of its tokens, its file's path and the generator build; the entry is
//! the formatted text, led by a line holding the hash of that text, so a damaged entry
//! is ignored rather than used. The output is the same with or without the cache: an
//! entry is only ever the formatter's own output for exactly those tokens.
//!
//! Building the tokens is itself half the emit stage, so a second kind of entry skips
//! it: keyed by a hash of the whole IR (its serialised form), the generator's sources
//! and the file's path, a `.ref` entry names an entry holding the file's whole text (or
//! records that the file is not emitted). Emission is a pure function of the IR and the
//! generator's code, so equal keys mean equal text; any change to the IR misses every
//! `.ref` entry and falls back to the pieces' token keys.
//!
//! The load stage keeps one more kind of entry (`.json`): keyed by the description's
//! text, its overlays and type corrections and the generator's sources, it holds the
//! document as loading left it (parsed, overlaid, repaired, normalised) and the
//! warnings loading gave, so an unchanged description is not parsed as YAML and
//! rewritten again; see [`crate::load::load_str_cached`].
//!
//! Off unless enabled (the `sdkgen` binary enables it; `--no-cache` turns it off).
//! Entries not written for 30 days are pruned after a run that added entries.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use proc_macro2::TokenStream;

static CACHE: OnceLock<PathBuf> = OnceLock::new();
static HITS: AtomicU64 = AtomicU64::new(0);
static MISSES: AtomicU64 = AtomicU64::new(0);
static WRITES: AtomicU64 = AtomicU64::new(0);
static LOADS_REUSED: AtomicU64 = AtomicU64::new(0);
static FILES_REUSED: AtomicU64 = AtomicU64::new(0);

/// What identifies this generator build beyond its tokens: its version and that of
/// the formatter it links.
const BUILD: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "/prettyplease-",
    env!("SDKGEN_PRETTYPLEASE_VERSION")
);

/// What identifies the generator's code: a hash of its sources and lockfile (from
/// `build.rs`), which keys the entries found from the IR alone.
const SOURCE: &str = env!("SDKGEN_SOURCE_HASH");

/// Turns the cache on for this process, in `dir` (created when first written). Later
/// calls are ignored.
pub fn enable(dir: PathBuf) {
    let _ = CACHE.set(dir);
}

/// The default cache directory: `$SDKGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/sdkgen`, else
/// `$HOME/.cache/sdkgen`; `None` when none of them is set.
pub fn default_dir() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("SDKGEN_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("sdkgen")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("sdkgen")))
}

/// Files read back whole for an unchanged IR, then pieces of other files taken from
/// the cache and pieces formatted anew, in this process so far.
pub fn stats() -> (u64, u64, u64) {
    (
        FILES_REUSED.load(Ordering::Relaxed),
        HITS.load(Ordering::Relaxed),
        MISSES.load(Ordering::Relaxed),
    )
}

/// The formatted text of a piece of code: from the cache when enabled and holding it,
/// else from `format` (then stored).
pub(crate) fn formatted<E>(
    path: &str,
    tokens: TokenStream,
    format: impl FnOnce(TokenStream) -> Result<String, E>,
) -> Result<String, E> {
    let Some(dir) = CACHE.get() else {
        return format(tokens);
    };
    use crate::timings::{Stage, time};
    let key = time(Stage::Cache, || key(path, &tokens));
    let entry = dir.join(format!("{key:032x}.rs"));
    if let Some(text) = time(Stage::Cache, || read(&entry)) {
        HITS.fetch_add(1, Ordering::Relaxed);
        return Ok(text);
    }
    MISSES.fetch_add(1, Ordering::Relaxed);
    let text = format(tokens)?;
    write(dir, &entry, &text);
    Ok(text)
}

/// The key of the IR for [`formatted_from_ir`]: `None` when the cache is off or the IR
/// cannot be serialised.
pub(crate) fn ir_key(api: &crate::ir::Api) -> Option<u128> {
    CACHE.get()?;
    crate::timings::time(crate::timings::Stage::Cache, || {
        let mut both = Both::salted(3, 4, &[SOURCE, BUILD]);
        serde_json::to_writer(&mut both, api).ok()?;
        Some(both.finish())
    })
}

/// The text of the file at `path`, `None` when `make` yields none (the file is not
/// emitted). With an IR key (see [`ir_key`]), a `.ref` entry recorded for that IR and
/// path is followed to the text without calling `make`; otherwise `make` builds and
/// formats the file (its pieces through [`formatted`]), and the text is stored with a
/// `.ref` entry naming it.
pub(crate) fn formatted_from_ir<E>(
    ir: Option<u128>,
    path: &str,
    make: impl FnOnce() -> Result<Option<String>, E>,
) -> Result<Option<String>, E> {
    from_ir_in(CACHE.get().map(PathBuf::as_path), ir, path, make)
}

/// [`formatted_from_ir`] with the cache in `dir`.
fn from_ir_in<E>(
    dir: Option<&Path>,
    ir: Option<u128>,
    path: &str,
    make: impl FnOnce() -> Result<Option<String>, E>,
) -> Result<Option<String>, E> {
    use crate::timings::{Stage, time};
    let (Some(ir), Some(dir)) = (ir, dir) else {
        return make();
    };
    let reference = {
        let mut both = Both::salted(5, 6, &[path]);
        both.0.write_u128(ir);
        both.1.write_u128(ir);
        dir.join(format!("{:032x}.ref", both.finish()))
    };
    if let Some(found) = time(Stage::Cache, || follow(dir, &reference)) {
        if found.is_some() {
            FILES_REUSED.fetch_add(1, Ordering::Relaxed);
        }
        return Ok(found);
    }
    let Some(text) = make()? else {
        write_ref(dir, &reference, None);
        return Ok(None);
    };
    // The whole file's text, stored under a hash of itself for the `.ref` to name.
    let key = {
        use std::fmt::Write as _;
        let mut both = Both::salted(9, 10, &[BUILD, path]);
        let _ = both.write_str(&text);
        both.finish()
    };
    write(dir, &dir.join(format!("{key:032x}.rs")), &text);
    write_ref(dir, &reference, Some(key));
    Ok(Some(text))
}

/// What a `.ref` entry records: `Some(None)` for a file not emitted, `Some(Some(text))`
/// for the text of the entry it names; `None` when it is missing, damaged or names an
/// entry that is gone.
fn follow(dir: &Path, reference: &Path) -> Option<Option<String>> {
    let raw = std::fs::read_to_string(reference).ok()?;
    match raw.trim_end() {
        "none" => Some(None),
        key if key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()) => {
            read(&dir.join(format!("{key}.rs"))).map(Some)
        }
        _ => None,
    }
}

fn write_ref(dir: &Path, reference: &Path, key: Option<u128>) {
    let body = key.map_or_else(|| "none\n".to_string(), |k| format!("{k:032x}\n"));
    write_atomically(dir, reference, &body);
}

/// Removes entries not written for 30 days; a no-op when nothing was added this run.
pub fn prune() {
    let Some(dir) = CACHE.get() else { return };
    if WRITES.load(Ordering::Relaxed) == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let month = std::time::Duration::from_secs(30 * 24 * 3600);
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > month);
        let name = e.file_name().to_string_lossy().to_string();
        let ours = [".rs", ".ref", ".json"].iter().any(|x| name.ends_with(x));
        if old && ours {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The key of a load-stage entry: the generator's sources and `parts`, each hashed
/// whole (so parts cannot run into each other). `None` when the cache is off.
pub(crate) fn load_key(parts: &[&str]) -> Option<u128> {
    CACHE.get()?;
    Some(Both::salted(7, 8, &[&[SOURCE, BUILD], parts].concat()).finish())
}

/// The text of the load-stage entry `key`, if it is there and undamaged.
pub(crate) fn read_load_entry(key: u128) -> Option<String> {
    read(&CACHE.get()?.join(format!("{key:032x}.json")))
}

/// Counts a description read back from a load-stage entry.
pub(crate) fn count_load_reused() {
    LOADS_REUSED.fetch_add(1, Ordering::Relaxed);
}

/// Descriptions read back from load-stage entries, in this process so far.
pub fn loads_reused() -> u64 {
    LOADS_REUSED.load(Ordering::Relaxed)
}

/// Stores `text` as the load-stage entry `key` (best effort).
pub(crate) fn write_load_entry(key: u128, text: &str) {
    if let Some(dir) = CACHE.get() {
        write(dir, &dir.join(format!("{key:032x}.json")), text);
    }
}

/// Two differently salted hashers fed the same text, for a 128-bit key; text is
/// streamed into them, never built as one string.
struct Both(DefaultHasher, DefaultHasher);

impl Both {
    fn salted(a: u8, b: u8, parts: &[&str]) -> Both {
        let mut both = Both(DefaultHasher::new(), DefaultHasher::new());
        for (salt, h) in [(a, &mut both.0), (b, &mut both.1)] {
            salt.hash(h);
            parts.hash(h);
        }
        both
    }

    fn finish(&self) -> u128 {
        (u128::from(self.0.finish()) << 64) | u128::from(self.1.finish())
    }
}

impl std::fmt::Write for Both {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        self.1.write(s.as_bytes());
        Ok(())
    }
}

impl std::io::Write for Both {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        self.1.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn key(path: &str, tokens: &TokenStream) -> u128 {
    use std::fmt::Write as _;
    let mut both = Both::salted(1, 2, &[BUILD, path]);
    // Writing into a hasher cannot fail.
    let _ = write!(both, "{tokens}");
    both.finish()
}

fn text_hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn read(entry: &Path) -> Option<String> {
    let raw = std::fs::read_to_string(entry).ok()?;
    let (check, text) = raw.split_once('\n')?;
    let want = u64::from_str_radix(check.strip_prefix("// sdkgen-cache ")?, 16).ok()?;
    (text_hash(text) == want).then(|| text.to_string())
}

/// Best effort: a cache that cannot be written only costs time. Written to a temporary
/// name and renamed, so a concurrent reader never sees half an entry.
fn write(dir: &Path, entry: &Path, text: &str) {
    let body = format!("// sdkgen-cache {:016x}\n{text}", text_hash(text));
    write_atomically(dir, entry, &body);
}

fn write_atomically(dir: &Path, entry: &Path, body: &str) {
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = entry.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, body).is_ok() {
        if std::fs::rename(&tmp, entry).is_ok() {
            WRITES.fetch_add(1, Ordering::Relaxed);
        } else {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn the_key_follows_tokens_and_path_not_spacing() {
        let a = quote!(
            struct A;
        );
        let b: TokenStream = "struct   A ;".parse().unwrap_or_default();
        let c = quote!(
            struct B;
        );
        assert_eq!(key("x.rs", &a), key("x.rs", &b));
        assert_ne!(key("x.rs", &a), key("x.rs", &c));
        assert_ne!(key("x.rs", &a), key("y.rs", &a));
        // `a::b` and `a: :b` are different tokens.
        let joint: TokenStream = "a::b".parse().unwrap_or_default();
        let apart: TokenStream = "a: :b".parse().unwrap_or_default();
        assert_ne!(key("x.rs", &joint), key("x.rs", &apart));
    }

    #[test]
    fn an_unchanged_ir_reads_files_back_without_building_them() {
        let dir = std::env::temp_dir().join(format!("sdkgen-ir-cache-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let built = std::cell::Cell::new(0);
        let run = |ir: Option<u128>, path: &str, file: Option<&str>| {
            from_ir_in(Some(dir.as_path()), ir, path, || -> Result<_, ()> {
                built.set(built.get() + 1);
                Ok(file.map(str::to_string))
            })
        };
        // First run: built, then recorded, absence included.
        assert_eq!(run(Some(1), "a.rs", Some("A")), Ok(Some("A".into())));
        assert_eq!(run(Some(1), "none.rs", None), Ok(None));
        assert_eq!(built.get(), 2);
        // Same IR: read back without building, absence included.
        assert_eq!(run(Some(1), "a.rs", Some("other")), Ok(Some("A".into())));
        assert_eq!(run(Some(1), "none.rs", Some("other")), Ok(None));
        assert_eq!(built.get(), 2);
        // Another IR, or another path under the same IR: built.
        assert_eq!(run(Some(2), "a.rs", Some("A2")), Ok(Some("A2".into())));
        assert_eq!(run(Some(1), "b.rs", Some("B")), Ok(Some("B".into())));
        assert_eq!(built.get(), 4);
        // A damaged reference, or a damaged text it names, is ignored: built again.
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let _ = std::fs::write(e.path(), format!("x{text}"));
        }
        assert_eq!(run(Some(1), "a.rs", Some("A")), Ok(Some("A".into())));
        assert_eq!(run(Some(1), "none.rs", Some("N")), Ok(Some("N".into())));
        assert_eq!(built.get(), 6);
        // Without an IR key a file is always built.
        assert_eq!(run(None, "a.rs", Some("A")), Ok(Some("A".into())));
        assert_eq!(run(None, "a.rs", Some("A")), Ok(Some("A".into())));
        assert_eq!(built.get(), 8);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_entry_is_ignored() {
        let dir = std::env::temp_dir().join(format!("sdkgen-cache-test-{}", std::process::id()));
        let entry = dir.join("e.rs");
        write(&dir, &entry, "fn f() {}\n");
        assert_eq!(read(&entry).as_deref(), Some("fn f() {}\n"));
        let raw = std::fs::read_to_string(&entry).unwrap_or_default();
        let _ = std::fs::write(&entry, raw.replace("f()", "g()"));
        assert_eq!(read(&entry), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
