//! Runs WASI preview1 modules in Wasmtime, deterministically, each run in a fresh,
//! capability-scoped sandbox with hard limits.
//!
//! The same module and inputs give the same output, byte for byte, and the same fuel count on
//! every machine: clocks, randomness, directory order, inode numbers and file times are
//! Mirror's own, floats are canonical, and every run is metered. A guest sees only the
//! scratch directory it is given, its stdin, its arguments and its environment.
//!
//! The sandbox knows modules, invocations and what a run produced; it knows nothing of tasks,
//! goldens or verdicts.
//!
//! ```
//! use mirror_sandbox::{Invocation, Limits, Sandbox, Scratch, Termination};
//!
//! // A command module that writes "hi\n" to stdout and exits 3.
//! let module = wat::parse_str(r#"
//!     (module
//!       (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
//!       (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
//!       (memory (export "memory") 1)
//!       (data (i32.const 16) "hi\n")
//!       (func (export "_start")
//!         (i32.store (i32.const 0) (i32.const 16))
//!         (i32.store (i32.const 4) (i32.const 3))
//!         (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
//!         (call $exit (i32.const 3))))
//! "#)?;
//! let sandbox = Sandbox::new(1, None)?;
//! let program = sandbox.load_bytes(&module)?;
//! let mut scratch = Scratch::new(&Default::default())?;
//! let limits = Limits::default();
//! let args = ["greet".to_string()];
//! let invocation =
//!     Invocation { args: &args, env: &[], stdin: b"", stderr_joins_stdout: false, limits: &limits };
//! let run = sandbox.run(&program, &invocation, scratch.path())?;
//! assert_eq!(run.termination, Termination::Exited(3));
//! assert_eq!(run.stdout, b"hi\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod backstop;
mod budget;
pub mod canonicalize;
mod case;
mod descriptors;
mod determinism;
mod engine;
mod error;
mod fuel;
mod guest;
mod hostcalls;
mod layout;
mod limits;
pub mod metering;
mod outcome;
mod scratch;
mod tree;

use std::collections::HashSet;
use std::path::Path;

use sha2::{Digest, Sha256};
use wasmtime::{Engine, InstancePre, Linker, Module, Store, Trap};
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

pub use budget::MAX_OPEN_DESCRIPTORS;
pub use case::CaseFiles;
pub use determinism::WALL_CLOCK_SECONDS;
pub use engine::CompiledModules;
pub use error::{HostError, LoadError};
pub use limits::Limits;
pub use outcome::{Entry, FileChanges, Stream, Termination, TrapCode};
pub use scratch::{portable_path, remove_all_scratch_dirs, Scratch};

use budget::{LimitExceeded, OpenDescriptors};
use determinism::{FixedWallClock, SeededRandom, VirtualClock, INSECURE_RANDOM_SEED};
use fuel::Meter;
use guest::{GuestState, MemoryBudget, OutputPipes, ResourceExhausted};
use hostcalls::GuestExit;

/// The largest module Mirror compiles: far above real programs (the guest tools are
/// 10 MiB), low enough that a hostile file cannot exhaust the host compiling it.
pub const MAX_MODULE_BYTES: u64 = 256 << 20;

/// Engine, linker and module cache shared by every run of a session.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<GuestState>,
    cache: Option<Box<dyn CompiledModules>>,
}

/// A module compiled and linked, ready to instantiate once per run; clones share it.
#[derive(Clone)]
pub struct Program {
    pre: InstancePre<GuestState>,
    sha256: String,
}

/// One run's inputs.
pub struct Invocation<'a> {
    /// argv, including `argv[0]`.
    pub args: &'a [String],
    /// The whole environment the guest sees.
    pub env: &'a [(String, String)],
    /// All of stdin.
    pub stdin: &'a [u8],
    /// Send stderr into the stdout pipe, so that the two keep the order they were written in.
    pub stderr_joins_stdout: bool,
    /// What the run may use.
    pub limits: &'a Limits,
}

/// What one run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// How it ended.
    pub termination: Termination,
    /// What it wrote to stdout, cut at its cap.
    pub stdout: Vec<u8>,
    /// What it wrote to stderr, cut at its cap; empty when stderr joined stdout.
    pub stderr: Vec<u8>,
    /// Fuel consumed: a deterministic measure of work, identical on every machine.
    pub fuel_used: u64,
}

