//! `mirror record`: run the reference over every case and write (or check) the goldens.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use mirror::suite::{load_reference, run_cases, Programs};
use mirror::task::{Golden, Split, Task};

use super::{write_atomically, RunOptions, EXIT_FAILED};

#[derive(clap::Args)]
pub struct RecordArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// Write nothing: re-run and fail if any golden would change, is missing or is stale
    #[arg(long)]
    check: bool,
    /// Use this module as the reference instead of the task's pinned one (a rebuild, say)
    #[arg(long, value_name = "FILE.wasm")]
    reference: Option<PathBuf>,
    #[command(flatten)]
    run: RunOptions,
}

pub fn record(args: RecordArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let cases = task.cases(&Split::ALL)?;
    let sandbox = args.run.sandbox()?;
    let program = load_reference(&sandbox, &task, args.reference.as_deref())?;
    if program.sha256() != task.reference.sha256 {
        eprintln!("note: this reference has sha256 {}; task.toml pins {}", program.sha256(), task.reference.sha256);
    }
    let programs = Programs::for_cases(&sandbox, &task, &program)?;
    let outcomes = run_cases(&sandbox, &programs, &cases, args.run.jobs(), &|_, _| {})?;
    // Every case must give a golden before any file is written.
    let mut goldens = Vec::new();
    let mut refused = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        match Golden::from_outcome(case, outcome) {
            Ok(golden) => goldens.push(golden),
            Err(err) => refused.push(format!("{err:#}")),
        }
    }
    if !refused.is_empty() {
        bail!("no golden written:\n  {}", refused.join("\n  "));
    }
    let mut problems = Vec::new();
    let mut changed = 0;
    for (case, golden) in cases.iter().zip(&goldens) {
        let path = case.golden_path();
        let existing = Golden::load(&path)?;
        if args.check {
            match existing {
                None => problems.push(format!("{}: no golden", case.name())),
                Some(old) if !old.same_behaviour(golden) => {
                    problems.push(format!("{}: {}", case.name(), differences(&old, golden)))
                }
                Some(old) if old.inputs_sha256 != golden.inputs_sha256 => problems
                    .push(format!("{}: stale golden (the case's inputs changed since it was recorded)", case.name())),
                Some(_) => {}
            }
            continue;
        }
        let text = golden.to_toml(case, program.sha256());
        if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            write_atomically(&path, text.as_bytes())?;
            changed += 1;
        }
    }
    if args.check {
        if !problems.is_empty() {
            for problem in &problems {
                println!("differs {problem}");
            }
            println!("{}: {} of {} goldens differ", task.name, problems.len(), cases.len());
            return Ok(ExitCode::from(EXIT_FAILED));
        }
        println!("{}: all {} goldens reproduce", task.name, cases.len());
    } else {
        println!("{}: recorded {} goldens, {changed} written", task.name, cases.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Which parts of the behaviour differ between two goldens.
fn differences(old: &Golden, new: &Golden) -> String {
    let parts: Vec<&str> = [
        ("stdout", old.stdout == new.stdout),
        ("stderr", old.stderr == new.stderr),
        ("status", old.status == new.status),
        ("files", old.files == new.files),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(name, _)| name)
    .collect();
    format!("{} differ{}", parts.join(", "), if parts.len() == 1 { "s" } else { "" })
}
