//! What determinism costs: a guest under Wasmtime with and without NaN canonicalization (by
//! Cranelift after every float operation, or by Mirror's pass where NaNs leave arithmetic)
//! and metering (Wasmtime's fuel, or Mirror's metering pass, which counts the same).
//!
//! `cargo bench --bench determinism_cost -- GUEST.wasm|GUEST.wat [ARGS...]`; bench/run passes
//! the float-heavy n-body guest and jq's start-up. Prints times and ratios; asserts nothing.
//! `DETERMINISM_COST_ONLY=NAME` runs one setting once, for counting instructions under
//! `valgrind --tool=callgrind`; `DETERMINISM_COST_WRITE_PASS=FILE` also writes the module
//! both passes made, to read its machine code (`wasmtime compile`, then `objdump -d`).

use std::time::{Duration, Instant};

use wasmtime::{Config, Engine, Linker, Module, Store, Val};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::WasiCtxBuilder;

const REPEATS: usize = 9;

/// How NaNs are made canonical.
#[derive(Clone, Copy, PartialEq)]
enum Nan {
    Not,
    Cranelift,
    Pass,
}

/// How work is metered.
#[derive(Clone, Copy, PartialEq)]
enum Fuel {
    Not,
    Wasmtime,
    /// The sandbox's metering pass.
    Pass,
}

/// One engine configuration: its name, NaN canonicalization, metering.
const SETTINGS: [(&str, Nan, Fuel); 7] = [
    ("neither", Nan::Not, Fuel::Not),
    ("Cranelift NaN", Nan::Cranelift, Fuel::Not),
    ("NaN pass", Nan::Pass, Fuel::Not),
    ("fuel", Nan::Not, Fuel::Wasmtime),
    ("metering pass", Nan::Not, Fuel::Pass),
    ("Cranelift NaN + fuel", Nan::Cranelift, Fuel::Wasmtime),
    ("both passes (Mirror)", Nan::Pass, Fuel::Pass),
];

/// Time, stdout and (when metered) the fuel one run used.
fn run(engine: &Engine, module: &Module, argv: &[String], fuel: Fuel) -> (Duration, String, Option<u64>) {
    const BUDGET: u64 = u64::MAX / 4;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).expect("link");
    let stdout = MemoryOutputPipe::new(1 << 16);
    let wasi = WasiCtxBuilder::new().args(argv).stdout(stdout.clone()).build_p1();
    let mut store = Store::new(engine, wasi);
    if fuel == Fuel::Wasmtime {
        store.set_fuel(BUDGET).expect("fuel");
    }
    let start = Instant::now();
    let instance = linker.instantiate(&mut store, module).expect("instantiate");
    let counter = instance.get_global(&mut store, mirror::sandbox::metering::COUNTER_EXPORT);
    if let Some(counter) = counter {
        counter.set(&mut store, Val::I64(BUDGET as i64)).expect("set the fuel counter");
    }
    instance.get_typed_func::<(), ()>(&mut store, "_start").expect("_start").call(&mut store, ()).expect("run");
    let elapsed = start.elapsed();
    let used = match fuel {
        Fuel::Not => None,
        Fuel::Wasmtime => Some(BUDGET - store.get_fuel().expect("fuel")),
        Fuel::Pass => counter.and_then(|c| c.get(&mut store).i64()).map(|left| BUDGET - left as u64),
    };
    (elapsed, String::from_utf8_lossy(&stdout.contents()).into_owned(), used)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench determinism_cost -- GUEST.wasm [ARGS...]");
        std::process::exit(2);
    };
    let argv: Vec<String> = std::iter::once("guest".to_string()).chain(args[1..].iter().cloned()).collect();
    let bytes = wat::parse_file(path).unwrap_or_else(|err| panic!("cannot read {path}: {err}"));
    let canonicalize = |bytes: &[u8]| mirror::sandbox::canonicalize::canonicalize_nans(bytes).expect("the NaN pass");
    let meter = |bytes: &[u8]| mirror::sandbox::metering::meter(bytes).expect("the metering pass");
    // As the sandbox rewrites a module: metered first, so that fuel counts the guest's own code.
    let rewritten = |nan: Nan, fuel: Fuel| match (nan, fuel) {
        (Nan::Pass, Fuel::Pass) => canonicalize(&meter(&bytes)),
        (Nan::Pass, _) => canonicalize(&bytes),
        (_, Fuel::Pass) => meter(&bytes),
        _ => bytes.clone(),
    };
    if let Ok(out) = std::env::var("DETERMINISM_COST_WRITE_PASS") {
        let both = rewritten(Nan::Pass, Fuel::Pass);
        std::fs::write(&out, both).unwrap_or_else(|err| panic!("cannot write {out}: {err}"));
    }
    let only = std::env::var("DETERMINISM_COST_ONLY").ok();
    let repeats = if only.is_some() { 1 } else { REPEATS };
    println!("{path} {:?}, best of {repeats}, the settings taking turns", &argv[1..]);
    let compiled: Vec<_> = SETTINGS
        .iter()
        .filter(|(name, ..)| only.as_ref().is_none_or(|only| only == name))
        .map(|&(name, nan, fuel)| {
            let mut config = Config::new();
            config
                .cranelift_nan_canonicalization(nan == Nan::Cranelift)
                .relaxed_simd_deterministic(true)
                .consume_fuel(fuel == Fuel::Wasmtime);
            let engine = Engine::new(&config).expect("engine");
            let module = Module::new(&engine, rewritten(nan, fuel)).expect("compile");
            (name, engine, module, fuel)
        })
        .collect();
    // Round-robin, so that a slow spell on a shared machine slows every setting alike
    // rather than the one that happened to be running.
    let mut runs: Vec<Vec<(Duration, String, Option<u64>)>> = vec![Vec::new(); compiled.len()];
    for _ in 0..repeats {
        for ((_, engine, module, fuel), runs) in compiled.iter().zip(&mut runs) {
            runs.push(run(engine, module, &argv, *fuel));
        }
    }
    let mut baseline = None;
    for ((name, ..), runs) in compiled.iter().zip(&runs) {
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
    // The metering pass must count what fuel counts, or its times compare different work.
    let fuel_of = |wanted: &str| {
        compiled.iter().zip(&runs).find(|((name, ..), _)| *name == wanted).and_then(|(_, runs)| runs[0].2)
    };
    for (wasmtime, pass) in [("fuel", "metering pass"), ("Cranelift NaN + fuel", "both passes (Mirror)")] {
        if let (Some(counted), Some(metered)) = (fuel_of(wasmtime), fuel_of(pass)) {
            let verdict = if counted == metered { "the same" } else { "DIFFERENT" };
            println!("{:>26}  fuel under {wasmtime:?} and {pass:?}: {verdict}", "");
        }
    }
}
