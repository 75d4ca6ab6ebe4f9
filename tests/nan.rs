//! Mirror's NaN canonicalization pass gives the bits Cranelift's own canonicalization gives,
//! through every channel a NaN can leave arithmetic by, and keeps NaN-boxed payloads.

mod support;

use mirror::sandbox::canonicalize::canonicalize_nans;
use mirror::sandbox::metering;
use support::{assert_code, guest, mirror_run, root, text, write_task};
use wasmtime::{Config, Engine, Instance, Module, Store, Val};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::WasiCtxBuilder;

/// Slots `channels.wat` writes, 16 bytes each from offset 1024.
const SLOTS: usize = 69;

fn engine(cranelift_canonicalizes: bool) -> Engine {
    let mut config = Config::new();
    config.cranelift_nan_canonicalization(cranelift_canonicalizes).relaxed_simd_deterministic(true);
    Engine::new(&config).expect("engine")
}

/// The memory `channels.wat`'s `run` leaves, slot by slot.
fn channels(engine: &Engine, module: &[u8]) -> Vec<Vec<u8>> {
    let module = Module::new(engine, module).expect("compile");
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiate");
    if let Some(fuel) = instance.get_global(&mut store, metering::COUNTER_EXPORT) {
        fuel.set(&mut store, Val::I64(1 << 40)).expect("fuel");
    }
    instance.get_typed_func::<(), ()>(&mut store, "run").expect("run").call(&mut store, ()).expect("runs");
    let memory = instance.get_memory(&mut store, "memory").expect("memory");
    memory.data(&store)[1024..1024 + 16 * SLOTS].chunks(16).map(<[u8]>::to_vec).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().rev().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_channel_gives_cranelifts_bits() {
    let wasm = wat::parse_file(root().join("guest-tools/nan/channels.wat")).expect("channels.wat parses");
    let reference = channels(&engine(true), &wasm);
    let rewritten = canonicalize_nans(&wasm).expect("the pass rewrites the module");
    let ours = channels(&engine(false), &rewritten);
    // As the sandbox loads it: metered first, then canonicalized.
    let metered = canonicalize_nans(&metering::meter(&wasm).expect("metered")).expect("rewritten");
    let sandboxed = channels(&engine(false), &metered);
    let differing: Vec<String> = (0..SLOTS)
        .filter(|&i| reference[i] != ours[i] || reference[i] != sandboxed[i])
        .map(|i| {
            let [c, p, s] = [&reference[i], &ours[i], &sandboxed[i]].map(|slot| hex(slot));
            format!("slot {i}: Cranelift {c} pass {p} metered and pass {s}")
        })
        .collect();
    assert!(differing.is_empty(), "{}", differing.join("\n"));
    // Without either, the host's own NaNs show: the comparison above can fail.
    let raw = channels(&engine(false), &wasm);
    assert_ne!(raw, reference, "the host made only canonical NaNs: this test shows nothing here");
    // Payloads that never met arithmetic keep their bits (NaN boxing).
    assert_eq!(hex(&ours[47][..8]), "fff80000deadbeef");
    assert_eq!(hex(&ours[48][..8]), "7ff4000000000001");
    assert_eq!(hex(&ours[49][..8]), "7ff4000000c0ffee");
}

/// stdout of a WASI guest run to completion with `argv`.
fn run_guest(engine: &Engine, module: &[u8], argv: &[&str]) -> Vec<u8> {
    let module = Module::new(engine, module).expect("compile");
    let mut linker: wasmtime::Linker<WasiP1Ctx> = wasmtime::Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).expect("link");
    let stdout = MemoryOutputPipe::new(1 << 20);
    let wasi = WasiCtxBuilder::new().args(argv).stdout(stdout.clone()).build_p1();
    let mut store = Store::new(engine, wasi);
    let instance = linker.instantiate(&mut store, &module).expect("instantiate");
    instance.get_typed_func::<(), ()>(&mut store, "_start").expect("_start").call(&mut store, ()).expect("runs");
    stdout.contents().to_vec()
}

#[test]
fn a_compiled_guest_and_its_nan_boxes_match_cranelift() {
    let wasm = std::fs::read(guest("nanbits")).expect("nanbits built");
    let reference = run_guest(&engine(true), &wasm, &["nanbits"]);
    let ours = run_guest(&engine(false), &canonicalize_nans(&wasm).expect("rewrites"), &["nanbits"]);
    assert_eq!(text(&ours), text(&reference));
    let shown = text(&ours);
    assert!(shown.contains("boxed string \"hello\" 7ffc030000000002"), "{shown}");
    assert!(shown.contains("stored 0: 7ff8000000000000"), "{shown}");
}

#[test]
fn the_float_guests_match_cranelift() {
    for (name, args) in [("determinism", &["floats"][..]), ("nbody", &["1000"][..])] {
        let wasm = std::fs::read(guest(name)).expect("built");
        let argv: Vec<&str> = std::iter::once(name).chain(args.iter().copied()).collect();
        let reference = run_guest(&engine(true), &wasm, &argv);
        let ours = run_guest(&engine(false), &canonicalize_nans(&wasm).expect("rewrites"), &argv);
        assert_eq!(text(&ours), text(&reference), "{name}");
    }
}

#[test]
fn the_sandbox_runs_the_rewritten_guest() {
    let wasm = std::fs::read(guest("nanbits")).expect("nanbits built");
    let reference = run_guest(&engine(true), &wasm, &["nanbits"]);
    let task = tempfile::tempdir().expect("temp dir");
    write_task(task.path(), "nanbits", &wasm, "", &[]);
    let output = mirror_run(&["exec", task.path().to_str().unwrap()]);
    assert_code(&output, 0);
    assert_eq!(text(&output.stdout), text(&reference));
}

#[test]
fn invalid_modules_are_refused_with_the_reason() {
    let err = canonicalize_nans(b"\0asm\x01\0\0\0\x0a\x04\x01\x02\x00\x0b").unwrap_err();
    assert!(format!("{err:#}").contains("invalid WebAssembly module"), "{err:#}");
    // A body whose stack does not balance.
    let bad = wat::parse_str("(module (func (result f64) (f64.add (f64.const 1) (f64.const 2)) (drop)))");
    assert!(bad.is_err() || canonicalize_nans(&bad.unwrap()).is_err());
}
