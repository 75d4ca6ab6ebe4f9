//! Listing the files under a directory, for the commands that copy or hash whole trees.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Every regular file under `dir`, as paths relative to it, sorted; directories for which
/// `skip` says yes (given their relative path) are not entered. A missing `dir` has none.
pub fn files_under(dir: &Path, skip: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    Ok(entries_under(dir, skip)?.into_iter().filter(|(_, kind)| kind.is_file()).map(|(path, _)| path).collect())
}

/// Every entry under `dir` but directories (files, symlinks, others), with its type, as
/// paths relative to `dir`, sorted; symlinks are not followed, and directories for which
/// `skip` says yes are not entered. A missing `dir` has none.
pub fn entries_under(dir: &Path, skip: impl Fn(&Path) -> bool) -> Result<Vec<(PathBuf, std::fs::FileType)>> {
    let mut entries = Vec::new();
    if !dir.is_dir() {
        return Ok(entries);
    }
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let current = dir.join(&relative);
        for entry in std::fs::read_dir(&current).with_context(|| format!("cannot list {}", current.display()))? {
            let entry = entry.with_context(|| format!("cannot list {}", current.display()))?;
            let path = relative.join(entry.file_name());
            let kind = entry.file_type().with_context(|| format!("cannot read {}", dir.join(&path).display()))?;
            if kind.is_dir() {
                if !skip(&path) {
                    pending.push(path);
                }
            } else {
                entries.push((path, kind));
            }
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// A relative path with `/` between its parts, as task files write names.
pub fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
