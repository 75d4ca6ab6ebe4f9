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
//! - [`names`]: no guest makes a name some platform cannot hold;
//! - [`exits`]: every exit status preview1 allows reaches the verdict.
//!
//! Only [`wasi`] calls wasmtime-wasi's own functions, so an upgrade of Wasmtime touches
//! that one file.

mod budgets;
mod determinism;
mod exits;
mod names;
mod wasi;

use wasmtime::{Caller, Linker};

use super::guest::GuestState;
pub use exits::GuestExit;
use wasi::{gated, host_fd_filestat, host_path_filestat, raw, split};

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

/// Defines Mirror's host functions over those wasmtime-wasi already put in `linker`.
pub fn shadow_preview1(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    exits::shadow(linker)?;
    determinism::shadow(linker)?;
    budgets::shadow(linker)?;
    names::shadow(linker)?;
    linker.allow_shadowing(false);
    Ok(())
}

type Guest<'a> = Caller<'a, GuestState>;

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

/// Turns the host's own "disk full" into a runner error: a write within budget failed
/// because the scratch directory's file system is full, which says nothing about the guest.
fn host_disk_full(errno: i32) -> wasmtime::Result<i32> {
    match errno {
        ERRNO_NOSPC => Err(crate::HostError::DiskFull("ENOSPC").into()),
        ERRNO_DQUOT => Err(crate::HostError::DiskFull("EDQUOT").into()),
        errno => Ok(errno),
    }
}
