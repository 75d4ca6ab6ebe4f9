//! Fuel as a wasm-to-wasm pass: every function counts what it runs in a local, and a guest
//! that runs out stops with a trap.
//!
//! # What it counts
//!
//! Exactly what Wasmtime's fuel counts, to the unit, so that fuel figures mean what they
//! meant before the pass (goldens record them): one unit per operator but `nop`, `drop`,
//! `block`, `loop`, `else`, `end`, `return` and `unreachable`; one more on entering each
//! function; one per byte or element of a bulk memory or table operation, charged by its
//! length operand. Units are added up statically along each basic block and charged where
//! the block ends (`if`, `else`, `end`, `loop`, branches, calls, `return`, `unreachable`),
//! as Wasmtime charges them. What instantiation evaluates is not guest code and is not
//! counted (Wasmtime's fuel counts a unit for a passive element segment's expressions).
//!
//! The pass runs on the guest's module as it came, before the NaN pass (`canonicalize`), so
//! fuel counts the guest's own operators: the code Mirror adds for determinism costs none.
//!
//! # Where it checks
//!
//! Every endless run must pass a check endlessly, so that every run stops:
//! - at each loop header, but for a loop whose iterations the code fixes and which is
//!   charged for all of them before it starts (`counted`);
//! - on entry to a function that could start a cycle of calls outside every loop (`entry`);
//! - before a bulk operation, which is work like a loop.
//!
//! Where the checks are depends on the module alone, so a program stops at the same point on
//! every machine. The counter lives in a local (a register), written to an exported global
//! before calls, returns and traps and read back after calls, since the callee counts too.
//!
//! # Why a pass and not Wasmtime's fuel
//!
//! Wasmtime's check calls into the runtime when fuel runs out and then goes on, as refuelling
//! may allow; every value live across a loop header is then live across a call, which on
//! x86-64 clobbers every vector register, so float-heavy loops keep their values on the
//! stack. Here running out ends the run, so nothing is live across the trap; and the checks
//! the pass can prove needless (above) are left out (README, `bench/run`).
//!
//! # The wall-clock backstop
//!
//! A run that never returns to the host must still stop at its deadline. Each check compares
//! the counter with a *floor* in a one-page memory the pass adds, normally 0; the sandbox's
//! watchdog thread raises the floor past every count at the deadline, and the next check
//! stops the guest (see `backstop`). When a check stops the guest it sets a flag beside the
//! floor, so that the host tells this stop from the guest's own `unreachable`.
//!
//! The guest cannot reach either: its code was validated before the pass and names only its
//! own globals and memories; the pass's come after them.
//!
//! A start function would run at instantiation, before the host has set the counter, so the
//! pass removes the start section and exports the function; the host calls it first.

mod counted;
mod entry;

use wasm_encoder::{BlockType, ConstExpr, Encode, ExportKind, GlobalType, Instruction, MemArg, MemoryType, ValType};
use wasmparser::{BinaryReader, CompositeInnerType, FunctionBody, Operator, Parser, Payload, TypeRef};

use crate::LoadError;

/// Changes whenever the metered code may change: part of the compiled-module cache key.
pub const VERSION: u32 = 2;

/// The exported i64 global holding the fuel left (at or below 0: ran out).
pub const COUNTER_EXPORT: &str = "mirror:fuel";

/// The exported one-page memory holding the floor (an i64 at [`FLOOR_OFFSET`]) and the
/// stopped flag (an i32 at [`STOPPED_OFFSET`]).
pub const CONTROL_EXPORT: &str = "mirror:meter";

/// The exported function the module's start section named, if it had one: the pass removes
/// the start section and the host calls this once the counter is set, since a start function
/// runs at instantiation, before the host could give it fuel.
pub const START_EXPORT: &str = "mirror:start";

/// Where the floor is in the control memory.
pub const FLOOR_OFFSET: usize = 0;

/// Where the stopped flag is in the control memory: 1 once a check stopped the guest.
pub const STOPPED_OFFSET: usize = 8;

/// The module with every function metered (see the module docs). `bytes` should be a valid
/// module: the sandbox validates it first, so that errors name the module's own faults; an
/// invalid one gives an error or a module Wasmtime refuses, never a panic.
pub fn meter(bytes: &[u8]) -> Result<Vec<u8>, LoadError> {
    meter_module(bytes).map_err(|err| LoadError::Invalid(format!("cannot meter the module: {err}")))
}

