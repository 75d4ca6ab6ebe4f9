//! The one module that calls wasmtime-wasi's own preview1 functions (its generated raw-ABI
//! functions, which that crate does not promise to keep): the policies delegate through
//! [`raw!`] and [`gated!`], so that an upgrade of Wasmtime touches this file only.

pub(super) use wasmtime_wasi::p1::wasi_snapshot_preview1 as p1;
use wasmtime_wasi::p1::wasi_snapshot_preview1::WasiSnapshotPreview1;

use super::{Guest, ERRNO_FAULT, ERRNO_SUCCESS};
use crate::guest::GuestState;
use crate::layout::{array_at, Filestat, FILESTAT_SIZE};

/// Runs wasmtime-wasi's preview1 function `$call($args)` for `$state` on `$memory` (the
/// guest's memory, or a host buffer laid out as the call expects), to completion on this
/// thread. `now` marks the functions wasmtime-wasi defines as synchronous.
macro_rules! raw {
    ($state:expr, $memory:expr, $call:ident($($arg:expr),* $(,)?)) => {
        wasmtime_wasi::runtime::in_tokio($crate::hostcalls::wasi::p1::$call(
            &mut $state.wasi,
            &mut wiggle::GuestMemory::Unshared($memory),
            $($arg),*
        ))
    };
    (now $state:expr, $memory:expr, $call:ident($($arg:expr),* $(,)?)) => {
        $crate::hostcalls::wasi::p1::$call(&mut $state.wasi, &mut wiggle::GuestMemory::Unshared($memory), $($arg),*)
    };
}
pub(crate) use raw;

/// The guest's linear memory and the host state, borrowed together, with the WASI context
/// ready for a call: wasmtime-wasi bounds how much guest data one call may copy by a budget
/// that its own glue sets from the store before every call, and so must Mirror's.
pub(super) fn split<'a>(caller: &'a mut Guest<'_>) -> wasmtime::Result<(&'a mut [u8], &'a mut GuestState)> {
    let memory = caller
        .get_export("memory")
        .and_then(|export| export.into_memory())
        .ok_or_else(|| wasmtime::format_err!("the module exports no memory named `memory`"))?;
    let budget = wasmtime::AsContextMut::as_context_mut(&mut *caller).hostcall_fuel();
    let (memory, state) = memory.data_and_store_mut(caller);
    WasiSnapshotPreview1::set_hostcall_fuel(&mut state.wasi, budget);
    Ok((memory, state))
}

/// Runs wasmtime-wasi's raw `$call` on the guest's memory, unless `$gate` (which sees the
/// memory and state) refuses with an errno first.
macro_rules! gated {
    ($caller:ident, |$memory:ident, $state:ident| $gate:expr, $call:ident($($arg:expr),* $(,)?)) => {{
        let ($memory, $state) = $crate::hostcalls::wasi::split(&mut $caller)?;
        if let Some(errno) = $gate {
            return Ok(errno);
        }
        $crate::hostcalls::wasi::raw!($state, $memory, $call($($arg),*))
    }};
}
pub(crate) use gated;

/// wasmtime-wasi's own `filestat` of an open descriptor (host identity and times included).
pub(super) fn host_fd_filestat(state: &mut GuestState, fd: i32) -> wasmtime::Result<Result<Filestat, i32>> {
    let mut buffer = [0u8; FILESTAT_SIZE];
    let errno = raw!(state, &mut buffer, fd_filestat_get(fd, 0))?;
    Ok(decoded_filestat(errno, &buffer, 0))
}

/// wasmtime-wasi's own `filestat` of `path` under `fd`.
pub(super) fn host_path_filestat(
    state: &mut GuestState,
    fd: i32,
    flags: i32,
    path: &[u8],
) -> wasmtime::Result<Result<Filestat, i32>> {
    // The answer first (wasmtime-wasi checks its alignment), the path after it.
    let mut buffer = vec![0u8; FILESTAT_SIZE + path.len()];
    buffer[FILESTAT_SIZE..].copy_from_slice(path);
    let errno = raw!(state, &mut buffer, path_filestat_get(fd, flags, FILESTAT_SIZE as i32, path.len() as i32, 0,))?;
    Ok(decoded_filestat(errno, &buffer, 0))
}

fn decoded_filestat(errno: i32, buffer: &[u8], at: usize) -> Result<Filestat, i32> {
    if errno != ERRNO_SUCCESS {
        return Err(errno);
    }
    array_at::<FILESTAT_SIZE>(buffer, at).map(|bytes| Filestat::decode(&bytes)).ok_or(ERRNO_FAULT)
}
