//! The budgets a guest draws on: file bytes and created entries (shared by the case's
//! commands), open descriptors, and its stdout and stderr caps. A guest that goes past a
//! byte, file or output cap is stopped at once ([`LimitExceeded`]): its verdict is decided.
//! Past the descriptor cap `path_open` gets `EMFILE`, as from a host at its limit.
//!
//! The calls that create or change files also give them their virtual inode number and
//! time ([`super::determinism`]).

use wasmtime::Linker;

use super::determinism::{now, virtual_ino};
use super::names::{refuse_unportable, refuse_unportable_at};
use super::{
    guest_bytes, host_disk_full, host_fd_filestat, host_path_filestat, raw, split, Guest, ERRNO_FAULT, ERRNO_IO,
    ERRNO_MFILE, ERRNO_NOENT, ERRNO_SUCCESS, MODULE,
};
use crate::budget::LimitExceeded;
use crate::guest::GuestState;
use crate::layout::{array_at, Ciovec, Filestat, CIOVEC_SIZE, FILETYPE_REGULAR_FILE};

const OFLAGS_CREAT: i32 = 1;
const OFLAGS_TRUNC: i32 = 8;

pub(super) fn shadow(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "fd_write", fd_write)?;
    linker.func_wrap(MODULE, "fd_pwrite", fd_pwrite)?;
    linker.func_wrap(MODULE, "fd_filestat_set_size", fd_filestat_set_size)?;
    linker.func_wrap(MODULE, "path_open", path_open)?;
    linker.func_wrap(MODULE, "fd_close", fd_close)?;
    linker.func_wrap(MODULE, "fd_renumber", fd_renumber)?;
    linker.func_wrap(MODULE, "path_create_directory", path_create_directory)?;
    linker.func_wrap(MODULE, "path_symlink", path_symlink)?;
    linker.func_wrap(MODULE, "path_link", path_link)?;
    Ok(())
}

/// Takes `bytes` from the case's budget, or stops the guest.
fn charge_bytes(state: &mut GuestState, bytes: u64) -> wasmtime::Result<()> {
    if state.case.writes.take_bytes(bytes) {
        Ok(())
    } else {
        Err(LimitExceeded::Files.into())
    }
}

/// Takes one created file, directory or link from the case's budget, or stops the guest.
fn charge_entry(state: &mut GuestState) -> wasmtime::Result<()> {
    if state.case.writes.take_file() {
        Ok(())
    } else {
        Err(LimitExceeded::Files.into())
    }
}

/// A file the guest just created gets a new inode number and the current time.
fn stamp_created(state: &mut GuestState, stat: Result<Filestat, i32>) {
    if let Ok(stat) = stat {
        let now = now(state);
        let ino = state.case.inodes.fresh(stat.ino);
        state.case.times.created(ino, now);
    }
}

/// A file whose contents the guest just changed gets the current time.
fn stamp_modified(state: &mut GuestState, host_identity: u64) {
    let now = now(state);
    let ino = virtual_ino(state, host_identity);
    state.case.times.modified(ino, now);
}

/// Total length of an iovec array in guest memory; None when it lies outside memory.
fn iovec_total(memory: &[u8], iovs: i32, count: i32) -> Option<u64> {
    let len = (count as u32 as usize).checked_mul(CIOVEC_SIZE)?;
    let array = guest_bytes(memory, iovs, i32::try_from(len).ok()?)?;
    let lengths = array.chunks_exact(CIOVEC_SIZE).filter_map(|chunk| array_at::<CIOVEC_SIZE>(chunk, 0));
    Some(lengths.map(|iov| Ciovec::decode(&iov).len as u64).sum())
}

/// The guest's current position in `fd`.
fn position(state: &mut GuestState, fd: i32) -> wasmtime::Result<u64> {
    let mut out = [0u8; 8];
    let errno = raw!(now state, &mut out, fd_tell(fd, 0))?;
    Ok(if errno == ERRNO_SUCCESS { u64::from_le_bytes(out) } else { 0 })
}

