//! The Wasmtime engine Mirror runs every guest on, and how compiled modules are kept
//! between sessions.

use std::hash::{Hash, Hasher};

use wasmtime::{Config, Engine, InstanceAllocationStrategy, Module, PoolingAllocationConfig, WasmFeatures};

use crate::error::{HostError, LoadError};

/// Where compiled modules are kept between sessions, so that a module is compiled once.
///
/// A compiled module is native code that Wasmtime maps and runs as it is.
///
/// # Safety
///
/// [`load`](CompiledModules::load) must return only a file holding exactly the bytes that an
/// earlier [`store`](CompiledModules::store) of this cache was given for the same name (for
/// example, verified against a secret key before it is returned, and not writable by anyone
/// else meanwhile): never bytes that another party could have placed.
pub unsafe trait CompiledModules: Send + Sync {
    /// The file stored under `name`, verified; `None` when there is none or it does not verify.
    fn load(&self, name: &str) -> Option<std::fs::File>;

    /// Keeps `bytes` under `name`. A failure costs time on a later run, not correctness.
    fn store(&self, name: &str, bytes: &[u8]);
}

/// Linear memory a pooled slot keeps mapped between instances, so that reusing a slot costs
/// no munmap and TLB flush across cores.
const KEEP_RESIDENT_BYTES: usize = 2 << 20;

/// Builds the engine: deterministic relaxed SIMD, no threads, and a pooling allocator with
/// `slots` instances and their stacks. NaNs are canonicalized and fuel is metered by
/// rewriting each module before it is compiled (see `canonicalize` and `metering`), not by
/// Cranelift after every float operation nor by Wasmtime's fuel.
pub fn build_engine(slots: u32) -> Result<Engine, HostError> {
    let mut pool = PoolingAllocationConfig::new();
    // Each instance has the guest's memory and the metering pass's control page.
    pool.total_core_instances(slots)
        .total_memories(slots * 2)
        .total_tables(slots)
        .total_stacks(slots)
        .max_memories_per_module(2)
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
        .cranelift_nan_canonicalization(false)
        .relaxed_simd_deterministic(true)
        .wasm_features(WasmFeatures::THREADS | WasmFeatures::SHARED_EVERYTHING_THREADS, false)
        .parallel_compilation(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config).map_err(HostError::runtime)
}

/// Compiles `bytes`, or loads the artifact an earlier run left in `cache`.
///
/// Artifacts are named by the module's SHA-256, the engine's compatibility hash (Wasmtime
/// version, settings, features) and the passes' versions, so a changed engine or pass never
/// loads a stale artifact.
pub fn compile_cached(
    engine: &Engine,
    bytes: &[u8],
    sha256: &str,
    cache: Option<&dyn CompiledModules>,
) -> Result<Module, LoadError> {
    check_core_module(bytes)?;
    let Some(cache) = cache else { return compile(engine, bytes) };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    super::canonicalize::VERSION.hash(&mut hasher);
    super::metering::VERSION.hash(&mut hasher);
    let name = format!("{sha256}-{:016x}.cwasm", hasher.finish());
    if let Some(file) = cache.load(&name) {
        // SAFETY: `CompiledModules` promises that the file holds what an earlier
        // `Module::serialize` for an engine with the same compatibility hash wrote; Wasmtime
        // checks its header again.
        if let Ok(module) = unsafe { Module::deserialize_open_file(engine, file) } {
            return Ok(module);
        }
    }
    let module = compile(engine, bytes)?;
    if let Ok(serialized) = module.serialize() {
        cache.store(&name, &serialized);
    }
    Ok(module)
}

/// Validates the module as the engine would run it, meters it, then canonicalizes its NaNs:
/// in that order, fuel counts the guest's own operators, not the canonicalizing code.
fn compile(engine: &Engine, bytes: &[u8]) -> Result<Module, LoadError> {
    let invalid = |err: wasmtime::Error| LoadError::Invalid(format!("{err:#}"));
    Module::validate(engine, bytes).map_err(invalid)?;
    let rewritten = super::canonicalize::canonicalize_nans(&super::metering::meter(bytes)?)?;
    Module::new(engine, &rewritten).map_err(invalid)
}

/// Rejects what is not a preview1 core module before Wasmtime sees it, with a message that
/// says what it is instead.
fn check_core_module(bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.len() < 8 || &bytes[0..4] != b"\0asm" {
        return Err(LoadError::NotWasm);
    }
    match [bytes[4], bytes[5], bytes[6], bytes[7]] {
        [1, 0, 0, 0] => Ok(()),
        [0x0d, 0, 1, 0] => Err(LoadError::Component),
        version => Err(LoadError::UnsupportedVersion(version)),
    }
}
