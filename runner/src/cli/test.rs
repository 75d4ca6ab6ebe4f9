//! `mirror test`: score a candidate module against a task's goldens.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{bail, Context, Result};
use mirror::build::{build, build_cached, detect, Build};
use mirror::outcome::Outcome;
use mirror::parallel;
use mirror::report::{listed, CaseInfo, CaseReport, Report};
use mirror::sandbox::Scratch;
use mirror::select::{matches_filter, ShardSpec, COMPLETION_INDEX_VAR};
use mirror::suite::{run_case, Programs};
use mirror::task::{Case, CaseFile, Golden, Split, Task};

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
    // Cases are read as they run, so that memory does not grow with their number.
    let mut cases = task.case_files(splits)?;
    cases.retain(|case| matches_filter(case, &args.filter));
    if cases.is_empty() && !args.filter.is_empty() {
        bail!("no case of task {} matches --filter {}", task.name, args.filter.join(" "));
    }
    if let Some(shard) = shard {
        cases.retain(|case| shard.contains(&case.id));
    }
    let cache = args.run.cache.open();
    let sandbox = mirror::sandbox::Sandbox::new(args.run.jobs(), cache.as_ref().map(mirror::cache::modules))?;
    let (candidate, build_log) = if args.candidate.is_dir() {
        let options = args.build.options_for(&task);
        let built = match &cache {
            Some(cache) => build_cached(&args.candidate, &options, &mirror::cache::builds(cache))?,
            None => build(&args.candidate, detect(&args.candidate)?, &options)?,
        };
        match built {
            Build::Built { wasm, log } => {
                let module =
                    sandbox.load_bytes(&wasm).with_context(|| format!("the build of {}", args.candidate.display()))?;
                (Some(module), Some(log))
            }
            Build::Failed { log } => (None, Some(log)),
        }
    } else {
        (Some(mirror::suite::load_module(&sandbox, &args.candidate)?), None)
    };
    let programs = candidate.as_ref().map(|candidate| Programs::for_cases(&sandbox, &task, candidate)).transpose()?;
    // A JSON report holds every case's outputs; other reports only those of failures.
    let keep_outputs = args.report.wants_every_output();
    let progress = args.report.progress(cases.len());
    let mut reports = Vec::with_capacity(cases.len());
    let mut unusable = Vec::new();
    let stale = AtomicBool::new(false);
    let judged = parallel::for_each_in_order(
        &cases,
        args.run.jobs(),
        || Ok(Scratch::new(&BTreeMap::new())?),
        |scratch, file| {
            // Once a golden is unusable the run ends in an error, so later cases are only
            // checked, to name every golden that needs recording.
            let run = !stale.load(Ordering::Relaxed);
            let judged = judge_case(&task, file, keep_outputs, run, |case| match &programs {
                Some(programs) => run_case(&sandbox, programs, case, scratch),
                None => Ok(Outcome::not_built()),
            })?;
            if matches!(judged, Judged::Unusable(_)) {
                stale.store(true, Ordering::Relaxed);
            }
            progress.tick();
            Ok(judged)
        },
        |judged| {
            match judged {
                Judged::Report(report) => reports.push(report),
                Judged::Unusable(problem) => unusable.push(problem),
                Judged::Skipped => {}
            }
            Ok(())
        },
    );
    let elapsed = progress.finish();
    judged?;
    if !unusable.is_empty() {
        bail!("goldens are not up to date; run `mirror record {}`:\n{}", args.task, listed(&unusable, "  "));
    }
    let report = Report {
        task: task.name.clone(),
        candidate: args.candidate.display().to_string(),
        candidate_sha256: candidate.as_ref().map(|c| c.sha256().to_string()).unwrap_or_default(),
        reference_sha256: task.reference.sha256.clone(),
        build_log,
        shard,
        compare: task.compare,
        cases: reports,
    };
    args.report.emit(&report, Some((elapsed, args.run.jobs())))
}

/// One case's result, or why it has none.
enum Judged {
    Report(CaseReport),
    /// The case has no golden, or one recorded for other inputs; it did not run.
    Unusable(String),
    /// The golden is usable, but the case did not run: the run is ending in an error.
    Skipped,
}

/// Reads `file`'s case and golden, then, if `run_it`, runs the case with `run` and judges
/// it; its outputs are kept for the report if `keep_outputs` or if it failed.
fn judge_case(
    task: &Task,
    file: &CaseFile,
    keep_outputs: bool,
    run_it: bool,
    run: impl FnOnce(&Case) -> Result<Outcome>,
) -> Result<Judged> {
    let case = file.load(task)?;
    let expected = match Golden::load(task, &case.golden_path())? {
        None => return Ok(Judged::Unusable(format!("{}: no golden", case.name()))),
        Some(golden) if golden.inputs_sha256 != case.inputs_sha256 => {
            let problem = format!("{}: stale golden (the case changed since it was recorded)", case.name());
            return Ok(Judged::Unusable(problem));
        }
        Some(golden) => golden,
    };
    if !run_it {
        return Ok(Judged::Skipped);
    }
    let actual = run(&case)?;
    let info = CaseInfo {
        id: case.id,
        split: case.split,
        file: case.path.display().to_string(),
        cmd: case.cmd,
        duals: case.duals,
    };
    Ok(Judged::Report(CaseReport::new(info, actual, expected, &task.compare, keep_outputs)))
}
