//! Listing the files under a directory, for the commands that copy or hash whole trees.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Every regular file under `dir`, as paths relative to it, sorted; directories for which
/// `skip` says yes (given their relative path) are not entered. A missing `dir` has none.
pub fn files_under(dir: &Path, skip: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let current = dir.join(&relative);
        for entry in std::fs::read_dir(&current).with_context(|| format!("cannot list {}", current.display()))? {
            let entry = entry.with_context(|| format!("cannot list {}", current.display()))?;
            let path = relative.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() && !skip(&path) {
                pending.push(path);
            } else if kind.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A relative path with `/` between its parts, as task files write names.
pub fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
