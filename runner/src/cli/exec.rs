//! `mirror exec`: run the reference as an agent probing it would.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use mirror::outcome::Termination;
use mirror::sandbox::{check_relative, Invocation, Scratch};
use mirror::suite::load_reference;
use mirror::task::Task;

use super::CacheOptions;

/// Exit status when the program traps, as a native program killed by SIGABRT would give.
const EXIT_TRAPPED: i32 = 134;
/// Exit status when the program hits a limit, as a native program killed by SIGKILL would give.
const EXIT_LIMIT: i32 = 137;

#[derive(clap::Args)]
pub struct ExecArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// Put a host file into the scratch directory, as NAME=PATH or as PATH (named by its file name)
    #[arg(long = "file", value_name = "[NAME=]PATH")]
    files: Vec<String>,
    /// Start with the task's fixtures in the scratch directory
    #[arg(long)]
    fixtures: bool,
    #[command(flatten)]
    cache: CacheOptions,
    /// Arguments for the program (argv[0] is the task's program name)
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

pub fn exec(args: ExecArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let mut inputs = BTreeMap::new();
    if args.fixtures {
        add_fixtures(&task.fixtures_dir(), "", &mut inputs)?;
    }
    for spec in &args.files {
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
        inputs.insert(
            name,
            std::fs::read(&path).with_context(|| format!("--file {spec}: cannot read {}", path.display()))?,
        );
    }
    // A terminal on stdin would make every probe wait for input nobody meant to give.
    let mut stdin = Vec::new();
    if !std::io::stdin().is_terminal() {
        std::io::stdin().read_to_end(&mut stdin).context("cannot read standard input")?;
    }
    let sandbox = args.cache.sandbox(1)?;
    let program = load_reference(&sandbox, &task, None)?;
    let argv: Vec<String> = std::iter::once(task.program.clone()).chain(args.args).collect();
    let scratch = Scratch::new(&inputs)?;
    let invocation = Invocation { args: &argv, env: &task.env, stdin: &stdin, limits: &task.limits };
    let run = sandbox.run(&program, &invocation, scratch.path())?;
    std::io::stdout().write_all(&run.stdout)?;
    std::io::stdout().flush()?;
    std::io::stderr().write_all(&run.stderr)?;
    let code = match run.termination {
        // Passed on whole: the operating system narrows it as it would a native program's.
        Termination::Exited(code) => code as i32,
        Termination::Trapped(_) => {
            eprintln!("mirror: the program {}", run.termination.describe());
            EXIT_TRAPPED
        }
        other => {
            eprintln!("mirror: the program {}", other.describe());
            EXIT_LIMIT
        }
    };
    drop(scratch);
    std::process::exit(code);
}

fn add_fixtures(dir: &std::path::Path, prefix: &str, inputs: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    for entry in entries {
        let entry = entry?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type()?.is_dir() {
            add_fixtures(&entry.path(), &format!("{name}/"), inputs)?;
        } else {
            inputs.insert(
                name,
                std::fs::read(entry.path())
                    .with_context(|| format!("cannot read fixture {}", entry.path().display()))?,
            );
        }
    }
    Ok(())
}
