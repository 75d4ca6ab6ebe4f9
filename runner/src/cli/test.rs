//! `mirror test`: score a candidate module against a task's goldens.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use mirror::engine::{score, Candidate, Scoring};
use mirror::error::Error;
use mirror::report::listed;
use mirror::select::{select, ShardSpec, COMPLETION_INDEX_VAR};
use mirror::task::{Split, Task};

use super::build::BuildFlags;
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
  mirror test textstat --candidate my.wasm --shard job/4 --json shard.json   (in a Kubernetes Indexed Job)
  mirror test textstat --candidate examples/textstat-partial
  mirror test --candidate .          (inside a workspace made by `mirror workspace`)")]
pub struct TestArgs {
    /// Task name under tasks-wasm/, or a path to a task directory [default: the working directory]
    #[arg(default_value = ".")]
    task: String,
    /// The candidate: a wasm32-wasip1 command module, or a source directory to build first
    /// (Rust, Go or C; built confined, and cached by a hash of the source)
    #[arg(long, value_name = "FILE.wasm|DIR")]
    candidate: PathBuf,
    /// Which cases to run
    #[arg(long, value_enum, default_value = "all")]
    split: SplitArg,
    /// Run only cases whose id or split/id matches GLOB (`*`, `?`); repeatable
    #[arg(long, value_name = "GLOB")]
    filter: Vec<String>,
    /// Run only shard I of N (I counts from 1); `job/N` takes shard $JOB_COMPLETION_INDEX + 1
    /// of N (a Kubernetes Indexed Job); `mirror merge` joins the shards' JSON reports
    #[arg(long, value_name = "I/N|job/N")]
    shard: Option<ShardSpec>,
    #[command(flatten)]
    build: BuildFlags,
    /// Stream the run to FILE as it goes, one JSON object a line: run-started, then
    /// case-finished for each case as it is judged (in case order), then run-finished
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    run: RunOptions,
}

pub fn test(args: TestArgs) -> Result<ExitCode> {
    let shard = args.shard.map(|spec| spec.resolve(std::env::var(COMPLETION_INDEX_VAR).ok().as_deref())).transpose()?;
    let task = Task::find(&args.task)?;
    let splits: &[Split] = match args.split {
        SplitArg::Visible => &[Split::Visible],
        SplitArg::Hidden => &[Split::Hidden],
        SplitArg::All => &Split::ALL,
    };
    let cases = select(&task, splits, &args.filter, shard)?;
    let cache = args.run.cache.open();
    let sandbox = mirror::sandbox::Sandbox::new(args.run.jobs(), cache.as_ref().map(mirror::cache::modules))?;
    let candidate = Candidate::prepare(&sandbox, &args.candidate, &args.build.options_for(&task), cache.as_ref())?;
    let scoring = Scoring {
        task: &task,
        cases: &cases,
        shard,
        jobs: args.run.jobs(),
        keep_outputs: args.report.wants_every_output() || args.events.is_some(),
    };
    let mut reporters = args.report.reporters(args.events.as_deref())?;
    let scored = score(&sandbox, &scoring, &candidate, &mut reporters);
    if scored.is_err() {
        reporters.abandon();
    }
    let report = scored.map_err(|err| match err {
        Error::Goldens(stale) => {
            anyhow!("goldens are not up to date; run `mirror record {}`:\n{}", args.task, listed(&stale.problems, "  "))
        }
        err => err.into(),
    })?;
    Ok(args.report.exit_code(&report))
}
