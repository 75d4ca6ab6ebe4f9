//! Where Mirror keeps what it can make again: compiled modules, candidate builds and
//! reference builds.

use std::path::{Path, PathBuf};

/// The cache directory: `$MIRROR_CACHE_DIR`, else `mirror/` in the user's cache directory
/// (`~/.cache/mirror` on Linux). `None` when neither is known.
pub fn default_root() -> Option<PathBuf> {
    std::env::var_os("MIRROR_CACHE_DIR").map(PathBuf::from).or_else(|| dirs::cache_dir().map(|dir| dir.join("mirror")))
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