/// The arguments of `fd_write` (no offset) or `fd_pwrite`.
#[derive(Clone, Copy)]
struct WriteCall {
    fd: i32,
    iovs: i32,
    count: i32,
    offset: Option<i64>,
    nwritten: i32,
}

impl WriteCall {
    /// Makes the write through wasmtime-wasi.
    fn run(self, memory: &mut [u8], state: &mut GuestState) -> wasmtime::Result<i32> {
        let WriteCall { fd, iovs, count, offset, nwritten } = self;
        match offset {
            Some(offset) => raw!(state, memory, fd_pwrite(fd, iovs, count, offset, nwritten)),
            None => raw!(state, memory, fd_write(fd, iovs, count, nwritten)),
        }
    }
}

/// A write to a regular file is charged as the bytes written plus the hole it leaves past
/// the file's end; one to stdout or stderr stops the guest once the stream's cap is passed.
fn write(memory: &mut [u8], state: &mut GuestState, call: WriteCall) -> wasmtime::Result<i32> {
    let file = match host_fd_filestat(state, call.fd)? {
        Ok(stat) if stat.filetype == FILETYPE_REGULAR_FILE => Some(stat),
        _ => None,
    };
    if let Some(stat) = file {
        let Some(total) = iovec_total(memory, call.iovs, call.count) else { return Ok(ERRNO_FAULT) };
        let start = match call.offset {
            Some(offset) => offset as u64,
            None => position(state, call.fd)?,
        };
        charge_bytes(state, total.saturating_add(start.saturating_sub(stat.size)))?;
        let errno = host_disk_full(call.run(memory, state)?)?;
        if errno == ERRNO_SUCCESS && total > 0 {
            stamp_modified(state, stat.ino);
        }
        return Ok(errno);
    }
    let errno = call.run(memory, state)?;
    // A full output pipe fails the write with EIO; it holds one byte past its cap.
    if errno == ERRNO_IO {
        if let Some(stream) = state.output.exceeded() {
            return Err(LimitExceeded::Output(stream).into());
        }
    }
    Ok(errno)
}

fn fd_write(mut caller: Guest<'_>, fd: i32, iovs: i32, count: i32, nwritten: i32) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    write(memory, state, WriteCall { fd, iovs, count, offset: None, nwritten })
}

fn fd_pwrite(
    mut caller: Guest<'_>,
    fd: i32,
    iovs: i32,
    count: i32,
    offset: i64,
    nwritten: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    write(memory, state, WriteCall { fd, iovs, count, offset: Some(offset), nwritten })
}

/// Growing a file without writing (truncate upwards) is charged as the bytes it grows by.
fn fd_filestat_set_size(mut caller: Guest<'_>, fd: i32, size: i64) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let stat = host_fd_filestat(state, fd)?;
    if let Ok(stat) = stat {
        charge_bytes(state, (size as u64).saturating_sub(stat.size))?;
    }
    let errno = host_disk_full(raw!(state, memory, fd_filestat_set_size(fd, size))?)?;
    if let (ERRNO_SUCCESS, Ok(stat)) = (errno, stat) {
        stamp_modified(state, stat.ino);
    }
    Ok(errno)
}

/// Opens past the descriptor cap get `EMFILE`; an open that creates a file is charged as
/// one created entry and must name a portable path.
#[allow(clippy::too_many_arguments)]
fn path_open(
    mut caller: Guest<'_>,
    dirfd: i32,
    dirflags: i32,
    path: i32,
    path_len: i32,
    oflags: i32,
    rights_base: i64,
    rights_inheriting: i64,
    fdflags: i32,
    opened: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    if !state.descriptors.may_open() {
        return Ok(ERRNO_MFILE);
    }
    let Some(path_bytes) = guest_bytes(memory, path, path_len).map(<[u8]>::to_vec) else { return Ok(ERRNO_FAULT) };
    let creates =
        oflags & OFLAGS_CREAT != 0 && host_path_filestat(state, dirfd, dirflags, &path_bytes)? == Err(ERRNO_NOENT);
    if creates {
        if let Some(errno) = refuse_unportable(&path_bytes) {
            return Ok(errno);
        }
        charge_entry(state)?;
    }
    let errno = host_disk_full(raw!(
        state,
        memory,
        path_open(dirfd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, opened)
    )?)?;
    if errno != ERRNO_SUCCESS {
        return Ok(errno);
    }
    state.descriptors.opened();
    if creates || oflags & OFLAGS_TRUNC != 0 {
        let Some(fd) = guest_bytes(memory, opened, 4).and_then(|bytes| array_at::<4>(bytes, 0)) else {
            return Ok(errno);
        };
        let stat = host_fd_filestat(state, i32::from_le_bytes(fd))?;
        match stat {
            Ok(_) if creates => stamp_created(state, stat),
            Ok(stat) => stamp_modified(state, stat.ino),
            Err(_) => {}
        }
    }
    Ok(errno)
}

