//! The Wasmtime engine Mirror runs every guest on, and the on-disk cache of compiled modules.

use std::hash::{Hash, Hasher};

use crate::cache::{CacheDir, Sealed};
use anyhow::{bail, Context, Result};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, Module, PoolingAllocationConfig, WasmFeatures};

/// Linear memory a pooled slot keeps mapped between instances, so that reusing a slot costs
/// no munmap and TLB flush across cores.
const KEEP_RESIDENT_BYTES: usize = 2 << 20;

/// Builds the engine: deterministic relaxed SIMD, no threads, fuel metering (which
/// also paces the wall-clock backstop, see `backstop`), and a pooling allocator with `slots`
/// instances and their stacks. NaNs are canonicalized by rewriting each module before it is
/// compiled (see `canonicalize`), not by Cranelift after every float operation.
pub fn build_engine(slots: u32) -> Result<Engine> {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(slots)
        .total_memories(slots)
        .total_tables(slots)
        .total_stacks(slots)
        .max_memories_per_module(1)
        .max_tables_per_module(4)
        .table_elements(1 << 20)
        .max_core_instance_size(16 << 20)
        // Not `pagemap_scan`: it would reset only the dirty pages instead of memset over
        // all kept resident (a fifth of a trivial case), but it misses dirty pages that were
        // swapped out, which would carry one case's memory into the next
        // (bytecodealliance/wasmtime#14357).
        .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
        .table_keep_resident(64 << 10);
    let mut config = Config::new();
    config
        .consume_fuel(true)
        .cranelift_nan_canonicalization(false)
        .relaxed_simd_deterministic(true)
        .wasm_features(WasmFeatures::THREADS | WasmFeatures::SHARED_EVERYTHING_THREADS, false)
        .parallel_compilation(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config).map_err(anyhow::Error::from).context("cannot start the Wasmtime engine")
}

/// Compiles `bytes`, or loads the artifact an earlier run left in `cache`.
///
/// Artifacts are keyed by the module's SHA-256, the engine's compatibility hash (Wasmtime
/// version, settings, features) and the NaN pass's version, so a changed engine or pass never
/// loads a stale artifact. They are
/// native code: one is loaded only when its seal verifies; one that does not is reported,
/// compiled again and replaced.
pub fn compile_cached(engine: &Engine, bytes: &[u8], sha256: &str, cache: Option<&CacheDir>) -> Result<Module> {
    check_core_module(bytes)?;
    let Some(cache) = cache else { return compile(engine, bytes) };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    super::canonicalize::VERSION.hash(&mut hasher);
    let artifact = cache.path.join(format!("{sha256}-{:016x}.cwasm", hasher.finish()));
    match cache.key.open(&artifact) {
        Ok(Sealed::Valid(file)) => {
            // SAFETY: the artifact verified against the user's key, so it is what an earlier
            // `Module::serialize` for an engine with the same compatibility hash wrote; it is
            // mapped from the very file that was verified, and Wasmtime checks its header again.
            if let Ok(module) = unsafe { Module::deserialize_open_file(engine, file) } {
                return Ok(module);
            }
        }
        Ok(Sealed::Tampered) => eprintln!(
            "mirror: warning: cached artifact {} failed verification; compiling the module again",
            artifact.display()
        ),
        // A cache that cannot be read costs time, not correctness.
        Ok(Sealed::Missing) | Err(_) => {}
    }
    let module = compile(engine, bytes)?;
    // A cache that cannot be written costs time, not correctness.
    if let Ok(serialized) = module.serialize() {
        let _ = cache.key.write(&artifact, &serialized);
    }
    Ok(module)
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<Module> {
    let rewritten = super::canonicalize::canonicalize_nans(bytes)?;
    Module::new(engine, &rewritten).map_err(|err| anyhow::anyhow!("invalid WebAssembly module: {err:#}"))
}

/// Rejects what is not a preview1 core module before Wasmtime sees it, with a message that
/// says what it is instead.
fn check_core_module(bytes: &[u8]) -> Result<()> {
    if bytes.len() < 8 || &bytes[0..4] != b"\0asm" {
        bail!("not a WebAssembly module: it does not start with the `\\0asm` magic bytes");
    }
    match bytes[4..8] {
        [1, 0, 0, 0] => Ok(()),
        [0x0d, 0, 1, 0] => bail!(
            "this is a WebAssembly component (wasm32-wasip2); Mirror runs wasm32-wasip1 core modules: build with `--target wasm32-wasip1`"
        ),
        _ => bail!("unsupported WebAssembly binary version {:?}", &bytes[4..8]),
    }
}
