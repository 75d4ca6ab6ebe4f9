//! NaN canonicalization as a wasm-to-wasm pass: an arithmetic NaN is made canonical only
//! where it leaves arithmetic, instead of after every float operation as Cranelift's own
//! `enable_nan_canonicalization` does.
//!
//! # What Cranelift's canonicalization defines
//!
//! With Cranelift's setting on, the result of every float arithmetic operation (`add`, `sub`,
//! `mul`, `div`, `min`, `max`, `sqrt`, `ceil`, `floor`, `trunc`, `nearest`, `promote`,
//! `demote`, and the SIMD forms, including relaxed `madd`/`nmadd`/`min`/`max`) is replaced by
//! the canonical quiet NaN (`0x7fc00000`, `0x7ff8000000000000`, positive) when it is a NaN.
//! Every other operation keeps its bits: loads, stores, constants, moves, `abs`, `neg`,
//! `copysign`, reinterpretations. Those are the reference semantics ("C") this pass must
//! reproduce bit for bit, with Cranelift's setting off ("D", what the rewritten module does).
//!
//! # The pass
//!
//! Every f32/f64 value the pass tracks, on the operand stack or in a local, has a kind:
//! - *exact*: its bits are C's bits (loads, globals, parameters, call results, integers
//!   reinterpreted as floats, `abs`/`neg`/`copysign` results, constants);
//! - *dirty*: `canon(D) = C`, where `canon` maps every NaN to the canonical NaN and leaves
//!   other values alone (arithmetic results: C is canonical when it is a NaN, and D is a NaN
//!   exactly when C is, with the same value otherwise);
//! - *free*: both at once (`D = C` and C is not a non-canonical NaN: zeroed locals, constants
//!   that are not NaNs of another payload, integers converted to floats, canonicalized values).
//!
//! A dirty value is canonicalized (`x >= x ? x : NaN`, a compare and an `if`) just before
//! it reaches an operation that observes its bits: a store, `global.set`, a call's argument,
//! a function's result, a reinterpretation, `abs`, `neg`, `copysign`, `splat` or
//! `replace_lane`, or any operation this pass does not model. Operations that only see
//! whether a value is a NaN take dirty values as they are: arithmetic (any NaN in gives a NaN
//! out, so its result is dirty either way), comparisons (all false but `ne`, whatever the
//! payload) and conversions to integers (trap or 0 on any NaN).
//!
//! Locals are moves, tracked per program point within each function: `local.set` gives the
//! local the value's kind. Where control flow merges (a block's or `if`'s end, a loop's
//! header, a branch target) a local or a label value may arrive exact on one edge and dirty
//! on another; then the merged value is exact, and the dirty edges canonicalize it before
//! they branch (for an `if` without `else`, before the `if`). `select` merges its operands
//! the same way. The kinds at merge points are found by iterating each function to a fixed
//! point (kinds only ever gain bits, so it ends), then the last iteration writes the code.
//!
//! # Why this equals C
//!
//! By induction over execution, every value satisfies its kind's equation: arithmetic on
//! operands that satisfy `canon(D) = canon(C)` (every kind does) gives the same NaN-ness and
//! the same non-NaN value, since IEEE arithmetic results depend on NaN operands only through
//! their being NaN; comparisons and float-to-int conversions likewise. Moves keep kinds;
//! merges only join kinds whose equations agree (dirty with exact is made exact by
//! canonicalizing, which turns a dirty value into a free one). Every channel through which a
//! program can observe bits (memory, globals, calls and returns, integers, sign operations,
//! SIMD lanes) gets an exact or free value, so it sees C's bits. Loads, constants and
//! reinterpreted integers are never touched, so NaN-boxed payloads survive as they do in C.
//!
//! SIMD values are not tracked: like Cranelift, the pass canonicalizes every float lane
//! operation's result at once, so every v128 is exact. (Cranelift's own setting covers
//! scalars and vectors together and cannot be kept for vectors alone.) This also fixes two
//! host differences C has: on hosts without SSE4.1 or FMA, Cranelift calls out for
//! `ceil`/`floor`/`trunc`/`nearest` and relaxed `madd`, and does not canonicalize the calls'
//! results; this pass treats them as the arithmetic they are on every host.
//!
//! Branches into exception handlers and the GC proposal's casts are not modeled: modules that
//! use them are refused (Mirror's engine runs neither).

