//! Stage 4, writing: compares generated files with the output directory, writes only
//! what changed (so build tools do not see fresh timestamps on unchanged files), and
//! deletes files the generator no longer produces.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How one file differs between the generation and the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not on disk yet.
    Added(PathBuf),
    /// On disk with other content.
    Modified(PathBuf),
    /// On disk, no longer generated.
    Removed(PathBuf),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added(p) => write!(f, "added     {}", p.display()),
            Change::Modified(p) => write!(f, "modified  {}", p.display()),
            Change::Removed(p) => write!(f, "removed   {}", p.display()),
        }
    }
}

/// Directories inside the output that the generator never owns.
const IGNORED_DIRS: &[&str] = &["target", ".git"];

fn existing_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            if !IGNORED_DIRS.iter().any(|d| name == *d) {
                existing_files(root, &path, out)?;
            }
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// The changes that writing `files` into `out_dir` would make.
pub fn diff(out_dir: &Path, files: &BTreeMap<String, String>) -> std::io::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for (rel, text) in files {
        let path = out_dir.join(rel);
        match std::fs::read(&path) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => changes.push(Change::Modified(PathBuf::from(rel))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                changes.push(Change::Added(PathBuf::from(rel)))
            }
            Err(e) => return Err(e),
        }
    }
    let mut existing = Vec::new();
    existing_files(out_dir, out_dir, &mut existing)?;
    existing.sort();
    for rel in existing {
        let key = rel.to_string_lossy().replace('\\', "/");
        if !files.contains_key(&key) {
            changes.push(Change::Removed(rel));
        }
    }
    Ok(changes)
}

/// Applies the changes: writes added and modified files, deletes removed ones.
pub fn apply(
    out_dir: &Path,
    files: &BTreeMap<String, String>,
    changes: &[Change],
) -> std::io::Result<()> {
    for c in changes {
        match c {
            Change::Added(rel) | Change::Modified(rel) => {
                let path = out_dir.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let key = rel.to_string_lossy().replace('\\', "/");
                std::fs::write(
                    &path,
                    files.get(&key).map(String::as_bytes).unwrap_or_default(),
                )?;
            }
            Change::Removed(rel) => std::fs::remove_file(out_dir.join(rel))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sdkgen-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn only_changed_files_are_rewritten_and_stale_ones_removed() {
        let dir = tmp("changes");
        let mut files = BTreeMap::new();
        files.insert("a.rs".to_string(), "a".to_string());
        files.insert("src/b.rs".to_string(), "b".to_string());
        let changes = diff(&dir, &files).unwrap();
        assert_eq!(changes.len(), 2);
        apply(&dir, &files, &changes).unwrap();
        assert!(diff(&dir, &files).unwrap().is_empty());

        let before = std::fs::metadata(dir.join("a.rs"))
            .unwrap()
            .modified()
            .unwrap();
        std::fs::write(dir.join("stale.rs"), "old").unwrap();
        std::fs::create_dir_all(dir.join("target")).unwrap();
        std::fs::write(dir.join("target/ignored"), "x").unwrap();
        files.insert("src/b.rs".to_string(), "b2".to_string());
        let changes = diff(&dir, &files).unwrap();
        assert_eq!(
            changes,
            vec![
                Change::Modified(PathBuf::from("src/b.rs")),
                Change::Removed(PathBuf::from("stale.rs"))
            ]
        );
        apply(&dir, &files, &changes).unwrap();
        assert!(!dir.join("stale.rs").exists());
        assert!(dir.join("target/ignored").exists());
        let after = std::fs::metadata(dir.join("a.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after, "an unchanged file must not be rewritten");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
