//! Where Mirror keeps what it can make again: compiled modules, candidate builds and
//! reference builds. Every entry Mirror loads back is sealed (see [`seal`]).

pub mod seal;

use std::path::{Path, PathBuf};

use mirror_sandbox::CompiledModules;
pub use seal::{CacheKey, Sealed};

use crate::error::{fail, Error, Result};

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

/// The cache at `root`, with the user's key (made on first use). An error when there is no
/// place for the key or it cannot be read or made.
pub fn open(root: &Path) -> Result<CacheDir> {
    let key_path = CacheKey::default_path()
        .ok_or_else(|| Error::Cache("no place for the cache key: set MIRROR_CACHE_KEY or HOME".into()))?;
    if key_path.starts_with(root) {
        fail!(Cache, "the cache key {} must not lie inside the cache {}", key_path.display(), root.display());
    }
    let key = CacheKey::load_or_create(&key_path)?;
    seal::create_private_dir(root)?;
    Ok(CacheDir { path: root.to_path_buf(), key })
}

/// Compiled modules, under a cache root.
pub fn modules(root: &CacheDir) -> Box<dyn CompiledModules> {
    Box::new(root.join("modules"))
}

// SAFETY: `load` hands out a file only when its tag, made with the user's secret key over the
// entry's name and bytes, verifies on that very open file; the key never lies in the cache.
unsafe impl CompiledModules for CacheDir {
    fn load(&self, name: &str) -> Option<std::fs::File> {
        let path = self.path.join(name);
        match self.key.open(&path) {
            Ok(Sealed::Valid(file)) => Some(file),
            Ok(Sealed::Tampered) => {
                eprintln!(
                    "mirror: warning: cached artifact {} failed verification; compiling the module again",
                    path.display()
                );
                None
            }
            // A cache that cannot be read costs time, not correctness.
            Ok(Sealed::Missing) | Err(_) => None,
        }
    }

    fn store(&self, name: &str, bytes: &[u8]) {
        // A cache that cannot be written costs time, not correctness.
        let _ = self.key.write(&self.path.join(name), bytes);
    }
}

/// Candidate builds, under a cache root.
pub fn builds(root: &CacheDir) -> CacheDir {
    root.join("builds")
}

/// Reference builds from recipes, under a cache root.
pub fn references(root: &Path) -> PathBuf {
    root.join("references")
}