impl Sandbox {
    /// A sandbox for up to `parallel_runs` concurrent runs, keeping compiled modules in
    /// `cache` when given.
    ///
    /// Makes sure the process may open enough descriptors for that many guests and its own
    /// files (see [`MAX_OPEN_DESCRIPTORS`]).
    pub fn new(parallel_runs: usize, cache: Option<Box<dyn CompiledModules>>) -> Result<Self, HostError> {
        descriptors::reserve_for(parallel_runs)?;
        let slots = u32::try_from(parallel_runs.max(1) + 1).unwrap_or(u32::MAX);
        let engine = engine::build_engine(slots)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |state: &mut GuestState| &mut state.wasi)
            .map_err(HostError::runtime)?;
        hostcalls::shadow_preview1(&mut linker).map_err(HostError::runtime)?;
        Ok(Sandbox { engine, linker, cache })
    }

    /// Compiles (or loads from the cache) and links a command module.
    pub fn load_bytes(&self, bytes: &[u8]) -> Result<Program, LoadError> {
        if bytes.len() as u64 > MAX_MODULE_BYTES {
            return Err(LoadError::TooLarge { size: bytes.len() as u64 });
        }
        let sha256 = sha256_hex(bytes);
        let module = engine::compile_cached(&self.engine, bytes, &sha256, self.cache.as_deref())?;
        self.check_imports(&module)?;
        if module.get_export("_start").is_none() {
            return Err(LoadError::NoStart);
        }
        let pre = self.linker.instantiate_pre(&module).map_err(|err| LoadError::Link(format!("{err:#}")))?;
        Ok(Program { pre, sha256 })
    }

    /// Names every import the sandbox does not provide, in one message.
    fn check_imports(&self, module: &Module) -> Result<(), LoadError> {
        let mut store = Store::new(&self.engine, GuestState::placeholder(&Limits::default()));
        let provided: HashSet<(String, String)> =
            self.linker.iter(&mut store).map(|(module, name, _)| (module.to_string(), name.to_string())).collect();
        let missing: Vec<String> = module
            .imports()
            .filter(|import| !provided.contains(&(import.module().to_string(), import.name().to_string())))
            .map(|import| format!("{}::{}", import.module(), import.name()))
            .collect();
        if !missing.is_empty() {
            return Err(LoadError::MissingImports(missing));
        }
        Ok(())
    }

    /// Runs `program` once with `scratch` preopened as both `.` and `/`, as a case of its own.
    pub fn run(&self, program: &Program, invocation: &Invocation<'_>, scratch: &Path) -> Result<RunOutput, HostError> {
        self.run_in_case(program, invocation, scratch, &mut CaseFiles::new(invocation.limits))
    }

    /// Runs `program` once as one command of a case, on the case's `files`.
    pub fn run_in_case(
        &self,
        program: &Program,
        invocation: &Invocation<'_>,
        scratch: &Path,
        files: &mut CaseFiles,
    ) -> Result<RunOutput, HostError> {
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
            wasi.preopened_dir(scratch, guest_path, FsPerms::ReadWrite).map_err(|err| HostError::Io {
                context: format!("cannot preopen scratch directory {}", scratch.display()),
                source: std::io::Error::other(format!("{err:#}")),
            })?;
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

        let deadline = backstop::deadline(limits.wall_seconds);
        let stop_host_calls = backstop::stop_host_calls_after(deadline);
        store.call_hook(move |_, hook| stop_host_calls(hook));
        let budget = i64::try_from(limits.fuel).unwrap_or(i64::MAX);
        let (result, meter) = backstop::block_on(async {
            let instance = match program.pre.instantiate_async(&mut store).await {
                Ok(instance) => instance,
                Err(err) => return Ok((Err(err), None)),
            };
            let meter = Meter::start(&instance, &mut store, budget)?;
            let watch = deadline.map(|deadline| backstop::Watch::start(deadline, meter.floor(&mut store)));
            let result = async {
                if let Some(start) = instance.get_func(&mut store, metering::START_EXPORT) {
                    start.typed::<(), ()>(&store)?.call_async(&mut store, ()).await?;
                }
                let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
                start.call_async(&mut store, ()).await
            }
            .await;
            let late = watch.is_some_and(backstop::Watch::finish);
            Ok::<_, HostError>((result, Some((meter.read(&mut store), late))))
        })?;
        *files = store.into_data().case;
        let (fuel_used, mut termination) = match meter {
            Some((reading, late)) => {
                let used = budget.saturating_sub(reading.left.max(0)) as u64;
                match (reading.stopped, late) {
                    (true, true) => (used, Termination::WallClockExceeded),
                    (true, false) => (used, Termination::FuelExhausted),
                    (false, _) => (used, classify(result)?),
                }
            }
            None => (0, classify(result)?),
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
fn classify(result: wasmtime::Result<()>) -> Result<Termination, HostError> {
    let Err(err) = result else { return Ok(Termination::Exited(0)) };
    let err = match err.downcast::<HostError>() {
        Ok(host) => return Err(host),
        Err(err) => err,
    };
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
        Some(Trap::Interrupt) => Termination::WallClockExceeded,
        Some(trap) => Termination::Trapped { code: TrapCode::of(*trap), message: trap.to_string() },
        None => Termination::Trapped { code: TrapCode::HostCall, message: err.root_cause().to_string() },
    })
}