/// What the pass needs to know of a module before it rewrites it.
#[derive(Default)]
struct Shape {
    /// Parameters of each type in the type section.
    params: Vec<u32>,
    /// Type index of every function, imported ones first.
    function_types: Vec<u32>,
    imported_functions: usize,
    globals: u32,
    memories: u32,
    start: Option<u32>,
}

impl Shape {
    /// Reads the module's sections, refusing what the pass cannot meter.
    fn read(bytes: &[u8]) -> Result<Shape, String> {
        let mut shape = Shape::default();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(|err| err.to_string())? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for ty in group.map_err(|err| err.to_string())?.into_types() {
                            let CompositeInnerType::Func(function) = &ty.composite_type.inner else {
                                return Err("a type that is not a function's".into());
                            };
                            shape.params.push(function.params().len() as u32);
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        match import.map_err(|err| err.to_string())?.ty {
                            TypeRef::Func(ty) => {
                                shape.function_types.push(ty);
                                shape.imported_functions += 1;
                            }
                            TypeRef::Global(_) => shape.globals += 1,
                            TypeRef::Memory(memory) if memory.memory64 => return Err("64-bit memories".into()),
                            TypeRef::Memory(_) => shape.memories += 1,
                            TypeRef::Table(table) if table.table64 => return Err("64-bit tables".into()),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        shape.function_types.push(ty.map_err(|err| err.to_string())?);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        if table.map_err(|err| err.to_string())?.ty.table64 {
                            return Err("64-bit tables".into());
                        }
                    }
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        if memory.map_err(|err| err.to_string())?.memory64 {
                            return Err("64-bit memories".into());
                        }
                        shape.memories += 1;
                    }
                }
                Payload::GlobalSection(reader) => shape.globals += reader.count(),
                Payload::StartSection { func, .. } => shape.start = Some(func),
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let name = export.map_err(|err| err.to_string())?.name;
                        if [COUNTER_EXPORT, CONTROL_EXPORT, START_EXPORT].contains(&name) {
                            return Err(format!("it exports `{name}` itself"));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(shape)
    }

    /// The number of parameters of `function`.
    fn params_of(&self, function: usize) -> Result<u32, String> {
        self.function_types
            .get(function)
            .and_then(|&ty| self.params.get(ty as usize))
            .copied()
            .ok_or_else(|| format!("function {function} has no type"))
    }
}

fn meter_module(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let shape = Shape::read(bytes)?;
    let entry_checks = entry::entry_checks(bytes, shape.imported_functions)?;
    let pass = Pass { counter_global: shape.globals, control_memory: shape.memories };
    let mut memory_entry = Vec::new();
    MemoryType { minimum: 1, maximum: Some(1), memory64: false, shared: false, page_size_log2: None }
        .encode(&mut memory_entry);
    let mut global_entry = Vec::new();
    GlobalType { val_type: ValType::I64, mutable: true, shared: false }.encode(&mut global_entry);
    ConstExpr::i64_const(0).encode(&mut global_entry);
    let mut export_entries = Vec::new();
    let exports = [
        Some((COUNTER_EXPORT, ExportKind::Global, pass.counter_global)),
        Some((CONTROL_EXPORT, ExportKind::Memory, pass.control_memory)),
        shape.start.map(|start| (START_EXPORT, ExportKind::Func, start)),
    ];
    for (name, kind, index) in exports.iter().flatten() {
        name.encode(&mut export_entries);
        kind.encode(&mut export_entries);
        index.encode(&mut export_entries);
    }
    let export_count = exports.iter().flatten().count() as u32;
    // The sections the pass adds to, each with what it adds, by section id.
    let additions: [(u8, &[u8], u32); 3] =
        [(5, &memory_entry, 1), (6, &global_entry, 1), (7, &export_entries, export_count)];
    let mut added = [false; 3];

    let mut module = wasm_encoder::Module::new();
    let mut code: Option<wasm_encoder::CodeSection> = None;
    let mut defined = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|err| err.to_string())?;
        if let Payload::CodeSectionEntry(body) = &payload {
            let function = shape.imported_functions + defined;
            let entry_check = entry_checks.get(defined).copied().unwrap_or(true);
            defined += 1;
            let metered = pass
                .function(bytes, body, shape.params_of(function)?, entry_check)
                .map_err(|err| format!("function {function}: {err}"))?;
            code.as_mut().ok_or("a function outside the code section")?.raw(&metered);
            continue;
        }
        let Some((id, range)) = payload.as_section() else { continue };
        if let Some(section) = code.take() {
            module.section(&section);
        }
        // A section the pass adds to but the module lacks goes where its order puts it.
        for (i, &(added_id, entries, count)) in additions.iter().enumerate() {
            if !added[i] && section_rank(id) > section_rank(added_id) {
                module.section(&wasm_encoder::RawSection { id: added_id, data: &appended(&[], entries, count)? });
                added[i] = true;
            }
        }
        let data = &bytes[range];
        match additions.iter().position(|&(added_id, ..)| added_id == id) {
            Some(i) => {
                let (_, entries, count) = additions[i];
                module.section(&wasm_encoder::RawSection { id, data: &appended(data, entries, count)? });
                added[i] = true;
            }
            None if id == 10 => code = Some(wasm_encoder::CodeSection::new()),
            None if id == 8 => {} // the start function is exported instead

            None => {
                module.section(&wasm_encoder::RawSection { id, data });
            }
        }
    }
    if let Some(section) = code.take() {
        module.section(&section);
    }
    for (i, &(id, entries, count)) in additions.iter().enumerate() {
        if !added[i] {
            module.section(&wasm_encoder::RawSection { id, data: &appended(&[], entries, count)? });
        }
    }
    Ok(module.finish())
}

