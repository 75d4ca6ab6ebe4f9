//! Preview1 host functions that Mirror defines over wasmtime-wasi's own.
//!
//! wasmtime-wasi passes some host facts through to the guest (directory order, inode numbers,
//! file times, real sleeps) and knows nothing of Mirror's write budget or of exit codes
//! above 125. The functions here shadow those imports in the linker: each one either replaces
//! the call outright or delegates to wasmtime-wasi's raw-ABI function, then rewrites what
//! the guest sees.

use wasmtime::{Caller, Linker};
use wasmtime_wasi::p1::wasi_snapshot_preview1::{self as p1, WasiSnapshotPreview1};
use wasmtime_wasi::runtime::in_tokio;
use wiggle::GuestMemory;

use super::guest::GuestState;
use super::scratch::portable_path;

const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values used here.
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_ILSEQ: i32 = 25;
const ERRNO_INVAL: i32 = 28;
const ERRNO_NOENT: i32 = 44;
const ERRNO_NOSPC: i32 = 51;

const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;

const OFLAGS_CREAT: i32 = 1;

/// Size of a preview1 `filestat`, `dirent` header, `subscription` and `event`.
const FILESTAT_SIZE: usize = 64;
const DIRENT_HEADER_SIZE: usize = 24;
const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;

/// A guest asked to exit: preview1 allows any u32, where wasmtime-wasi refuses 126 and up.
#[derive(Debug, thiserror::Error)]
#[error("guest exited with status {0}")]
pub struct GuestExit(pub u32);

/// Defines Mirror's host functions over those wasmtime-wasi already put in `linker`.
pub fn shadow_preview1(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    linker
        .func_wrap(MODULE, "proc_exit", |code: i32| -> wasmtime::Result<()> { Err(GuestExit(code as u32).into()) })?;
    linker.func_wrap(MODULE, "fd_readdir", fd_readdir)?;
    linker.func_wrap(MODULE, "fd_filestat_get", fd_filestat_get)?;
    linker.func_wrap(MODULE, "path_filestat_get", path_filestat_get)?;
    linker.func_wrap(MODULE, "poll_oneoff", poll_oneoff)?;
    linker.func_wrap(MODULE, "fd_write", fd_write)?;
    linker.func_wrap(MODULE, "fd_pwrite", fd_pwrite)?;
    linker.func_wrap(MODULE, "path_open", path_open)?;
    linker.func_wrap(MODULE, "path_create_directory", path_create_directory)?;
    linker.func_wrap(MODULE, "path_symlink", path_symlink)?;
    linker.func_wrap(MODULE, "path_link", path_link)?;
    linker.func_wrap(MODULE, "path_rename", path_rename)?;
    linker.func_wrap(MODULE, "fd_filestat_set_size", fd_filestat_set_size)?;
    linker.allow_shadowing(false);
    Ok(())
}

type Guest<'a> = Caller<'a, GuestState>;

/// The guest's linear memory and the host state, borrowed together, with the WASI context
/// ready for a call: wasmtime-wasi bounds how much guest data one call may copy by a budget
/// that its own glue sets from the store before every call, and so must Mirror's.
fn split<'a>(caller: &'a mut Guest<'_>) -> wasmtime::Result<(&'a mut [u8], &'a mut GuestState)> {
    let memory = caller
        .get_export("memory")
        .and_then(|export| export.into_memory())
        .ok_or_else(|| wasmtime::format_err!("the module exports no memory named `memory`"))?;
    let budget = wasmtime::AsContextMut::as_context_mut(&mut *caller).hostcall_fuel();
    let (memory, state) = memory.data_and_store_mut(caller);
    WasiSnapshotPreview1::set_hostcall_fuel(&mut state.wasi, budget);
    Ok((memory, state))
}

fn guest_range(memory: &[u8], ptr: i32, len: usize) -> Option<std::ops::Range<usize>> {
    let start = ptr as u32 as usize;
    let end = start.checked_add(len)?;
    (end <= memory.len()).then_some(start..end)
}

