//! Preview1 host functions that Mirror defines over wasmtime-wasi's own.
//!
//! wasmtime-wasi passes some host facts through to the guest (directory order, inode numbers,
//! file times, real sleeps) and knows nothing of Mirror's budgets, names or exit codes
//! above 125. The functions here shadow those imports in the linker: each one either replaces
//! the call outright or delegates to wasmtime-wasi's raw-ABI function, then rewrites what
//! the guest sees. They are grouped by the policy they enforce:
//!
//! - [`determinism`]: what a guest observes of files and time is the same on every host;
//! - [`budgets`]: file bytes, created entries, open descriptors and output caps;
//! - [`names`]: no guest makes a name some platform cannot hold.

mod budgets;
mod determinism;
mod names;

use wasmtime::{Caller, Linker};
use wasmtime_wasi::p1::wasi_snapshot_preview1::{self as p1, WasiSnapshotPreview1};
use wasmtime_wasi::runtime::in_tokio;
use wiggle::GuestMemory;

use super::guest::GuestState;
use super::layout::{array_at, Filestat, FILESTAT_SIZE};

const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values used here.
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_DQUOT: i32 = 19;
const ERRNO_FAULT: i32 = 21;
const ERRNO_ILSEQ: i32 = 25;
const ERRNO_INVAL: i32 = 28;
const ERRNO_IO: i32 = 29;
const ERRNO_MFILE: i32 = 33;
const ERRNO_NOENT: i32 = 44;
const ERRNO_NOSPC: i32 = 51;

/// A guest asked to exit: preview1 allows any u32, where wasmtime-wasi refuses 126 and up.
#[derive(Debug, thiserror::Error)]
#[error("guest exited with status {0}")]
pub struct GuestExit(pub u32);

/// Defines Mirror's host functions over those wasmtime-wasi already put in `linker`.
pub fn shadow_preview1(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    linker
        .func_wrap(MODULE, "proc_exit", |code: i32| -> wasmtime::Result<()> { Err(GuestExit(code as u32).into()) })?;
    determinism::shadow(linker)?;
    budgets::shadow(linker)?;
    names::shadow(linker)?;
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

/// The `len` bytes at `ptr` in guest memory; None when they lie outside it.
fn guest_bytes(memory: &[u8], ptr: i32, len: i32) -> Option<&[u8]> {
    guest_range(memory, ptr, len as u32 as usize).map(|range| &memory[range])
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

/// wasmtime-wasi's own `filestat` of an open descriptor (host identity and times included).
fn host_fd_filestat(state: &mut GuestState, fd: i32) -> wasmtime::Result<Result<Filestat, i32>> {
    let mut buffer = [0u8; FILESTAT_SIZE];
    let errno = in_tokio(p1::fd_filestat_get(&mut state.wasi, &mut GuestMemory::Unshared(&mut buffer), fd, 0))?;
    Ok(decoded_filestat(errno, &buffer, 0))
}

/// wasmtime-wasi's own `filestat` of `path` under `fd`.
fn host_path_filestat(
    state: &mut GuestState,
    fd: i32,
    flags: i32,
    path: &[u8],
) -> wasmtime::Result<Result<Filestat, i32>> {
    // The answer first (wasmtime-wasi checks its alignment), the path after it.
    let mut buffer = vec![0u8; FILESTAT_SIZE + path.len()];
    buffer[FILESTAT_SIZE..].copy_from_slice(path);
    let errno = in_tokio(p1::path_filestat_get(
        &mut state.wasi,
        &mut GuestMemory::Unshared(&mut buffer),
        fd,
        flags,
        FILESTAT_SIZE as i32,
        path.len() as i32,
        0,
    ))?;
    Ok(decoded_filestat(errno, &buffer, 0))
}

fn decoded_filestat(errno: i32, buffer: &[u8], at: usize) -> Result<Filestat, i32> {
    if errno != ERRNO_SUCCESS {
        return Err(errno);
    }
    array_at::<FILESTAT_SIZE>(buffer, at).map(|bytes| Filestat::decode(&bytes)).ok_or(ERRNO_FAULT)
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
use gated;

/// Turns the host's own "disk full" into a runner error: a write within budget failed
/// because the scratch directory's file system is full, which says nothing about the guest.
fn host_disk_full(errno: i32) -> wasmtime::Result<i32> {
    match errno {
        ERRNO_NOSPC => Err(super::budget::HostDiskFull("ENOSPC").into()),
        ERRNO_DQUOT => Err(super::budget::HostDiskFull("EDQUOT").into()),
        errno => Ok(errno),
    }
}
