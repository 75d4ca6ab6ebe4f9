//! What a guest observes of files and time, made the same on every host: file metadata
//! (virtual inode numbers, device 0, one link, the case's own file times), sorted directory
//! listings, and polls answered on the virtual clock.

use wasmtime::Linker;

use super::{
    guest_bytes, guest_range, host_fd_filestat, host_path_filestat, raw, split, write_guest, Guest, ERRNO_FAULT,
    ERRNO_INVAL, ERRNO_SUCCESS, MODULE,
};
use crate::determinism::WALL_CLOCK_NANOS;
use crate::guest::GuestState;
use crate::layout::{
    array_at, DirentHeader, Event, Filestat, Subscription, DIRENT_HEADER_SIZE, EVENTTYPE_CLOCK, EVENT_SIZE,
    FILETYPE_DIRECTORY, SUBSCRIPTION_SIZE,
};

/// `fstflags` bits of the set-times calls.
const FST_ATIM: i32 = 1;
const FST_ATIM_NOW: i32 = 2;
const FST_MTIM: i32 = 4;
const FST_MTIM_NOW: i32 = 8;

pub(super) fn shadow(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "fd_readdir", fd_readdir)?;
    linker.func_wrap(MODULE, "fd_filestat_get", fd_filestat_get)?;
    linker.func_wrap(MODULE, "path_filestat_get", path_filestat_get)?;
    linker.func_wrap(MODULE, "fd_filestat_set_times", fd_filestat_set_times)?;
    linker.func_wrap(MODULE, "path_filestat_set_times", path_filestat_set_times)?;
    linker.func_wrap(MODULE, "poll_oneoff", poll_oneoff)?;
    Ok(())
}

/// The guest-visible number of a file, from wasmtime-wasi's host identity for it.
pub(super) fn virtual_ino(state: &mut GuestState, host_identity: u64) -> u64 {
    state.case.inodes.number(host_identity)
}

/// The time of a change made now (see [`crate::CaseFiles`]).
pub(super) fn now(state: &mut GuestState) -> u64 {
    state.case.tick()
}

/// Replaces the host facts in a `filestat` with stable ones: device 0, a virtual inode,
/// one link, directory size 0 (file systems disagree on it) and the case's file times.
fn stabilize(stat: Filestat, state: &mut GuestState) -> Filestat {
    let ino = virtual_ino(state, stat.ino);
    let times = state.case.times.get(ino);
    let size = if stat.filetype == FILETYPE_DIRECTORY { 0 } else { stat.size };
    Filestat {
        dev: 0,
        ino,
        filetype: stat.filetype,
        nlink: 1,
        size,
        atim: times.atim,
        mtim: times.mtim,
        ctim: times.ctim,
    }
}

fn fd_filestat_get(mut caller: Guest<'_>, fd: i32, out: i32) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    Ok(match host_fd_filestat(state, fd)? {
        Ok(stat) => write_guest(memory, out, &stabilize(stat, state).encode()),
        Err(errno) => errno,
    })
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
    let Some(path) = guest_bytes(memory, path, path_len).map(<[u8]>::to_vec) else { return Ok(ERRNO_FAULT) };
    Ok(match host_path_filestat(state, fd, flags, &path)? {
        Ok(stat) => write_guest(memory, out, &stabilize(stat, state).encode()),
        Err(errno) => errno,
    })
}

/// The times a set-times call asks for: each one given, now, or left alone.
fn requested_times(atim: i64, mtim: i64, flags: i32, now: u64) -> (Option<u64>, Option<u64>) {
    let pick = |given: i64, exact: i32, current: i32| {
        if flags & exact != 0 {
            Some(given as u64)
        } else if flags & current != 0 {
            Some(now)
        } else {
            None
        }
    };
    (pick(atim, FST_ATIM, FST_ATIM_NOW), pick(mtim, FST_MTIM, FST_MTIM_NOW))
}

/// Keeps the times a program sets on a file, after wasmtime-wasi has checked the request.
fn record_set_times(state: &mut GuestState, stat: Result<Filestat, i32>, atim: i64, mtim: i64, flags: i32) {
    if let Ok(stat) = stat {
        let now = now(state);
        let ino = virtual_ino(state, stat.ino);
        let (atim, mtim) = requested_times(atim, mtim, flags, now);
        state.case.times.set(ino, atim, mtim, now);
    }
}

fn fd_filestat_set_times(mut caller: Guest<'_>, fd: i32, atim: i64, mtim: i64, flags: i32) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let errno = raw!(state, memory, fd_filestat_set_times(fd, atim, mtim, flags))?;
    if errno == ERRNO_SUCCESS {
        let stat = host_fd_filestat(state, fd)?;
        record_set_times(state, stat, atim, mtim, flags);
    }
    Ok(errno)
}

