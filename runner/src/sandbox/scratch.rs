//! The per-case scratch directory: the only part of the host a guest can reach.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::FileType;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use tempfile::TempDir;

use crate::outcome::{Entry, FileChanges};

/// Scratch directories that exist now, so that an interrupted run can remove them.
static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Removes every scratch directory that exists now and keeps new ones from being made; for
/// a process about to exit on an interrupt, which skips destructors. Never returns the
/// lock, so a run still going cannot create another directory behind it.
pub fn remove_all_scratch_dirs() {
    let live = LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for dir in live.iter() {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::mem::forget(live);
}

/// A directory holding a case's input files; removed from the host when dropped.
///
/// One scratch directory can serve many cases in turn: [`Scratch::prepare`] empties it and
/// writes the next case's inputs, which costs far less than making and removing a directory
/// per case. A guest sees no difference: the directory's contents are all it can observe.
pub struct Scratch {
    dir: TempDir,
    inputs: BTreeMap<String, Vec<u8>>,
    /// What the directory holds at its top level, known without listing it once
    /// [`Scratch::changes`] has read it back: `prepare` then removes these rather than list
    /// the directory again.
    known_top_level: Option<Vec<(PathBuf, FileType)>>,
}

impl Scratch {
    /// Creates the directory under the system temporary directory (`TMPDIR`) and writes the
    /// input files, keyed by relative `/`-separated path.
    pub fn new(inputs: &BTreeMap<String, Vec<u8>>) -> Result<Self> {
        let dir = {
            // Registered while the lock is held, so an interrupt sees every directory made.
            let mut live = LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let dir = tempfile::Builder::new()
                .prefix("mirror-case-")
                .tempdir()
                .context("cannot create a scratch directory")?;
            live.insert(dir.path().to_path_buf());
            dir
        };
        let mut scratch = Scratch { dir, inputs: BTreeMap::new(), known_top_level: None };
        scratch.write_inputs(inputs)?;
        Ok(scratch)
    }

    /// Empties the directory and writes the next case's inputs.
    pub fn prepare(&mut self, inputs: &BTreeMap<String, Vec<u8>>) -> Result<()> {
        let top_level = match self.known_top_level.take() {
            Some(known) => known,
            None => list(self.dir.path()).context("cannot list the scratch directory")?,
        };
        for (path, kind) in top_level {
            // A symlink is not a directory here: removing it never touches its target.
            if kind.is_dir() {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
        }
        self.write_inputs(inputs)
    }

    fn write_inputs(&mut self, inputs: &BTreeMap<String, Vec<u8>>) -> Result<()> {
        for (name, content) in inputs {
            check_relative(name)?;
            let path = self.dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, content).with_context(|| format!("cannot write input file {name}"))?;
        }
        self.inputs = inputs.clone();
        Ok(())
    }

    /// The host path to preopen. Whoever has it may change the directory, so what
    /// [`Scratch::changes`] saw of it is no longer trusted.
    pub fn path(&mut self) -> &Path {
        self.known_top_level = None;
        self.dir.path()
    }

    /// Reads back what the guest left, as changes against the inputs, in sorted order.
    pub fn changes(&mut self) -> Result<FileChanges> {
        let mut found = BTreeMap::new();
        self.known_top_level = Some(walk(self.dir.path(), "", &mut found)?);
        let mut changes = FileChanges::default();
        for name in self.inputs.keys() {
            if !matches!(found.get(name), Some(Entry::File(_))) {
                changes.removed.insert(name.clone());
            }
        }
        for (name, entry) in found {
            let unchanged =
                matches!((&entry, self.inputs.get(&name)), (Entry::File(now), Some(before)) if now == before);
            if !unchanged {
                changes.written.insert(name, entry);
            }
        }
        Ok(changes)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(self.dir.path());
    }
}

/// Whether every component of `path` is a name all of Linux, macOS and Windows can hold:
/// none of `< > : " \ | ? *` or control characters, no trailing dot or space, and not a
/// Windows device name (`CON`, `NUL`, `COM1`, ... with any extension).
pub fn portable_path(path: &str) -> bool {
    const DEVICES: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];
    path.split('/').filter(|part| !part.is_empty() && *part != "." && *part != "..").all(|part| {
        let stem = part.split('.').next().unwrap_or("").to_ascii_uppercase();
        let device = DEVICES.contains(&stem.as_str())
            || ((stem.starts_with("COM") || stem.starts_with("LPT"))
                && stem.len() == 4
                && stem.as_bytes()[3].is_ascii_digit());
        !device
            && !part.ends_with('.')
            && !part.ends_with(' ')
            && !part.chars().any(|c| c.is_control() || "<>:\"\\|?*".contains(c))
    })
}

