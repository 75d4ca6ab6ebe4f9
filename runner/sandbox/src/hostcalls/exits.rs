//! Exit statuses: preview1 lets a guest exit with any u32, where wasmtime-wasi refuses 126
//! and up; Mirror passes every status through to the verdict.

use wasmtime::Linker;

use super::MODULE;
use crate::guest::GuestState;

/// A guest asked to exit: preview1 allows any u32, where wasmtime-wasi refuses 126 and up.
#[derive(Debug, thiserror::Error)]
#[error("guest exited with status {0}")]
pub struct GuestExit(pub u32);

/// Defines `proc_exit`.
pub fn shadow(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    linker
        .func_wrap(MODULE, "proc_exit", |code: i32| -> wasmtime::Result<()> { Err(GuestExit(code as u32).into()) })?;
    Ok(())
}
