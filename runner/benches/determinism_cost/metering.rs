//! A metering pass of Mirror's own, for comparison with Wasmtime's fuel: the same charges
//! (Wasmtime's default cost of one per operator, none for `nop`, `drop` and structure, added
//! to a counter at the end of every basic block and checked at function entries and loop
//! headers), but the counter is a wasm local flushed to an exported global around calls,
//! and running out is a trap rather than a call into the runtime.
//!
//! That last point is what the comparison is about. Wasmtime's check calls its
//! `out_of_gas` builtin, which may refuel and return (Mirror's wall-clock backstop yields
//! there every fuel slice); every value live across a loop header then lives across a
//! call, which on x86-64 clobbers every vector register, so float-heavy loops keep their
//! values on the stack. A check that only traps keeps nothing alive, but gives the host no
//! way back in: a backstop would need another way to stop a guest (a flag the guest polls).
//!
//! A run that ends normally costs the same fuel under both, to the unit.

use anyhow::{bail, Context, Result};
use wasm_encoder::{ConstExpr, Encode, ExportKind, GlobalType, Instruction, ValType};
use wasmparser::{Operator, Parser, Payload, TypeRef};


/// The export that holds the fuel left (counting down; negative when the guest ran out).
pub const FUEL_EXPORT: &str = "mirror_fuel";

/// `bytes` with its functions metered through a new exported i64 global.
pub fn meter(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut param_counts = Vec::new();
    let mut function_types = Vec::new();
    let mut globals = 0u32;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    param_counts.push(ty?.params().len() as u32);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import?.ty {
                        TypeRef::Func(ty) => function_types.push(ty),
                        TypeRef::Global(_) => globals += 1,
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    function_types.push(ty?);
                }
            }
            Payload::GlobalSection(reader) => globals += reader.count(),
            _ => {}
        }
    }
    let fuel_global = globals;

    let mut global_entry = Vec::new();
    GlobalType { val_type: ValType::I64, mutable: true, shared: false }.encode(&mut global_entry);
    ConstExpr::i64_const(0).encode(&mut global_entry);
    let mut export_entry = Vec::new();
    FUEL_EXPORT.encode(&mut export_entry);
    ExportKind::Global.encode(&mut export_entry);
    fuel_global.encode(&mut export_entry);

    let mut module = wasm_encoder::Module::new();
    let mut defined = 0usize;
    let imported_functions = function_types.len() - param_counts_defined(bytes)?;
    let (mut added_global, mut added_export) = (false, false);
    let mut code: Option<wasm_encoder::CodeSection> = None;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if let Payload::CodeSectionEntry(body) = &payload {
            let params = param_counts[function_types[imported_functions + defined] as usize];
            defined += 1;
            code.as_mut().context("a function outside the code section")?.raw(&meter_function(bytes, body, params, fuel_global)?);
            continue;
        }
        let Some((id, range)) = payload.as_section() else { continue };
        if let Some(section) = code.take() {
            module.section(&section);
        }
        let rank = section_rank(id);
        if !added_global && rank > section_rank(6) {
            module.section(&wasm_encoder::RawSection { id: 6, data: &appended(&[], &global_entry)? });
            added_global = true;
        }
        if !added_export && rank > section_rank(7) {
            module.section(&wasm_encoder::RawSection { id: 7, data: &appended(&[], &export_entry)? });
            added_export = true;
        }
        let data = &bytes[range];
        match id {
            6 => {
                module.section(&wasm_encoder::RawSection { id, data: &appended(data, &global_entry)? });
                added_global = true;
            }
            7 => {
                module.section(&wasm_encoder::RawSection { id, data: &appended(data, &export_entry)? });
                added_export = true;
            }
            10 => code = Some(wasm_encoder::CodeSection::new()),
            _ => {
                module.section(&wasm_encoder::RawSection { id, data });
            }
        }
    }
    if let Some(section) = code.take() {
        module.section(&section);
    }
    Ok(module.finish())
}

/// How many functions the module defines.
fn param_counts_defined(bytes: &[u8]) -> Result<usize> {
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::FunctionSection(reader) = payload? {
            return Ok(reader.count() as usize);
        }
    }
    Ok(0)
}

/// A vector section's contents (`data`, empty for none) with one more entry.
fn appended(data: &[u8], entry: &[u8]) -> Result<Vec<u8>> {
    let (count, rest) = if data.is_empty() {
        (0, data)
    } else {
        let mut reader = wasmparser::BinaryReader::new(data, 0);
        let count = reader.read_var_u32()?;
        (count, &data[reader.original_position()..])
    };
    let mut out = Vec::new();
    (count + 1).encode(&mut out);
    out.extend_from_slice(rest);
    out.extend_from_slice(entry);
    Ok(out)
}