/// Accepts only plain relative paths: no root, no `..`, no `.` components, no backslashes,
/// and only names every platform can hold.
pub fn check_relative(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && !name.contains('\\')
        && Path::new(name).components().all(|c| matches!(c, Component::Normal(_)))
        && !name.split('/').any(|part| part.is_empty() || part == ".");
    if !plain {
        bail!("file name {name:?} must be a relative path without `.`, `..` or empty parts");
    }
    if !portable_path(name) {
        bail!("file name {name:?} cannot exist on every platform (no `< > : \" \\ | ? *`, control characters, trailing dots or spaces, or device names such as NUL)");
    }
    Ok(())
}

/// The entries of `dir` and their types (symlinks not followed), sorted by name.
fn list(dir: &Path) -> Result<Vec<(PathBuf, FileType)>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        entries.push((entry.path(), entry.file_type()?));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// Reads what is under `dir` into `found`, keyed by `prefix` and the `/`-separated path; the
/// entries of `dir` itself.
fn walk(dir: &Path, prefix: &str, found: &mut BTreeMap<String, Entry>) -> Result<Vec<(PathBuf, FileType)>> {
    let entries = list(dir)?;
    if entries.is_empty() && !prefix.is_empty() {
        found.insert(prefix.trim_end_matches('/').to_string(), Entry::Directory);
    }
    for (path, kind) in &entries {
        let file_name = path.file_name().unwrap_or_default().to_string_lossy();
        let name = format!("{prefix}{file_name}");
        if kind.is_symlink() {
            let target = std::fs::read_link(path)?;
            found.insert(name, Entry::Symlink(target.to_string_lossy().replace('\\', "/")));
        } else if kind.is_dir() {
            walk(path, &format!("{name}/"), found)?;
        } else {
            found.insert(name, Entry::File(std::fs::read(path)?));
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(names: &[&str]) -> BTreeMap<String, Vec<u8>> {
        names.iter().map(|name| (name.to_string(), name.as_bytes().to_vec())).collect()
    }

    fn contents(dir: &Path) -> Vec<String> {
        let mut found = BTreeMap::new();
        walk(dir, "", &mut found).unwrap();
        found.into_keys().collect()
    }

    /// Leaves a file, a nested directory and a symlink to a file outside, as a guest might.
    fn litter(dir: &Path, outside: &Path) {
        std::fs::write(dir.join("left.txt"), "x").unwrap();
        std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
        std::fs::write(dir.join("sub/deeper/f"), "y").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside, dir.join("link")).unwrap();
    }

    #[test]
    fn prepare_leaves_only_the_next_inputs_whether_or_not_changes_read_the_directory() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("target.txt");
        std::fs::write(&target, "keep me").unwrap();
        let mut scratch = Scratch::new(&inputs(&["a.txt"])).unwrap();
        for read_back in [true, false] {
            let dir = scratch.path().to_path_buf();
            litter(&dir, &target);
            if read_back {
                let changes = scratch.changes().unwrap();
                assert!(changes.written.contains_key("left.txt"), "{changes:?}");
            }
            scratch.prepare(&inputs(&["b.txt", "c/d.txt"])).unwrap();
            assert_eq!(contents(&dir), ["b.txt", "c/d.txt"]);
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
            scratch.prepare(&inputs(&["a.txt"])).unwrap();
        }
    }

    #[test]
    fn handing_out_the_path_forgets_what_changes_saw() {
        let mut scratch = Scratch::new(&BTreeMap::new()).unwrap();
        scratch.changes().unwrap();
        std::fs::write(scratch.path().join("written-after.txt"), "z").unwrap();
        scratch.prepare(&BTreeMap::new()).unwrap();
        assert!(contents(scratch.path()).is_empty());
    }
}
