//! `mirror test`: score a candidate module against a task's goldens.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use mirror::build::{build_cached, Build};
use mirror::outcome::Outcome;
use mirror::report::{CaseReport, Report};
use mirror::select::{matches_filter, Shard};
use mirror::suite::{run_cases, Programs};
use mirror::task::{Golden, Split, Task};
use mirror::verdict::judge;

use super::output::ReportArgs;
use super::RunOptions;

#[derive(Clone, Copy, clap::ValueEnum)]
enum SplitArg {
    Visible,
    Hidden,
    All,
}

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror test textstat --candidate my.wasm
  mirror test textstat --candidate my.wasm --split visible --filter 'freq-*' -v
  mirror test textstat --candidate my.wasm --shard 2/4 --json shard-2.json
  mirror test textstat --candidate examples/textstat-partial
  mirror test --candidate .          (inside a workspace made by `mirror workspace`)")]
pub struct TestArgs {
    /// Task name under tasks-wasm/, or a path to a task directory [default: the working directory]
    #[arg(default_value = ".")]
    task: String,
    /// The candidate: a wasm32-wasip1 command module, or a source directory to build first
    /// (Rust, Go or C; builds are cached by a hash of the source)
    #[arg(long, value_name = "FILE.wasm|DIR")]
    candidate: PathBuf,
    /// Which cases to run
    #[arg(long, value_enum, default_value = "all")]
    split: SplitArg,
    /// Run only cases whose id or split/id matches GLOB (`*`, `?`); repeatable
    #[arg(long, value_name = "GLOB")]
    filter: Vec<String>,
    /// Run only shard I of N (I counts from 1); `mirror merge` joins the shards' JSON reports
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    #[command(flatten)]
    report: ReportArgs,
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
    let mut cases = task.cases(splits)?;
    cases.retain(|case| matches_filter(case, &args.filter));
    if cases.is_empty() && !args.filter.is_empty() {
        bail!("no case of task {} matches --filter {}", task.name, args.filter.join(" "));
    }
    if let Some(shard) = args.shard {
        cases.retain(|case| shard.contains(&case.id));
    }
    let loaded = mirror::parallel::map(&cases, args.run.jobs(), |case| Golden::load(&case.golden_path()))?;
    let mut goldens = Vec::new();
    let mut unusable = Vec::new();
    for (case, golden) in cases.iter().zip(loaded) {
        match golden {
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
    // Where a build goes when nothing is cached; held until the run ends.
    let mut uncached_builds = None;
    let (module, build_log) = if args.candidate.is_dir() {
        let builds = match args.run.cache.root() {
            Some(root) => mirror::cache::builds(&root),
            None => uncached_builds.insert(tempfile::tempdir()?).path().to_path_buf(),
        };
        match build_cached(&args.candidate, Some(&task.program), &builds)? {
            Build::Built { module, log } => (Some(module), Some(log)),
            Build::Failed { log } => (None, Some(log)),
        }
    } else {
        (Some(args.candidate.clone()), None)
    };
    let progress = args.report.progress(cases.len());
    let (candidate_sha256, outcomes) = match &module {
        Some(module) => {
            let candidate = sandbox.load(module)?;
            let programs = Programs::for_cases(&sandbox, &task, &candidate)?;
            let outcomes = run_cases(&sandbox, &programs, &cases, args.run.jobs(), &|_, _| progress.tick())?;
            (candidate.sha256().to_string(), outcomes)
        }
        None => (String::new(), cases.iter().map(|_| Outcome::not_built()).collect()),
    };
    let elapsed = progress.finish();
    let report = Report {
        task: task.name.clone(),
        candidate: args.candidate.display().to_string(),
        candidate_sha256,
        reference_sha256: task.reference.sha256.clone(),
        build_log,
        shard: args.shard,
        cases: cases
            .iter()
            .zip(goldens)
            .zip(outcomes)
            .map(|((case, expected), actual)| CaseReport {
                id: case.id.clone(),
                split: case.split,
                file: case.path.display().to_string(),
                cmd: case.cmd.clone(),
                verdict: judge(&expected, &actual),
                actual,
                expected,
            })
            .collect(),
    };
    args.report.emit(&report, Some((elapsed, args.run.jobs())))
}
