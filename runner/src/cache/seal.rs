//! Sealed cache entries: every file Mirror caches carries an HMAC-SHA256 tag made with a
//! per-user secret key, and is used only when its tag verifies.
//!
//! A compiled artifact is native code that Wasmtime maps and runs; a cached build is the
//! module a candidate is scored as. Both are trusted on load, so whoever can write into a
//! cache directory (a cache restored from another CI run or machine, a shared directory)
//! could otherwise have any artifact executed under any module's name. The tag covers the
//! entry's name as well as its bytes, so a valid entry moved to another name fails too. The
//! key lives outside the cache directory: a copied cache never carries it.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{fail, Context, Error, Result};

/// The file name suffix of an entry's tag, beside the entry.
const TAG_SUFFIX: &str = ".hmac";
/// Key length in bytes.
const KEY_BYTES: usize = 32;

/// The secret that authenticates cache entries.
#[derive(Clone)]
pub struct CacheKey([u8; KEY_BYTES]);

/// What checking a cached entry found.
pub enum Sealed {
    /// No entry (or no tag) under that name.
    Missing,
    /// The entry verified; the open file, at its start.
    Valid(File),
    /// The entry's tag does not match its name and bytes.
    Tampered,
}

impl CacheKey {
    /// Where the key lives: `$MIRROR_CACHE_KEY`, else `mirror/cache.key` in the user's
    /// config directory. `None` when neither is known.
    pub fn default_path() -> Option<PathBuf> {
        std::env::var_os("MIRROR_CACHE_KEY")
            .map(PathBuf::from)
            .or_else(|| dirs::config_dir().map(|dir| dir.join("mirror").join("cache.key")))
    }

    /// Reads the key at `path`, or makes a new random one there (mode 0600, in a 0700
    /// directory) when there is none.
    pub fn load_or_create(path: &Path) -> Result<CacheKey> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let key: [u8; KEY_BYTES] = bytes.as_slice().try_into().map_err(|_| {
                    Error::Cache(format!("cache key {} is {} bytes, not {KEY_BYTES}", path.display(), bytes.len()))
                })?;
                Ok(CacheKey(key))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Self::create(path),
            Err(err) => Err(err).with_context(|| format!("cannot read cache key {}", path.display())),
        }
    }

    fn create(path: &Path) -> Result<CacheKey> {
        let mut key = [0u8; KEY_BYTES];
        getrandom::fill(&mut key).map_err(|err| Error::Cache(format!("cannot make a cache key: {err}")))?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create cache key in {}", dir.display()))?;
        restrict_file(temp.as_file())?;
        temp.write_all(&key).with_context(|| format!("cannot write cache key {}", path.display()))?;
        // Two processes may race to create the key: the first one placed wins, and the loser
        // reads it back, so that both seal with the same key.
        match temp.persist_noclobber(path) {
            Ok(_) => Ok(CacheKey(key)),
            Err(err) if err.error.kind() == std::io::ErrorKind::AlreadyExists => Self::load_or_create(path),
            Err(err) => Err(err.error).with_context(|| format!("cannot write cache key {}", path.display())),
        }
    }

    /// The MAC of an entry named `name` holding what `reader` reads.
    fn mac(&self, name: &str, reader: &mut impl Read) -> std::io::Result<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(&(name.len() as u64).to_le_bytes());
        mac.update(name.as_bytes());
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let read = reader.read(&mut buffer)?;
            if read == 0 {
                return Ok(mac);
            }
            mac.update(&buffer[..read]);
        }
    }

    /// Writes `bytes` as entry `path` with its tag, each through an atomic rename, so that a
    /// reader sees the old entry, the new one, or a mismatch it recovers from.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = entry_name(path)?;
        create_private_dir(dir)?;
        let tag = self.mac(&name, &mut &bytes[..])?.finalize().into_bytes();
        write_private(dir, path, bytes)?;
        write_private(dir, &tag_path(path), crate::digest::hex(&tag).as_bytes())
    }

    /// Opens entry `path` and checks its tag against its name and the bytes read through the
    /// same open file, which is what the caller then uses: a file swapped in after the check
    /// is never the one used.
    pub fn open(&self, path: &Path) -> Result<Sealed> {
        let name = entry_name(path)?;
        let (mut file, expected) = match (File::open(path), std::fs::read_to_string(tag_path(path))) {
            (Ok(file), Ok(tag)) => (file, tag),
            (Err(err), _) | (_, Err(err)) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Sealed::Missing),
            (Err(err), _) | (_, Err(err)) => {
                return Err(err).with_context(|| format!("cannot read cache entry {}", path.display()))
            }
        };
        if !file.metadata()?.is_file() {
            return Ok(Sealed::Tampered);
        }
        let mac = self.mac(&name, &mut file).with_context(|| format!("cannot read {}", path.display()))?;
        // verify_slice compares in constant time: no timing oracle for the tag.
        if !unhex(expected.trim()).is_some_and(|expected| mac.verify_slice(&expected).is_ok()) {
            return Ok(Sealed::Tampered);
        }
        file.rewind()?;
        Ok(Sealed::Valid(file))
    }
}

/// The tag file of entry `path`.
fn tag_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(TAG_SUFFIX);
    PathBuf::from(name)
}

/// The bytes a lowercase hex string spells, if it is one.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

fn entry_name(path: &Path) -> Result<String> {
    match path.file_name().and_then(|n| n.to_str()) {
        Some(name) => Ok(name.to_string()),
        None => fail!(Cache, "cache entry {} has no UTF-8 file name", path.display()),
    }
}

/// Creates `dir` and its missing parents, the last one private to the user (0700).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot make {} private", dir.display()))?;
    }
    Ok(())
}

/// Writes `path` (in `dir`) whole, mode 0600, through a temporary file renamed into place.
fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    restrict_file(temp.as_file())?;
    temp.write_all(bytes).with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist(path).map_err(|err| err.error).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn restrict_file(file: &File) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600)).context("cannot make a cache file private")?;
    }
    let _ = file;
    Ok(())
}
