//! `mirror exec` and `mirror sh`: run the reference as an agent probing it would, here or
//! through the oracle a workspace names.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use mirror::files::{files_under, read_capped, read_given, slash_path};
use mirror::oracle::protocol::{Op, Reply, Request};
use mirror::outcome::{Ending, Outcome, Termination};
use mirror::probe::{Command, Probe};
use mirror::report::printable;
use mirror::sandbox::Scratch;
use mirror::suite::{load_reference, Programs};
use mirror::task::check_relative;
use mirror::task::{Location, Task};

use super::CacheOptions;

/// Exit status when the program traps, as a native program killed by SIGABRT would give.
const EXIT_TRAPPED: i32 = 134;
/// Exit status when the program hits a limit, as a native program killed by SIGKILL would give.
const EXIT_LIMIT: i32 = 137;

/// What a probe starts with: files in its scratch directory, and stdin.
#[derive(clap::Args)]
struct ProbeInputs {
    /// Put a host file into the scratch directory, as NAME=PATH or as PATH (named by its file name)
    #[arg(long = "file", value_name = "[NAME=]PATH")]
    files: Vec<String>,
    /// Start with the task's fixtures in the scratch directory
    #[arg(long)]
    fixtures: bool,
    #[command(flatten)]
    cache: CacheOptions,
}

#[derive(clap::Args)]
pub struct ExecArgs {
    /// Task name under tasks-wasm/, or a path to a task directory or workspace
    task: String,
    #[command(flatten)]
    inputs: ProbeInputs,
    /// Arguments for the program (argv[0] is the task's program name)
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

#[derive(clap::Args)]
pub struct ShArgs {
    /// Task name under tasks-wasm/, or a path to a task directory or workspace
    task: String,
    /// A command line in the portable shell language, as a case's `cmd` would be
    line: String,
    #[command(flatten)]
    inputs: ProbeInputs,
}

pub fn exec(args: ExecArgs) -> Result<ExitCode> {
    probe(&args.task, &args.inputs, Op::Exec(args.args))
}

pub fn sh(args: ShArgs) -> Result<ExitCode> {
    probe(&args.task, &args.inputs, Op::Sh(args.line))
}

/// Runs `op` with `inputs` through the oracle the task names, or here.
fn probe(spec: &str, inputs: &ProbeInputs, op: Op) -> Result<ExitCode> {
    let task = Task::find(spec)?;
    let (files, stdin) = inputs.read()?;
    if let Location::Oracle(socket) = &task.reference.location {
        let request = Request { task: task.name.clone(), op, stdin, files, fixtures: inputs.fixtures };
        return ask_to_run(socket, request);
    }
    let files = inputs.with_fixtures(&task, files)?;
    let probe = match op {
        Op::Exec(args) => Probe::exec(args, stdin, files)?,
        Op::Sh(line) => Probe::sh(&line, &task, stdin, files)?,
        Op::Info => bail!("`info` runs nothing"),
    };
    let sandbox = inputs.cache.sandbox(1)?;
    let program = load_reference(&sandbox, &task, None)?;
    // Only command lines run tools: `exec` need not load them.
    let programs = match probe.command {
        Command::Exec(_) => Programs::alone(&task, &program),
        Command::Sh(_) => Programs::with_every_tool(&task, &program, mirror::tools::load(&sandbox)?),
    };
    let outcome = {
        let mut scratch = Scratch::new(&BTreeMap::new())?;
        probe.run(&sandbox, &programs, &mut scratch)?
    };
    finish(outcome)
}

/// Runs a request through the oracle at `socket`.
fn ask_to_run(socket: &Path, request: Request) -> Result<ExitCode> {
    match ask_oracle(socket, &request)? {
        Reply::Ran(outcome) => finish(outcome),
        _ => bail!("the oracle at {} answered a run with something else", socket.display()),
    }
}

/// The oracle's reply to `request`; an error reply becomes an error.
pub(super) fn ask_oracle(socket: &Path, request: &Request) -> Result<Reply> {
    match send(socket, request)? {
        Reply::Error(error) => bail!("the oracle at {} refused the request: {error}", socket.display()),
        reply => Ok(reply),
    }
}

/// Sends `request` to the oracle at `socket` and returns its reply, whatever it is.
#[cfg(unix)]
fn send(socket: &Path, request: &Request) -> Result<Reply> {
    Ok(mirror::oracle::client::ask(socket, request)?)
}

/// The oracle listens on a Unix domain socket, which this platform lacks.
#[cfg(not(unix))]
fn send(socket: &Path, _request: &Request) -> Result<Reply> {
    bail!("the oracle at {} needs Unix domain sockets, which this platform lacks", socket.display())
}

impl ProbeInputs {
    /// The host files named by `--file`, and stdin (empty on a terminal, which would
    /// otherwise make every probe wait for input nobody meant to give).
    fn read(&self) -> Result<(BTreeMap<String, Vec<u8>>, Vec<u8>)> {
        let mut files = BTreeMap::new();
        for spec in &self.files {
            let (name, path) = match spec.split_once('=') {
                Some((name, path)) => (name.to_string(), PathBuf::from(path)),
                None => {
                    let path = PathBuf::from(spec);
                    let name = path
                        .file_name()
                        .with_context(|| format!("--file {spec}: names no file"))?
                        .to_string_lossy()
                        .into_owned();
                    (name, path)
                }
            };
            check_relative(&name).with_context(|| format!("--file {spec}"))?;
            let bytes = read_given(&path).with_context(|| format!("--file {spec}"))?;
            files.insert(name, bytes);
        }
        let mut stdin = Vec::new();
        if !std::io::stdin().is_terminal() {
            stdin = read_capped(std::io::stdin().lock(), "standard input")?;
        }
        Ok((files, stdin))
    }

    /// `files` over the task's fixtures, when `--fixtures` asks for them.
    fn with_fixtures(&self, task: &Task, files: BTreeMap<String, Vec<u8>>) -> Result<BTreeMap<String, Vec<u8>>> {
        if !self.fixtures {
            return Ok(files);
        }
        let dir = task.fixtures_dir();
        let mut inputs = BTreeMap::new();
        for relative in files_under(&dir, |_| false)? {
            let path = dir.join(&relative);
            inputs.insert(slash_path(&relative), task.read_file(&path).context("cannot read fixture")?);
        }
        inputs.extend(files);
        Ok(inputs)
    }
}

/// Hands the run's output and status to the caller of mirror.
fn finish(run: Outcome) -> Result<ExitCode> {
    super::write_stdout(&run.stdout)?;
    std::io::stderr().write_all(&run.stderr)?;
    let code = match run.termination {
        // Passed on whole: the operating system narrows it as it would a native program's.
        Ending::Ran(Termination::Exited(code)) => code as i32,
        Ending::Ran(Termination::Trapped { .. }) => {
            eprintln!("mirror: the program {}", printable(&run.termination.describe()));
            EXIT_TRAPPED
        }
        other => {
            eprintln!("mirror: the program {}", printable(&other.describe()));
            EXIT_LIMIT
        }
    };
    // No scratch directory is left to remove: exiting now skips no cleanup.
    std::process::exit(code);
}
