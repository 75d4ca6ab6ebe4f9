//! Loops whose number of iterations the code fixes: a counter set to a constant just before
//! the loop, a straight body, and at its end the counter stepped by a constant and compared
//! with a constant to go round again. Compilers leave such loops over short fixed arrays when
//! they optimize for size (n-body's three coordinates, at `opt-level = "s"`).
//!
//! Such a loop is charged for all its iterations before it starts, and its header is not
//! checked: it ends by itself after a known, small amount of work, and the fuel it is charged
//! is what its iterations would have been charged one by one, since a straight body has no
//! way out but the last iteration's fall-through.

use wasmparser::{BlockType, Operator, OperatorsReader};

use super::{cost, role, Role};

/// The most a loop charged in advance may cost in all: it runs between two checks.
const MOST_UNITS: i64 = 10_000;

/// A loop charged in advance.
pub(super) struct Counted<'a> {
    /// The fuel all its iterations cost.
    pub units: i64,
    /// The function's code from just after the loop's `end`.
    pub after: OperatorsReader<'a>,
}

/// The loop whose body `body` starts (just after its `loop`), when it is counted: `local`
/// holds `start` as it begins.
pub(super) fn counted<'a>(
    blockty: BlockType,
    body: &OperatorsReader<'a>,
    local: u32,
    start: i32,
) -> Option<Counted<'a>> {
    if blockty != BlockType::Empty {
        return None;
    }
    let mut reader = body.clone();
    let mut ops = Vec::new();
    let mut per_iteration = 0;
    // Up to the loop's `br_if`; any other control operator, or a long body, ends the search.
    loop {
        let op = reader.read().ok()?;
        per_iteration += cost(&op);
        if per_iteration > MOST_UNITS {
            return None;
        }
        let last = matches!(op, Operator::BrIf { relative_depth: 0 });
        if !last && role(&op) != Role::Plain {
            return None;
        }
        ops.push(op);
        if last {
            break;
        }
    }
    if !matches!(reader.read().ok()?, Operator::End) {
        return None;
    }
    let [body @ .., Operator::LocalGet { local_index: read }, Operator::I32Const { value: step }, Operator::I32Add, Operator::LocalTee { local_index: written }, Operator::I32Const { value: bound }, compare, Operator::BrIf { .. }] =
        ops.as_slice()
    else {
        return None;
    };
    if *read != local || *written != local || body.iter().any(|op| writes(op, local)) {
        return None;
    }
    let iterations = iterations(start, *step, *bound, compare)?;
    let units = per_iteration.checked_mul(iterations).filter(|&units| units <= MOST_UNITS)?;
    Some(Counted { units, after: reader })
}

/// Whether `op` sets `local` (the pattern's own step is matched apart).
fn writes(op: &Operator<'_>, local: u32) -> bool {
    matches!(op, Operator::LocalSet { local_index } | Operator::LocalTee { local_index } if *local_index == local)
}

/// How many times a loop runs whose counter starts at `start` and, at the end of each
/// iteration, is stepped by `step` and compared with `bound` to go round again.
fn iterations(start: i32, step: i32, bound: i32, compare: &Operator<'_>) -> Option<i64> {
    let again = |i: i32| -> Option<bool> {
        use Operator as O;
        let (u, b) = (i as u32, bound as u32);
        Some(match compare {
            O::I32Eq => i == bound,
            O::I32Ne => i != bound,
            O::I32LtS => i < bound,
            O::I32LtU => u < b,
            O::I32LeS => i <= bound,
            O::I32LeU => u <= b,
            O::I32GtS => i > bound,
            O::I32GtU => u > b,
            O::I32GeS => i >= bound,
            O::I32GeU => u >= b,
            _ => return None,
        })
    };
    let mut i = start;
    for iteration in 1..=MOST_UNITS {
        i = i.wrapping_add(step);
        if !again(i)? {
            return Some(iteration);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use wasmparser::{Parser, Payload};

    use super::*;

    /// What `counted` makes of the first loop in `code`, a function with two i32 locals,
    /// whose counter is local 0 and starts at 0.
    fn units(code: &str) -> Option<i64> {
        let bytes = wat::parse_str(format!("(module (memory 1) (func (local i32 i32) {code}))")).unwrap();
        let body = Parser::new(0)
            .parse_all(&bytes)
            .find_map(|payload| match payload.unwrap() {
                Payload::CodeSectionEntry(body) => Some(body),
                _ => None,
            })
            .unwrap();
        let mut reader = body.get_operators_reader().unwrap();
        loop {
            if let Operator::Loop { blockty } = reader.read().unwrap() {
                return counted(blockty, &reader, 0, 0).map(|counted| counted.units);
            }
        }
    }

    /// A loop over three 8-byte slots, with `body` before the counter's step.
    fn over_three_slots(body: &str) -> String {
        format!(
            "(loop $l {body} (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 8))) (i32.const 24))))"
        )
    }

    #[test]
    fn a_straight_loop_with_a_fixed_count_is_charged_in_full() {
        // Per iteration: the store's four operators and the step's seven.
        let store = "(i64.store (local.get 0) (i64.const 7))";
        assert_eq!(units(&over_three_slots(store)), Some(3 * (3 + 7)));
        assert_eq!(units(&over_three_slots("")), Some(3 * 7));
    }

    #[test]
    fn loops_that_could_run_otherwise_are_not() {
        let refused = [
            // The body moves the counter.
            over_three_slots("(local.set 0 (i32.const 0))"),
            // A branch inside, a nested block, a call: the count is no longer fixed.
            over_three_slots("(br_if 1 (local.get 1))"),
            over_three_slots("(block (nop))"),
            over_three_slots("(call 0)"),
            // A bulk operation costs what its length says.
            over_three_slots("(memory.fill (i32.const 0) (i32.const 0) (local.get 1))"),
            // The comparison is with a local, not a constant.
            "(loop $l (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 8))) (local.get 1))))".into(),
            // The step never meets the bound.
            "(loop $l (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 3))) (i32.const 10))))".into(),
            // Too long in all to go unchecked.
            "(loop $l (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 5000))))".into(),
            // The loop leaves a value.
            "(drop (loop $l (result i32) (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 8))) (i32.const 24))) (i32.const 0)))".into(),
        ];
        for code in refused {
            assert_eq!(units(&code), None, "{code}");
        }
    }

    #[test]
    fn iterations_follow_wrapping_arithmetic_and_each_comparison() {
        assert_eq!(iterations(0, 8, 24, &Operator::I32Ne), Some(3));
        assert_eq!(iterations(0, 1, 5, &Operator::I32LtU), Some(5));
        assert_eq!(iterations(10, -1, 0, &Operator::I32GtS), Some(10));
        assert_eq!(iterations(0, 3, 10, &Operator::I32Ne), None, "never equal before the cap");
        assert_eq!(iterations(i32::MAX - 1, 1, 0, &Operator::I32GtS), Some(2), "wraps to negative");
        assert_eq!(iterations(0, 1, 0, &Operator::I32Eq), Some(1));
    }
}
