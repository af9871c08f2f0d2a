//! The API change report around `regen`, `check` and `diff`.

use std::path::Path;

use sdkgen::diff::{self, Bump, Report, Surface};

/// Name of the committed surface file inside a generated crate.
pub const SURFACE_FILE: &str = "api-surface.json";

/// The surface committed in `out`, if there is one.
pub fn committed_surface(out: &Path) -> Option<Surface> {
    let text = std::fs::read_to_string(out.join(SURFACE_FILE)).ok()?;
    Surface::from_json(&text).ok()
}

/// The report between what `out` holds and what was just generated.
pub fn report_for(out: &Path, generated: &sdkgen::Generated) -> Option<Report> {
    let old = committed_surface(out)?;
    Some(diff::compare(&old, &Surface::of(&generated.api)))
}

/// Sets `crate.version` in a generator config to `version`, keeping everything else
/// byte for byte. Returns false when the config has no such line.
pub fn set_config_version(config: &Path, version: &str) -> Result<bool, String> {
    let text = std::fs::read_to_string(config).map_err(|e| format!("{}: {e}", config.display()))?;
    let mut in_crate = false;
    let mut done = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !line.starts_with(' ') && !line.starts_with('\t') && !trimmed.is_empty() {
            in_crate = trimmed.starts_with("crate:");
        }
        if in_crate && !done && trimmed.starts_with("version:") {
            let indent = &line[..line.len() - trimmed.len()];
            let newline = if line.ends_with('\n') { "\n" } else { "" };
            out.push_str(&format!("{indent}version: {version}{newline}"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if done {
        std::fs::write(config, out).map_err(|e| format!("{}: {e}", config.display()))?;
    }
    Ok(done)
}

/// Prepends the report as a new section of `CHANGELOG.md` in `out`.
pub fn prepend_changelog(out: &Path, report: &Report, version: &str) -> Result<(), String> {
    let path = out.join("CHANGELOG.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let body = old
        .strip_prefix(CHANGELOG_HEAD)
        .unwrap_or(&old)
        .trim_start_matches('\n');
    let section = report.markdown(&format!("## {version}"));
    let text = format!("{CHANGELOG_HEAD}\n{section}\n{body}");
    std::fs::write(&path, text.trim_end().to_string() + "\n")
        .map_err(|e| format!("{}: {e}", path.display()))
}

const CHANGELOG_HEAD: &str = "# Changelog\n\nEach section is the API change report `cargo xtask regen` wrote when the description changed.\nBefore 1.0, a breaking change bumps the minor version and a compatible one the patch version.\n";

/// Whether a report calls for a new version.
pub fn needs_bump(report: &Report) -> bool {
    report.bump() != Bump::None
}
