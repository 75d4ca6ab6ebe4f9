//! The per-case scratch directory: the only part of the host a guest can reach.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cap_std::fs::{Dir, FileType};
use tempfile::TempDir;

use super::tree::{walk, Visit};
use crate::error::{HostError, IoContext};
use crate::outcome::{Entry, FileChanges};

type Result<T> = std::result::Result<T, HostError>;

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
///
/// Everything inside is reached relative to the directory, one name at a time, so a tree of
/// any depth is read back and removed whatever the length of `TMPDIR`.
pub struct Scratch {
    /// Declared before `dir`, so that it is closed before `dir` removes the directory: on
    /// Windows a directory with an open handle cannot be removed.
    root: Dir,
    dir: TempDir,
    inputs: BTreeMap<String, Vec<u8>>,
    /// What the directory holds at its top level (name and type), known without listing it
    /// once [`Scratch::changes`] has read it back: `prepare` then removes these rather than
    /// list the directory again.
    known_top_level: Option<Vec<(OsString, FileType)>>,
}

impl Scratch {
    /// Creates the directory under the system temporary directory (`TMPDIR`) and writes the
    /// input files, keyed by relative `/`-separated path. Names are the caller's to check
    /// (plain relative paths, see [`portable_path`]); none can reach outside the directory.
    pub fn new(inputs: &BTreeMap<String, Vec<u8>>) -> Result<Self> {
        let dir = {
            // Registered while the lock is held, so an interrupt sees every directory made.
            let mut live = LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let dir = tempfile::Builder::new()
                .prefix("mirror-case-")
                .tempdir()
                .at(|| "cannot create a scratch directory".into())?;
            live.insert(dir.path().to_path_buf());
            dir
        };
        let root = Dir::open_ambient_dir(dir.path(), cap_std::ambient_authority())
            .at(|| format!("cannot open scratch directory {}", dir.path().display()))?;
        let mut scratch = Scratch { root, dir, inputs: BTreeMap::new(), known_top_level: None };
        scratch.write_inputs(inputs)?;
        Ok(scratch)
    }

    /// Empties the directory and writes the next case's inputs.
    pub fn prepare(&mut self, inputs: &BTreeMap<String, Vec<u8>>) -> Result<()> {
        walk(&self.root, self.known_top_level.take(), &mut Remove)?;
        self.write_inputs(inputs)
    }

