//! Where Mirror keeps what it can make again: compiled modules, candidate builds and
//! reference builds.

use std::path::{Path, PathBuf};

/// The cache directory: `$MIRROR_CACHE_DIR`, else `mirror/` in the user's cache directory
/// (`~/.cache/mirror` on Linux). `None` when neither is known, or when the user's cache
/// directory cannot be written (an agent's sandbox with HOME unset or read-only): then
/// Mirror runs without a cache.
pub fn default_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MIRROR_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let root = dirs::cache_dir()?.join("mirror");
    let writable = std::fs::create_dir_all(&root).is_ok() && tempfile::tempfile_in(&root).is_ok();
    writable.then_some(root)
}

/// Compiled modules, under a cache root.
pub fn modules(root: &Path) -> PathBuf {
    root.join("modules")
}

/// Candidate builds, under a cache root.
pub fn builds(root: &Path) -> PathBuf {
    root.join("builds")
}

/// Reference builds from recipes, under a cache root.
pub fn references(root: &Path) -> PathBuf {
    root.join("references")
}