/// Where a section goes in a module, by id (tags come before globals, data count before code).
fn section_rank(id: u8) -> u8 {
    match id {
        13 => 6,
        6..=9 => id + 1,
        12 => 11,
        10 => 12,
        11 => 13,
        _ => id,
    }
}

/// A vector section's contents (`data`, empty for none) with `count` more entries.
fn appended(data: &[u8], entries: &[u8], count: u32) -> Result<Vec<u8>, String> {
    let (existing, rest) = if data.is_empty() {
        (0, data)
    } else {
        let mut reader = BinaryReader::new(data, 0);
        let existing = reader.read_var_u32().map_err(|err| err.to_string())?;
        (existing, &data[reader.original_position()..])
    };
    let mut out = Vec::new();
    existing.checked_add(count).ok_or("too many entries")?.encode(&mut out);
    out.extend_from_slice(rest);
    out.extend_from_slice(entries);
    Ok(out)
}

/// What an operator is to the pass.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    /// Runs and goes on to the next operator.
    Plain,
    /// Opens a block that control falls into (`block`), charging nothing.
    Block,
    /// Ends a basic block (`loop`, `if`, `else`, `end`, a conditional branch).
    Boundary,
    /// Branches away for good (`br`, `br_table`).
    Jump,
    /// Calls a function and comes back.
    Call,
    /// Leaves the function (`return`, `unreachable`, tail calls, `throw`).
    Leave,
    /// A bulk operation, charged by its length as it runs.
    Bulk,
    /// Exception handling and stack switching, which Mirror's engine does not run and the
    /// pass does not model.
    Refused,
}

/// The role of `op`.
fn role(op: &Operator<'_>) -> Role {
    use Operator as O;
    if let Some(call) = call(op) {
        return if call.tail { Role::Leave } else { Role::Call };
    }
    match op {
        O::Block { .. } => Role::Block,
        O::Loop { .. }
        | O::If { .. }
        | O::Else
        | O::End
        | O::BrIf { .. }
        | O::BrOnNull { .. }
        | O::BrOnNonNull { .. }
        | O::BrOnCast { .. }
        | O::BrOnCastFail { .. } => Role::Boundary,
        O::Br { .. } | O::BrTable { .. } => Role::Jump,
        O::Return | O::Unreachable | O::Throw { .. } | O::ThrowRef => Role::Leave,
        O::MemoryCopy { .. }
        | O::MemoryFill { .. }
        | O::MemoryInit { .. }
        | O::TableCopy { .. }
        | O::TableFill { .. }
        | O::TableInit { .. }
        | O::TableGrow { .. } => Role::Bulk,
        O::Try { .. }
        | O::TryTable { .. }
        | O::Catch { .. }
        | O::CatchAll
        | O::Rethrow { .. }
        | O::Delegate { .. }
        | O::Resume { .. }
        | O::ResumeThrow { .. }
        | O::Suspend { .. }
        | O::Switch { .. } => Role::Refused,
        _ => Role::Plain,
    }
}

