//! Every limit ends a misbehaving guest with its own termination, deterministically.

mod support;

use std::collections::BTreeMap;

use mirror::outcome::{Stream, Termination};
use mirror::sandbox::{Invocation, Limits, Program, RunOutput, Sandbox, Scratch};
use mirror::shell::run::{Resolve, Shell};

fn sandbox() -> Sandbox {
    Sandbox::new(2, Some(support::module_cache())).expect("sandbox")
}

fn hostile(sandbox: &Sandbox) -> Program {
    sandbox.load(&support::guest("hostile")).expect("hostile guest loads")
}

fn run_with(sandbox: &Sandbox, program: &Program, args: &[&str], limits: &Limits) -> (RunOutput, Scratch) {
    let argv: Vec<String> = std::iter::once("hostile").chain(args.iter().copied()).map(String::from).collect();
    let mut scratch = Scratch::new(&BTreeMap::new()).expect("scratch");
    let invocation = Invocation { args: &argv, env: &[], stdin: b"some input\n", stderr_joins_stdout: false, limits };
    let output = sandbox.run(program, &invocation, scratch.path()).expect("run");
    (output, scratch)
}

fn small_limits() -> Limits {
    Limits {
        fuel: 200_000_000,
        memory_mib: 32,
        stdout_bytes: 64 << 10,
        stderr_bytes: 16 << 10,
        files_created: 20,
        file_bytes_written: 1 << 20,
        ..Limits::default()
    }
}

#[test]
fn exit_codes_pass_through_whole() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    for code in ["0", "1", "125", "126", "255", "256", "70000"] {
        let (output, _) = run_with(&sandbox, &program, &["exit", code], &small_limits());
        assert_eq!(output.termination, Termination::Exited(code.parse().unwrap()), "exit {code}");
    }
    let (output, _) = run_with(&sandbox, &program, &["ok"], &small_limits());
    assert_eq!(output.termination, Termination::Exited(0));
    assert_eq!(output.stdout, b"fine\n");
}

#[test]
fn an_endless_loop_runs_out_of_fuel_at_the_same_point_every_time() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    let (first, _) = run_with(&sandbox, &program, &["loop"], &limits);
    let (second, _) = run_with(&sandbox, &program, &["loop"], &limits);
    assert_eq!(first.termination, Termination::FuelExhausted);
    assert_eq!(first.fuel_used, limits.fuel);
    assert_eq!((first.termination, first.fuel_used), (second.termination, second.fuel_used));
}

#[test]
fn the_wall_clock_backstop_stops_what_fuel_would_not() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = Limits { fuel: u64::MAX / 2, wall_seconds: 1, ..small_limits() };
    let (output, _) = run_with(&sandbox, &program, &["loop"], &limits);
    assert_eq!(output.termination, Termination::WallClockExceeded);
}

#[test]
fn a_backstop_beyond_what_the_clock_counts_is_no_backstop() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = Limits { wall_seconds: u64::MAX, ..small_limits() };
    let (output, _) = run_with(&sandbox, &program, &["ok"], &limits);
    assert_eq!(output.termination, Termination::Exited(0));
}

#[test]
fn the_backstop_stops_a_guest_that_spends_its_time_in_host_calls() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = Limits { fuel: u64::MAX / 2, wall_seconds: 1, files_created: 500, ..small_limits() };
    let (output, _) = run_with(&sandbox, &program, &["host-calls"], &limits);
    assert_eq!(output.termination, Termination::WallClockExceeded);
    // Host calls cost little fuel: a clock looked at only between fuel slices would let
    // this guest run for minutes before its first slice ran out.
    assert!(output.fuel_used < mirror::sandbox::FUEL_SLICE, "stopped only after {} fuel", output.fuel_used);
}

#[test]
fn growing_memory_past_the_cap_is_a_memory_limit() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let (output, _) = run_with(&sandbox, &program, &["memory"], &small_limits());
    assert!(matches!(output.termination, Termination::MemoryExhausted(_)), "{:?}", output.termination);
}

#[test]
fn flooding_a_stream_is_an_output_limit_cut_at_the_cap() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    let (output, _) = run_with(&sandbox, &program, &["stdout"], &limits);
    assert_eq!(output.termination, Termination::OutputExceeded(Stream::Stdout));
    assert_eq!(output.stdout.len(), limits.stdout_bytes);
    let (output, _) = run_with(&sandbox, &program, &["stderr"], &limits);
    assert_eq!(output.termination, Termination::OutputExceeded(Stream::Stderr));
    assert_eq!(output.stderr.len(), limits.stderr_bytes);
}

