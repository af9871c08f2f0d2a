//! Embeds `templates/` in the `sdkgen` binary, so an installed generator needs no
//! files next to it: writes `$OUT_DIR/templates.rs` with one `include_str!` per
//! template file (the runtime's `*.rs` files are listed from the directory).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let templates = Path::new(&manifest).join("../templates");
    let runtime = templates.join("runtime");
    // The formatter's version keys the format cache (`cache`): a formatter
    // upgrade must not reuse text the old one printed.
    let lock = Path::new(&manifest).join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let pretty = std::fs::read_to_string(&lock)
        .ok()
        .and_then(|l| {
            let at = l.find("name = \"prettyplease\"")?;
            let rest = &l[at..];
            let v = rest.split('\n').nth(1)?.strip_prefix("version = \"")?;
            Some(v.trim_end_matches('"').to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SDKGEN_PRETTYPLEASE_VERSION={pretty}");
    // The generator's own sources and locked dependencies key the cache entries found
    // from the IR alone (`cache`): any change to the code that turns IR into
    // text must not reuse text an older build printed.
    let src = Path::new(&manifest).join("src");
    println!("cargo:rerun-if-changed={}", src.display());
    let mut sources = Vec::new();
    collect_files(&src, &mut sources);
    sources.sort();
    sources.push(lock);
    let mut h = std::hash::DefaultHasher::new();
    for p in &sources {
        std::hash::Hash::hash(&p.strip_prefix(&manifest).unwrap_or(p), &mut h);
        std::hash::Hash::hash(&std::fs::read(p).unwrap_or_default(), &mut h);
    }
    println!(
        "cargo:rustc-env=SDKGEN_SOURCE_HASH={:016x}",
        std::hash::Hasher::finish(&h)
    );
    println!("cargo:rerun-if-changed={}", templates.display());
    println!("cargo:rerun-if-changed={}", runtime.display());
    let mut names: Vec<String> = std::fs::read_dir(&runtime)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.ends_with(".rs"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let include = |p: &Path| format!("include_str!({:?})", p.display().to_string());
    let mut out = String::from(
        "/// Runtime sources embedded from `templates/runtime/`, by file name.\n\
         pub(crate) const RUNTIME: &[(&str, &str)] = &[\n",
    );
    for n in &names {
        let _ = writeln!(out, "    ({n:?}, {}),", include(&runtime.join(n)));
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "/// `templates/Cargo.toml.tpl`.\npub(crate) const CARGO_TOML: &str = {};",
        include(&templates.join("Cargo.toml.tpl"))
    );
    let _ = writeln!(
        out,
        "/// `templates/README.md.tpl`.\npub(crate) const README: &str = {};",
        include(&templates.join("README.md.tpl"))
    );
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    if let Err(e) = std::fs::write(Path::new(&out_dir).join("templates.rs"), out) {
        println!("cargo:warning=cannot write the embedded templates: {e}");
    }
}

/// Every file under `dir`, recursively.
fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}
