//! Runs one WASI preview1 module in a fresh, deterministic, capability-scoped sandbox.
//!
//! The sandbox knows modules, invocations and what a run produced; it knows nothing of tasks,
//! goldens or verdicts.

mod backstop;
mod budget;
pub mod canonicalize;
mod case;
mod descriptors;
mod determinism;
mod engine;
mod guest;
mod hostcalls;
mod layout;
mod limits;
mod scratch;
mod tree;

use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use wasmtime::{Engine, InstancePre, Linker, Module, Store, Trap};
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

pub use backstop::FUEL_SLICE;
pub use budget::MAX_OPEN_DESCRIPTORS;
pub use case::CaseFiles;
pub use determinism::WALL_CLOCK_SECONDS;
pub use limits::Limits;
pub use scratch::{check_relative, portable_path, remove_all_scratch_dirs, Scratch};

use crate::cache::CacheDir;
use crate::outcome::{Stream, Termination};
use budget::{HostDiskFull, LimitExceeded, OpenDescriptors};
use determinism::{FixedWallClock, SeededRandom, VirtualClock, INSECURE_RANDOM_SEED};
use guest::{GuestState, MemoryBudget, OutputPipes, ResourceExhausted};
use hostcalls::GuestExit;

/// The largest module Mirror compiles: far above real programs (the guest tools are
/// 10 MiB), low enough that a hostile file cannot exhaust the host compiling it.
pub const MAX_MODULE_BYTES: u64 = 256 << 20;

/// Engine, linker and module cache shared by every run of a session.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<GuestState>,
    cache: Option<CacheDir>,
}

/// A module compiled and linked, ready to instantiate once per run; clones share it.
#[derive(Clone)]
pub struct Program {
    pre: InstancePre<GuestState>,
    sha256: String,
}

/// One run's inputs.
pub struct Invocation<'a> {
    /// argv, including argv[0].
    pub args: &'a [String],
    /// The whole environment the guest sees.
    pub env: &'a [(String, String)],
    pub stdin: &'a [u8],
    /// Send stderr into the stdout pipe, so that the two keep the order they were written in.
    pub stderr_joins_stdout: bool,
    pub limits: &'a Limits,
}

/// What one run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    pub termination: Termination,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Fuel consumed: a deterministic measure of work, identical on every machine.
    pub fuel_used: u64,
}

