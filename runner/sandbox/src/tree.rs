//! Walks a directory tree of any depth relative to its root, one name at a time (openat
//! style, through cap-std): no host path is ever longer than one name, so neither the tree's
//! depth nor the length of `TMPDIR` can make a walk fail, and only a few directories are
//! held open however deep the tree goes.
//!
//! The walk holds no handle to a directory once it has left it: cap-std opens directories
//! without `FILE_SHARE_DELETE`, so on Windows a directory cannot be removed while any handle
//! to it is open.

use std::ffi::OsString;

use cap_std::fs::{Dir, FileType};

use crate::error::{HostError, IoContext};

type Result<T> = std::result::Result<T, HostError>;

/// Directories the walk keeps open besides the root; deeper ones are opened again from the
/// nearest open ancestor when the walk returns to them.
const OPEN_WINDOW: usize = 16;

/// What a walk does with the entries it meets.
pub trait Visit {
    /// An entry that is not a directory: `name` in `dir`, at `path` (`/`-separated, from the root).
    fn entry(&mut self, dir: &Dir, name: &OsString, path: &str, kind: FileType) -> Result<()>;

    /// Every entry under the directory `name` in `parent` has been visited; `was_empty` when
    /// it had none. The walk holds no handle to the directory then, so it may be removed.
    fn left_directory(&mut self, parent: &Dir, name: &OsString, path: &str, was_empty: bool) -> Result<()>;
}

/// A directory the walk is inside.
struct Level {
    name: OsString,
    path: String,
    dir: Option<Dir>,
    /// Subdirectories still to visit.
    pending: Vec<OsString>,
    was_empty: bool,
}

/// Visits every entry under `root` (not `root` itself), each directory's entries before the
/// directory is left. `listing`, when given, is what `root` holds (name and type, symlinks
/// not followed), known without listing it again.
pub fn walk(root: &Dir, listing: Option<Vec<(OsString, FileType)>>, visit: &mut dyn Visit) -> Result<()> {
    let (pending, _) = match listing {
        Some(entries) => visit_entries(root, "", entries, visit)?,
        None => list(root, "", visit)?,
    };
    let mut levels: Vec<Level> = Vec::new();
    let mut root_pending = pending;
    loop {
        let next = match levels.last_mut() {
            Some(level) => level.pending.pop(),
            None => root_pending.pop(),
        };
        match next {
            Some(name) => {
                let path = match levels.last() {
                    Some(level) => format!("{}/{}", level.path, name.to_string_lossy()),
                    None => name.to_string_lossy().into_owned(),
                };
                let parent = open_level(root, &mut levels)?;
                let dir = parent.open_dir(&name).at(|| format!("cannot open directory {path}"))?;
                let (pending, was_empty) = list(&dir, &path, visit)?;
                levels.push(Level { name, path, dir: Some(dir), pending, was_empty });
                let held = levels.iter().filter(|level| level.dir.is_some()).count();
                if held > OPEN_WINDOW {
                    if let Some(oldest) = levels.iter_mut().find(|level| level.dir.is_some()) {
                        oldest.dir = None;
                    }
                }
            }
            None => {
                let Some(mut level) = levels.pop() else { return Ok(()) };
                drop(level.dir.take());
                let parent = open_level(root, &mut levels)?;
                visit.left_directory(parent, &level.name, &level.path, level.was_empty)?;
            }
        }
    }
}

/// The directory of the innermost level (the root when there is none), opened again from
/// its nearest open ancestor if the window closed it.
fn open_level<'a>(root: &'a Dir, levels: &'a mut [Level]) -> Result<&'a Dir> {
    let Some(innermost) = levels.len().checked_sub(1) else { return Ok(root) };
    if levels[innermost].dir.is_none() {
        let start = levels.iter().rposition(|level| level.dir.is_some());
        let mut dir = match start {
            Some(at) => levels[at]
                .dir
                .as_ref()
                .map(Dir::try_clone)
                .transpose()
                .at(|| format!("cannot open directory {}", levels[at].path))?,
            None => None,
        };
        for level in &levels[start.map_or(0, |at| at + 1)..=innermost] {
            let parent = dir.as_ref().unwrap_or(root);
            let opened = parent.open_dir(&level.name).at(|| format!("cannot open directory {}", level.path))?;
            dir = Some(opened);
        }
        levels[innermost].dir = dir;
    }
    Ok(levels[innermost].dir.as_ref().unwrap_or(root))
}