/// Copies `bytes` into guest memory; the errno to return.
fn write_guest(memory: &mut [u8], ptr: i32, bytes: &[u8]) -> i32 {
    match guest_range(memory, ptr, bytes.len()) {
        Some(range) => {
            memory[range].copy_from_slice(bytes);
            ERRNO_SUCCESS
        }
        None => ERRNO_FAULT,
    }
}

fn le_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

/// Replaces the host facts in a `filestat` with stable ones: device 0, a virtual inode,
/// one link, directory size 0 (file systems disagree on it) and the fixed clock for all times.
fn stabilize_filestat(stat: &mut [u8], state: &mut GuestState) {
    let ino = state.inodes.number(le_u64(stat, 8));
    let is_dir = stat[16] == FILETYPE_DIRECTORY;
    let time = super::determinism::WALL_CLOCK_SECONDS * 1_000_000_000;
    stat[0..8].copy_from_slice(&0u64.to_le_bytes());
    stat[8..16].copy_from_slice(&ino.to_le_bytes());
    stat[24..32].copy_from_slice(&1u64.to_le_bytes());
    if is_dir {
        stat[32..40].copy_from_slice(&0u64.to_le_bytes());
    }
    for at in [40, 48, 56] {
        stat[at..at + 8].copy_from_slice(&time.to_le_bytes());
    }
}

fn fd_filestat_get(mut caller: Guest<'_>, fd: i32, out: i32) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let mut stat = [0u8; FILESTAT_SIZE];
    let errno = in_tokio(p1::fd_filestat_get(&mut state.wasi, &mut GuestMemory::Unshared(&mut stat), fd, 0))?;
    if errno != ERRNO_SUCCESS {
        return Ok(errno);
    }
    stabilize_filestat(&mut stat, state);
    Ok(write_guest(memory, out, &stat))
}

/// `path_filestat_get` on a host-side copy of the path; the answer is stabilized as above.
fn host_path_filestat(
    state: &mut GuestState,
    fd: i32,
    flags: i32,
    path: &[u8],
) -> wasmtime::Result<Result<[u8; FILESTAT_SIZE], i32>> {
    let mut scratch = vec![0u8; FILESTAT_SIZE + path.len()];
    scratch[FILESTAT_SIZE..].copy_from_slice(path);
    let errno = in_tokio(p1::path_filestat_get(
        &mut state.wasi,
        &mut GuestMemory::Unshared(&mut scratch),
        fd,
        flags,
        FILESTAT_SIZE as i32,
        path.len() as i32,
        0,
    ))?;
    if errno != ERRNO_SUCCESS {
        return Ok(Err(errno));
    }
    let mut stat = [0u8; FILESTAT_SIZE];
    stat.copy_from_slice(&scratch[..FILESTAT_SIZE]);
    stabilize_filestat(&mut stat, state);
    Ok(Ok(stat))
}

fn path_filestat_get(
    mut caller: Guest<'_>,
    fd: i32,
    flags: i32,
    path: i32,
    path_len: i32,
    out: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let Some(range) = guest_range(memory, path, path_len as u32 as usize) else { return Ok(ERRNO_FAULT) };
    let path = memory[range].to_vec();
    Ok(match host_path_filestat(state, fd, flags, &path)? {
        Ok(stat) => write_guest(memory, out, &stat),
        Err(errno) => errno,
    })
}

/// One directory entry as preview1 lists it.
struct Dirent {
    ino: u64,
    filetype: u8,
    name: Vec<u8>,
}