impl Sandbox {
    /// A sandbox for up to `parallel_runs` concurrent runs, caching compiled modules in
    /// `cache` when given (see [`crate::cache::modules`]).
    ///
    /// Makes sure the process may open enough descriptors for that many guests and its own
    /// files (see [`descriptors`]).
    pub fn new(parallel_runs: usize, cache: Option<CacheDir>) -> Result<Self> {
        descriptors::reserve_for(parallel_runs)?;
        let slots = u32::try_from(parallel_runs.max(1) + 1).unwrap_or(u32::MAX);
        let engine = engine::build_engine(slots)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |state: &mut GuestState| &mut state.wasi)
            .map_err(anyhow::Error::from)?;
        hostcalls::shadow_preview1(&mut linker).map_err(anyhow::Error::from)?;
        Ok(Sandbox { engine, linker, cache })
    }

    /// Reads, compiles (or loads from cache) and links the module at `path`.
    /// It must be a regular file: a FIFO or a device such as `/dev/zero` is refused, not read.
    pub fn load(&self, path: &Path) -> Result<Program> {
        let bytes = crate::files::read_given(path).context("cannot read module")?;
        self.load_bytes(&bytes).with_context(|| format!("module {}", path.display()))
    }

    /// Compiles (or loads from cache) and links a module.
    pub fn load_bytes(&self, bytes: &[u8]) -> Result<Program> {
        if bytes.len() as u64 > MAX_MODULE_BYTES {
            anyhow::bail!("the module is {} bytes, more than the {MAX_MODULE_BYTES} Mirror compiles", bytes.len());
        }
        let sha256 = sha256_hex(bytes);
        let module = engine::compile_cached(&self.engine, bytes, &sha256, self.cache.as_ref())?;
        self.check_imports(&module)?;
        if module.get_export("_start").is_none() {
            anyhow::bail!("the module exports no `_start` function: Mirror runs WASI command modules");
        }
        let pre = self.linker.instantiate_pre(&module).map_err(anyhow::Error::from)?;
        Ok(Program { pre, sha256 })
    }

    /// Names every import the sandbox does not provide, in one message.
    fn check_imports(&self, module: &Module) -> Result<()> {
        let mut store = Store::new(&self.engine, GuestState::placeholder(&Limits::default()));
        let provided: std::collections::HashSet<(String, String)> =
            self.linker.iter(&mut store).map(|(module, name, _)| (module.to_string(), name.to_string())).collect();
        let missing: Vec<String> = module
            .imports()
            .filter(|import| !provided.contains(&(import.module().to_string(), import.name().to_string())))
            .map(|import| format!("{}::{}", import.module(), import.name()))
            .collect();
        if !missing.is_empty() {
            anyhow::bail!(
                "the module needs imports Mirror does not provide (it offers wasi_snapshot_preview1 only): {}",
                missing.join(", ")
            );
        }
        Ok(())
    }

    /// Runs `program` once with `scratch` preopened as both `.` and `/`, as a case of its own.
    pub fn run(&self, program: &Program, invocation: &Invocation<'_>, scratch: &Path) -> Result<RunOutput> {
        self.run_in_case(program, invocation, scratch, &mut CaseFiles::new(invocation.limits))
    }

    /// Runs `program` once as one command of a case, on the case's `files`.
    pub fn run_in_case(
        &self,
        program: &Program,
        invocation: &Invocation<'_>,
        scratch: &Path,
        files: &mut CaseFiles,
    ) -> Result<RunOutput> {
        let limits = invocation.limits;
        let stdout = MemoryOutputPipe::new(limits.stdout_bytes.saturating_add(1));
        let stderr = if invocation.stderr_joins_stdout {
            stdout.clone()
        } else {
            MemoryOutputPipe::new(limits.stderr_bytes.saturating_add(1))
        };
        let clock = VirtualClock::default();
        let mut wasi = WasiCtxBuilder::new();
        wasi.args(invocation.args)
            .envs(invocation.env)
            .stdin(MemoryInputPipe::new(invocation.stdin.to_vec()))
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .wall_clock(FixedWallClock)
            .monotonic_clock(clock.clone())
            .secure_random(SeededRandom::secure())
            .insecure_random(SeededRandom::insecure())
            .insecure_random_seed(INSECURE_RANDOM_SEED)
            // File I/O on the calling thread: no hidden worker threads, no scheduling order.
            .allow_blocking_current_thread(true);
        // `/` comes first: Go takes its first preopen as the working directory and resolves
        // relative paths against it. `.` serves relative paths in wasi-libc (C, Rust).
        for guest_path in ["/", "."] {
            wasi.preopened_dir(scratch, guest_path, FsPerms::ReadWrite)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot preopen scratch directory {}", scratch.display()))?;
        }
        let stderr_pipe = (!invocation.stderr_joins_stdout).then(|| (stderr.clone(), limits.stderr_bytes));
        let state = GuestState {
            wasi: wasi.build_p1(),
            clock,
            case: std::mem::replace(files, CaseFiles::new(limits)),
            descriptors: OpenDescriptors::default(),
            output: OutputPipes::new(stdout.clone(), limits.stdout_bytes, stderr_pipe),
            memory: MemoryBudget::new(limits),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_fuel(limits.fuel).map_err(anyhow::Error::from)?;
        store.fuel_async_yield_interval(Some(backstop::FUEL_SLICE)).map_err(anyhow::Error::from)?;

        let deadline = backstop::deadline(limits.wall_seconds);
        let stop_host_calls = backstop::stop_host_calls_after(deadline);
        store.call_hook(move |_, hook| stop_host_calls(hook));
        let result = backstop::run_until(deadline, async {
            let instance = program.pre.instantiate_async(&mut store).await?;
            let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
            start.call_async(&mut store, ()).await
        });
        let fuel_used = limits.fuel - store.get_fuel().unwrap_or(0);
        *files = store.into_data().case;
        let mut termination = match result {
            Some(result) => classify(result)?,
            None => Termination::WallClockExceeded,
        };
        let stdout = capped(stdout, limits.stdout_bytes, Stream::Stdout, &mut termination);
        let stderr = if invocation.stderr_joins_stdout {
            Vec::new()
        } else {
            capped(stderr, limits.stderr_bytes, Stream::Stderr, &mut termination)
        };
        Ok(RunOutput { termination, stdout, stderr, fuel_used })
    }
}

impl Program {
    /// SHA-256 of the module bytes, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// A stream's bytes cut at `cap`; one byte past it (the pipe holds one extra) marks the run
/// as over its output limit, whatever else happened.
fn capped(pipe: MemoryOutputPipe, cap: usize, stream: Stream, termination: &mut Termination) -> Vec<u8> {
    let mut bytes = pipe.contents().to_vec();
    if bytes.len() > cap {
        bytes.truncate(cap);
        if !matches!(termination, Termination::OutputExceeded(_)) {
            *termination = Termination::OutputExceeded(stream);
        }
    }
    bytes
}

/// How a run ended; an error when the host, not the guest, failed.
fn classify(result: wasmtime::Result<()>) -> Result<Termination> {
    let Err(err) = result else { return Ok(Termination::Exited(0)) };
    if let Some(full) = err.downcast_ref::<HostDiskFull>() {
        anyhow::bail!("{full}");
    }
    if let Some(GuestExit(code)) = err.downcast_ref::<GuestExit>() {
        return Ok(Termination::Exited(*code));
    }
    if let Some(exit) = err.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return Ok(Termination::Exited(exit.0 as u32));
    }
    if let Some(exhausted) = err.downcast_ref::<ResourceExhausted>() {
        return Ok(Termination::MemoryExhausted(exhausted.to_string()));
    }
    if let Some(exceeded) = err.downcast_ref::<LimitExceeded>() {
        return Ok(match exceeded {
            LimitExceeded::Output(stream) => Termination::OutputExceeded(*stream),
            LimitExceeded::Files => Termination::FilesExceeded,
        });
    }
    Ok(match err.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Termination::FuelExhausted,
        Some(Trap::Interrupt) => Termination::WallClockExceeded,
        Some(trap) => Termination::Trapped(trap.to_string()),
        None => Termination::Trapped(err.root_cause().to_string()),
    })
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
