//! The Wasmtime engine Mirror runs every guest on, and the on-disk cache of compiled modules.

use std::hash::{Hash, Hasher};
use std::path::Path;

use anyhow::{bail, Context, Result};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, Module, PoolingAllocationConfig, WasmFeatures};

/// Linear memory a pooled slot keeps mapped between instances, so that reusing a slot costs
/// no munmap and TLB flush across cores.
const KEEP_RESIDENT_BYTES: usize = 2 << 20;

/// Builds the engine: deterministic float and SIMD semantics, no threads, fuel metering (which
/// also paces the wall-clock backstop, see `backstop`), and a pooling allocator with `slots`
/// instances and their stacks.
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
        .cranelift_nan_canonicalization(true)
        .relaxed_simd_deterministic(true)
        .wasm_features(WasmFeatures::THREADS | WasmFeatures::SHARED_EVERYTHING_THREADS, false)
        .parallel_compilation(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config).map_err(anyhow::Error::from).context("cannot start the Wasmtime engine")
}

/// Compiles `bytes`, or loads the artifact an earlier run left in `cache_dir`.
///
/// Artifacts are keyed by the module's SHA-256 and the engine's compatibility hash (Wasmtime
/// version, settings, features), so a changed engine never loads a stale artifact.
pub fn compile_cached(engine: &Engine, bytes: &[u8], sha256: &str, cache_dir: Option<&Path>) -> Result<Module> {
    check_core_module(bytes)?;
    let Some(cache_dir) = cache_dir else { return compile(engine, bytes) };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let artifact = cache_dir.join(format!("{sha256}-{:016x}.cwasm", hasher.finish()));
    if artifact.is_file() {
        // SAFETY: the artifact was written by `Module::serialize` for an engine with the same
        // compatibility hash, through an atomic rename; Wasmtime checks its header again.
        if let Ok(module) = unsafe { Module::deserialize_file(engine, &artifact) } {
            return Ok(module);
        }
    }
    let module = compile(engine, bytes)?;
    // A cache that cannot be written costs time, not correctness.
    let _ = store_artifact(&module, cache_dir, &artifact);
    Ok(module)
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<Module> {
    Module::new(engine, bytes).map_err(|err| anyhow::anyhow!("invalid WebAssembly module: {err:#}"))
}

fn store_artifact(module: &Module, dir: &Path, artifact: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let serialized = module.serialize().map_err(anyhow::Error::from)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, &serialized)?;
    temp.persist(artifact)?;
    Ok(())
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