/// Every entry of a directory, `.` and `..` first and the rest sorted by name.
fn sorted_dirents(state: &mut GuestState, fd: i32) -> wasmtime::Result<Result<Vec<Dirent>, i32>> {
    let mut size = 16 * 1024;
    let (listing, used) = loop {
        // The last four bytes receive `bufused`.
        let mut scratch = vec![0u8; size + 4];
        let errno = in_tokio(p1::fd_readdir(
            &mut state.wasi,
            &mut GuestMemory::Unshared(&mut scratch),
            fd,
            0,
            size as i32,
            0,
            size as i32,
        ))?;
        if errno != ERRNO_SUCCESS {
            return Ok(Err(errno));
        }
        let used = le_u32(&scratch, size) as usize;
        if used < size {
            break (scratch, used);
        }
        size = size
            .checked_mul(4)
            .filter(|s| *s <= i32::MAX as usize / 2)
            .ok_or_else(|| wasmtime::format_err!("directory listing too large"))?;
    };
    let mut entries = Vec::new();
    let mut at = 0;
    while at + DIRENT_HEADER_SIZE <= used {
        let name_len = le_u32(&listing, at + 16) as usize;
        let name_start = at + DIRENT_HEADER_SIZE;
        entries.push(Dirent {
            ino: le_u64(&listing, at + 8),
            filetype: listing[at + 20],
            name: listing[name_start..name_start + name_len].to_vec(),
        });
        at = name_start + name_len;
    }
    let dots = entries.iter().take_while(|e| e.name == b"." || e.name == b"..").count();
    entries[dots..].sort_by(|a, b| a.name.cmp(&b.name));
    for entry in &mut entries {
        entry.ino = state.inodes.number(entry.ino);
    }
    Ok(Ok(entries))
}

fn fd_readdir(
    mut caller: Guest<'_>,
    fd: i32,
    buf: i32,
    buf_len: i32,
    cookie: i64,
    bufused: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let entries = match sorted_dirents(state, fd)? {
        Ok(entries) => entries,
        Err(errno) => return Ok(errno),
    };
    let capacity = buf_len as u32 as usize;
    let mut out = Vec::with_capacity(capacity.min(1 << 20));
    // Entry i's cookie is i + 1: a listing resumed at cookie c skips the first c entries.
    let skip = usize::try_from(cookie as u64).unwrap_or(usize::MAX);
    for (index, entry) in entries.iter().enumerate().skip(skip) {
        if out.len() >= capacity {
            break;
        }
        out.extend_from_slice(&(index as u64 + 1).to_le_bytes());
        out.extend_from_slice(&entry.ino.to_le_bytes());
        out.extend_from_slice(&(entry.name.len() as u32).to_le_bytes());
        out.extend_from_slice(&[entry.filetype, 0, 0, 0]);
        out.extend_from_slice(&entry.name);
    }
    // A full buffer tells the guest to read again with a bigger one, as in wasmtime-wasi.
    out.truncate(capacity);
    let errno = write_guest(memory, buf, &out);
    if errno != ERRNO_SUCCESS {
        return Ok(errno);
    }
    Ok(write_guest(memory, bufused, &(out.len() as u32).to_le_bytes()))
}