use std::collections::HashMap;

use anyhow::{bail, Context, Result};
use wasm_encoder::{Encode, Ieee32, Ieee64, Instruction};
use wasmparser::{
    FuncValidator, FuncValidatorAllocations, FunctionBody, ModuleArity, Operator, Parser, Payload, RefType, ValType,
    ValidPayload, Validator, ValidatorResources, WasmModuleResources,
};

/// Changes whenever the rewritten code may change: part of the compiled-module cache key.
pub const VERSION: u32 = 3;

const CANONICAL_F32: u32 = 0x7fc0_0000;
const CANONICAL_F64: u64 = 0x7ff8_0000_0000_0000;

/// The module with its float arithmetic canonicalized where it leaves arithmetic (see the
/// module docs). The module, and every function the pass rewrites, is validated on the way;
/// an invalid one is an error. A function without float arithmetic is copied as it is.
pub fn canonicalize_nans(bytes: &[u8]) -> std::result::Result<Vec<u8>, crate::LoadError> {
    rewrite_module(bytes).map_err(|err| crate::LoadError::Invalid(format!("{err:#}")))
}

fn rewrite_module(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut validator = Validator::new();
    let mut module = wasm_encoder::Module::new();
    let mut code: Option<wasm_encoder::CodeSection> = None;
    let mut allocations = FuncValidatorAllocations::default();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.context("invalid WebAssembly module")?;
        let valid = validator.payload(&payload).context("invalid WebAssembly module")?;
        match (&payload, valid) {
            (Payload::CodeSectionStart { .. }, _) => code = Some(wasm_encoder::CodeSection::new()),
            // Without float arithmetic a function makes no NaN of its own: it stays as it is
            // (Wasmtime validates it when it compiles the module).
            (Payload::CodeSectionEntry(body), ValidPayload::Func(..)) if !makes_nans(body)? => {
                code.as_mut().context("a function body outside the code section")?.raw(&bytes[body.range()]);
            }
            (Payload::CodeSectionEntry(body), ValidPayload::Func(func, _)) => {
                let mut func = func.into_validator(std::mem::take(&mut allocations));
                let function = read_function(bytes, body, &mut func)
                    .with_context(|| format!("invalid WebAssembly module: function {}", func.index()))?;
                let rewritten = function.rewrite(body).with_context(|| format!("function {}", func.index()))?;
                code.as_mut().context("a function body outside the code section")?.raw(&rewritten);
                allocations = func.into_allocations();
            }
            (Payload::ModuleSection { .. } | Payload::ComponentSection { .. }, _) => {
                bail!("components are not supported: Mirror runs wasm32-wasip1 core modules")
            }
            _ => {
                if let Some(section) = code.take() {
                    module.section(&section);
                }
                if let Some((id, range)) = payload.as_section() {
                    module.section(&wasm_encoder::RawSection { id, data: &bytes[range] });
                }
            }
        }
    }
    Ok(module.finish())
}

/// Whether the function's code has float arithmetic, scalar or vector.
fn makes_nans(body: &FunctionBody<'_>) -> Result<bool> {
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        if is_arithmetic(&op) || vector_arithmetic_lane(&op).is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// What is known of a float value's bits (see the module docs); other values are exact.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Free,
    Dirty,
    Exact,
}

impl Kind {
    /// The kind's bit in a merge point's accumulated kinds.
    fn bits(self) -> u8 {
        match self {
            Kind::Free => 0,
            Kind::Dirty => 1,
            Kind::Exact => 2,
        }
    }

    /// The kind of a merge point's value, given the kinds that arrive there: dirty arrivals
    /// are canonicalized where an exact one also arrives.
    fn merged(bits: u8) -> Kind {
        if bits & 2 != 0 {
            Kind::Exact
        } else if bits & 1 != 0 {
            Kind::Dirty
        } else {
            Kind::Free
        }
    }

    fn join(self, other: Kind) -> Kind {
        Kind::merged(self.bits() | other.bits())
    }
}

/// The kinds that arrive at one merge point: a block's or `if`'s end, a loop's header, or
/// (label 0) the function's return.
#[derive(Clone)]
struct Label {
    /// Per tracked (f32 or f64) local.
    locals: Vec<u8>,
    /// Per value the label carries.
    values: Vec<u8>,
    reached: bool,
}

