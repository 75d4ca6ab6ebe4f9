//! `mirror test`: score a candidate module against a task's goldens.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use mirror::report::{json, junit, terminal, CaseReport, Report};
use mirror::suite::{run_cases, Programs};
use mirror::task::{Golden, Split, Task};
use mirror::verdict::judge;

use super::{write_atomically, RunOptions, EXIT_FAILED};

#[derive(Clone, Copy, clap::ValueEnum)]
enum SplitArg {
    Visible,
    Hidden,
    All,
}

#[derive(clap::Args)]
pub struct TestArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// The candidate: a wasm32-wasip1 command module
    #[arg(long, value_name = "FILE.wasm")]
    candidate: PathBuf,
    /// Which cases to run
    #[arg(long, value_enum, default_value = "all")]
    split: SplitArg,
    /// Write the report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the report as JUnit XML to FILE
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    #[command(flatten)]
    run: RunOptions,
}

pub fn test(args: TestArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let splits: &[Split] = match args.split {
        SplitArg::Visible => &[Split::Visible],
        SplitArg::Hidden => &[Split::Hidden],
        SplitArg::All => &Split::ALL,
    };
    let cases = task.cases(splits)?;
    let mut goldens = Vec::new();
    let mut unusable = Vec::new();
    for case in &cases {
        match Golden::load(&case.golden_path())? {
            None => unusable.push(format!("{}: no golden", case.name())),
            Some(golden) if golden.inputs_sha256 != case.inputs_sha256 => {
                unusable.push(format!("{}: stale golden (the case changed since it was recorded)", case.name()))
            }
            Some(golden) => goldens.push(golden),
        }
    }
    if !unusable.is_empty() {
        bail!("goldens are not up to date; run `mirror record {}`:\n  {}", args.task, unusable.join("\n  "));
    }
    let sandbox = args.run.sandbox()?;
    let candidate = sandbox.load(&args.candidate)?;
    let programs = Programs::for_cases(&sandbox, &task, &candidate)?;
    let outcomes = run_cases(&sandbox, &programs, &cases, args.run.jobs(), &|_, _| {})?;
    let report = Report {
        task: task.name.clone(),
        candidate: args.candidate.display().to_string(),
        candidate_sha256: candidate.sha256().to_string(),
        reference_sha256: task.reference.sha256.clone(),
        cases: cases
            .iter()
            .zip(goldens)
            .zip(outcomes)
            .map(|((case, expected), actual)| CaseReport {
                id: case.id.clone(),
                split: case.split,
                cmd: case.cmd.clone(),
                verdict: judge(&expected, &actual),
                actual,
                expected,
            })
            .collect(),
    };
    if let Some(path) = &args.json {
        let mut text = serde_json::to_string_pretty(&json::to_json(&report))?;
        text.push('\n');
        write_atomically(path, text.as_bytes())?;
    }
    if let Some(path) = &args.junit {
        write_atomically(path, junit::to_junit(&report).as_bytes())?;
    }
    print!("{}", terminal::render(&report));
    Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILED) })
}