/// Answers every poll at once on the virtual clock: descriptors are in-memory or files, so
/// always ready, and a clock subscription moves the virtual clock instead of sleeping.
fn poll_oneoff(
    mut caller: Guest<'_>,
    subscriptions: i32,
    events: i32,
    count: i32,
    nevents: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let count = count as u32 as usize;
    if count == 0 {
        return Ok(ERRNO_INVAL);
    }
    let Some(range) = count.checked_mul(SUBSCRIPTION_SIZE).and_then(|len| guest_range(memory, subscriptions, len))
    else {
        return Ok(ERRNO_FAULT);
    };
    let subscriptions = memory[range].to_vec();
    let subscriptions: Vec<&[u8]> = subscriptions.chunks(SUBSCRIPTION_SIZE).collect();
    const TAG_CLOCK: u8 = 0;
    let has_io = subscriptions.iter().any(|s| s[8] != TAG_CLOCK);
    let now = state.clock.peek();
    // Nanoseconds each clock subscription would wait; None for an unknown clock.
    let wait = |sub: &[u8]| -> Option<u64> {
        let timeout = le_u64(sub, 24);
        let absolute = u16::from_le_bytes([sub[40], sub[41]]) & 1 == 1;
        let clock_now = match le_u32(sub, 16) {
            0 => super::determinism::WALL_CLOCK_SECONDS * 1_000_000_000,
            1 => now,
            _ => return None,
        };
        Some(if absolute { timeout.saturating_sub(clock_now) } else { timeout })
    };
    let shortest = subscriptions.iter().filter(|s| s[8] == TAG_CLOCK).filter_map(|s| wait(s)).min();
    if !has_io {
        state.clock.advance(shortest.unwrap_or(0));
    }
    let mut out = Vec::new();
    for sub in &subscriptions {
        let tag = sub[8];
        let (fires, error) = if tag != TAG_CLOCK {
            (true, ERRNO_SUCCESS)
        } else {
            match wait(sub) {
                None => (true, ERRNO_INVAL),
                Some(w) => (!has_io && Some(w) == shortest, ERRNO_SUCCESS),
            }
        };
        if fires {
            let mut event = [0u8; EVENT_SIZE];
            event[0..8].copy_from_slice(&sub[0..8]);
            event[8..10].copy_from_slice(&(error as u16).to_le_bytes());
            event[10] = tag;
            out.extend_from_slice(&event);
        }
    }
    let errno = write_guest(memory, events, &out);
    if errno != ERRNO_SUCCESS {
        return Ok(errno);
    }
    Ok(write_guest(memory, nevents, &((out.len() / EVENT_SIZE) as u32).to_le_bytes()))
}

/// Whether `fd` is a regular file, whose writes count against the write budget.
fn is_regular_file(state: &mut GuestState, fd: i32) -> wasmtime::Result<bool> {
    let mut fdstat = [0u8; 24];
    let errno = in_tokio(p1::fd_fdstat_get(&mut state.wasi, &mut GuestMemory::Unshared(&mut fdstat), fd, 0))?;
    Ok(errno == ERRNO_SUCCESS && fdstat[0] == FILETYPE_REGULAR_FILE)
}

/// Total length of an iovec array in guest memory; None when it lies outside memory.
fn iovec_total(memory: &[u8], iovs: i32, count: i32) -> Option<u64> {
    let range = guest_range(memory, iovs, (count as u32 as usize).checked_mul(8)?)?;
    Some(memory[range].chunks(8).map(|iov| le_u32(iov, 4) as u64).sum())
}

/// Charges a write to a regular file against the budget; the errno when refused.
fn charge_write(
    memory: &[u8],
    state: &mut GuestState,
    fd: i32,
    iovs: i32,
    count: i32,
) -> wasmtime::Result<Option<i32>> {
    if !is_regular_file(state, fd)? {
        return Ok(None);
    }
    Ok(match iovec_total(memory, iovs, count) {
        None => Some(ERRNO_FAULT),
        Some(total) if !state.writes.take_bytes(total) => Some(ERRNO_NOSPC),
        Some(_) => None,
    })
}

/// Runs wasmtime-wasi's raw `$call` on the guest's memory, unless `$gate` (which sees the
/// memory and state) refuses with an errno first.
macro_rules! gated {
    ($caller:ident, |$memory:ident, $state:ident| $gate:expr, $call:ident($($arg:expr),* $(,)?)) => {{
        let ($memory, $state) = split(&mut $caller)?;
        if let Some(errno) = $gate {
            return Ok(errno);
        }
        in_tokio(p1::$call(&mut $state.wasi, &mut GuestMemory::Unshared($memory), $($arg),*))
    }};
}

/// Charges one created file, directory or link against the budget.
fn charge_entry(state: &mut GuestState) -> Option<i32> {
    (!state.writes.take_file()).then_some(ERRNO_NOSPC)
}

