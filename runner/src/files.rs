//! The files Mirror reads: whole trees listed for the commands that copy or hash them, and
//! single files read safely, from a task bundle or from the command line.
//!
//! Every file is hostile input. A file is read only if it is a regular file (not a FIFO that
//! would block, a device such as `/dev/zero` that never ends, or a directory), and only up to
//! [`MAX_FILE_BYTES`]. A bundle's files must also stay inside the bundle: a symlink or `..`
//! leading out of it (to `/proc/self/environ`, say) is refused, not followed.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{fail, Context, Result};

/// The most bytes Mirror reads from one file (or from its standard input): far above what a
/// task file, fixture or module holds, low enough that a hostile file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Why a file could not be read; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: no such file", .0.display())]
    /// The file does not exist.
    NotFound(PathBuf),
    #[error("{}: not a regular file ({}); Mirror reads only regular files", .0.display(), .1)]
    /// A FIFO, a device, a directory or a socket: what it is.
    NotRegular(PathBuf, &'static str),
    #[error("{}: larger than the {MAX_FILE_BYTES} bytes Mirror reads from one file", .0.display())]
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge(PathBuf),
    #[error("{}: leads outside {} (by `..`, an absolute path or a symlink); a task's files stay inside its directory", .0.display(), .1.display())]
    /// Leads outside the directory it must stay in (the second path).
    Escapes(PathBuf, PathBuf),
    #[error("{}: not UTF-8 text", .0.display())]
    /// Not valid UTF-8.
    NotText(PathBuf),
    #[error("cannot read {}: {}", .0.display(), .1)]
    /// The host could not read it.
    Io(PathBuf, std::io::Error),
}

impl ReadError {
    /// Whether the file is simply absent.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::NotFound(_))
    }
}

/// Reads the file at `path` inside the directory `root` (`path` is relative to `root`, or
/// `root` joined with a relative path), resolving every symlink within `root`.
pub fn read_inside(root: &Path, path: &Path) -> Result<Vec<u8>, ReadError> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    if relative.is_absolute() {
        return Err(ReadError::Escapes(path.to_path_buf(), root.to_path_buf()));
    }
    let dir = cap_std::fs::Dir::open_ambient_dir(root, cap_std::ambient_authority())
        .map_err(|err| classify(root, root, err))?;
    let file = dir.open_with(relative, &read_options()).map_err(|err| classify(path, root, err))?;
    read_open(path, file.into_std())
}

/// [`read_inside`] for a text file.
pub fn read_text_inside(root: &Path, path: &Path) -> Result<String, ReadError> {
    String::from_utf8(read_inside(root, path)?).map_err(|_| ReadError::NotText(path.to_path_buf()))
}

/// Reads a file named on the command line (or by an absolute path a task names): it may lie
/// anywhere, but must be a regular file.
pub fn read_given(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = read_options_std().open(path).map_err(|err| classify(path, Path::new("/"), err))?;
    read_open(path, file)
}

/// Reads at most [`MAX_FILE_BYTES`] of `reader`, which `what` names in the error past them.
pub fn read_capped(mut reader: impl Read, what: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.by_ref().take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {what}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        fail!(Usage, "{what} is larger than the {MAX_FILE_BYTES} bytes Mirror reads");
    }
    Ok(bytes)
}

/// Opening never blocks: a FIFO opens at once (and is then refused) instead of waiting for a
/// writer.
fn read_options() -> cap_std::fs::OpenOptions {
    let mut options = cap_std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    cap_std::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options
}

fn read_options_std() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options
}

/// Checks what `file` is, by its open handle (so nothing can swap it between check and read),
/// then reads it whole.
fn read_open(path: &Path, file: std::fs::File) -> Result<Vec<u8>, ReadError> {
    let io = |err| ReadError::Io(path.to_path_buf(), err);
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(path.to_path_buf(), kind(&metadata.file_type())));
    }
    // Refused before it is read; the cap on reading stays for a file that grows meanwhile.
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(path.to_path_buf()));
    }
    let mut bytes = Vec::with_capacity(metadata.len().min(MAX_FILE_BYTES) as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(path.to_path_buf()));
    }
    Ok(bytes)
}

fn classify(path: &Path, root: &Path, err: std::io::Error) -> ReadError {
    match err.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound(path.to_path_buf()),
        // How cap-std refuses a path that leaves its directory.
        std::io::ErrorKind::PermissionDenied if err.to_string().contains("outside") => {
            ReadError::Escapes(path.to_path_buf(), root.to_path_buf())
        }
        _ => ReadError::Io(path.to_path_buf(), err),
    }
}

/// A name for a file type that is not a regular file.
fn kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Every entry under `dir` that is not a directory (regular files, and symlinks and special
/// files, which the readers above then judge), as paths relative to it, sorted; directories
/// for which `skip` says yes (given their relative path) are not entered. A missing `dir` has
/// none.
pub fn files_under(dir: &Path, skip: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    Ok(entries_under(dir, skip)?.into_iter().map(|(path, _)| path).collect())
}

/// [`files_under`], with each entry's type (symlinks are not followed).
pub fn entries_under(dir: &Path, skip: impl Fn(&Path) -> bool) -> Result<Vec<(PathBuf, std::fs::FileType)>> {
    let mut entries = Vec::new();
    if !dir.is_dir() {
        return Ok(entries);
    }
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let current = dir.join(&relative);
        for entry in std::fs::read_dir(&current).with_context(|| format!("cannot list {}", current.display()))? {
            let entry = entry.with_context(|| format!("cannot list {}", current.display()))?;
            let path = relative.join(entry.file_name());
            let kind = entry.file_type().with_context(|| format!("cannot read {}", dir.join(&path).display()))?;
            if kind.is_dir() {
                if !skip(&path) {
                    pending.push(path);
                }
            } else {
                entries.push((path, kind));
            }
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// A relative path with `/` between its parts, as task files write names.
pub fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
