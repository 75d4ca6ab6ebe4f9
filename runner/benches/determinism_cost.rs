//! What determinism costs on float-heavy code: the n-body guest under Wasmtime with and
//! without NaN canonicalization and fuel metering, the two settings Mirror keeps on.
//!
//! `cargo bench --bench determinism_cost -- NBODY.wasm [STEPS]` (bench/run passes the guest).
//! Prints times and ratios; asserts nothing.

use std::time::{Duration, Instant};

use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::WasiCtxBuilder;

const REPEATS: usize = 3;

fn run(engine: &Engine, module: &Module, steps: &str, fuel: bool) -> (Duration, String) {
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).expect("link");
    let stdout = MemoryOutputPipe::new(1 << 16);
    let wasi = WasiCtxBuilder::new().args(&["nbody", steps]).stdout(stdout.clone()).build_p1();
    let mut store = Store::new(engine, wasi);
    if fuel {
        store.set_fuel(u64::MAX / 2).expect("fuel");
    }
    let start = Instant::now();
    let instance = linker.instantiate(&mut store, module).expect("instantiate");
    instance.get_typed_func::<(), ()>(&mut store, "_start").expect("_start").call(&mut store, ()).expect("run");
    (start.elapsed(), String::from_utf8_lossy(&stdout.contents()).into_owned())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench determinism_cost -- NBODY.wasm [STEPS]");
        std::process::exit(2);
    };
    let steps = args.get(1).map(String::as_str).unwrap_or("2000000");
    let bytes = std::fs::read(path).expect("read the guest");
    let mut baseline = None;
    println!("n-body, {steps} steps, best of {REPEATS}");
    for (name, nan, fuel) in [
        ("neither", false, false),
        ("NaN canonicalization", true, false),
        ("fuel", false, true),
        ("both (Mirror)", true, true),
    ] {
        let mut config = Config::new();
        config.cranelift_nan_canonicalization(nan).consume_fuel(fuel);
        let engine = Engine::new(&config).expect("engine");
        let module = Module::new(&engine, &bytes).expect("compile");
        let runs: Vec<(Duration, String)> = (0..REPEATS).map(|_| run(&engine, &module, steps, fuel)).collect();
        let best = runs.iter().map(|r| r.0).min().expect("runs");
        let base = *baseline.get_or_insert(best);
        let energy = runs[0].1.lines().last().unwrap_or("").to_string();
        println!(
            "{name:>22}: {:8.1} ms  x{:.2}  (final energy {energy})",
            best.as_secs_f64() * 1e3,
            best.as_secs_f64() / base.as_secs_f64()
        );
    }
}