/// What the validator says of one operator.
struct Step<'a> {
    op: Operator<'a>,
    bytes: &'a [u8],
    pops: usize,
    /// Range of `Function::pushed`: the types of its results.
    pushed: (usize, usize),
    /// Parameters and results, for `block`, `loop` and `if`.
    block: (usize, usize),
    /// Whether the code after it is unreachable (until the frame's `else` or `end`).
    ends_reachability: bool,
    /// The validator's stack height after it, where the validator finds it reachable.
    height: Option<usize>,
}

/// One function's code, read and validated once, walked until its merge points settle.
struct Function<'a> {
    steps: Vec<Step<'a>>,
    pushed: Vec<ValType>,
    /// Whether the `if` that opens label `i` has an `else`.
    has_else: Vec<bool>,
    /// Local index to tracked slot (f32 and f64 locals), and back.
    tracked: HashMap<u32, usize>,
    tracked_locals: Vec<(u32, ValType)>,
    params: usize,
    results: usize,
    locals_total: u32,
}

fn read_function<'a>(
    bytes: &'a [u8],
    body: &FunctionBody<'a>,
    validator: &mut FuncValidator<ValidatorResources>,
) -> Result<Function<'a>> {
    let resources = validator.resources();
    let ty = resources
        .type_id_of_function(validator.index())
        .map(|id| resources.sub_type_at_id(id))
        .and_then(|ty| match &ty.composite_type.inner {
            wasmparser::CompositeInnerType::Func(func) => Some(func),
            _ => None,
        })
        .context("a function without a function type")?
        .clone();
    let mut tracked = HashMap::new();
    let mut tracked_locals = Vec::new();
    let mut index = 0u32;
    let mut track = |index: u32, ty: ValType| {
        if matches!(ty, ValType::F32 | ValType::F64) {
            tracked.insert(index, tracked_locals.len());
            tracked_locals.push((index, ty));
        }
    };
    for ty in ty.params() {
        track(index, *ty);
        index += 1;
    }
    let mut locals = body.get_binary_reader();
    validator.read_locals(&mut locals)?;
    for local in body.get_locals_reader()? {
        let (count, ty) = local?;
        for _ in 0..count {
            track(index, ty);
            index += 1;
        }
    }
    let mut reader = body.get_operators_reader()?;
    let mut steps = Vec::new();
    let mut pushed = Vec::new();
    let mut has_else = vec![false];
    let mut open = vec![0usize];
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset()?;
        let end = reader.original_position();
        let block = match op {
            Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
                open.push(has_else.len());
                has_else.push(false);
                let (params, results) = validator.block_type_arity(blockty).context("a block of unknown type")?;
                (params as usize, results as usize)
            }
            Operator::Else => {
                if let Some(&label) = open.last() {
                    has_else[label] = true;
                }
                (0, 0)
            }
            Operator::End => {
                open.pop();
                (0, 0)
            }
            _ => (0, 0),
        };
        let (pops, pushes) = op.operator_arity(&*validator).context("an operator of unknown arity")?;
        validator.op(offset, &op)?;
        let start = pushed.len();
        let reachable = validator.get_control_frame(0).is_none_or(|frame| !frame.unreachable);
        if reachable {
            for depth in (0..pushes as usize).rev() {
                pushed.push(validator.get_operand_type(depth).flatten().unwrap_or(ValType::I32));
            }
        }
        let ends_reachability = !reachable && !matches!(op, Operator::End | Operator::Else);
        let height = reachable.then(|| validator.operand_stack_height() as usize);
        steps.push(Step {
            op,
            bytes: &bytes[offset..end],
            pops: pops as usize,
            pushed: (start, pushed.len()),
            block,
            ends_reachability,
            height,
        });
    }
    if validator.control_stack_height() != 0 {
        bail!("the function's code ends before its last `end`");
    }
    Ok(Function {
        steps,
        pushed,
        has_else,
        tracked,
        tracked_locals,
        params: ty.params().len(),
        results: ty.results().len(),
        locals_total: index,
    })
}

