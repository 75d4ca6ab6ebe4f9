;; Every channel through which a NaN's bits can leave arithmetic, for comparing Mirror's NaN
;; canonicalization pass with Cranelift's own (tests/nan.rs). `run` writes one result per
;; 16-byte slot from offset 1024 on; offsets 0..256 hold the inputs, NaNs with payloads.
(module
  (memory (export "memory") 1)
  (global $g64 (mut f64) (f64.const 0))
  (global $g32 (mut f32) (f32.const 0))
  ;; Inputs: payload NaNs (quiet and signalling, both signs), ordinary numbers, a flag.
  (data (i32.const 0) "\01\00\00\00\00\00\f4\7f")   ;; 0: f64 signalling NaN, payload 1
  (data (i32.const 8) "\ef\be\ad\de\00\00\f8\ff")   ;; 8: f64 negative quiet NaN, payload deadbeef
  (data (i32.const 16) "\01\00\a0\7f")              ;; 16: f32 signalling NaN
  (data (i32.const 20) "\ef\be\c0\ff")              ;; 20: f32 negative quiet NaN, payload
  (data (i32.const 24) "\00\00\00\00\00\00\f0\3f")  ;; 24: f64 1.0
  (data (i32.const 32) "\00\00\00\00\00\00\00\00")  ;; 32: f64 0.0
  (data (i32.const 40) "\00\00\00\00")              ;; 40: f32 0.0
  (data (i32.const 44) "\01\00\00\00")              ;; 44: i32 1 (a flag the compiler cannot see)

  (func $snan (result f64) (f64.load (i32.const 0)))
  (func $pnan (result f64) (f64.load (i32.const 8)))
  (func $one (result f64) (f64.load (i32.const 24)))
  (func $zero (result f64) (f64.load (i32.const 32)))
  (func $zero32 (result f32) (f32.load (i32.const 40)))
  (func $flag (result i32) (i32.load (i32.const 44)))
  ;; 0/0: the host's default NaN (negative on x86, positive on aarch64). `run` divides in
  ;; place, so that its NaNs are arithmetic results rather than (canonicalized) returns.
  (func $inv (result f64) (f64.div (call $zero) (call $zero)))
  (func $inv32 (result f32) (f32.div (call $zero32) (call $zero32)))
  (func $slot (param $i i32) (result i32) (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 4))))
  (func $put (param $i i32) (param $x f64) (f64.store (call $slot (local.get $i)) (local.get $x)))
  (func $put32 (param $i i32) (param $x f32) (f32.store (call $slot (local.get $i)) (local.get $x)))
  (func $puti (param $i i32) (param $x i64) (i64.store (call $slot (local.get $i)) (local.get $x)))
  (func $putv (param $i i32) (param $x v128) (v128.store (call $slot (local.get $i)) (local.get $x)))
  ;; Returns its argument: arguments and results are channels.
  (func $id (param $x f64) (result f64) (local.get $x))
  ;; Returns arithmetic straight away.
  (func $sum (param $a f64) (param $b f64) (result f64) (f64.add (local.get $a) (local.get $b)))
  (func $two (result f64 f64) (call $inv) (f64.add (call $pnan) (call $one)))

  (func (export "run") (local $x f64) (local $y f64) (local $i i32) (local $f f32) (local $v v128)
    ;; Stores, f64 and f32.
    (f64.store (call $slot (i32.const 0)) (f64.div (call $zero) (call $zero)))
    (f32.store (call $slot (i32.const 1)) (f32.div (call $zero32) (call $zero32)))
    (f64.store (call $slot (i32.const 2)) (f64.add (call $pnan) (call $one)))
    (f64.store (call $slot (i32.const 3)) (f64.mul (call $snan) (call $one)))
    ;; Reinterpretation.
    (i64.store (call $slot (i32.const 4)) (i64.reinterpret_f64 (f64.div (call $zero) (call $zero))))
    (i32.store (call $slot (i32.const 5)) (i32.reinterpret_f32 (f32.sub (call $zero32) (f32.div (call $zero32) (call $zero32)))))
    ;; copysign, abs, neg.
    (call $put (i32.const 6) (f64.copysign (call $one) (f64.div (call $zero) (call $zero))))
    (call $put (i32.const 7) (f64.copysign (f64.div (call $zero) (call $zero)) (f64.neg (call $one))))
    (call $put (i32.const 8) (f64.abs (f64.div (call $zero) (call $zero))))
    (call $put (i32.const 9) (f64.neg (f64.div (call $zero) (call $zero))))
    (call $put (i32.const 10) (f64.neg (call $pnan)))
    (call $put32 (i32.const 11) (f32.neg (f32.div (call $zero32) (call $zero32))))
    ;; Promote and demote of payload NaNs.
    (call $put (i32.const 12) (f64.promote_f32 (f32.load (i32.const 16))))
    (call $put32 (i32.const 13) (f32.demote_f64 (call $pnan)))
    (call $put (i32.const 14) (f64.promote_f32 (f32.load (i32.const 20))))
    ;; min and max.
    (call $put (i32.const 15) (f64.min (call $pnan) (call $one)))
    (call $put (i32.const 16) (f64.max (call $one) (call $snan)))
    (call $put32 (i32.const 17) (f32.min (f32.load (i32.const 20)) (f32.const 1)))
    ;; Rounding and square root.
    (call $put (i32.const 18) (f64.sqrt (call $pnan)))
    (call $put (i32.const 19) (f64.ceil (call $snan)))
    (call $put (i32.const 20) (f64.floor (call $pnan)))
    (call $put (i32.const 21) (f64.nearest (call $pnan)))
    (call $put (i32.const 22) (f64.trunc (call $snan)))
    ;; Globals.
    (global.set $g64 (f64.div (call $zero) (call $zero)))
    (global.set $g32 (f32.div (call $zero32) (call $zero32)))
    (call $put (i32.const 23) (global.get $g64))
    (call $put32 (i32.const 24) (global.get $g32))
    ;; Calls and returns.
    (call $put (i32.const 25) (call $id (f64.div (call $zero) (call $zero))))
    (call $put (i32.const 26) (call $sum (call $pnan) (call $one)))
    (call $two)
    (local.set $y)
    (local.set $x)
    (call $put (i32.const 27) (local.get $x))
    (call $put (i32.const 28) (local.get $y))
    ;; A local that holds a loaded NaN on one branch and arithmetic on the other.
    (if (call $flag)
      (then (local.set $x (call $pnan)))
      (else (local.set $x (f64.div (call $zero) (call $zero)))))
    (call $put (i32.const 29) (local.get $x))
    (if (i32.eqz (call $flag))
      (then (local.set $x (call $pnan)))
      (else (local.set $x (f64.div (call $zero) (call $zero)))))
    (call $put (i32.const 30) (local.get $x))
    ;; An `if` without `else`: the start flows to the end.
    (local.set $x (f64.div (call $zero) (call $zero)))
    (if (i32.eqz (call $flag)) (then (local.set $x (call $snan))))
    (call $put (i32.const 31) (local.get $x))
    ;; Block results merged from a branch and the fall-through.
    (call $put (i32.const 32)
      (block (result f64)
        (br_if 0 (f64.div (call $zero) (call $zero)) (call $flag))
        (drop)
        (call $pnan)))
    (call $put (i32.const 33)
      (block (result f64)
        (br_if 0 (call $pnan) (i32.eqz (call $flag)))
        (drop)
        (f64.div (call $zero) (call $zero))))
    (call $put (i32.const 34)
      (block $a (result f64)
        (block $b (result f64)
          (br_table $a $b (f64.div (call $zero) (call $zero)) (call $flag)))
        (drop)
        (call $pnan)))
    ;; select between a loaded NaN and arithmetic.
    (call $put (i32.const 35) (select (call $pnan) (f64.div (call $zero) (call $zero)) (call $flag)))
    (call $put (i32.const 36) (select (call $pnan) (f64.div (call $zero) (call $zero)) (i32.eqz (call $flag))))
    (call $put (i32.const 37) (select (f64.div (call $zero) (call $zero)) (f64.add (call $pnan) (call $one)) (call $flag)))
    ;; Loops: a loaded NaN entering a loop that does arithmetic on it, and an accumulator.
    (local.set $x (call $pnan))
    (local.set $i (i32.const 3))
    (loop $again
      (call $put (i32.add (i32.const 38) (local.get $i)) (local.get $x))
      (local.set $x (f64.add (local.get $x) (call $one)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $again (local.get $i)))
    (call $put (i32.const 42) (local.get $x))
    (local.set $y (f64.const 0))
    (local.set $i (i32.const 4))
    (loop $again
      (local.set $y (f64.add (local.get $y) (f64.div (local.get $y) (local.get $y))))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $again (local.get $i)))
    (call $put (i32.const 43) (local.get $y))
    ;; Comparisons and conversions take any NaN.
    (i32.store (call $slot (i32.const 44)) (f64.ne (f64.div (call $zero) (call $zero)) (f64.div (call $zero) (call $zero))))
    (i64.store (call $slot (i32.const 45)) (i64.trunc_sat_f64_s (f64.div (call $zero) (call $zero))))
    (i32.store (call $slot (i32.const 46)) (f64.lt (call $pnan) (call $one)))
    ;; NaN boxing: payloads moved, stored and reinterpreted keep their bits.
    (call $put (i32.const 47) (call $pnan))
    (call $put (i32.const 48) (call $snan))
    (call $put (i32.const 49) (f64.reinterpret_i64 (i64.const 0x7ff4000000c0ffee)))
    (call $put (i32.const 50) (f64.const nan:0x4deadbeef))
    (call $put32 (i32.const 51) (f32.const -nan:0x12345))
    (local.set $x (call $pnan))
    (local.set $y (local.get $x))
    (call $put (i32.const 52) (local.tee $x (local.get $y)))
    ;; A value stored while a deeper operand waits (the stack is juggled).
    (f64.store offset=0 (call $slot (i32.const 53)) (f64.copysign (f64.div (call $zero) (call $zero)) (call $one)))
    (call $puti (i32.const 54) (i64.reinterpret_f64 (call $id (f64.div (call $zero) (call $zero)))))
    ;; SIMD: lane arithmetic, splat and replace_lane of scalar arithmetic, pmin keeping bits.
    (local.set $v (v128.load (i32.const 0)))
    (call $putv (i32.const 55) (f64x2.add (local.get $v) (f64x2.splat (call $one))))
    (call $putv (i32.const 56) (f32x4.div (v128.const f32x4 0 0 1 0) (v128.const f32x4 0 1 0 0)))
    (call $putv (i32.const 57) (f64x2.splat (f64.div (call $zero) (call $zero))))
    (call $putv (i32.const 58) (f64x2.replace_lane 1 (local.get $v) (f64.div (call $zero) (call $zero))))
    (call $putv (i32.const 59) (f32x4.splat (f32.div (call $zero32) (call $zero32))))
    (call $putv (i32.const 60) (f64x2.promote_low_f32x4 (v128.load (i32.const 16))))
    (call $putv (i32.const 61) (f32x4.demote_f64x2_zero (local.get $v)))
    (call $putv (i32.const 62) (f32x4.pmin (v128.load (i32.const 16)) (v128.const f32x4 1 1 1 1)))
    (call $putv (i32.const 63) (f64x2.min (local.get $v) (local.get $v)))
    (call $putv (i32.const 64) (f32x4.relaxed_madd (v128.load (i32.const 16)) (v128.const f32x4 1 1 1 1) (v128.const f32x4 1 1 1 1)))
    (call $putv (i32.const 65) (f64x2.sqrt (local.get $v)))
    (call $put (i32.const 66) (f64x2.extract_lane 0 (f64x2.mul (local.get $v) (local.get $v))))
    (call $putv (i32.const 67) (f64x2.abs (local.get $v)))
    (call $putv (i32.const 68) (f64x2.neg (f64x2.add (local.get $v) (local.get $v))))
  )
)
