//! What determinism costs: a guest under Wasmtime with and without NaN canonicalization and
//! fuel metering (the two settings Mirror keeps on), and with epoch interruption, the
//! wall-clock backstop Mirror replaced with fuel slices (see `sandbox/backstop.rs`).
//!
//! `cargo bench --bench determinism_cost -- GUEST.wasm [ARGS...]`; bench/run passes the
//! float-heavy n-body guest and jq's start-up. Prints times and ratios; asserts nothing.

use std::time::{Duration, Instant};

use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::WasiCtxBuilder;

const REPEATS: usize = 5;

/// One engine configuration: its name, NaN canonicalization, fuel, epoch interruption.
const SETTINGS: [(&str, bool, bool, bool); 5] = [
    ("neither", false, false, false),
    ("NaN canonicalization", true, false, false),
    ("fuel", false, true, false),
    ("both (Mirror)", true, true, false),
    ("both + epoch checks", true, true, true),
];

fn run(engine: &Engine, module: &Module, argv: &[String], fuel: bool) -> (Duration, String) {
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
    (start.elapsed(), String::from_utf8_lossy(&stdout.contents()).into_owned())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench determinism_cost -- GUEST.wasm [ARGS...]");
        std::process::exit(2);
    };
    let argv: Vec<String> = std::iter::once("guest".to_string()).chain(args[1..].iter().cloned()).collect();
    let bytes = std::fs::read(path).unwrap_or_else(|err| panic!("cannot read {path}: {err}"));
    let mut baseline = None;
    println!("{path} {:?}, best of {REPEATS}", &argv[1..]);
    for (name, nan, fuel, epoch) in SETTINGS {
        let mut config = Config::new();
        config.cranelift_nan_canonicalization(nan).consume_fuel(fuel).epoch_interruption(epoch);
        let engine = Engine::new(&config).expect("engine");
        let module = Module::new(&engine, &bytes).expect("compile");
        let runs: Vec<(Duration, String)> = (0..REPEATS).map(|_| run(&engine, &module, &argv, fuel)).collect();
        let best = runs.iter().map(|r| r.0).min().expect("runs");
        let base = *baseline.get_or_insert(best);
        let last_line = runs[0].1.lines().last().unwrap_or("").to_string();
        println!(
            "{name:>22}: {:8.1} ms  x{:.2}  (output ends {last_line:?})",
            best.as_secs_f64() * 1e3,
            best.as_secs_f64() / base.as_secs_f64()
        );
    }
}