#[allow(clippy::too_many_arguments)]
fn path_filestat_set_times(
    mut caller: Guest<'_>,
    fd: i32,
    lookup: i32,
    path: i32,
    path_len: i32,
    atim: i64,
    mtim: i64,
    flags: i32,
) -> wasmtime::Result<i32> {
    let (memory, state) = split(&mut caller)?;
    let Some(path_bytes) = guest_bytes(memory, path, path_len).map(<[u8]>::to_vec) else { return Ok(ERRNO_FAULT) };
    let errno = raw!(state, memory, path_filestat_set_times(fd, lookup, path, path_len, atim, mtim, flags))?;
    if errno == ERRNO_SUCCESS {
        let stat = host_path_filestat(state, fd, lookup, &path_bytes)?;
        record_set_times(state, stat, atim, mtim, flags);
    }
    Ok(errno)
}

/// One directory entry as preview1 lists it.
struct Dirent {
    ino: u64,
    filetype: u8,
    name: Vec<u8>,
}

/// The entries of a raw preview1 listing; a truncated last entry is left out.
fn parse_listing(listing: &[u8]) -> Vec<Dirent> {
    let mut entries = Vec::new();
    let mut at = 0;
    while let Some(header) = array_at::<DIRENT_HEADER_SIZE>(listing, at) {
        let header = DirentHeader::decode(&header);
        let name_start = at + DIRENT_HEADER_SIZE;
        let Some(name) = name_start.checked_add(header.name_len as usize).and_then(|end| listing.get(name_start..end))
        else {
            break;
        };
        entries.push(Dirent { ino: header.ino, filetype: header.filetype, name: name.to_vec() });
        at = name_start + name.len();
    }
    entries
}

/// Every entry of a directory, `.` and `..` first and the rest sorted by name.
fn sorted_dirents(state: &mut GuestState, fd: i32) -> wasmtime::Result<Result<Vec<Dirent>, i32>> {
    let mut size = 16 * 1024;
    let mut entries = loop {
        // The last four bytes receive `bufused`.
        let mut scratch = vec![0u8; size + 4];
        let errno = raw!(state, &mut scratch, fd_readdir(fd, 0, size as i32, 0, size as i32))?;
        if errno != ERRNO_SUCCESS {
            return Ok(Err(errno));
        }
        let used = array_at::<4>(&scratch, size).map_or(0, u32::from_le_bytes) as usize;
        if used < size {
            break parse_listing(&scratch[..used]);
        }
        size = size
            .checked_mul(4)
            .filter(|s| *s <= i32::MAX as usize / 2)
            .ok_or_else(|| wasmtime::format_err!("directory listing too large"))?;
    };
    let dots = entries.iter().take_while(|e| e.name == b"." || e.name == b"..").count();
    entries[dots..].sort_by(|a, b| a.name.cmp(&b.name));
    for entry in &mut entries {
        entry.ino = virtual_ino(state, entry.ino);
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
        let header = DirentHeader {
            next_cookie: index as u64 + 1,
            ino: entry.ino,
            name_len: entry.name.len() as u32,
            filetype: entry.filetype,
        };
        out.extend_from_slice(&header.encode());
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
    let raw = &memory[range];
    let subscriptions: Vec<Subscription> = raw
        .chunks_exact(SUBSCRIPTION_SIZE)
        .filter_map(|chunk| chunk.try_into().ok())
        .map(|chunk: [u8; SUBSCRIPTION_SIZE]| Subscription::decode(&chunk))
        .collect();
    let has_io = subscriptions.iter().any(|s| s.tag != EVENTTYPE_CLOCK);
    let now = state.clock.peek();
    // Nanoseconds each clock subscription would wait; None for an unknown clock.
    let wait = |sub: &Subscription| -> Option<u64> {
        let clock_now = match sub.clock_id {
            0 => WALL_CLOCK_NANOS,
            1 => now,
            _ => return None,
        };
        Some(if sub.is_absolute() { sub.timeout.saturating_sub(clock_now) } else { sub.timeout })
    };
    let shortest = subscriptions.iter().filter(|s| s.tag == EVENTTYPE_CLOCK).filter_map(wait).min();
    if !has_io {
        state.clock.advance(shortest.unwrap_or(0));
    }
    let mut out = Vec::new();
    for sub in &subscriptions {
        let (fires, error) = if sub.tag != EVENTTYPE_CLOCK {
            (true, ERRNO_SUCCESS)
        } else {
            match wait(sub) {
                None => (true, ERRNO_INVAL),
                Some(w) => (!has_io && Some(w) == shortest, ERRNO_SUCCESS),
            }
        };
        if fires {
            out.extend_from_slice(&Event { userdata: sub.userdata, error: error as u16, tag: sub.tag }.encode());
        }
    }
    let errno = write_guest(memory, events, &out);
    if errno != ERRNO_SUCCESS {
        return Ok(errno);
    }
    Ok(write_guest(memory, nevents, &((out.len() / EVENT_SIZE) as u32).to_le_bytes()))
}
