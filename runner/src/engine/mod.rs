//! The engine: runs a task's cases, each in a scratch directory of its own, on up to `-j`
//! threads, and hands every case's result on in case order as soon as it is in.
//!
//! Every command that runs cases drives it: `mirror test` scores a candidate ([`score`]),
//! `mirror record` runs the reference to write goldens, `mirror fidelity` runs a native build.
//! What runs a case is a [`Runner`]; what a scored run shows or saves is a
//! [`Reporter`], fed the run's
//! [events](crate::report::events::Event): the progress bar, the terminal view, the JSON,
//! JUnit and JSON-lines reports and the GitHub annotations are all reporters.

mod candidate;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub use candidate::Candidate;

use crate::error::Result;
use crate::outcome::Outcome;
use crate::report::events::{Event, Reporter};
use crate::report::{CaseInfo, CaseReport, Report};
use crate::sandbox::{Sandbox, Scratch};
use crate::select::Shard;
use crate::suite::{run_case, Programs};
use crate::task::{Case, CaseFile, GoldenStatus, Task};

/// The default number of cases run at once: the machine's cores.
pub fn default_jobs() -> usize {
    crate::parallel::default_jobs()
}

/// What runs a case and gives its outcome.
pub trait Runner: Sync {
    /// What each thread keeps from one case to the next (a scratch directory, say).
    type State;

    /// A thread's state, made before its first case.
    fn state(&self) -> Result<Self::State>;

    /// Runs `case`.
    fn run(&self, state: &mut Self::State, case: &Case) -> Result<Outcome>;
}

/// Cases run in the sandbox with `programs`.
pub struct InSandbox<'a> {
    /// The sandbox that runs every command.
    pub sandbox: &'a Sandbox,
    /// The task's program and tools.
    pub programs: &'a Programs<'a>,
}

impl Runner for InSandbox<'_> {
    type State = Scratch;

    fn state(&self) -> Result<Scratch> {
        Ok(Scratch::new(&BTreeMap::new())?)
    }

    fn run(&self, scratch: &mut Scratch, case: &Case) -> Result<Outcome> {
        run_case(self.sandbox, self.programs, case, scratch)
    }
}

/// A candidate that did not build: every case ends as [`Outcome::not_built`].
pub struct NotBuilt;

impl Runner for NotBuilt {
    type State = ();

    fn state(&self) -> Result<()> {
        Ok(())
    }

    fn run(&self, _: &mut (), _: &Case) -> Result<Outcome> {
        Ok(Outcome::not_built())
    }
}

/// Which cases run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Every case runs, whatever its golden (recording).
    AnyGolden,
    /// A case is judged against its golden, so it must be current. Once one is not, the run
    /// will end in an error: later cases are only read and their goldens checked, so that
    /// the error names every golden that needs recording.
    CurrentGolden,
}

/// One case, read, with its golden's status and, if it ran, its outcome.
pub struct Ran {
    /// The case as read from its file.
    pub case: Case,
    /// Its golden.
    pub golden: GoldenStatus,
    /// What the run gave; `None` when the case did not run (see [`Needs::CurrentGolden`]).
    pub outcome: Option<Outcome>,
}

/// Reads each of `files`, checks its golden and runs it with `runner` on up to `jobs`
/// threads, handing each result to `sink` in `files` order as soon as it and every one before
/// it are in. Memory does not grow with the number of cases; the first error stops the run.
pub fn each_case<R: Runner>(
    task: &Task,
    files: &[CaseFile],
    jobs: usize,
    runner: &R,
    needs: Needs,
    sink: impl FnMut(Ran) -> Result<()> + Send,
) -> Result<()> {
    let unusable = AtomicBool::new(false);
    crate::parallel::for_each_in_order(
        files,
        jobs,
        || runner.state(),
        |state, file| {
            let case = file.load(task)?;
            let golden = GoldenStatus::of(task, &case)?;
            let usable = needs == Needs::AnyGolden || matches!(golden, GoldenStatus::Current(_));
            if !usable {
                unusable.store(true, Ordering::Relaxed);
            }
            let run = usable && !unusable.load(Ordering::Relaxed);
            let outcome = if run { Some(runner.run(state, &case)?) } else { None };
            Ok(Ran { case, golden, outcome })
        },
        sink,
    )
}

/// The goldens a scored run needs are missing or stale: nothing was judged.
#[derive(Debug, thiserror::Error)]
#[error("goldens are not up to date:\n{}", crate::report::listed(.problems, "  "))]
pub struct GoldensNotCurrent {
    /// One line per golden: `split/id: no golden`, or `split/id: stale golden (...)`.
    pub problems: Vec<String>,
}

/// A scored run: which cases of which task, and how.
pub struct Scoring<'a> {
    /// The task whose goldens judge the candidate.
    pub task: &'a Task,
    /// The cases to run, selected already (see [`crate::select::select`]).
    pub cases: &'a [CaseFile],
    /// The shard these cases are, if they are one.
    pub shard: Option<Shard>,
    /// Cases run at once.
    pub jobs: usize,
    /// Keep every case's outputs in its report, not only the failures' (a JSON report or a
    /// JSON-lines stream holds them all).
    pub keep_outputs: bool,
}

/// Runs `candidate` over the cases of `scoring`, judges each against its golden and tells
/// `reporter` of the run as it goes: [`Event::RunStarted`], one [`Event::CaseFinished`] per
/// case in case order, then [`Event::RunFinished`] with the whole report, which is returned.
///
/// Fails with [`GoldensNotCurrent`] when some case has no current golden.
pub fn score(
    sandbox: &Sandbox,
    scoring: &Scoring<'_>,
    candidate: &Candidate,
    reporter: &mut dyn Reporter,
) -> Result<Report> {
    let task = scoring.task;
    let started = Instant::now();
    reporter.report(&Event::RunStarted { task: &task.name, cases: scoring.cases.len(), jobs: scoring.jobs })?;
    let mut cases = Vec::with_capacity(scoring.cases.len());
    let mut problems = Vec::new();
    let sink = |ran: Ran| {
        let golden = match ran.golden.into_current(&ran.case) {
            Ok(golden) => golden,
            Err(problem) => {
                problems.push(problem);
                return Ok(());
            }
        };
        let Some(outcome) = ran.outcome else { return Ok(()) };
        let info = CaseInfo::of(&ran.case);
        let report = CaseReport::new(info, outcome, golden, &task.compare, scoring.keep_outputs);
        reporter.report(&Event::CaseFinished { index: cases.len(), case: &report })?;
        cases.push(report);
        Ok(())
    };
    let (files, jobs, needs) = (scoring.cases, scoring.jobs, Needs::CurrentGolden);
    match &candidate.programs(sandbox, task)? {
        Some(programs) => each_case(task, files, jobs, &InSandbox { sandbox, programs }, needs, sink)?,
        None => each_case(task, files, jobs, &NotBuilt, needs, sink)?,
    }
    if !problems.is_empty() {
        return Err(GoldensNotCurrent { problems }.into());
    }
    let report = Report {
        task: task.name.clone(),
        candidate: candidate.path.display().to_string(),
        candidate_sha256: candidate.sha256().to_string(),
        reference_sha256: task.reference.sha256.clone(),
        build_log: candidate.build_log.clone(),
        shard: scoring.shard,
        compare: task.compare,
        cases,
    };
    reporter.report(&Event::RunFinished { report: &report, elapsed: started.elapsed(), jobs: scoring.jobs })?;
    Ok(report)
}
