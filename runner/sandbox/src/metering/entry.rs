//! Which functions must check their fuel on entry.
//!
//! Checks exist so that every run that does not end passes one endlessly. A run can go on
//! forever in two ways only: round a loop, whose header is checked on every iteration, or
//! round a cycle of calls (recursion, direct or through a table). A cycle of calls passes
//! through a call from each function on it to the next; if that call lies inside a loop of
//! its function, the loop's header was checked on the way to it. So a function checks on
//! entry only when it could make a call that may come back to it, outside every loop:
//! leaf functions, functions no cycle passes through, and recursive functions that recurse
//! only from inside loops (jq's tree walks, for instance) skip the check. Which functions
//! check is decided from the module alone, so a program still stops at the same point on
//! every machine.
//!
//! A `call_indirect` (or `call_ref`) may call any function a table or reference could hold:
//! every function named in an element segment or by `ref.func`.

use wasmparser::{ElementItems, FunctionBody, Operator, Parser, Payload};

/// Per defined function, in order: whether it checks its fuel on entry.
pub(super) fn entry_checks(bytes: &[u8], imported_functions: usize) -> Result<Vec<bool>, String> {
    let graph = CallGraph::read(bytes, imported_functions).map_err(|err| err.to_string())?;
    let component = components(&graph.edges);
    Ok(graph
        .calls
        .iter()
        .enumerate()
        .map(|(caller, calls)| {
            calls.iter().any(|call| !call.in_loop && component.get(call.callee) == Some(&component[caller]))
        })
        .collect())
}

/// The callee of an indirect call until the graph gives it its node.
const INDIRECT: usize = usize::MAX;

/// One call in a function's code: its callee's node, and whether a loop encloses it.
struct CallSite {
    callee: usize,
    in_loop: bool,
}

/// Defined functions as nodes `0..n`, and node `n` standing for "whatever an indirect call
/// reaches", with an edge to every function a table or reference could hold.
struct CallGraph {
    /// Per defined function, the calls its code makes to defined functions or indirectly.
    calls: Vec<Vec<CallSite>>,
    /// Per node, the nodes it may call.
    edges: Vec<Vec<usize>>,
}

impl CallGraph {
    fn read(bytes: &[u8], imported: usize) -> wasmparser::Result<CallGraph> {
        let mut calls = Vec::new();
        let mut referenced = Vec::new();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload? {
                Payload::ElementSection(reader) => {
                    for element in reader {
                        match element?.items {
                            ElementItems::Functions(functions) => {
                                for function in functions {
                                    referenced.push(function?);
                                }
                            }
                            ElementItems::Expressions(_, expressions) => {
                                for expression in expressions {
                                    referenced_in(&mut expression?.get_operators_reader(), &mut referenced)?;
                                }
                            }
                        }
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        referenced_in(&mut global?.init_expr.get_operators_reader(), &mut referenced)?;
                    }
                }
                Payload::CodeSectionEntry(body) => calls.push(calls_of(&body, imported, &mut referenced)?),
                _ => {}
            }
        }
        let indirect = calls.len();
        for call in calls.iter_mut().flatten().filter(|call| call.callee == INDIRECT) {
            call.callee = indirect;
        }
        let mut edges: Vec<Vec<usize>> =
            calls.iter().map(|calls: &Vec<CallSite>| calls.iter().map(|call| call.callee).collect()).collect();
        let held = referenced.iter().filter_map(|&function| (function as usize).checked_sub(imported));
        edges.push(held.filter(|&node| node < indirect).collect());
        Ok(CallGraph { calls, edges })
    }
}

/// The functions a constant expression names with `ref.func`.
fn referenced_in(reader: &mut wasmparser::OperatorsReader<'_>, referenced: &mut Vec<u32>) -> wasmparser::Result<()> {
    while !reader.eof() {
        if let Operator::RefFunc { function_index } = reader.read()? {
            referenced.push(function_index);
        }
    }
    Ok(())
}