impl Function<'_> {
    /// The function body, rewritten: its locals and the scratch locals the new code uses,
    /// then its code.
    fn rewrite(&self, body: &FunctionBody<'_>) -> Result<Vec<u8>> {
        let mut labels: Vec<Label> = Vec::new();
        let walk = loop {
            let mut walk = Walk::new(self, &mut labels);
            walk.run()?;
            if !walk.changed {
                break walk;
            }
        };
        let mut declared = Vec::new();
        for local in body.get_locals_reader()? {
            declared.push(local?);
        }
        let mut function = Vec::new();
        let groups = declared.len() + walk.scratch.types.len();
        u32::try_from(groups).context("too many locals")?.encode(&mut function);
        for (count, ty) in declared.into_iter().chain(walk.scratch.types.iter().map(|ty| (1, *ty))) {
            count.encode(&mut function);
            function.push(type_byte(ty)?);
        }
        function.extend_from_slice(&walk.out);
        Ok(function)
    }
}

fn type_byte(ty: ValType) -> Result<u8> {
    Ok(match ty {
        ValType::I32 => 0x7f,
        ValType::I64 => 0x7e,
        ValType::F32 => 0x7d,
        ValType::F64 => 0x7c,
        ValType::V128 => 0x7b,
        ValType::Ref(r) if r == RefType::FUNCREF => 0x70,
        ValType::Ref(r) if r == RefType::EXTERNREF => 0x6f,
        ValType::Ref(r) => bail!("a local of type {r} is not supported"),
    })
}

/// Scratch locals the new code uses, after the function's own.
struct Scratch {
    base: u32,
    types: Vec<ValType>,
    index: HashMap<(u8, Option<usize>), u32>,
}

impl Scratch {
    /// The scratch local of type `ty` for a canonicalization (`None`), or for the stack
    /// value at `depth` while a deeper one is canonicalized.
    fn local(&mut self, ty: ValType, depth: Option<usize>) -> Result<u32> {
        let key = (type_byte(ty)?, depth);
        if let Some(&index) = self.index.get(&key) {
            return Ok(index);
        }
        let index = self.base.checked_add(self.types.len() as u32).context("too many locals")?;
        self.types.push(ty);
        self.index.insert(key, index);
        Ok(index)
    }
}

struct Frame {
    label: usize,
    is_loop: bool,
    /// For an `if` entered reachable: the locals and parameters `else` starts from.
    if_entry: Option<(Vec<Kind>, Vec<(ValType, Kind)>)>,
    /// Stack height below the frame's parameters.
    height: usize,
    params: usize,
    results: usize,
    entered_reachable: bool,
}

/// One walk over a function's code with the merge points' kinds as they stand.
struct Walk<'f, 'a> {
    code: &'f Function<'a>,
    labels: &'f mut Vec<Label>,
    next_label: usize,
    locals: Vec<Kind>,
    stack: Vec<(ValType, Kind)>,
    frames: Vec<Frame>,
    reachable: bool,
    /// Whether a merge point gained a kind (the walk must be repeated).
    changed: bool,
    out: Vec<u8>,
    scratch: Scratch,
}

impl<'f, 'a> Walk<'f, 'a> {
    fn new(code: &'f Function<'a>, labels: &'f mut Vec<Label>) -> Self {
        let locals = code
            .tracked_locals
            .iter()
            .map(|&(index, _)| if (index as usize) < code.params { Kind::Exact } else { Kind::Free })
            .collect();
        Walk {
            code,
            labels,
            next_label: 0,
            locals,
            stack: Vec::new(),
            frames: Vec::new(),
            reachable: true,
            changed: false,
            out: Vec::new(),
            scratch: Scratch { base: code.locals_total, types: Vec::new(), index: HashMap::new() },
        }
    }

    fn run(&mut self) -> Result<()> {
        self.ensure_label(0, self.code.results);
        self.labels[0].values.fill(Kind::Exact.bits());
        self.open(0, self.code.results, false);
        for step in &self.code.steps {
            if self.reachable {
                self.before(step)?;
            }
            self.out.extend_from_slice(step.bytes);
            self.after(step)?;
            // Every index into the stack relies on this.
            if self.reachable && step.height.is_some_and(|height| height != self.stack.len()) {
                bail!("internal error: the operand stack bookkeeping diverged at {:?}", step.op);
            }
        }
        Ok(())
    }

