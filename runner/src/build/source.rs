//! A candidate's source tree: what of it a build reads, its hash, and a private copy of it.
//!
//! The tree is walked without following symlinks: a symlink is part of the source as its
//! target text, copied as a symlink, so that it resolves only inside the confined build's
//! own filesystem, never to a host file.

use std::path::{Path, PathBuf};

use crate::digest::Fields;
use crate::error::{fail, BuildError, Context, Result};
use crate::files::{entries_under, slash_path};

/// The most files a source tree may hold.
const MAX_FILES: usize = 100_000;
/// The most bytes its files may hold together.
const MAX_BYTES: u64 = 2 << 30;

/// One entry of a source tree.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Relative to the tree's root.
    pub path: PathBuf,
    /// A symlink's target; `None` for a regular file.
    pub link: Option<PathBuf>,
}

/// Every regular file and symlink under `dir` that is source, sorted: not in a `.git`
/// directory, nor in `target/` at the top (where cargo builds).
pub fn entries(dir: &Path) -> Result<Vec<Entry>> {
    let skip = |path: &Path| path.file_name().is_some_and(|n| n == ".git") || path == Path::new("target");
    let listed = entries_under(dir, skip)?;
    if listed.len() > MAX_FILES {
        fail!(
            BuildError::Source,
            "{} holds more than {MAX_FILES} files: too large a source tree to build",
            dir.display()
        );
    }
    let mut entries = Vec::new();
    let mut bytes = 0u64;
    for (path, kind) in listed {
        let full = dir.join(&path);
        let link = if kind.is_symlink() {
            Some(std::fs::read_link(&full).with_context(|| format!("cannot read {}", full.display()))?)
        } else if kind.is_file() {
            bytes += std::fs::symlink_metadata(&full).with_context(|| format!("cannot read {}", full.display()))?.len();
            None
        } else {
            continue; // sockets, FIFOs and devices are no source
        };
        entries.push(Entry { path, link });
    }
    if bytes > MAX_BYTES {
        fail!(
            BuildError::Source,
            "{} holds more than {MAX_BYTES} bytes: too large a source tree to build",
            dir.display()
        );
    }
    Ok(entries)
}

/// Copies the tree's entries from `dir` into `to`, symlinks as symlinks.
pub fn copy(dir: &Path, entries: &[Entry], to: &Path) -> Result<()> {
    for entry in entries {
        let target = to.join(&entry.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        match &entry.link {
            Some(link) => symlink(link, &target)?,
            None => {
                std::fs::write(&target, read_regular(&dir.join(&entry.path))?)
                    .with_context(|| format!("cannot write {}", target.display()))?;
            }
        }
    }
    Ok(())
}

/// Reads `path` if it is still a regular file: the tree may change after it was listed, and
/// a file swapped for a symlink must not bring a host file into the build.
fn read_regular(path: &Path) -> Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let mut file = options.open(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !file.metadata().with_context(|| format!("cannot read {}", path.display()))?.is_file() {
        fail!(BuildError::Source, "{} changed while it was read: it is no longer a regular file", path.display());
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> Result<()> {
    std::os::unix::fs::symlink(link, at).with_context(|| format!("cannot create symlink {}", at.display()))
}

#[cfg(not(unix))]
fn symlink(_link: &Path, at: &Path) -> Result<()> {
    fail!(BuildError::Source, "{} is a symlink: Mirror copies symlinked source only on Unix", at.display())
}

/// The hash of everything a build reads: `fields` (language, toolchain, ...), then the
/// tree's paths, contents and symlink targets, each length-prefixed.
pub fn hash(dir: &Path, entries: &[Entry], fields: &[&[u8]]) -> Result<String> {
    let mut hasher = Fields::new();
    for bytes in fields {
        hasher.field(bytes);
    }
    for entry in entries {
        hasher.field(slash_path(&entry.path).as_bytes());
        match &entry.link {
            Some(target) => hasher.field(b"symlink").field(target.to_string_lossy().as_bytes()),
            None => hasher.field(b"file").field(&read_regular(&dir.join(&entry.path))?),
        };
    }
    Ok(hasher.finish_hex())
}