/// The calls of one function to defined functions (imported ones never call back) or
/// through tables and references, noting the functions it names with `ref.func`.
fn calls_of(body: &FunctionBody<'_>, imported: usize, referenced: &mut Vec<u32>) -> wasmparser::Result<Vec<CallSite>> {
    let mut calls = Vec::new();
    // Per open block, whether it is a loop; and how many of them are.
    let mut frames = Vec::new();
    let mut loops = 0usize;
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        let callee = match op {
            Operator::Block { .. } | Operator::If { .. } => {
                frames.push(false);
                None
            }
            Operator::Loop { .. } => {
                frames.push(true);
                loops += 1;
                None
            }
            Operator::End => {
                if frames.pop() == Some(true) {
                    loops -= 1;
                }
                None
            }
            Operator::RefFunc { function_index } => {
                referenced.push(function_index);
                None
            }
            ref op => match super::call(op) {
                Some(super::Call { function: Some(function), .. }) => (function as usize).checked_sub(imported),
                Some(super::Call { function: None, .. }) => Some(INDIRECT),
                None => None,
            },
        };
        if let Some(callee) = callee {
            calls.push(CallSite { callee, in_loop: loops > 0 });
        }
    }
    Ok(calls)
}

/// The strongly connected component of every node (Tarjan's algorithm), by an explicit
/// stack: a hostile module's chains of calls may be as long as it has functions.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut tarjan = Tarjan {
        order: vec![UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        component: vec![UNSEEN; n],
        stack: Vec::new(),
        seen: 0,
        found: 0,
    };
    // The nodes being visited, each with the position of its next edge.
    let mut work = Vec::new();
    for root in 0..n {
        if tarjan.order[root] != UNSEEN {
            continue;
        }
        tarjan.enter(root, &mut work);
        while let Some((node, next)) = work.last_mut() {
            let node = *node;
            // Edges to nodes outside the graph (an invalid module's) lead nowhere.
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                if to >= n {
                    continue;
                }
                if tarjan.order[to] == UNSEEN {
                    tarjan.enter(to, &mut work);
                } else if tarjan.on_stack[to] {
                    tarjan.low[node] = tarjan.low[node].min(tarjan.order[to]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                tarjan.low[parent] = tarjan.low[parent].min(tarjan.low[node]);
            }
            if tarjan.low[node] == tarjan.order[node] {
                tarjan.close(node);
            }
        }
    }
    tarjan.component
}

const UNSEEN: usize = usize::MAX;

/// Tarjan's algorithm's state.
struct Tarjan {
    /// Per node, when it was first visited.
    order: Vec<usize>,
    /// Per node, the earliest visited node on the stack it reaches.
    low: Vec<usize>,
    on_stack: Vec<bool>,
    component: Vec<usize>,
    stack: Vec<usize>,
    seen: usize,
    found: usize,
}

impl Tarjan {
    fn enter(&mut self, node: usize, work: &mut Vec<(usize, usize)>) {
        self.order[node] = self.seen;
        self.low[node] = self.seen;
        self.seen += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
        work.push((node, 0));
    }

    /// Makes `node` and what lies above it on the stack one component.
    fn close(&mut self, node: usize) {
        while let Some(member) = self.stack.pop() {
            self.on_stack[member] = false;
            self.component[member] = self.found;
            if member == node {
                break;
            }
        }
        self.found += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(wat: &str) -> Vec<bool> {
        let bytes = wat::parse_str(wat).unwrap();
        entry_checks(&bytes, 0).unwrap()
    }

    #[test]
    fn only_calls_that_may_come_back_outside_loops_need_a_check() {
        let wat = r#"(module
            (type $t (func))
            (table 1 funcref) (elem (i32.const 0) $via_table)
            (func $leaf)
            (func $calls_leaf (call $leaf))
            (func $self (call $self))
            (func $self_in_loop (loop $l (call $self_in_loop) (br $l)))
            (func $ping (call $pong))
            (func $pong (loop $l (call $ping) (br $l)))
            (func $via_table (call_indirect (type $t) (i32.const 0)))
            (func $indirect_only (call_indirect (type $t) (i32.const 0))))"#;
        // $ping calls $pong outside a loop and $pong may call it back: $ping checks; $pong's
        // call is in a loop. $via_table is in the table and calls indirectly: a cycle.
        assert_eq!(checks(wat), [false, false, true, false, true, false, true, false]);
    }

    #[test]
    fn long_call_chains_need_no_deep_stack() {
        let functions: String = (0..100_000).map(|i| format!("(func (call {}))", i + 1)).collect();
        let wat = format!("(module {functions} (func (call 0)))");
        assert!(checks(&wat).iter().all(|&check| check), "one cycle through every function");
    }
}