    fn ensure_label(&mut self, label: usize, values: usize) {
        while self.labels.len() <= label {
            self.labels.push(Label { locals: vec![0; self.locals.len()], values: Vec::new(), reached: false });
        }
        self.labels[label].values.resize(values, 0);
    }

    fn open(&mut self, params: usize, results: usize, is_loop: bool) {
        let label = self.next_label;
        self.next_label += 1;
        self.ensure_label(label, if is_loop { params } else { results });
        self.frames.push(Frame {
            label,
            is_loop,
            if_entry: None,
            height: self.stack.len().saturating_sub(params),
            params,
            results,
            entered_reachable: self.reachable,
        });
    }

    /// Canonicalizations `step` needs before it runs (reachable code only).
    fn before(&mut self, step: &Step<'a>) -> Result<()> {
        use Operator as O;
        match &step.op {
            O::Loop { .. } => {
                let (params, _) = step.block;
                let label = self.next_label;
                self.ensure_label(label, params);
                self.edge(&[label], 0, params)?;
            }
            O::If { .. } if !self.code.has_else[self.next_label] => {
                // Without `else`, the `if`'s start flows to its end.
                let (params, results) = step.block;
                let label = self.next_label;
                self.ensure_label(label, results);
                self.edge(&[label], 1, params)?;
            }
            O::Else | O::End => {
                let frame = self.frames.last().context("an `end` without a block")?;
                if !frame.is_loop {
                    let (label, results) = (frame.label, frame.results);
                    self.edge(&[label], 0, results)?;
                }
            }
            O::Br { relative_depth } => self.branch(&[*relative_depth], 0)?,
            O::BrIf { relative_depth } => self.branch(&[*relative_depth], 1)?,
            O::BrTable { targets } => {
                let mut depths = targets.targets().collect::<Result<Vec<u32>, _>>()?;
                depths.push(targets.default());
                self.branch(&depths, 1)?;
            }
            O::Return => self.edge(&[0], 0, self.code.results)?,
            O::Select | O::TypedSelect { .. } => {
                let n = self.stack.len();
                match (self.stack[n - 3].1, self.stack[n - 2].1) {
                    (Kind::Dirty, Kind::Exact) => self.canonicalize_at(&[2])?,
                    (Kind::Exact, Kind::Dirty) => self.canonicalize_at(&[1])?,
                    _ => {}
                }
            }
            O::TryTable { .. }
            | O::Try { .. }
            | O::Catch { .. }
            | O::CatchAll
            | O::Delegate { .. }
            | O::BrOnNull { .. }
            | O::BrOnNonNull { .. }
            | O::BrOnCast { .. }
            | O::BrOnCastFail { .. } => bail!("operator {:?} is not supported", step.op),
            op if moves_or_reads_nan_ness(op) => {}
            _ => {
                // Anything else may observe its operands' bits.
                let n = self.stack.len();
                let depths: Vec<usize> = (0..step.pops).filter(|d| self.stack[n - 1 - d].1 == Kind::Dirty).collect();
                self.canonicalize_at(&depths)?;
            }
        }
        Ok(())
    }