    fn write_inputs(&mut self, inputs: &BTreeMap<String, Vec<u8>>) -> Result<()> {
        for (name, content) in inputs {
            if let Some((parent, _)) = name.rsplit_once('/') {
                self.root.create_dir_all(parent).at(|| format!("cannot create the directory of input file {name}"))?;
            }
            self.root.write(name, content).at(|| format!("cannot write input file {name}"))?;
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

    /// The most bytes of files Mirror reads back from the directory, given a case's
    /// `file_bytes_written` budget: the inputs plus that budget.
    pub fn read_back_cap(&self, file_bytes_written: u64) -> u64 {
        self.inputs.values().map(|content| content.len() as u64).fold(file_bytes_written, u64::saturating_add)
    }

    /// Reads back what the guest left, as changes against the inputs, in sorted order; None
    /// when its files hold more than `cap` bytes (apparent sizes, each hard link counted),
    /// of which no more than `cap` are read.
    pub fn changes(&mut self, cap: u64) -> Result<Option<FileChanges>> {
        let mut read_back = ReadBack { found: BTreeMap::new(), left: cap, too_large: false, top_level: Vec::new() };
        match walk(&self.root, None, &mut read_back) {
            Ok(()) => {}
            Err(_) if read_back.too_large => return Ok(None),
            Err(err) => return Err(err),
        }
        self.known_top_level = Some(read_back.top_level);
        let found = read_back.found;
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
        Ok(Some(changes))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(self.dir.path());
    }
}

/// Removes every entry it meets, each directory once emptied.
struct Remove;

impl Visit for Remove {
    fn entry(&mut self, dir: &Dir, name: &OsString, path: &str, _kind: FileType) -> Result<()> {
        dir.remove_file(name).at(|| format!("cannot remove {path}"))
    }

    fn left_directory(&mut self, parent: &Dir, name: &OsString, path: &str, _was_empty: bool) -> Result<()> {
        parent.remove_dir(name).at(|| format!("cannot remove directory {path}"))
    }
}

/// Reads every entry into `found`, keyed by `/`-separated path, within a byte cap.
struct ReadBack {
    found: BTreeMap<String, Entry>,
    /// Bytes that may still be read.
    left: u64,
    /// Set when the files hold more than the cap; the walk then stops with an error.
    too_large: bool,
    top_level: Vec<(OsString, FileType)>,
}

impl ReadBack {
    fn note_top_level(&mut self, name: &OsString, path: &str, kind: FileType) {
        if !path.contains('/') {
            self.top_level.push((name.clone(), kind));
        }
    }

    /// Marks the read-back as over its cap and stops the walk: [`Scratch::changes`] then
    /// reports the cap, not this error.
    fn over_cap(&mut self, path: &str) -> HostError {
        self.too_large = true;
        HostError::Io {
            context: format!("cannot read back {path}"),
            source: std::io::Error::other("the files hold more than the bytes Mirror reads back"),
        }
    }

    /// Reads the regular file `name` of `dir`, within what the cap leaves.
    fn read_file(&mut self, dir: &Dir, name: &OsString, path: &str) -> Result<Vec<u8>> {
        let size = dir.symlink_metadata(name).at(|| format!("cannot read back {path}"))?.len();
        if size > self.left {
            return Err(self.over_cap(path));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        let file = dir.open(name).at(|| format!("cannot read back {path}"))?;
        // The guest has stopped, so the file cannot grow meanwhile; the cap holds regardless.
        file.take(self.left.saturating_add(1)).read_to_end(&mut bytes).at(|| format!("cannot read back {path}"))?;
        if bytes.len() as u64 > self.left {
            return Err(self.over_cap(path));
        }
        self.left -= bytes.len() as u64;
        Ok(bytes)
    }
}

impl Visit for ReadBack {
    fn entry(&mut self, dir: &Dir, name: &OsString, path: &str, kind: FileType) -> Result<()> {
        self.note_top_level(name, path, kind);
        let entry = if kind.is_symlink() {
            let target = dir.read_link_contents(name).at(|| format!("cannot read back symlink {path}"))?;
            Entry::Symlink(target.to_string_lossy().replace('\\', "/"))
        } else if kind.is_file() {
            Entry::File(self.read_file(dir, name, path)?)
        } else {
            let source = std::io::Error::other("neither a file, a directory nor a symlink");
            return Err(HostError::Io { context: format!("cannot read back {path}"), source });
        };
        self.found.insert(path.to_string(), entry);
        Ok(())
    }

    fn left_directory(&mut self, _parent: &Dir, name: &OsString, path: &str, was_empty: bool) -> Result<()> {
        self.note_top_level(name, path, FileType::dir());
        if was_empty {
            self.found.insert(path.to_string(), Entry::Directory);
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(names: &[&str]) -> BTreeMap<String, Vec<u8>> {
        names.iter().map(|name| (name.to_string(), name.as_bytes().to_vec())).collect()
    }

    fn contents(dir: &Path) -> Vec<String> {
        let root = Dir::open_ambient_dir(dir, cap_std::ambient_authority()).unwrap();
        let mut read_back =
            ReadBack { found: BTreeMap::new(), left: u64::MAX, too_large: false, top_level: Vec::new() };
        walk(&root, None, &mut read_back).unwrap();
        read_back.found.into_keys().collect()
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
                let changes = scratch.changes(u64::MAX).unwrap().unwrap();
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
        scratch.changes(u64::MAX).unwrap();
        std::fs::write(scratch.path().join("written-after.txt"), "z").unwrap();
        scratch.prepare(&BTreeMap::new()).unwrap();
        assert!(contents(scratch.path()).is_empty());
    }

    /// Forty nested directories with 255-byte names: far past PATH_MAX as one host path.
    #[test]
    fn a_tree_deeper_than_any_host_path_is_read_back_and_removed() {
        let mut scratch = Scratch::new(&BTreeMap::new()).unwrap();
        let name = "d".repeat(255);
        let mut dir = Dir::open_ambient_dir(scratch.path(), cap_std::ambient_authority()).unwrap();
        for _ in 0..40 {
            dir.create_dir(&name).unwrap();
            dir = dir.open_dir(&name).unwrap();
        }
        dir.write("leaf.txt", "deep").unwrap();
        let changes = scratch.changes(u64::MAX).unwrap().unwrap();
        let leaf = format!("{}/leaf.txt", vec![name.as_str(); 40].join("/"));
        assert_eq!(changes.written.get(&leaf), Some(&Entry::File(b"deep".to_vec())));
        scratch.prepare(&BTreeMap::new()).unwrap();
        assert!(contents(scratch.path()).is_empty());
    }

    #[test]
    fn read_back_stops_at_its_cap_counting_apparent_sizes_and_every_link() {
        let mut scratch = Scratch::new(&inputs(&["in.txt"])).unwrap();
        assert_eq!(scratch.read_back_cap(100), 106);
        let dir = scratch.path().to_path_buf();
        std::fs::File::create(dir.join("sparse")).unwrap().set_len(1 << 40).unwrap();
        assert_eq!(scratch.changes(1 << 20).unwrap(), None, "a sparse terabyte is not read");
        std::fs::remove_file(dir.join("sparse")).unwrap();
        std::fs::write(dir.join("eight"), [7u8; 8]).unwrap();
        for i in 0..3 {
            std::fs::hard_link(dir.join("eight"), dir.join(format!("link-{i}"))).unwrap();
        }
        assert_eq!(scratch.changes(6 + 31).unwrap(), None, "four names of eight bytes and the input are 38 bytes");
        assert!(scratch.changes(6 + 32).unwrap().is_some());
    }
}
