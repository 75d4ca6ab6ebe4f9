//! Prints, for one area at a time, values that would differ between hosts if the sandbox let
//! them: NaN bit patterns, SIMD and relaxed-SIMD results, hash-map iteration order, clocks,
//! and file metadata. `determinism all` prints every area. The output must be byte-identical
//! on every platform Mirror runs on.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let area = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let areas: [(&str, fn()); 6] =
        [("floats", floats), ("simd", simd), ("relaxed", relaxed), ("hashmap", hashmap), ("clocks", clocks), ("files", files)];
    let mut ran = false;
    for (name, run) in areas {
        if area == "all" || area == name {
            println!("== {name}");
            run();
            ran = true;
        }
    }
    if !ran {
        eprintln!("determinism: unknown area {area}");
        std::process::exit(2);
    }
}

/// NaNs from arithmetic carry payload and sign bits that hardware leaves unspecified.
fn floats() {
    let zero = black_box(0.0f64);
    let inf = black_box(f64::INFINITY);
    let nans = [zero / zero, inf - inf, (-black_box(1.0f64)).sqrt(), zero * inf, f64::NAN * black_box(-1.0)];
    for (i, nan) in nans.iter().enumerate() {
        println!("f64 nan {i}: {:016x}", nan.to_bits());
    }
    let zero32 = black_box(0.0f32);
    println!("f32 nan: {:08x}", (zero32 / zero32).to_bits());
    let quiet = f64::from_bits(black_box(0x7ff8_0000_dead_beef));
    println!("f64 nan payload through add: {:016x}", (quiet + black_box(1.0)).to_bits());
    println!("f64 min/max with nan: {:016x} {:016x}", quiet.min(1.0).to_bits(), quiet.max(black_box(2.0)).to_bits());
    let mut acc = black_box(0.1f64);
    for i in 1..2000 {
        acc = (acc * 1.000_001 + (i as f64).sin() * 1e-3).mul_add(0.999, 1e-9);
    }
    println!("f64 series: {:016x}", acc.to_bits());
    println!("f32 series: {:08x}", (0..1000).map(|i| (i as f32).sqrt() / 3.0).sum::<f32>().to_bits());
    println!("f64 fused: {:016x}", black_box(0.1f64).mul_add(black_box(10.0), black_box(-1.0)).to_bits());
}

#[cfg(target_arch = "wasm32")]
fn simd() {
    use std::arch::wasm32::*;
    let a = f32x4(1.5, -0.0, f32::NAN, 3.25);
    let b = f32x4(2.0, 0.0, 1.0, f32::INFINITY);
    let lanes = |v: v128| [f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)];
    for (name, v) in [("add", f32x4_add(a, b)), ("mul", f32x4_mul(a, b)), ("min", f32x4_min(a, b)), ("div", f32x4_div(b, a))] {
        let bits: Vec<String> = lanes(v).iter().map(|x| format!("{:08x}", x.to_bits())).collect();
        println!("f32x4 {name}: {}", bits.join(" "));
    }
    let ints = i32x4_mul(i32x4(7, -3, i32::MAX, 1 << 20), i32x4(6, 5, 2, 4096));
    println!(
        "i32x4 mul: {} {} {} {}",
        i32x4_extract_lane::<0>(ints),
        i32x4_extract_lane::<1>(ints),
        i32x4_extract_lane::<2>(ints),
        i32x4_extract_lane::<3>(ints)
    );
}

/// Relaxed SIMD lets hardware choose between results; Mirror asks Wasmtime for one choice.
#[cfg(target_arch = "wasm32")]
fn relaxed() {
    // Safe on wasm: an engine without relaxed SIMD refuses the module instead.
    relaxed_with_feature()
}

#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "relaxed-simd")]
fn relaxed_with_feature() {
    use std::arch::wasm32::*;
    let a = f32x4(1e30, -0.0, f32::NAN, 1.0 / 3.0);
    let b = f32x4(1e10, 0.0, 2.0, 3.0);
    let c = f32x4(-3e38, -0.0, 1.0, -1.0);
    let madd = f32x4_relaxed_madd(a, b, c);
    let min = f32x4_relaxed_min(a, b);
    let trunc = i32x4_relaxed_trunc_f32x4(f32x4(3e9, -3e9, f32::NAN, -1.5));
    let swizzle = i8x16_relaxed_swizzle(i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), u8x16(0, 200, 15, 16, 128, 3, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    let laneselect = i32x4_relaxed_laneselect(i32x4(1, 2, 3, 4), i32x4(5, 6, 7, 8), i32x4(-1, 0, 0x0f0f_0f0f, i32::MIN));
    for (name, v) in [("madd", madd), ("min", min), ("trunc", trunc), ("swizzle", swizzle), ("laneselect", laneselect)] {
        let mut bytes = [0u8; 16];
        // SAFETY: a v128 is 16 bytes.
        unsafe { v128_store(bytes.as_mut_ptr() as *mut v128, v) };
        println!("relaxed {name}: {}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn simd() {
    println!("(wasm32 only)");
}

#[cfg(not(target_arch = "wasm32"))]
fn relaxed() {
    println!("(wasm32 only)");
}

/// std seeds HashMap from random_get: the iteration order shows the seed.
fn hashmap() {
    let map: HashMap<String, usize> = (0..20).map(|i| (format!("key{i}"), i)).collect();
    let order: Vec<&String> = map.keys().collect();
    println!("order: {order:?}");
}

fn clocks() {
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    println!("wall: {}.{:09}", wall.as_secs(), wall.subsec_nanos());
    let start = Instant::now();
    let mut spin = 0u64;
    for i in 0..1_000_000u64 {
        spin = black_box(spin.wrapping_add(i));
    }
    println!("elapsed after a busy loop: {:?}", start.elapsed());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    println!("elapsed after sleep: {:?}", start.elapsed());
}

fn files() {
    for (name, size) in [("zeta", 3), ("alpha", 10), ("mid", 0), ("Beta", 7)] {
        std::fs::write(name, "x".repeat(size)).expect("write");
    }
    std::fs::create_dir_all("dir/sub").expect("mkdir");
    let mut entries: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(".").expect("read_dir") {
        let entry = entry.expect("entry");
        let meta = entry.metadata().expect("metadata");
        let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_secs());
        entries.push(format!("{} dir={} len={} modified={modified:?}", entry.file_name().to_string_lossy(), meta.is_dir(), meta.len()));
    }
    // Printed in the order the sandbox listed them: sorted, whatever the host file system.
    for entry in entries {
        println!("{entry}");
    }
}