#[test]
fn creating_files_past_the_cap_is_refused_and_reported() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    let (output, mut scratch) = run_with(&sandbox, &program, &["files"], &limits);
    assert_eq!(output.termination, Termination::FilesExceeded);
    assert_eq!(output.stdout, format!("could not create file {}\n", limits.files_created).into_bytes());
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), limits.files_created as usize);
}

#[test]
fn writing_bytes_past_the_cap_is_refused_and_reported() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    let (output, mut scratch) = run_with(&sandbox, &program, &["bytes"], &limits);
    assert_eq!(output.termination, Termination::FilesExceeded);
    let size = std::fs::metadata(scratch.path().join("big.bin")).unwrap().len();
    assert!(size <= limits.file_bytes_written, "the host file stayed within the cap: {size}");
}

#[test]
fn traps_are_runtime_errors_with_their_cause() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    for (mode, cause) in [("recurse", "call stack exhausted"), ("panic", "unreachable"), ("divide", "unreachable")] {
        let (output, _) = run_with(&sandbox, &program, &[mode], &small_limits());
        match &output.termination {
            Termination::Trapped(trap) => assert!(trap.contains(cause), "{mode}: {trap}"),
            other => panic!("{mode}: {other:?}"),
        }
    }
}

#[test]
fn reading_past_the_end_of_stdin_and_closing_stdio_are_harmless() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let (output, _) = run_with(&sandbox, &program, &["stdin"], &small_limits());
    assert_eq!(output.stdout, b"read 11 bytes, then 0\n");
    let (output, _) = run_with(&sandbox, &program, &["close-stdio"], &small_limits());
    // Three closes succeed; Rust's std then treats the closed stdout as a sink.
    assert_eq!(output.termination, Termination::Exited(30));
    assert!(output.stdout.is_empty());
}

/// Resolves `hostile` to the hostile guest and every other name to the guest tools.
struct HostileLine {
    hostile: Program,
    tools: Program,
}

impl Resolve for HostileLine {
    fn resolve(&self, name: &str) -> Option<&Program> {
        match name {
            "hostile" => Some(&self.hostile),
            tool if mirror::tools::is_tool(tool) => Some(&self.tools),
            _ => None,
        }
    }
}

fn run_line(sandbox: &Sandbox, programs: &HostileLine, line: &str, limits: &Limits) -> RunOutput {
    let mut scratch = Scratch::new(&BTreeMap::new()).expect("scratch");
    let shell = Shell { sandbox, programs, env: &[], limits, scratch: scratch.path() };
    shell.run(&mirror::shell::parse(line).expect("line parses"), b"").expect("line runs")
}

#[test]
fn limits_hold_across_a_command_line() {
    let sandbox = sandbox();
    let programs =
        HostileLine { hostile: hostile(&sandbox), tools: mirror::tools::load(&sandbox).expect("tools load") };
    let limits = small_limits();

    let trapped = run_line(&sandbox, &programs, "hostile panic; echo after", &limits);
    assert!(matches!(trapped.termination, Termination::Trapped(_)), "a trap ends the line");
    assert!(trapped.stdout.is_empty());

    let flooded = run_line(&sandbox, &programs, "hostile stdout | head -c 5", &limits);
    assert_eq!(flooded.termination, Termination::OutputExceeded(Stream::Stdout), "a pipe is capped like stdout");

    let once = run_line(&sandbox, &programs, "hostile ok", &limits);
    let twice = run_line(&sandbox, &programs, "hostile ok; hostile ok", &limits);
    assert_eq!(twice.stdout, b"fine\nfine\n");
    assert_eq!(twice.fuel_used, 2 * once.fuel_used, "the fuel of a line is that of its commands");

    let narrow = Limits { stdout_bytes: 8, ..small_limits() };
    let over = run_line(&sandbox, &programs, "hostile ok; hostile ok", &narrow);
    assert_eq!(over.termination, Termination::OutputExceeded(Stream::Stdout), "the cap spans the whole line");
    assert_eq!(over.stdout, b"fine\nfin");
}
