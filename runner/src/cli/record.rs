//! `mirror record`: run the reference over every case and write (or check) the goldens.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use mirror::error::HostError;
use mirror::recording::{record_goldens, Change, Recording};
use mirror::report::printable;
use mirror::suite::load_reference;
use mirror::task::Task;
use similar::TextDiff;

use super::{write_atomically, RunOptions, EXIT_FAILED};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror record textstat                 write every golden
  mirror record textstat --update        show how each golden changes, then write it
  mirror record textstat --check         write nothing; fail if any golden would change
  mirror record textstat --check --reference rebuilt.wasm")]
pub struct RecordArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// Write nothing: re-run and fail if any golden would change, is missing or is stale
    #[arg(long, conflicts_with = "update")]
    check: bool,
    /// Show a diff of every golden that changes, then write them
    #[arg(long)]
    update: bool,
    /// Use this module as the reference instead of the task's pinned one (a rebuild, say)
    #[arg(long, value_name = "FILE.wasm")]
    reference: Option<PathBuf>,
    #[command(flatten)]
    run: RunOptions,
}

pub fn record(args: RecordArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let sandbox = args.run.sandbox()?;
    let program = load_reference(&sandbox, &task, args.reference.as_deref())?;
    if program.sha256() != task.reference.sha256 {
        eprintln!("note: this reference has sha256 {}; task.toml pins {}", program.sha256(), task.reference.sha256);
    }
    let recording = record_goldens(&sandbox, &task, &program, args.run.jobs())?;
    if args.check {
        return check(&task, &recording);
    }
    recording.refuse_stale_imports()?;
    for change in &recording.changes {
        if args.update {
            show_change(change)?;
        }
        write_atomically(&change.path, change.text.as_bytes())?;
    }
    for orphan in &recording.orphans {
        std::fs::remove_file(orphan)
            .map_err(|err| HostError::io(format!("cannot remove {}", orphan.display()), err))?;
        outln!("removed {} (no case has that id)", orphan.display());
    }
    let imported = &recording.imported;
    let kept = if imported.count == 0 { String::new() } else { format!(", {} imported kept", imported.count) };
    outln!("{}: recorded {} goldens, {} written{kept}", task.name, recording.recorded, recording.changes.len());
    Ok(ExitCode::SUCCESS)
}

/// `record --check`: recorded goldens must reproduce exactly; imported ones are compared with
/// the reference under the task's rules and reported, since another build recorded them.
fn check(task: &Task, recording: &Recording) -> Result<ExitCode> {
    let mut problems = recording.problems.clone();
    problems.extend(recording.imported.stale.iter().cloned());
    for orphan in &recording.orphans {
        problems.push(format!("{}: a golden without a case", orphan.display()));
    }
    let imported = &recording.imported;
    for note in &imported.unlike {
        outln!("note: {note}");
    }
    if imported.count > 0 {
        outln!(
            "{}: the reference reproduces {} of {} imported goldens under the task's rules (not a failure: they were recorded elsewhere)",
            task.name,
            imported.count - imported.unlike.len(),
            imported.count
        );
    }
    let total = recording.recorded + imported.count;
    if !problems.is_empty() {
        for problem in &problems {
            outln!("differs {problem}");
        }
        outln!("{}: {} of {total} goldens differ", task.name, problems.len());
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    outln!("{}: all {} recorded goldens reproduce", task.name, recording.recorded);
    Ok(ExitCode::SUCCESS)
}

/// Prints how a golden file changes, as a unified diff of its text.
fn show_change(change: &Change) -> Result<()> {
    match &change.old {
        None => outln!("new golden {}", change.case),
        Some(old) => {
            outln!("changed golden {}", change.case);
            let diff = TextDiff::from_lines(old, &change.text)
                .unified_diff()
                .context_radius(2)
                .header("recorded", "now")
                .to_string();
            super::write_stdout(printable(&diff).as_bytes())?;
        }
    }
    Ok(())
}