fn fd_close(mut caller: Guest<'_>, fd: i32) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let errno = raw!(state, memory, fd_close(fd))?;
    if errno == ERRNO_SUCCESS {
        state.descriptors.closed();
    }
    Ok(errno)
}

/// Renumbering closes the descriptor it replaces.
fn fd_renumber(mut caller: Guest<'_>, from: i32, to: i32) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let errno = raw!(state, memory, fd_renumber(from, to))?;
    if errno == ERRNO_SUCCESS && from != to {
        state.descriptors.closed();
    }
    Ok(errno)
}

/// Before a call that creates the entry named at `name` in guest memory: refuses a name no
/// platform can hold and charges one created entry; the name.
fn before_create(
    memory: &[u8],
    state: &mut GuestState,
    name: i32,
    name_len: i32,
) -> wasmtime::Result<Result<Vec<u8>, i32>> {
    let Some(name) = guest_bytes(memory, name, name_len).map(<[u8]>::to_vec) else { return Ok(Err(ERRNO_FAULT)) };
    if let Some(errno) = refuse_unportable(&name) {
        return Ok(Err(errno));
    }
    charge_entry(state)?;
    Ok(Ok(name))
}

/// After a call that created `name` under `fd`: the new entry's inode number and time.
fn after_create(state: &mut GuestState, fd: i32, name: &[u8], errno: i32) -> wasmtime::Result<i32> {
    let errno = host_disk_full(errno)?;
    if errno == ERRNO_SUCCESS {
        let stat = host_path_filestat(state, fd, 0, name)?;
        stamp_created(state, stat);
    }
    Ok(errno)
}

fn path_create_directory(mut caller: Guest<'_>, fd: i32, path: i32, path_len: i32) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let name = match before_create(memory, state, path, path_len)? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    let errno = raw!(state, memory, path_create_directory(fd, path, path_len))?;
    after_create(state, fd, &name, errno)
}

/// A symlink is charged as a created entry; both its name and its target must be portable.
fn path_symlink(
    mut caller: Guest<'_>,
    old: i32,
    old_len: i32,
    fd: i32,
    new: i32,
    new_len: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    if let Some(errno) = refuse_unportable_at(memory, old, old_len) {
        return Ok(errno);
    }
    let name = match before_create(memory, state, new, new_len)? {
        Ok(name) => name,
        Err(errno) => return Ok(errno),
    };
    let errno = raw!(state, memory, path_symlink(old, old_len, fd, new, new_len))?;
    after_create(state, fd, &name, errno)
}

/// A hard link is charged as a created entry and as the size of the file it names again:
/// every link is read back as a file of its own.
#[allow(clippy::too_many_arguments)]
fn path_link(
    mut caller: Guest<'_>,
    old_fd: i32,
    old_flags: i32,
    old: i32,
    old_len: i32,
    new_fd: i32,
    new: i32,
    new_len: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    if let Some(errno) = refuse_unportable_at(memory, new, new_len) {
        return Ok(errno);
    }
    let Some(old_path) = guest_bytes(memory, old, old_len).map(<[u8]>::to_vec) else { return Ok(ERRNO_FAULT) };
    charge_entry(state)?;
    if let Ok(stat) = host_path_filestat(state, old_fd, old_flags, &old_path)? {
        charge_bytes(state, stat.size)?;
    }
    host_disk_full(raw!(state, memory, path_link(old_fd, old_flags, old, old_len, new_fd, new, new_len))?)
}