    /// The stack and locals after `step`.
    fn after(&mut self, step: &Step<'a>) -> Result<()> {
        use Operator as O;
        let pushed = &self.code.pushed[step.pushed.0..step.pushed.1];
        match &step.op {
            O::Block { .. } | O::Loop { .. } | O::If { .. } => {
                let (params, results) = step.block;
                let is_loop = matches!(step.op, O::Loop { .. });
                if matches!(step.op, O::If { .. }) && self.reachable {
                    self.stack.pop();
                }
                self.open(params, results, is_loop);
                if !self.reachable {
                    return Ok(());
                }
                let frame = self.frames.last_mut().context("no frame")?;
                if !is_loop {
                    if matches!(step.op, O::If { .. }) {
                        frame.if_entry = Some((self.locals.clone(), self.stack[frame.height..].to_vec()));
                    }
                    return Ok(());
                }
                let label = &self.labels[frame.label];
                for (kind, bits) in self.locals.iter_mut().zip(&label.locals) {
                    *kind = Kind::merged(*bits);
                }
                let height = frame.height;
                for (entry, bits) in self.stack[height..].iter_mut().zip(&label.values) {
                    entry.1 = Kind::merged(*bits);
                }
                return Ok(());
            }
            O::Else => {
                let frame = self.frames.last_mut().context("an `else` without an `if`")?;
                self.stack.truncate(frame.height);
                self.reachable = frame.entered_reachable;
                if let Some((locals, params)) = frame.if_entry.take() {
                    self.locals = locals;
                    self.stack.extend(params);
                }
                return Ok(());
            }
            O::End => {
                let frame = self.frames.pop().context("an `end` without a block")?;
                if self.frames.is_empty() {
                    return Ok(());
                }
                if frame.is_loop {
                    // A loop's end is its body's fall-through.
                    let results = if self.reachable {
                        self.stack.split_off(self.stack.len() - frame.results)
                    } else {
                        Vec::new()
                    };
                    self.stack.truncate(frame.height);
                    self.stack.extend(results);
                    return Ok(());
                }
                self.stack.truncate(frame.height);
                let label = &self.labels[frame.label];
                self.reachable = label.reached;
                if self.reachable {
                    for (kind, bits) in self.locals.iter_mut().zip(&label.locals) {
                        *kind = Kind::merged(*bits);
                    }
                    self.stack.extend(pushed.iter().zip(&label.values).map(|(ty, bits)| (*ty, Kind::merged(*bits))));
                }
                return Ok(());
            }
            _ => {}
        }
        if !self.reachable {
            return Ok(());
        }
        let n = self.stack.len();
        let popped = self.stack.split_off(n.checked_sub(step.pops).context("the stack bookkeeping diverged")?);
        let tracked = |index: &u32| self.code.tracked.get(index).copied();
        match &step.op {
            O::LocalGet { local_index } => {
                let kind = tracked(local_index).map_or(Kind::Exact, |slot| self.locals[slot]);
                self.stack.push((pushed[0], kind));
            }
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                if let Some(slot) = tracked(local_index) {
                    self.locals[slot] = popped[0].1;
                }
                if matches!(step.op, O::LocalTee { .. }) {
                    self.stack.push(popped[0]);
                }
            }
            O::Select | O::TypedSelect { .. } => self.stack.push((pushed[0], popped[0].1.join(popped[1].1))),
            // The values a not-taken branch leaves, as they were.
            O::BrIf { .. } => self.stack.extend_from_slice(&popped[..popped.len() - 1]),
            O::F32Const { value } => {
                let kind =
                    if is_nan32(value.bits()) && value.bits() != CANONICAL_F32 { Kind::Exact } else { Kind::Free };
                self.stack.push((ValType::F32, kind));
            }
            O::F64Const { value } => {
                let kind =
                    if is_nan64(value.bits()) && value.bits() != CANONICAL_F64 { Kind::Exact } else { Kind::Free };
                self.stack.push((ValType::F64, kind));
            }
            op => {
                let kind = if is_arithmetic(op) {
                    Kind::Dirty
                } else if is_conversion_from_integer(op) {
                    Kind::Free
                } else {
                    Kind::Exact
                };
                self.stack.extend(pushed.iter().map(|ty| (*ty, kind)));
                if let Some(lane) = vector_arithmetic_lane(op) {
                    self.emit_vector_canonicalization(lane);
                }
            }
        }
        if step.ends_reachability {
            self.reachable = false;
        }
        Ok(())
    }

    /// A branch to the frames `depths` out, with `skip` operands above the label's values.
    fn branch(&mut self, depths: &[u32], skip: usize) -> Result<()> {
        let mut labels = Vec::new();
        let mut count = 0;
        for &depth in depths {
            let frame = &self.frames[self.frames.len() - 1 - depth as usize];
            count = if frame.is_loop { frame.params } else { frame.results };
            labels.push(frame.label);
        }
        self.edge(&labels, skip, count)
    }

    /// Control flows to the merge points `targets` with the `count` values under the top
    /// `skip` operands: canonicalizes what arrives dirty where a target holds exact values,
    /// then records what arrives.
    fn edge(&mut self, targets: &[usize], skip: usize, count: usize) -> Result<()> {
        let depth_of = |value: usize| skip + count - 1 - value;
        let n = self.stack.len();
        let depths: Vec<usize> = (0..count)
            .filter(|&value| {
                self.stack[n - 1 - depth_of(value)].1 == Kind::Dirty
                    && targets.iter().any(|&t| Kind::merged(self.labels[t].values[value]) == Kind::Exact)
            })
            .map(depth_of)
            .collect();
        self.canonicalize_at(&depths)?;
        // Locals do not outlive the function: its return (label 0) takes them as they are.
        for slot in 0..self.locals.len() {
            let exact_there =
                targets.iter().any(|&t| t != 0 && Kind::merged(self.labels[t].locals[slot]) == Kind::Exact);
            if self.locals[slot] == Kind::Dirty && exact_there {
                let (index, ty) = self.code.tracked_locals[slot];
                self.emit(Instruction::LocalGet(index));
                self.emit_canonicalization(ty)?;
                self.emit(Instruction::LocalSet(index));
                self.locals[slot] = Kind::Free;
            }
        }
        for &target in targets {
            let label = &mut self.labels[target];
            let mut gained = !label.reached;
            label.reached = true;
            if target != 0 {
                for (bits, kind) in label.locals.iter_mut().zip(&self.locals) {
                    gained |= *bits | kind.bits() != *bits;
                    *bits |= kind.bits();
                }
            }
            for (value, bits) in label.values.iter_mut().enumerate() {
                let kind = self.stack[n - 1 - depth_of(value)].1;
                gained |= *bits | kind.bits() != *bits;
                *bits |= kind.bits();
            }
            self.changed |= gained;
        }
        Ok(())
    }

    /// Canonicalizes the dirty stack values at `depths` (0 is the top), keeping what lies
    /// above the deepest in scratch locals meanwhile.
    fn canonicalize_at(&mut self, depths: &[usize]) -> Result<()> {
        let Some(&deepest) = depths.iter().max() else { return Ok(()) };
        let n = self.stack.len();
        let mut kept = Vec::new();
        for depth in 0..deepest {
            let ty = self.stack[n - 1 - depth].0;
            if depths.contains(&depth) {
                self.emit_canonicalization(ty)?;
            }
            let local = self.scratch.local(ty, Some(depth))?;
            self.emit(Instruction::LocalSet(local));
            kept.push(local);
        }
        self.emit_canonicalization(self.stack[n - 1 - deepest].0)?;
        for local in kept.into_iter().rev() {
            self.emit(Instruction::LocalGet(local));
        }
        for &depth in depths {
            self.stack[n - 1 - depth].1 = Kind::Free;
        }
        Ok(())
    }

    /// `x >= x ? x : canonical NaN` for the scalar on top of the stack, as an `if`: the
    /// canonical NaN is made only on the branch that needs it (a `select` would make the
    /// constant every time, as Cranelift rematerializes constants at each use). `x >= x` is
    /// `x == x`, "x is not a NaN", in one flag test where `==` takes two on x86-64 (ucomis
    /// flags unordered as parity).
    fn emit_canonicalization(&mut self, ty: ValType) -> Result<()> {
        use wasm_encoder::ValType as Encoded;
        let (compare, canonical, result) = match ty {
            ValType::F32 => (Instruction::F32Ge, Instruction::F32Const(Ieee32::new(CANONICAL_F32)), Encoded::F32),
            ValType::F64 => (Instruction::F64Ge, Instruction::F64Const(Ieee64::new(CANONICAL_F64)), Encoded::F64),
            _ => bail!("canonicalizing a value of type {ty}"),
        };
        let temp = self.scratch.local(ty, None)?;
        self.emit(Instruction::LocalSet(temp));
        self.emit(Instruction::LocalGet(temp));
        self.emit(Instruction::LocalGet(temp));
        self.emit(compare);
        self.emit(Instruction::If(wasm_encoder::BlockType::Result(result)));
        self.emit(Instruction::LocalGet(temp));
        self.emit(Instruction::Else);
        self.emit(canonical);
        self.emit(Instruction::End);
        Ok(())
    }

    /// Every lane of the v128 on top of the stack that is a NaN becomes the canonical NaN.
    fn emit_vector_canonicalization(&mut self, lane: ValType) {
        let canonical = if lane == ValType::F32 {
            u128::from(CANONICAL_F32) * 0x0000_0001_0000_0001_0000_0001_0000_0001
        } else {
            u128::from(CANONICAL_F64) * 0x0000_0000_0000_0001_0000_0000_0000_0001
        };
        let temp = self.scratch.local(ValType::V128, None).expect("v128 locals are supported");
        self.emit(Instruction::LocalTee(temp));
        self.emit(Instruction::V128Const(canonical as i128));
        self.emit(Instruction::LocalGet(temp));
        self.emit(Instruction::LocalGet(temp));
        self.emit(if lane == ValType::F32 { Instruction::F32x4Eq } else { Instruction::F64x2Eq });
        self.emit(Instruction::V128Bitselect);
    }

    fn emit(&mut self, instruction: Instruction<'_>) {
        instruction.encode(&mut self.out);
    }
}

