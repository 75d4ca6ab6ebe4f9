//! Prints the bits of NaNs that leave arithmetic through every channel a compiled program
//! has (memory, reinterpretation, sign operations, calls and returns, globals, merges, SIMD
//! lanes), then runs a small NaN-boxing interpreter whose boxed values must keep their
//! payloads. `nanbits` prints both; its output must not depend on how the host makes NaNs.

use std::hint::black_box;

fn main() {
    channels();
    boxing();
}

#[inline(never)]
fn pass_through(x: f64) -> f64 {
    black_box(x)
}

#[inline(never)]
fn quotient(a: f64, b: f64) -> f64 {
    a / b
}

static mut LAST: f64 = 0.0;

fn channels() {
    let zero = black_box(0.0f64);
    let inf = black_box(f64::INFINITY);
    let payload = f64::from_bits(black_box(0xfff8_0000_dead_beef));
    let signalling = f64::from_bits(black_box(0x7ff4_0000_0000_0001));
    let arithmetic = [zero / zero, inf - inf, (-black_box(1.0f64)).sqrt(), zero * inf, payload + 1.0, signalling * 2.0];
    let mut memory = [0.0f64; 6];
    for (slot, value) in memory.iter_mut().zip(arithmetic) {
        *slot = value;
    }
    black_box(&mut memory);
    for (i, value) in memory.iter().enumerate() {
        println!("stored {i}: {:016x}", value.to_bits());
    }
    let nan = zero / zero;
    println!("abs {:016x} neg {:016x}", nan.abs().to_bits(), (-nan).to_bits());
    println!("copysign {:016x} {:016x}", 1.0f64.copysign(nan).to_bits(), nan.copysign(-1.0).to_bits());
    println!("promote {:016x}", (f32::from_bits(black_box(0x7fa0_0001)) as f64).to_bits());
    println!("demote {:08x}", (payload as f32).to_bits());
    println!(
        "minimum {:016x} maximum {:016x}",
        payload.min(f64::NAN).to_bits(),
        (zero / zero).max(zero / zero).to_bits()
    );
    println!("call {:016x} return {:016x}", pass_through(inf - inf).to_bits(), quotient(zero, zero).to_bits());
    // SAFETY: single-threaded.
    unsafe {
        LAST = inf * zero;
        println!("global {:016x}", black_box(LAST).to_bits());
    }
    let merged = if black_box(true) { payload } else { zero / zero };
    let other = if black_box(false) { payload } else { zero / zero };
    println!("merged {:016x} {:016x}", merged.to_bits(), other.to_bits());
    let mut acc = payload;
    for _ in 0..black_box(3) {
        acc = acc * 2.0 + zero;
    }
    println!("loop {:016x}", acc.to_bits());
    let nan32 = black_box(0.0f32) / black_box(0.0f32);
    println!("f32 {:08x} neg {:08x}", nan32.to_bits(), (-nan32).to_bits());
    simd(payload);
}

#[cfg(target_arch = "wasm32")]
fn simd(payload: f64) {
    use std::arch::wasm32::*;
    let v = f64x2(payload, black_box(1.0));
    let sum = f64x2_add(v, f64x2_splat(black_box(1.0)));
    let splat = f64x2_splat(black_box(0.0) / black_box(0.0));
    let lanes32 = f32x4_div(f32x4_splat(black_box(0.0)), f32x4(0.0, 1.0, 0.0, 2.0));
    let kept = f32x4_pmin(f32x4(f32::from_bits(black_box(0xffc0_beef)), 1.0, 2.0, 3.0), f32x4_splat(1.0));
    for (name, x) in [
        ("add", sum),
        ("splat", splat),
        ("div", lanes32),
        ("pmin", kept),
        ("promote", f64x2_promote_low_f32x4(lanes32)),
    ] {
        println!("v128 {name}: {:016x} {:016x}", u64x2_extract_lane::<0>(x), u64x2_extract_lane::<1>(x));
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn simd(_payload: f64) {}

/// Values of a dynamically typed language in one f64: numbers as themselves, everything
/// else as a NaN whose payload holds a tag and an index.
#[derive(Clone, Copy)]
struct Value(f64);

const BOX: u64 = 0x7ff8_0000_0000_0000;
const TAG_SHIFT: u32 = 40;

impl Value {
    fn boxed(tag: u64, index: u64) -> Value {
        Value(f64::from_bits(BOX | 0x0004_0000_0000_0000 | tag << TAG_SHIFT | index))
    }
    fn unbox(self) -> Option<(u64, u64)> {
        let bits = self.0.to_bits();
        (bits & 0xfffc_0000_0000_0000 == 0x7ffc_0000_0000_0000)
            .then_some(((bits >> TAG_SHIFT) & 0xff, bits & ((1 << TAG_SHIFT) - 1)))
    }
}

fn boxing() {
    let strings = ["nil", "true", "hello", "world"];
    let mut heap: Vec<Value> = Vec::new();
    for (i, _) in strings.iter().enumerate() {
        heap.push(Value::boxed(3, i as u64));
        heap.push(Value(black_box(i as f64) * 1.5));
    }
    // Arithmetic on the numbers; a NaN from arithmetic among boxed values must not be
    // mistaken for one, and boxed values moved through memory must stay boxed.
    let zero = black_box(0.0);
    heap.push(Value(zero / zero));
    heap.push(Value(heap[1].0 + heap[3].0));
    heap.reverse();
    let copy: Vec<Value> = black_box(heap.clone());
    for value in copy {
        match value.unbox() {
            Some((3, index)) => println!("boxed string {:?} {:016x}", strings[index as usize], value.0.to_bits()),
            Some((tag, index)) => println!("boxed tag {tag} index {index}"),
            None => println!("number {:016x}", value.0.to_bits()),
        }
    }
}