/// One function body, metered: its locals plus the counter, then its code with the charges.
fn meter_function(module: &[u8], body: &wasmparser::FunctionBody<'_>, params: u32, global: u32) -> Result<Vec<u8>> {
    let mut declared = Vec::new();
    let mut locals = params;
    for local in body.get_locals_reader()? {
        let (count, ty) = local?;
        locals += count;
        declared.push((count, ty));
    }
    // The counter, and the operand of a bulk operation being charged per unit.
    let (counter, units) = (locals, locals + 1);
    let mut out = Vec::new();
    (declared.len() as u32 + 2).encode(&mut out);
    for (count, ty) in declared {
        count.encode(&mut out);
        out.push(value_type_byte(ty)?);
    }
    for ty in [0x7e, 0x7f] {
        1u32.encode(&mut out);
        out.push(ty);
    }

    let emit = |out: &mut Vec<u8>, instructions: &[Instruction<'_>]| {
        for instruction in instructions {
            instruction.encode(out);
        }
    };
    let reload = [Instruction::GlobalGet(global), Instruction::LocalSet(counter)];
    let flush = [Instruction::LocalGet(counter), Instruction::GlobalSet(global)];
    let check = [
        Instruction::LocalGet(counter),
        Instruction::I64Const(0),
        Instruction::I64LtS,
        Instruction::If(wasm_encoder::BlockType::Empty),
        Instruction::LocalGet(counter),
        Instruction::GlobalSet(global),
        Instruction::Unreachable,
        Instruction::End,
    ];
    let charge = |out: &mut Vec<u8>, pending: &mut i64| {
        if *pending > 0 {
            emit(out, &[Instruction::LocalGet(counter), Instruction::I64Const(*pending), Instruction::I64Sub, Instruction::LocalSet(counter)]);
        }
        *pending = 0;
    };
    // Like Wasmtime, a call costs one unit more: even an empty function costs something.
    let mut pending = 1i64;
    emit(&mut out, &reload);
    charge(&mut out, &mut pending);
    emit(&mut out, &check);

    let mut reader = body.get_operators_reader()?;
    let (mut reachable, mut dead_depth) = (true, 0u32);
    let mut depth = 0u32;
    while !reader.eof() {
        let start = reader.original_position();
        let op = reader.read()?;
        let end = reader.original_position();
        let op_bytes = &module[start..end];
        use Operator as O;
        if !reachable {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } => dead_depth += 1,
                O::End | O::Else if dead_depth == 0 => reachable = true,
                O::End => dead_depth -= 1,
                _ => {}
            }
            if !reachable || !matches!(op, O::End | O::Else) {
                out.extend_from_slice(op_bytes);
                if matches!(op, O::Block { .. } | O::Loop { .. } | O::If { .. }) {
                    depth += 1;
                } else if matches!(op, O::End) {
                    depth -= 1;
                }
                continue;
            }
        }
        pending += cost(&op);
        match op {
            O::Unreachable | O::Return | O::Call { .. } | O::CallIndirect { .. } | O::ReturnCall { .. }
            | O::ReturnCallIndirect { .. } => {
                charge(&mut out, &mut pending);
                emit(&mut out, &flush);
            }
            O::End if depth == 0 => {
                charge(&mut out, &mut pending);
                emit(&mut out, &flush);
            }
            O::Loop { .. } | O::If { .. } | O::Br { .. } | O::BrIf { .. } | O::BrTable { .. } | O::End | O::Else => {
                charge(&mut out, &mut pending)
            }
            _ => {}
        }
        if is_charged_per_unit(&op) {
            emit(
                &mut out,
                &[
                    Instruction::LocalTee(units),
                    Instruction::LocalGet(counter),
                    Instruction::LocalGet(units),
                    Instruction::I64ExtendI32U,
                    Instruction::I64Sub,
                    Instruction::LocalSet(counter),
                ],
            );
        }
        out.extend_from_slice(op_bytes);
        match op {
            O::Loop { .. } => emit(&mut out, &check),
            O::Call { .. } | O::CallIndirect { .. } => emit(&mut out, &reload),
            _ => {}
        }
        match op {
            O::Block { .. } | O::Loop { .. } | O::If { .. } => depth += 1,
            O::End => depth = depth.wrapping_sub(1),
            O::Br { .. } | O::BrTable { .. } | O::Return | O::Unreachable | O::ReturnCall { .. }
            | O::ReturnCallIndirect { .. } => {
                reachable = false;
                dead_depth = 0;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Bulk operations Wasmtime charges one a byte or element more, by the operand on top of the
/// stack (a 32-bit length: memory64 is not metered here).
fn is_charged_per_unit(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::MemoryCopy { .. }
            | O::MemoryFill { .. }
            | O::MemoryInit { .. }
            | O::TableCopy { .. }
            | O::TableFill { .. }
            | O::TableInit { .. }
            | O::TableGrow { .. }
    )
}

/// Wasmtime's default cost of an operator.
fn cost(op: &Operator<'_>) -> i64 {
    use Operator as O;
    match op {
        O::Nop | O::Drop | O::Block { .. } | O::Loop { .. } | O::Unreachable | O::Return | O::Else | O::End => 0,
        _ => 1,
    }
}

fn value_type_byte(ty: wasmparser::ValType) -> Result<u8> {
    use wasmparser::ValType as V;
    Ok(match ty {
        V::I32 => 0x7f,
        V::I64 => 0x7e,
        V::F32 => 0x7d,
        V::F64 => 0x7c,
        V::V128 => 0x7b,
        V::Ref(r) if r == wasmparser::RefType::FUNCREF => 0x70,
        V::Ref(r) if r == wasmparser::RefType::EXTERNREF => 0x6f,
        other => bail!("locals of type {other}"),
    })
}

/// Where a section of this id goes in a module (the data count section comes before code).
fn section_rank(id: u8) -> u8 {
    match id {
        0 => 0,
        13 => 6, // tags, between memory and globals
        6..=9 => id + 1,
        12 => 11, // data count
        10 => 12,
        11 => 13,
        _ => id,
    }
}
