//! A scored run as it happens: the [`Event`]s the engine emits, the [`Reporter`]s that
//! consume them, and [`JsonLines`], the stream of one JSON object per event.
//!
//! ```text
//! {"event":"run-started","task":"textstat","cases":40,"jobs":2}
//! {"event":"case-finished","index":0,"case":{"id":"count-one","split":"visible","verdict":"pass",...}}
//! {"event":"run-finished","task":"textstat","passed":false,"digest":"...","totals":{...},"seconds":0.41}
//! ```
//!
//! Cases come in case order (split, then id), each as soon as it and every case before it
//! have finished; a `case` object is what the JSON report holds for that case.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use super::json::{case_json, CaseJson, TotalsJson};
use super::{CaseReport, Report};
use crate::error::{HostError, Result};

/// What happened in a scored run.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// The run begins: `cases` cases of `task` on `jobs` threads.
    RunStarted {
        /// The task's name.
        task: &'a str,
        /// How many cases will run.
        cases: usize,
        /// How many run at once.
        jobs: usize,
    },
    /// A case was judged; `index` counts the cases before it.
    CaseFinished {
        /// Its place in the run, counting from 0.
        index: usize,
        /// Its result.
        case: &'a CaseReport,
    },
    /// Every case was judged.
    RunFinished {
        /// The whole run.
        report: &'a Report,
        /// How long it took.
        elapsed: Duration,
        /// How many cases ran at once.
        jobs: usize,
    },
}

/// Something that shows or saves a run from its events. Events come one at a time, in
/// order, from whichever thread finished a case.
pub trait Reporter: Send {
    /// Takes one event; an error ends the run.
    fn report(&mut self, event: &Event<'_>) -> Result<()>;
}

/// Writes each event as one line of JSON to `out`, flushed at once, so that a reader sees a
/// case as soon as it is judged.
pub struct JsonLines<W> {
    out: W,
    /// Names `out` in errors.
    name: String,
}

impl<W: Write + Send> JsonLines<W> {
    /// A stream to `out`; `name` says what it is in errors (a file's path, say).
    pub fn new(out: W, name: impl Into<String>) -> Self {
        JsonLines { out, name: name.into() }
    }
}

#[derive(Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
enum EventJson<'a> {
    RunStarted { task: &'a str, cases: usize, jobs: usize },
    CaseFinished { index: usize, case: CaseJson },
    RunFinished { task: &'a str, passed: bool, digest: String, totals: TotalsJson, seconds: f64 },
}

impl<W: Write + Send> Reporter for JsonLines<W> {
    fn report(&mut self, event: &Event<'_>) -> Result<()> {
        let json = match *event {
            Event::RunStarted { task, cases, jobs } => EventJson::RunStarted { task, cases, jobs },
            Event::CaseFinished { index, case } => EventJson::CaseFinished { index, case: case_json(case)? },
            Event::RunFinished { report, elapsed, .. } => EventJson::RunFinished {
                task: &report.task,
                passed: report.passed(),
                digest: report.digest(),
                totals: report.totals(|_| true).into(),
                seconds: elapsed.as_secs_f64(),
            },
        };
        let mut line = serde_json::to_vec(&json)?;
        line.push(b'\n');
        self.out
            .write_all(&line)
            .and_then(|()| self.out.flush())
            .map_err(|err| HostError::io(format!("cannot write events to {}", self.name), err))?;
        Ok(())
    }
}
