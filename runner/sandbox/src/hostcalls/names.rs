//! No guest makes a name some platform cannot hold: creates, renames and symlink targets
//! with such a name get `EILSEQ` on every host, so that no guest sees a difference.

use wasmtime::Linker;

use super::{gated, guest_bytes, Guest, ERRNO_FAULT, ERRNO_ILSEQ, MODULE};
use crate::guest::GuestState;
use crate::scratch::portable_path;

pub(super) fn shadow(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "path_rename", path_rename)?;
    Ok(())
}

/// `EILSEQ` for a path with a component some host file system cannot hold, else nothing.
pub(super) fn refuse_unportable(path: &[u8]) -> Option<i32> {
    match std::str::from_utf8(path) {
        Ok(name) if portable_path(name) => None,
        _ => Some(ERRNO_ILSEQ),
    }
}

/// As [`refuse_unportable`], for a path in guest memory (`EFAULT` when outside it).
pub(super) fn refuse_unportable_at(memory: &[u8], path: i32, path_len: i32) -> Option<i32> {
    match guest_bytes(memory, path, path_len) {
        Some(path) => refuse_unportable(path),
        None => Some(ERRNO_FAULT),
    }
}

/// A rename creates no entry, but its new name must be one every host can hold.
fn path_rename(
    mut caller: Guest<'_>,
    fd: i32,
    old: i32,
    old_len: i32,
    new_fd: i32,
    new: i32,
    new_len: i32,
) -> wasmtime::Result<i32> {
    gated!(
        caller,
        |memory, _state| refuse_unportable_at(memory, new, new_len),
        path_rename(fd, old, old_len, new_fd, new, new_len)
    )
}
