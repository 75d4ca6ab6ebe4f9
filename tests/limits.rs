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
    mirror::suite::load_module(sandbox, &support::guest("hostile")).expect("hostile guest loads")
}

fn run_with(sandbox: &Sandbox, program: &Program, args: &[&str], limits: &Limits) -> (RunOutput, Scratch) {
    run_on(sandbox, program, args, limits, &BTreeMap::new())
}

fn run_on(
    sandbox: &Sandbox,
    program: &Program,
    args: &[&str],
    limits: &Limits,
    inputs: &BTreeMap<String, Vec<u8>>,
) -> (RunOutput, Scratch) {
    let argv: Vec<String> = std::iter::once("hostile").chain(args.iter().copied()).map(String::from).collect();
    let mut scratch = Scratch::new(inputs).expect("scratch");
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
    // Host calls cost little fuel: the guest burns a few million units in its second (a
    // second of pure guest work is billions), and is stopped at the deadline all the same.
    assert!(output.fuel_used < 50_000_000, "stopped only after {} fuel", output.fuel_used);
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

/// A stream flood, a file flood and a byte flood each end the guest at the call that went
/// past the cap: the verdict is decided, so it spends no more fuel.
#[test]
fn a_guest_past_a_cap_is_stopped_at_once() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    for (mode, ended) in [
        ("stdout", Termination::OutputExceeded(Stream::Stdout)),
        ("stderr", Termination::OutputExceeded(Stream::Stderr)),
        ("files", Termination::FilesExceeded),
        ("bytes", Termination::FilesExceeded),
    ] {
        let (output, _) = run_with(&sandbox, &program, &[mode], &limits);
        assert_eq!(output.termination, ended, "{mode}");
        assert!(output.fuel_used < limits.fuel / 10, "{mode}: ran on for {} fuel", output.fuel_used);
    }
}

#[test]
fn creating_files_past_the_cap_is_refused_and_reported() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    let (output, mut scratch) = run_with(&sandbox, &program, &["files"], &limits);
    assert_eq!(output.termination, Termination::FilesExceeded);
    assert!(output.stdout.is_empty(), "stopped before it could say anything");
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), limits.files_created as usize);
}

/// One byte written far past the end of a file, by a seek or by `fd_pwrite`, is charged as
/// the file's whole apparent size: the host would read all of it back.
#[test]
fn a_sparse_file_is_charged_its_apparent_size() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    let (output, mut scratch) = run_with(&sandbox, &program, &["sparse", "65536"], &limits);
    assert_eq!(output.termination, Termination::FilesExceeded);
    assert!(output.stdout.is_empty(), "stopped at the first write: {}", support::text(&output.stdout));
    let cap = scratch.read_back_cap(limits.file_bytes_written);
    assert!(scratch.changes(cap).expect("read back").is_some(), "what is left is within the read-back cap");
}

/// Sixteen files grown to 64 MiB without a write are 1 GiB to read back, not one budget's worth.
#[test]
fn growing_a_file_without_writing_is_charged() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = Limits { file_bytes_written: 64 << 20, ..small_limits() };
    let (output, _) = run_with(&sandbox, &program, &["grow"], &limits);
    assert_eq!(output.termination, Termination::FilesExceeded);
}

/// Each hard link is read back as a file of its own, so each is charged the file's size.
#[test]
fn hard_links_are_charged_as_what_they_read_back() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = small_limits();
    let (output, _) = run_with(&sandbox, &program, &["links", "512", "3"], &limits);
    assert_eq!(output.termination, Termination::FilesExceeded);
    let (output, _) = run_with(&sandbox, &program, &["links", "200", "3"], &limits);
    assert_eq!(output.stdout, b"made 3 links\n", "four names of 200 KiB fit in 1 MiB");
}

/// A guest that holds every descriptor it can gets `EMFILE` at the same count on every host.
#[test]
fn open_descriptors_are_capped_with_emfile() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let (output, _) = run_with(&sandbox, &program, &["descriptors"], &small_limits());
    let opened = mirror::sandbox::MAX_OPEN_DESCRIPTORS - 5;
    assert_eq!(support::text(&output.stdout), format!("opened {opened}, then error Some(33)\n"));
}

#[test]
fn a_symlink_target_no_platform_can_hold_is_refused() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    for (target, errno) in [("bad:name", 25), ("sub/NUL", 25), ("../fine/name.txt", 0)] {
        let (output, _) = run_with(&sandbox, &program, &["symlink-target", target], &small_limits());
        assert_eq!(support::text(&output.stdout), format!("symlink -> {target}: errno {errno}\n"));
    }
}

/// Forty nested directories with 255-byte names get read back (relative to the scratch
/// directory, one name at a time) like any other tree.
#[test]
fn a_tree_deeper_than_any_host_path_is_read_back() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let limits = Limits { files_created: 50, ..small_limits() };
    let (output, mut scratch) = run_with(&sandbox, &program, &["deep"], &limits);
    assert_eq!(output.stdout, b"made a tree 40 deep\n");
    let cap = scratch.read_back_cap(limits.file_bytes_written);
    let changes = scratch.changes(cap).expect("a deep tree reads back").expect("within the cap");
    let leaf = format!("{}/leaf.txt", vec!["d".repeat(255); 40].join("/"));
    assert!(changes.written.contains_key(&leaf), "{:?}", changes.written.keys().collect::<Vec<_>>());
}

/// Times a program sets are kept and reported back; new and changed files get the case's
/// file clock, which moves 1 µs per change; files the case did not touch keep the fixed instant.
#[test]
fn file_times_are_kept_as_set_and_move_with_each_change() {
    let sandbox = sandbox();
    let program = hostile(&sandbox);
    let inputs = BTreeMap::from([("input.txt".to_string(), b"in".to_vec())]);
    let (output, _) = run_on(&sandbox, &program, &["times"], &small_limits(), &inputs);
    assert_eq!(
        support::text(&output.stdout),
        "input.txt: modified 1000000000.000000000 accessed 1000000000.000000000\n\
         new.txt: modified 1000000000.000002000 accessed 1000000000.000001000\n\
         newer.txt: modified 1000000000.000004000 accessed 1000000000.000003000\n\
         new.txt: modified 1234567890.000000005 accessed 42.000000000\n\
         input.txt: modified 7.000000000 accessed 1000000000.000000000\n"
    );
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
            Termination::Trapped { message, .. } => assert!(message.contains(cause), "{mode}: {message}"),
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
    let read_cap = scratch.read_back_cap(limits.file_bytes_written);
    let shell = Shell { sandbox, programs, env: &[], limits, scratch: scratch.path(), read_cap };
    shell.run(&mirror::shell::parse(line).expect("line parses"), b"").expect("line runs")
}

#[test]
fn limits_hold_across_a_command_line() {
    let sandbox = sandbox();
    let programs =
        HostileLine { hostile: hostile(&sandbox), tools: mirror::tools::load(&sandbox).expect("tools load") };
    let limits = small_limits();

    let trapped = run_line(&sandbox, &programs, "hostile panic; echo after", &limits);
    assert!(matches!(trapped.termination, Termination::Trapped { .. }), "a trap ends the line");
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
