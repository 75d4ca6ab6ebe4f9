//! Where Mirror keeps what it can make again: compiled modules, candidate builds and
//! reference builds. Every entry Mirror loads back is sealed (see [`seal`]).

pub mod seal;

use std::path::{Path, PathBuf};

use anyhow::Result;
pub use seal::{CacheKey, Sealed};

/// A cache directory and the key that seals its entries.
#[derive(Clone)]
pub struct CacheDir {
    /// The directory.
    pub path: PathBuf,
    /// The key its entries are sealed with.
    pub key: CacheKey,
}

impl CacheDir {
    /// The subdirectory `name`, sealed with the same key.
    pub fn join(&self, name: &str) -> CacheDir {
        CacheDir { path: self.path.join(name), key: self.key.clone() }
    }
}

/// The cache directory: `$MIRROR_CACHE_DIR`, else `mirror/` in the user's cache directory
/// (`~/.cache/mirror` on Linux). `None` when neither is known.
pub fn default_root() -> Option<PathBuf> {
    std::env::var_os("MIRROR_CACHE_DIR").map(PathBuf::from).or_else(|| dirs::cache_dir().map(|dir| dir.join("mirror")))
}

/// The cache at `root`, with the user's key (made on first use). An error when there is no
/// place for the key or it cannot be read or made.
pub fn open(root: &Path) -> Result<CacheDir> {
    let key_path = CacheKey::default_path()
        .ok_or_else(|| anyhow::anyhow!("no place for the cache key: set MIRROR_CACHE_KEY or HOME"))?;
    if key_path.starts_with(root) {
        anyhow::bail!("the cache key {} must not lie inside the cache {}", key_path.display(), root.display());
    }
    let key = CacheKey::load_or_create(&key_path)?;
    seal::create_private_dir(root)?;
    Ok(CacheDir { path: root.to_path_buf(), key })
}

/// Compiled modules, under a cache root.
pub fn modules(root: &CacheDir) -> CacheDir {
    root.join("modules")
}

/// Candidate builds, under a cache root.
pub fn builds(root: &CacheDir) -> CacheDir {
    root.join("builds")
}

/// Reference builds from recipes, under a cache root.
pub fn references(root: &Path) -> PathBuf {
    root.join("references")
}