/// `EILSEQ` for a new name some host file system cannot hold (on every host, so that no
/// guest sees a difference), `EFAULT` for one outside memory, else nothing.
fn refuse_unportable_name(memory: &[u8], path: i32, path_len: i32) -> Option<i32> {
    let Some(range) = guest_range(memory, path, path_len as u32 as usize) else { return Some(ERRNO_FAULT) };
    match std::str::from_utf8(&memory[range]) {
        Ok(name) if portable_path(name) => None,
        _ => Some(ERRNO_ILSEQ),
    }
}

/// Refuses a name no host can hold, else charges it as one created entry.
fn charge_new_name(memory: &[u8], state: &mut GuestState, path: i32, path_len: i32) -> Option<i32> {
    refuse_unportable_name(memory, path, path_len).or_else(|| charge_entry(state))
}

/// Charges an open with `O_CREAT` as a created file when the path does not exist yet.
fn charge_create(
    memory: &[u8],
    state: &mut GuestState,
    dirfd: i32,
    dirflags: i32,
    path: i32,
    path_len: i32,
    oflags: i32,
) -> wasmtime::Result<Option<i32>> {
    if oflags & OFLAGS_CREAT == 0 {
        return Ok(None);
    }
    let Some(range) = guest_range(memory, path, path_len as u32 as usize) else { return Ok(Some(ERRNO_FAULT)) };
    let creates = host_path_filestat(state, dirfd, dirflags, &memory[range])? == Err(ERRNO_NOENT);
    Ok(if creates { charge_new_name(memory, state, path, path_len) } else { None })
}

fn fd_write(mut caller: Guest<'_>, fd: i32, iovs: i32, count: i32, nwritten: i32) -> wasmtime::Result<i32> {
    gated!(caller, |memory, state| charge_write(memory, state, fd, iovs, count)?, fd_write(fd, iovs, count, nwritten))
}

fn fd_pwrite(
    mut caller: Guest<'_>,
    fd: i32,
    iovs: i32,
    count: i32,
    offset: i64,
    nwritten: i32,
) -> wasmtime::Result<i32> {
    gated!(
        caller,
        |memory, state| charge_write(memory, state, fd, iovs, count)?,
        fd_pwrite(fd, iovs, count, offset, nwritten)
    )
}

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
    gated!(
        caller,
        |memory, state| charge_create(memory, state, dirfd, dirflags, path, path_len, oflags)?,
        path_open(dirfd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, opened)
    )
}

fn path_create_directory(mut caller: Guest<'_>, fd: i32, path: i32, path_len: i32) -> wasmtime::Result<i32> {
    gated!(
        caller,
        |memory, state| charge_new_name(memory, state, path, path_len),
        path_create_directory(fd, path, path_len)
    )
}

fn path_symlink(
    mut caller: Guest<'_>,
    old: i32,
    old_len: i32,
    fd: i32,
    new: i32,
    new_len: i32,
) -> wasmtime::Result<i32> {
    gated!(
        caller,
        |memory, state| charge_new_name(memory, state, new, new_len),
        path_symlink(old, old_len, fd, new, new_len)
    )
}

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
    gated!(
        caller,
        |memory, state| charge_new_name(memory, state, new, new_len),
        path_link(old_fd, old_flags, old, old_len, new_fd, new, new_len)
    )
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
        |memory, _state| refuse_unportable_name(memory, new, new_len),
        path_rename(fd, old, old_len, new_fd, new, new_len)
    )
}

/// Growing a file without writing (truncate upwards) may not pass the byte budget either.
fn fd_filestat_set_size(mut caller: Guest<'_>, fd: i32, size: i64) -> wasmtime::Result<i32> {
    gated!(
        caller,
        |_memory, state| (!state.writes.allows_size(size as u64)).then_some(ERRNO_NOSPC),
        fd_filestat_set_size(fd, size)
    )
}
