//! `mirror record`: run the reference over every case and write (or check) the goldens.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use mirror::outcome::Outcome;
use mirror::report::printable;
use mirror::suite::{load_reference, run_cases, Programs};
use mirror::task::{Case, Golden, Split, Task};
use mirror::verdict::{differing, judge};
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
    let cases = task.cases(&Split::ALL)?;
    mirror::task::check_duals(&cases)?;
    let sandbox = args.run.sandbox()?;
    let program = load_reference(&sandbox, &task, args.reference.as_deref())?;
    if program.sha256() != task.reference.sha256 {
        eprintln!("note: this reference has sha256 {}; task.toml pins {}", program.sha256(), task.reference.sha256);
    }
    let programs = Programs::for_cases(&sandbox, &task, &program)?;
    let outcomes = run_cases(&sandbox, &programs, &cases, args.run.jobs())?;
    // Imported goldens are kept as they are; every other case must give a golden before any
    // file is written.
    let mut recorded = Vec::new();
    let mut imported = Vec::new();
    let mut refused = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        match Golden::load(&task, &case.golden_path())? {
            Some(old) if old.origin.is_some() => imported.push((case, old, outcome)),
            _ => match Golden::from_outcome(case, outcome) {
                Ok(golden) => recorded.push((case, golden)),
                Err(err) => refused.push(format!("{err:#}")),
            },
        }
    }
    if !refused.is_empty() {
        bail!("no golden written:\n  {}", refused.join("\n  "));
    }
    let stale: Vec<String> = imported
        .iter()
        .filter(|(case, old, _)| old.inputs_sha256 != case.inputs_sha256)
        .map(|(case, old, _)| {
            let origin = old.origin.as_ref().map(|o| o.describe()).unwrap_or_default();
            format!("{}: its golden, imported from {origin}, is stale (the case changed since)", case.name())
        })
        .collect();
    let orphans = orphan_goldens(&task, &cases)?;
    if args.check {
        return check(&task, &recorded, &imported, &stale, &orphans);
    }
    if !stale.is_empty() {
        bail!(
            "imported goldens are kept, never re-recorded; import the gold file again, or delete these goldens to record them from the reference:\n  {}",
            stale.join("\n  ")
        );
    }
    let mut written = 0;
    for (case, golden) in &recorded {
        let path = case.golden_path();
        let text = golden.to_toml(case, program.sha256());
        let old = match task.read_text(&path) {
            Ok(old) => Some(old),
            Err(err) if err.is_not_found() => None,
            Err(err) => return Err(err).context("cannot read golden"),
        };
        if old.as_deref() == Some(text.as_str()) {
            continue;
        }
        if args.update {
            show_change(case, old.as_deref(), &text)?;
        }
        write_atomically(&path, text.as_bytes())?;
        written += 1;
    }
    for orphan in &orphans {
        std::fs::remove_file(orphan).with_context(|| format!("cannot remove {}", orphan.display()))?;
        outln!("removed {} (no case has that id)", orphan.display());
    }
    let kept = if imported.is_empty() { String::new() } else { format!(", {} imported kept", imported.len()) };
    outln!("{}: recorded {} goldens, {written} written{kept}", task.name, recorded.len());
    Ok(ExitCode::SUCCESS)
}

/// `record --check`: recorded goldens must reproduce exactly; imported ones are compared with
/// the reference under the task's rules and reported, since another build recorded them.
fn check(
    task: &Task,
    recorded: &[(&Case, Golden)],
    imported: &[(&Case, Golden, Outcome)],
    stale: &[String],
    orphans: &[PathBuf],
) -> Result<ExitCode> {
    let mut problems = Vec::new();
    for (case, golden) in recorded {
        match Golden::load(task, &case.golden_path())? {
            None => problems.push(format!("{}: no golden", case.name())),
            Some(old) if !old.same_behaviour(golden) => {
                problems.push(format!("{}: {}", case.name(), differences(&old, golden)))
            }
            Some(old) if old.inputs_sha256 != golden.inputs_sha256 => problems
                .push(format!("{}: stale golden (the case's inputs changed since it was recorded)", case.name())),
            Some(_) => {}
        }
    }
    problems.extend(stale.iter().cloned());
    for orphan in orphans {
        problems.push(format!("{}: a golden without a case", orphan.display()));
    }
    let unlike: Vec<&(&Case, Golden, Outcome)> =
        imported.iter().filter(|(_, old, outcome)| !judge(old, outcome, &task.compare).verdict.passed()).collect();
    for (case, old, _) in &unlike {
        let origin = old.origin.as_ref().map(|o| o.describe()).unwrap_or_default();
        outln!("note: {}: the reference does not reproduce its golden, imported from {origin}", case.name());
    }
    if !imported.is_empty() {
        outln!(
            "{}: the reference reproduces {} of {} imported goldens under the task's rules (not a failure: they were recorded elsewhere)",
            task.name,
            imported.len() - unlike.len(),
            imported.len()
        );
    }
    let total = recorded.len() + imported.len();
    if !problems.is_empty() {
        for problem in &problems {
            outln!("differs {problem}");
        }
        outln!("{}: {} of {total} goldens differ", task.name, problems.len());
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    outln!("{}: all {} recorded goldens reproduce", task.name, recorded.len());
    Ok(ExitCode::SUCCESS)
}

/// Golden files beside the cases whose id no case has.
fn orphan_goldens(task: &Task, cases: &[Case]) -> Result<Vec<PathBuf>> {
    let mut orphans = Vec::new();
    for split in Split::ALL {
        let dir = task.split_dir(split);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
            let Some(id) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".golden.toml"))
            else {
                continue;
            };
            if !cases.iter().any(|case| case.split == split && case.id == id) {
                orphans.push(path);
            }
        }
    }
    orphans.sort();
    Ok(orphans)
}

/// Prints how a golden file changes, as a unified diff of its text.
fn show_change(case: &Case, old: Option<&str>, new: &str) -> Result<()> {
    match old {
        None => outln!("new golden {}", case.name()),
        Some(old) => {
            outln!("changed golden {}", case.name());
            let diff =
                TextDiff::from_lines(old, new).unified_diff().context_radius(2).header("recorded", "now").to_string();
            super::write_stdout(printable(&diff).as_bytes())?;
        }
    }
    Ok(())
}

/// Which parts of the behaviour differ between two goldens.
fn differences(old: &Golden, new: &Golden) -> String {
    let parts: Vec<&str> =
        differing(old, new.status, &new.stdout, &new.stderr, &new.files).iter().map(|aspect| aspect.name()).collect();
    format!("{} differ{}", parts.join(", "), if parts.len() == 1 { "s" } else { "" })
}