fn is_nan32(bits: u32) -> bool {
    bits & 0x7f80_0000 == 0x7f80_0000 && bits & 0x007f_ffff != 0
}

fn is_nan64(bits: u64) -> bool {
    bits & 0x7ff0_0000_0000_0000 == 0x7ff0_0000_0000_0000 && bits & 0x000f_ffff_ffff_ffff != 0
}

/// Scalar operations Cranelift canonicalizes the result of.
fn is_arithmetic(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Sqrt
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Sqrt
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F32DemoteF64
            | O::F64PromoteF32
    )
}

/// Integer-to-float conversions: never a NaN.
fn is_conversion_from_integer(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::F32ConvertI32S
            | O::F32ConvertI32U
            | O::F32ConvertI64S
            | O::F32ConvertI64U
            | O::F64ConvertI32S
            | O::F64ConvertI32U
            | O::F64ConvertI64S
            | O::F64ConvertI64U
    )
}

/// Operations that move their operands or see only whether they are NaNs, so may take
/// dirty ones: arithmetic, comparisons, conversions to integers, and moves this pass
/// tracks itself.
fn moves_or_reads_nan_ness(op: &Operator<'_>) -> bool {
    use Operator as O;
    is_arithmetic(op)
        || matches!(
            op,
            O::LocalGet { .. }
                | O::LocalSet { .. }
                | O::LocalTee { .. }
                | O::Drop
                | O::Nop
                | O::Block { .. }
                | O::F32Eq
                | O::F32Ne
                | O::F32Lt
                | O::F32Gt
                | O::F32Le
                | O::F32Ge
                | O::F64Eq
                | O::F64Ne
                | O::F64Lt
                | O::F64Gt
                | O::F64Le
                | O::F64Ge
                | O::I32TruncF32S
                | O::I32TruncF32U
                | O::I32TruncF64S
                | O::I32TruncF64U
                | O::I64TruncF32S
                | O::I64TruncF32U
                | O::I64TruncF64S
                | O::I64TruncF64U
                | O::I32TruncSatF32S
                | O::I32TruncSatF32U
                | O::I32TruncSatF64S
                | O::I32TruncSatF64U
                | O::I64TruncSatF32S
                | O::I64TruncSatF32U
                | O::I64TruncSatF64S
                | O::I64TruncSatF64U
        )
}

