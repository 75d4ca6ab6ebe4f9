//! Where Mirror keeps what it can make again: compiled modules and candidate builds.

use std::path::PathBuf;

/// The cache directory: `$MIRROR_CACHE_DIR`, else `mirror/` in the user's cache directory
/// (`~/.cache/mirror` on Linux). `None` when neither is known.
pub fn default_root() -> Option<PathBuf> {
    std::env::var_os("MIRROR_CACHE_DIR").map(PathBuf::from).or_else(|| dirs::cache_dir().map(|dir| dir.join("mirror")))
}

/// Compiled modules, under a cache root.
pub fn modules(root: &std::path::Path) -> PathBuf {
    root.join("modules")
}

/// Candidate builds, under a cache root.
pub fn builds(root: &std::path::Path) -> PathBuf {
    root.join("builds")
}
