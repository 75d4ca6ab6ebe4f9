//! What determinism costs: a guest under Wasmtime with and without NaN canonicalization (by
//! Cranelift after every float operation, or by Mirror's pass where NaNs leave arithmetic)
//! and fuel metering, and with epoch interruption, the wall-clock backstop Mirror replaced
//! with fuel slices (see `runner/sandbox/src/backstop.rs`).
//!
//! `cargo bench --bench determinism_cost -- GUEST.wasm [ARGS...]`; bench/run passes the
//! float-heavy n-body guest and jq's start-up. Prints times and ratios; asserts nothing.
//! `DETERMINISM_COST_ONLY=NAME` runs one setting once, for counting instructions under
//! `valgrind --tool=callgrind`.

use std::time::{Duration, Instant};

use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::WasiCtxBuilder;

const REPEATS: usize = 5;

/// How NaNs are made canonical.
#[derive(Clone, Copy, PartialEq)]
enum Nan {
    Not,
    Cranelift,
    Pass,
}

/// One engine configuration: its name, NaN canonicalization, fuel, epoch interruption.
const SETTINGS: [(&str, Nan, bool, bool); 7] = [
    ("neither", Nan::Not, false, false),
    ("Cranelift NaN", Nan::Cranelift, false, false),
    ("NaN pass", Nan::Pass, false, false),
    ("fuel", Nan::Not, true, false),
    ("Cranelift NaN + fuel", Nan::Cranelift, true, false),
    ("NaN pass + fuel (Mirror)", Nan::Pass, true, false),
    ("Mirror + epoch checks", Nan::Pass, true, true),
];

/// Time, stdout and (when metered) the fuel one run used.
fn run(engine: &Engine, module: &Module, argv: &[String], fuel: bool) -> (Duration, String, Option<u64>) {
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).expect("link");
    let stdout = MemoryOutputPipe::new(1 << 16);
    let wasi = WasiCtxBuilder::new().args(argv).stdout(stdout.clone()).build_p1();
    let mut store = Store::new(engine, wasi);
    if fuel {
        store.set_fuel(u64::MAX / 2).expect("fuel");
    }
    store.set_epoch_deadline(u64::MAX / 2);
    let start = Instant::now();
    let instance = linker.instantiate(&mut store, module).expect("instantiate");
    instance.get_typed_func::<(), ()>(&mut store, "_start").expect("_start").call(&mut store, ()).expect("run");
    let elapsed = start.elapsed();
    let used = fuel.then(|| u64::MAX / 2 - store.get_fuel().expect("fuel"));
    (elapsed, String::from_utf8_lossy(&stdout.contents()).into_owned(), used)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench determinism_cost -- GUEST.wasm [ARGS...]");
        std::process::exit(2);
    };
    let argv: Vec<String> = std::iter::once("guest".to_string()).chain(args[1..].iter().cloned()).collect();
    let bytes = std::fs::read(path).unwrap_or_else(|err| panic!("cannot read {path}: {err}"));
    let rewritten = mirror::sandbox::canonicalize::canonicalize_nans(&bytes).expect("the NaN pass");
    let mut baseline = None;
    let only = std::env::var("DETERMINISM_COST_ONLY").ok();
    let repeats = if only.is_some() { 1 } else { REPEATS };
    println!("{path} {:?}, best of {repeats}", &argv[1..]);
    for (name, nan, fuel, epoch) in SETTINGS {
        if only.as_ref().is_some_and(|only| only != name) {
            continue;
        }
        let mut config = Config::new();
        config
            .cranelift_nan_canonicalization(nan == Nan::Cranelift)
            .relaxed_simd_deterministic(true)
            .consume_fuel(fuel)
            .epoch_interruption(epoch);
        let engine = Engine::new(&config).expect("engine");
        let module = if nan == Nan::Pass { &rewritten } else { &bytes };
        let module = Module::new(&engine, module).expect("compile");
        let runs: Vec<(Duration, String, Option<u64>)> =
            (0..repeats).map(|_| run(&engine, &module, &argv, fuel)).collect();
        let best = runs.iter().map(|r| r.0).min().expect("runs");
        let base = *baseline.get_or_insert(best);
        let last_line = runs[0].1.lines().last().unwrap_or("").to_string();
        let fuel = runs[0].2.map(|used| format!(", fuel {used}")).unwrap_or_default();
        println!(
            "{name:>26}: {:8.1} ms  x{:.2}  (output ends {last_line:?}{fuel})",
            best.as_secs_f64() * 1e3,
            best.as_secs_f64() / base.as_secs_f64()
        );
    }
}