/// Lists `dir` and visits its entries as [`visit_entries`] does.
fn list(dir: &Dir, path: &str, visit: &mut dyn Visit) -> Result<(Vec<OsString>, bool)> {
    let context = || {
        if path.is_empty() {
            "cannot list the scratch directory".to_string()
        } else {
            format!("cannot list {path}")
        }
    };
    let mut entries = Vec::new();
    for entry in dir.entries().at(context)? {
        let entry = entry.at(context)?;
        entries.push((entry.file_name(), entry.file_type().at(context)?));
    }
    visit_entries(dir, path, entries, visit)
}

/// Visits `entries` of `dir` (at `path`) that are not directories, in name order; its
/// subdirectories (in reverse name order, to be popped in order) and whether it had none.
fn visit_entries(
    dir: &Dir,
    path: &str,
    mut entries: Vec<(OsString, FileType)>,
    visit: &mut dyn Visit,
) -> Result<(Vec<OsString>, bool)> {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let was_empty = entries.is_empty();
    let mut subdirs = Vec::new();
    for (name, kind) in entries {
        if kind.is_dir() {
            subdirs.push(name);
        } else {
            let entry_path = if path.is_empty() {
                name.to_string_lossy().into_owned()
            } else {
                format!("{path}/{}", name.to_string_lossy())
            };
            visit.entry(dir, &name, &entry_path, kind)?;
        }
    }
    subdirs.reverse();
    Ok((subdirs, was_empty))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// Notes every directory the walk leaves, and those the process still held open then
    /// (as Linux shows them in /proc/self/fd).
    struct HeldWhenLeft {
        root: PathBuf,
        left: Vec<String>,
        held: Vec<String>,
    }

    impl Visit for HeldWhenLeft {
        fn entry(&mut self, _dir: &Dir, _name: &OsString, _path: &str, _kind: FileType) -> Result<()> {
            Ok(())
        }

        fn left_directory(&mut self, _parent: &Dir, _name: &OsString, path: &str, _was_empty: bool) -> Result<()> {
            if open_descriptors().contains(&self.root.join(path)) {
                self.held.push(path.to_string());
            }
            self.left.push(path.to_string());
            Ok(())
        }
    }

    fn open_descriptors() -> Vec<PathBuf> {
        let fds = std::fs::read_dir("/proc/self/fd").unwrap();
        fds.filter_map(|fd| std::fs::read_link(fd.unwrap().path()).ok()).collect()
    }

    /// What Windows needs to remove a directory the walk has left: no handle to it.
    #[test]
    fn no_handle_to_a_directory_is_held_when_the_walk_leaves_it() {
        let temp = tempfile::tempdir().unwrap();
        let root_path = temp.path().canonicalize().unwrap();
        // Deeper than the window, so that levels closed and opened again are left too.
        let deep: Vec<String> = (0..OPEN_WINDOW + 4).map(|depth| format!("d{depth}")).collect();
        std::fs::create_dir_all(root_path.join(deep.join("/"))).unwrap();
        std::fs::create_dir_all(root_path.join("dir/sub")).unwrap();
        std::fs::write(root_path.join("dir/sub/file"), "x").unwrap();
        let root = Dir::open_ambient_dir(Path::new(&root_path), cap_std::ambient_authority()).unwrap();
        let mut visit = HeldWhenLeft { root: root_path, left: Vec::new(), held: Vec::new() };
        walk(&root, None, &mut visit).unwrap();
        assert_eq!(visit.left.len(), deep.len() + 2, "{:?}", visit.left);
        assert!(visit.held.is_empty(), "held open when left: {:?}", visit.held);
    }
}