/// Lowercase hex SHA-256 of `bytes`: a program's identity and its compiled artifact's name.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(wat: &str) -> Result<Program, LoadError> {
        Sandbox::new(1, None).unwrap().load_bytes(&wat::parse_str(wat).unwrap())
    }

    #[test]
    fn modules_that_cannot_run_are_refused_by_kind() {
        let sandbox = Sandbox::new(1, None).unwrap();
        assert!(matches!(sandbox.load_bytes(b"#!/bin/sh\n"), Err(LoadError::NotWasm)));
        assert!(matches!(sandbox.load_bytes(b"\0asm\x0d\0\x01\0"), Err(LoadError::Component)));
        assert!(matches!(sandbox.load_bytes(b"\0asm\x02\0\0\0"), Err(LoadError::UnsupportedVersion([2, 0, 0, 0]))));
        assert!(matches!(sandbox.load_bytes(b"\0asm\x01\0\0\0\x01"), Err(LoadError::Invalid(_))));
        assert!(matches!(load("(module (memory (export \"memory\") 1))"), Err(LoadError::NoStart)));
        let missing = load(
            r#"(module (import "env" "f" (func)) (import "wasi_snapshot_preview1" "nope" (func)) (func (export "_start")))"#,
        );
        match missing {
            Err(LoadError::MissingImports(names)) => assert_eq!(names, ["env::f", "wasi_snapshot_preview1::nope"]),
            other => panic!("{:?}", other.map(|_| ())),
        }
        let mismatched = load(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i64))) (func (export "_start")))"#,
        );
        assert!(matches!(mismatched, Err(LoadError::Link(_))), "{:?}", mismatched.map(|_| ()));
    }

    #[test]
    fn traps_are_coded_whatever_their_wording() {
        let sandbox = Sandbox::new(1, None).unwrap();
        let limits = Limits::default();
        let mut scratch = Scratch::new(&Default::default()).unwrap();
        for (body, code) in [
            ("unreachable", TrapCode::Unreachable),
            ("(drop (i32.div_s (i32.const 1) (i32.const 0)))", TrapCode::IntegerDivideByZero),
            ("(drop (i32.load (i32.const 70000)))", TrapCode::MemoryOutOfBounds),
        ] {
            let wat = format!(r#"(module (memory (export "memory") 1) (func (export "_start") {body}))"#);
            let program = sandbox.load_bytes(&wat::parse_str(&wat).unwrap()).unwrap();
            let invocation =
                Invocation { args: &[], env: &[], stdin: b"", stderr_joins_stdout: false, limits: &limits };
            let run = sandbox.run(&program, &invocation, scratch.path()).unwrap();
            assert!(
                matches!(run.termination, Termination::Trapped { code: c, .. } if c == code),
                "{:?}",
                run.termination
            );
            assert_eq!(run.termination.code(), format!("trap {}", code.name()));
        }
    }
}