/// The lane type of SIMD operations Cranelift canonicalizes the result of.
fn vector_arithmetic_lane(op: &Operator<'_>) -> Option<ValType> {
    use Operator as O;
    match op {
        O::F32x4Add
        | O::F32x4Sub
        | O::F32x4Mul
        | O::F32x4Div
        | O::F32x4Min
        | O::F32x4Max
        | O::F32x4Sqrt
        | O::F32x4Ceil
        | O::F32x4Floor
        | O::F32x4Trunc
        | O::F32x4Nearest
        | O::F32x4DemoteF64x2Zero
        | O::F32x4RelaxedMadd
        | O::F32x4RelaxedNmadd
        | O::F32x4RelaxedMin
        | O::F32x4RelaxedMax => Some(ValType::F32),
        O::F64x2Add
        | O::F64x2Sub
        | O::F64x2Mul
        | O::F64x2Div
        | O::F64x2Min
        | O::F64x2Max
        | O::F64x2Sqrt
        | O::F64x2Ceil
        | O::F64x2Floor
        | O::F64x2Trunc
        | O::F64x2Nearest
        | O::F64x2PromoteLowF32x4
        | O::F64x2RelaxedMadd
        | O::F64x2RelaxedNmadd
        | O::F64x2RelaxedMin
        | O::F64x2RelaxedMax => Some(ValType::F64),
        _ => None,
    }
}
