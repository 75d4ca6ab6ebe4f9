//! `mirror exec` and `mirror sh`: run the reference as an agent probing it would.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use mirror::files::{files_under, read_capped, read_given, slash_path};
use mirror::outcome::Termination;
use mirror::report::printable;
use mirror::sandbox::{check_relative, Invocation, RunOutput, Scratch};
use mirror::shell::run::Resolve;
use mirror::suite::{load_reference, Programs};
use mirror::task::Task;

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
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    #[command(flatten)]
    inputs: ProbeInputs,
    /// Arguments for the program (argv[0] is the task's program name)
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

#[derive(clap::Args)]
pub struct ShArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// A command line in the portable shell language, as a case's `cmd` would be
    line: String,
    #[command(flatten)]
    inputs: ProbeInputs,
}

pub fn exec(args: ExecArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let (mut scratch, stdin) = args.inputs.prepare(&task)?;
    let sandbox = args.inputs.cache.sandbox(1)?;
    let program = load_reference(&sandbox, &task, None)?;
    let argv: Vec<String> = std::iter::once(task.program.clone()).chain(args.args).collect();
    let invocation =
        Invocation { args: &argv, env: &task.env, stdin: &stdin, stderr_joins_stdout: false, limits: &task.limits };
    let run = sandbox.run(&program, &invocation, scratch.path())?;
    finish(run, scratch)
}

pub fn sh(args: ShArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let script = mirror::shell::parse(&args.line).with_context(|| format!("cannot parse {:?}", args.line))?;
    let (mut scratch, stdin) = args.inputs.prepare(&task)?;
    let sandbox = args.inputs.cache.sandbox(1)?;
    let program = load_reference(&sandbox, &task, None)?;
    let programs = Programs::with_every_tool(&sandbox, &task, &program)?;
    if let Some(unknown) = script.commands().map(|c| c.program()).find(|name| programs.resolve(name).is_none()) {
        bail!("`{unknown}` is neither the task's program `{}` nor a guest tool (see `mirror tools`)", task.program);
    }
    let run = programs.shell(&sandbox, scratch.path(), &task.env).run(&script, &stdin)?;
    finish(run, scratch)
}

impl ProbeInputs {
    /// The scratch directory with the requested files, and stdin (empty on a terminal, which
    /// would otherwise make every probe wait for input nobody meant to give).
    fn prepare(&self, task: &Task) -> Result<(Scratch, Vec<u8>)> {
        let mut inputs = BTreeMap::new();
        if self.fixtures {
            add_fixtures(task, &mut inputs)?;
        }
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
            inputs.insert(name, bytes);
        }
        let mut stdin = Vec::new();
        if !std::io::stdin().is_terminal() {
            stdin = read_capped(std::io::stdin().lock(), "standard input")?;
        }
        Ok((Scratch::new(&inputs)?, stdin))
    }
}

/// Hands the run's output and status to the caller of mirror.
fn finish(run: RunOutput, scratch: Scratch) -> Result<ExitCode> {
    super::write_stdout(&run.stdout)?;
    std::io::stderr().write_all(&run.stderr)?;
    let code = match run.termination {
        // Passed on whole: the operating system narrows it as it would a native program's.
        Termination::Exited(code) => code as i32,
        Termination::Trapped(_) => {
            eprintln!("mirror: the program {}", printable(&run.termination.describe()));
            EXIT_TRAPPED
        }
        other => {
            eprintln!("mirror: the program {}", printable(&other.describe()));
            EXIT_LIMIT
        }
    };
    // `exit` skips destructors: remove the scratch directory first.
    drop(scratch);
    std::process::exit(code);
}

fn add_fixtures(task: &Task, inputs: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    let dir = task.fixtures_dir();
    for relative in files_under(&dir, |_| false)? {
        let bytes = task.read_file(&dir.join(&relative)).context("cannot read fixture")?;
        inputs.insert(slash_path(&relative), bytes);
    }
    Ok(())
}