/// A call: what it may reach, and whether it leaves the calling function (a tail call).
struct Call {
    /// The function called by index; `None` for any a table or reference could hold.
    function: Option<u32>,
    tail: bool,
}

/// The call `op` makes, if it is one: the one list of call operators, which both the charges
/// and the entry checks (`entry`) rely on.
fn call(op: &Operator<'_>) -> Option<Call> {
    use Operator as O;
    let (function, tail) = match op {
        O::Call { function_index } => (Some(*function_index), false),
        O::ReturnCall { function_index } => (Some(*function_index), true),
        O::CallIndirect { .. } | O::CallRef { .. } => (None, false),
        O::ReturnCallIndirect { .. } | O::ReturnCallRef { .. } => (None, true),
        _ => return None,
    };
    Some(Call { function, tail })
}

/// Wasmtime's default cost of an operator.
fn cost(op: &Operator<'_>) -> i64 {
    use Operator as O;
    match op {
        O::Nop | O::Drop | O::Block { .. } | O::Loop { .. } | O::Unreachable | O::Return | O::Else | O::End => 0,
        _ => 1,
    }
}

/// The indices of what the pass adds to the module.
struct Pass {
    counter_global: u32,
    control_memory: u32,
}

impl Pass {
    /// One function body, metered: its locals plus the pass's two, then its code with the
    /// charges and checks.
    fn function(
        &self,
        module: &[u8],
        body: &FunctionBody<'_>,
        params: u32,
        entry_check: bool,
    ) -> Result<Vec<u8>, String> {
        let wasm = |err: wasmparser::BinaryReaderError| err.to_string();
        // The function's own local declarations are kept as they are, with two more after.
        let mut declarations = body.get_locals_reader().map_err(wasm)?;
        let groups = declarations.get_count();
        let first = declarations.original_position();
        let mut locals = params;
        for _ in 0..groups {
            let count = declarations.read().map_err(wasm)?.0;
            locals = locals.checked_add(count).ok_or("too many locals")?;
        }
        let mut out = Vec::new();
        groups.checked_add(2).ok_or("too many locals")?.encode(&mut out);
        out.extend_from_slice(&module[first..declarations.original_position()]);
        // The counter, and a bulk operation's length while it is charged.
        let code = Code { pass: self, counter: locals, length: locals.checked_add(1).ok_or("too many locals")? };
        for ty in [ValType::I64, ValType::I32] {
            1u32.encode(&mut out);
            ty.encode(&mut out);
        }

        let mut pending = 1; // entering a function costs one unit, as in Wasmtime
        code.emit(&mut out, &code.reload());
        if entry_check {
            code.charge(&mut out, &mut pending);
            code.check(&mut out);
        }
        let mut reader = body.get_operators_reader().map_err(wasm)?;
        // Code after a branch, `return` or `unreachable` runs never, up to the end of its
        // block: it is charged nothing, as Wasmtime compiles nothing there.
        let (mut reachable, mut dead_depth) = (true, 0u32);
        let mut depth = 0u32;
        // A counter set to a constant by the last two operators: a counted loop may follow.
        let (mut constant, mut counter) = (None, None);
        while !reader.eof() {
            let start = reader.original_position();
            let op = reader.read().map_err(wasm)?;
            let bytes = &module[start..reader.original_position()];
            let role = role(&op);
            if role == Role::Refused {
                return Err(format!("it uses {op:?}, which Mirror's engine does not run"));
            }
            if !reachable {
                match op {
                    Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => dead_depth += 1,
                    Operator::End | Operator::Else if dead_depth == 0 => reachable = true,
                    Operator::End => dead_depth -= 1,
                    _ => {}
                }
            }
            let counted = match (&op, counter) {
                (Operator::Loop { blockty }, Some((local, start))) if reachable => {
                    counted::counted(*blockty, &reader, local, start)
                }
                _ => None,
            };
            (constant, counter) = match op {
                Operator::I32Const { value } => (Some(value), None),
                Operator::LocalSet { local_index } => (None, constant.map(|value| (local_index, value))),
                _ => (None, None),
            };
            if let Some(counted) = counted {
                // The loop is charged in full and copied as it is, without a check.
                pending += counted.units;
                out.extend_from_slice(&module[start..counted.after.original_position()]);
                reader = counted.after;
                continue;
            }
            if reachable {
                pending += cost(&op);
                match role {
                    Role::Call | Role::Leave => {
                        code.charge(&mut out, &mut pending);
                        code.emit(&mut out, &code.flush());
                    }
                    Role::Boundary if matches!(op, Operator::End) && depth == 0 => {
                        code.charge(&mut out, &mut pending);
                        code.emit(&mut out, &code.flush());
                    }
                    Role::Boundary | Role::Jump => code.charge(&mut out, &mut pending),
                    Role::Bulk => {
                        // Charged before it runs, and checked: a long copy is work, like a loop.
                        code.charge(&mut out, &mut pending);
                        code.emit(&mut out, &code.charge_length());
                        code.check(&mut out);
                    }
                    Role::Plain | Role::Block | Role::Refused => {}
                }
            }
            out.extend_from_slice(bytes);
            match op {
                Operator::Loop { .. } if reachable => code.check(&mut out),
                _ if reachable && role == Role::Call => code.emit(&mut out, &code.reload()),
                _ => {}
            }
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => depth += 1,
                Operator::End => depth = depth.wrapping_sub(1),
                _ if reachable && matches!(role, Role::Jump | Role::Leave) => {
                    reachable = false;
                    dead_depth = 0;
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// The code the pass writes into one function.
struct Code<'a> {
    pass: &'a Pass,
    counter: u32,
    length: u32,
}

impl Code<'_> {
    fn emit(&self, out: &mut Vec<u8>, instructions: &[Instruction<'_>]) {
        for instruction in instructions {
            instruction.encode(out);
        }
    }

    /// The counter from the global, where callees and the host left it.
    fn reload(&self) -> [Instruction<'static>; 2] {
        [Instruction::GlobalGet(self.pass.counter_global), Instruction::LocalSet(self.counter)]
    }

    /// The counter to the global, for callees and the host.
    fn flush(&self) -> [Instruction<'static>; 2] {
        [Instruction::LocalGet(self.counter), Instruction::GlobalSet(self.pass.counter_global)]
    }

    /// Takes the units counted since the last charge off the counter.
    fn charge(&self, out: &mut Vec<u8>, pending: &mut i64) {
        if *pending > 0 {
            self.emit(
                out,
                &[
                    Instruction::LocalGet(self.counter),
                    Instruction::I64Const(*pending),
                    Instruction::I64Sub,
                    Instruction::LocalSet(self.counter),
                ],
            );
        }
        *pending = 0;
    }

    /// Takes the length on top of the stack off the counter, leaving the stack as it was.
    fn charge_length(&self) -> [Instruction<'static>; 6] {
        [
            Instruction::LocalTee(self.length),
            Instruction::LocalGet(self.counter),
            Instruction::LocalGet(self.length),
            Instruction::I64ExtendI32U,
            Instruction::I64Sub,
            Instruction::LocalSet(self.counter),
        ]
    }

    /// Stops the guest when the counter is at or below the floor: the fuel is spent, or the
    /// watchdog raised the floor.
    fn check(&self, out: &mut Vec<u8>) {
        let control =
            |offset: usize, align: u32| MemArg { offset: offset as u64, align, memory_index: self.pass.control_memory };
        self.emit(
            out,
            &[
                Instruction::LocalGet(self.counter),
                Instruction::I32Const(0),
                Instruction::I64Load(control(FLOOR_OFFSET, 3)),
                Instruction::I64LeS,
                Instruction::If(BlockType::Empty),
                Instruction::LocalGet(self.counter),
                Instruction::GlobalSet(self.pass.counter_global),
                Instruction::I32Const(0),
                Instruction::I32Const(1),
                Instruction::I32Store(control(STOPPED_OFFSET, 2)),
                Instruction::Unreachable,
                Instruction::End,
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use wasmtime::{Config, Engine, Instance, Module, Store, Val};

    use super::*;

    const BUDGET: u64 = 1 << 40;

    /// The fuel `run` costs under Wasmtime's fuel and under the pass.
    fn costs(wat: &str) -> (u64, u64) {
        let bytes = wat::parse_str(wat).expect("wat");
        let fuel = {
            let engine = Engine::new(Config::new().consume_fuel(true)).unwrap();
            let mut store = Store::new(&engine, ());
            store.set_fuel(BUDGET).unwrap();
            let instance = Instance::new(&mut store, &Module::new(&engine, &bytes).unwrap(), &[]).unwrap();
            instance.get_typed_func::<(), ()>(&mut store, "run").unwrap().call(&mut store, ()).unwrap();
            BUDGET - store.get_fuel().unwrap()
        };
        let metered = run_metered(&bytes, BUDGET as i64);
        metered.result.unwrap();
        (fuel, BUDGET - metered.left as u64)
    }

    /// How a metered run of `run` ended.
    struct Metered {
        result: wasmtime::Result<()>,
        left: i64,
        stopped: bool,
    }

    /// Runs the module's `run`, metered, with `budget` units of fuel.
    fn run_metered(bytes: &[u8], budget: i64) -> Metered {
        let engine = Engine::default();
        let mut store = Store::new(&engine, ());
        let module = Module::new(&engine, meter(bytes).expect("the pass")).expect("a valid metered module");
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let counter = instance.get_global(&mut store, COUNTER_EXPORT).unwrap();
        counter.set(&mut store, Val::I64(budget)).unwrap();
        let result = instance.get_typed_func::<(), ()>(&mut store, "run").unwrap().call(&mut store, ());
        let control = instance.get_memory(&mut store, CONTROL_EXPORT).unwrap();
        let stopped = control.data(&store)[STOPPED_OFFSET] != 0;
        Metered { result, left: counter.get(&mut store).i64().unwrap(), stopped }
    }

    #[test]
    fn the_pass_counts_what_wasmtime_fuel_counts() {
        let programs = [
            // Loops, branches and locals.
            r#"(module (func (export "run") (local i32 i64)
                (loop $l
                  (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
                  (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 1000))))))"#,
            // Calls, recursion, `if` with results, `select`, `return` from inside loops.
            r#"(module
                (func $fib (param i32) (result i32)
                  (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                    (then (local.get 0))
                    (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                                   (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
                (func $find (param i32) (result i32) (local i32)
                  (loop $l
                    (if (i32.eq (local.get 1) (local.get 0)) (then (return (local.get 1))))
                    (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                    (br $l))
                  (unreachable))
                (func (export "run")
                  (drop (select (call $fib (i32.const 15)) (call $find (i32.const 77)) (i32.const 1)))))"#,
            // `br_table`, `call_indirect`, code after branches that never runs, `nop`, `drop`.
            r#"(module
                (type $t (func (param i32) (result i32)))
                (table 2 funcref) (elem (i32.const 0) $double $inc)
                (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
                (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
                (func (export "run") (local i32 i32)
                  (loop $l
                    (block $b2 (block $b1 (block $b0
                      (br_table $b0 $b1 $b2 (i32.rem_u (local.get 0) (i32.const 3))))
                      (local.set 1 (call_indirect (type $t) (local.get 1) (i32.const 0)))
                      (br $b2) (nop) (drop (i32.const 9)))
                      (local.set 1 (call_indirect (type $t) (local.get 1) (i32.const 1))))
                    (nop)
                    (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 300))))))"#,
            // Bulk memory and table operations, charged by their runtime lengths.
            r#"(module
                (memory 1) (data $d "0123456789abcdef")
                (table 4 funcref)
                (func (export "run") (local i32)
                  (loop $l
                    (memory.fill (i32.const 0) (i32.const 7) (i32.add (local.get 0) (i32.const 100)))
                    (memory.copy (i32.const 4096) (i32.const 0) (local.get 0))
                    (memory.init $d (i32.const 8192) (i32.const 0) (i32.rem_u (local.get 0) (i32.const 16)))
                    (table.fill (i32.const 0) (ref.null func) (i32.rem_u (local.get 0) (i32.const 4)))
                    (table.copy (i32.const 2) (i32.const 0) (i32.const 2))
                    (drop (table.grow (ref.null func) (i32.const 0)))
                    (drop (memory.grow (i32.const 0)))
                    (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 50))))))"#,
            // Tail calls.
            r#"(module
                (func $count (param i32)
                  (if (local.get 0) (then (return_call $count (i32.sub (local.get 0) (i32.const 1))))))
                (func (export "run") (call $count (i32.const 500))))"#,
            // Loops charged in full before they start (over three slots, counting down,
            // nested in a loop that is checked), and look-alikes that are not.
            r#"(module (memory 1)
                (func (export "run") (local i32 i32 i32)
                  (loop $outer
                    (local.set 0 (i32.const 0))
                    (loop $slots
                      (f64.store (local.get 0) (f64.add (f64.load (local.get 0)) (f64.const 1.5)))
                      (br_if $slots (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 8))) (i32.const 24))))
                    (local.set 2 (i32.const 10))
                    (loop $down
                      (local.set 1 (i32.add (local.get 1) (local.get 2)))
                      (br_if $down (i32.gt_s (local.tee 2 (i32.add (local.get 2) (i32.const -1))) (i32.const 0))))
                    (local.set 2 (i32.const 0))
                    (loop $long
                      (br_if $long (i32.lt_u (local.tee 2 (i32.add (local.get 2) (i32.const 1))) (i32.const 3000))))
                    (local.set 2 (i32.const 0))
                    (loop $moved
                      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                      (br_if $moved (i32.lt_u (local.tee 2 (i32.add (local.get 2) (i32.const 1))) (i32.const 9))))
                    (br_if $outer (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (i32.const 1000))))))"#,
            // Calls and branches on function references.
            r#"(module
                (type $t (func (param i32) (result i32)))
                (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
                (elem declare func $inc)
                (func (export "run") (local i32)
                  (loop $l
                    (local.set 0 (call_ref $t (local.get 0) (ref.func $inc)))
                    (block $null (br_on_null $null (ref.func $inc)) (drop))
                    (br_if $l (i32.lt_u (local.get 0) (i32.const 100))))))"#,
        ];
        for program in programs {
            let (fuel, metered) = costs(program);
            assert_eq!(metered, fuel, "{program}");
        }
    }

    #[test]
    fn endless_calls_without_loops_run_out_of_fuel() {
        let endless = [
            r#"(module (func $f (export "run") (return_call $f)))"#,
            r#"(module (type $t (func)) (table 1 funcref) (elem (i32.const 0) $f)
                (func $f (export "run") (return_call_indirect (type $t) (i32.const 0))))"#,
            r#"(module (type $t (func)) (elem declare func $f)
                (func $f (export "run") (return_call_ref $t (ref.func $f))))"#,
        ];
        for wat in endless {
            let run = run_metered(&wat::parse_str(wat).unwrap(), 1_000_000);
            assert!(run.result.is_err() && run.stopped && run.left <= 0, "{wat}: ran on");
        }
    }

    #[test]
    fn a_module_that_already_has_the_pass_names_is_refused() {
        let bytes = wat::parse_str(r#"(module (global (export "mirror:fuel") i32 (i32.const 0)))"#).unwrap();
        let err = meter(&bytes).unwrap_err().to_string();
        assert!(err.contains("it exports `mirror:fuel` itself"), "{err}");
        let bytes = wat::parse_str(r#"(module (memory (export "mirror:meter") 1))"#).unwrap();
        assert!(meter(&bytes).is_err());
    }

    #[test]
    fn modules_with_64_bit_memories_or_tables_are_refused() {
        for wat in [r#"(module (memory i64 1))"#, r#"(module (table i64 1 funcref))"#] {
            let err = meter(&wat::parse_str(wat).unwrap()).unwrap_err().to_string();
            assert!(err.contains("64-bit"), "{wat}: {err}");
        }
    }

    #[test]
    fn modules_without_memories_globals_or_exports_get_them() {
        let bytes = wat::parse_str(r#"(module (func $f unreachable) (start $f))"#).unwrap();
        let metered = meter(&bytes).unwrap();
        let engine = Engine::default();
        let module = Module::new(&engine, &metered).expect("valid");
        let names: Vec<_> = module.exports().map(|export| export.name().to_string()).collect();
        assert_eq!(names, [COUNTER_EXPORT, CONTROL_EXPORT, START_EXPORT]);
        // The start function no longer runs at instantiation: the host runs it, with fuel.
        let mut store = Store::new(&engine, ());
        let instance =
            Instance::new(&mut store, &module, &[]).expect("instantiates without running the start function");
        assert!(instance.get_func(&mut store, START_EXPORT).unwrap().call(&mut store, &[], &mut []).is_err());
    }
}
