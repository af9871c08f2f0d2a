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

/// The report between what `out` holds and what was just generated; none when there is
/// no committed surface or it was written in another format.
pub fn report_for(out: &Path, generated: &sdkgen::Generated) -> Option<Report> {
    let old = committed_surface(out)?;
    if old.format != sdkgen::diff::surface::FORMAT {
        eprintln!(
            "{}: {SURFACE_FILE} has format {} (this generator writes {}); no change report this time",
            out.display(),
            old.format,
            sdkgen::diff::surface::FORMAT
        );
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-changes-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn only_the_crate_version_line_changes() {
        let dir = temp("version");
        let cfg = dir.join("sdkgen.yaml");
        let text = "# comment\nclient:\n  version: 9.9.9\ncrate:\n  name: x\n  version: 0.1.0 # here\n  description: d\nother: {version: 1}\n";
        std::fs::write(&cfg, text).unwrap();
        assert!(set_config_version(&cfg, "0.2.0").unwrap());
        assert_eq!(
            std::fs::read_to_string(&cfg).unwrap(),
            text.replace("  version: 0.1.0 # here", "  version: 0.2.0")
        );
        std::fs::write(&cfg, "crate:\n  name: x\n").unwrap();
        assert!(!set_config_version(&cfg, "0.2.0").unwrap());
    }

    #[test]
    fn changelog_sections_are_prepended_under_one_heading() {
        let dir = temp("changelog");
        let surface = |v: &str, values: &[&str]| {
            let mut s = Surface {
                format: sdkgen::diff::surface::FORMAT,
                crate_version: v.into(),
                ..Surface::default()
            };
            s.types.insert(
                "Status".into(),
                sdkgen::diff::surface::TypeSurface {
                    kind: "enum".into(),
                    members: values.iter().map(|v| v.to_string()).collect(),
                    ..Default::default()
                },
            );
            s
        };
        let first = diff::compare(&surface("0.1.0", &["a"]), &surface("0.1.0", &["a", "b"]));
        prepend_changelog(&dir, &first, "0.2.0").unwrap();
        let second = diff::compare(&surface("0.2.0", &["a", "b"]), &surface("0.2.0", &["b"]));
        prepend_changelog(&dir, &second, "0.3.0").unwrap();
        let text = std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();
        assert_eq!(text.matches("# Changelog").count(), 1, "{text}");
        let newer = text.find("## 0.3.0").unwrap();
        let older = text.find("## 0.2.0").unwrap();
        assert!(newer < older, "{text}");
        assert!(text.contains("value `a` removed"), "{text}");
        assert!(text.contains("value `b` added"), "{text}");
    }
}
