//! How a scored run is shown and saved: the terminal view, JSON, JUnit, GitHub annotations,
//! and the progress bar while it runs.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mirror::error::HostError;
use mirror::report::events::{Event, JsonLines, Reporter};
use mirror::report::terminal::{Style, Verbosity};
use mirror::report::{github, json, junit, terminal, Report};

use super::{write_atomically, write_stdout, EXIT_FAILED};

/// When to colour the terminal view.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is unset
    Auto,
    Always,
    Never,
}

/// Where a report goes, and how much of it to show.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Write the report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the report as JUnit XML to FILE
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Show only the closing line
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Also show every passing case with its fuel
    #[arg(short, long)]
    verbose: bool,
    /// Colour the terminal view
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorChoice,
    /// Exit 0 even when cases fail (bad input still exits 2): for job runners, such as
    /// Kubernetes Jobs, that take any other status for a crash to retry
    #[arg(long)]
    exit_zero: bool,
}

impl ReportArgs {
    fn style(&self) -> Style {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        };
        let verbosity = match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        };
        Style { color, verbosity }
    }

    /// Whether some report asked for holds every case's outputs, not only the failures'.
    pub fn wants_every_output(&self) -> bool {
        self.json.is_some()
    }

    /// The reporters of a scored run: the progress bar, the events stream to `events` if
    /// asked for, then the reports and the terminal view once the run has finished.
    pub fn reporters(&self, events: Option<&Path>) -> Result<Reporters<'_>> {
        let events = match events {
            Some(path) => Some(EventsFile::create(path)?),
            None => None,
        };
        Ok(Reporters { progress: None, events, args: self })
    }

    /// A progress bar for `total` cases, drawn on a terminal's stderr once a run has taken
    /// more than a second (short runs stay quiet).
    fn progress(&self, total: usize) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} cases {msg}")
                .expect("a valid template"),
        );
        let wanted = !self.quiet && std::io::stderr().is_terminal();
        Progress { bar, started: Instant::now(), wanted }
    }

    /// Saves and shows `report`.
    pub fn emit(&self, report: &Report, timing: Option<(Duration, usize)>) -> mirror::error::Result<()> {
        if let Some(path) = &self.json {
            write_atomically(path, json::to_json(report)?.as_bytes())?;
        }
        if let Some(path) = &self.junit {
            write_atomically(path, junit::to_junit(report).as_bytes())?;
        }
        let mut shown = String::new();
        if github::enabled() {
            shown.push_str(&github::annotations(report));
        }
        shown.push_str(&terminal::render(report, self.style(), timing));
        write_stdout(shown.as_bytes())
    }

    /// Exit 0 when every case of `report` passed (or with `--exit-zero`), else 1.
    pub fn exit_code(&self, report: &Report) -> ExitCode {
        if report.passed() || self.exit_zero {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// The consumers of a scored run's events, in the order they get each.
pub struct Reporters<'a> {
    progress: Option<Progress>,
    events: Option<EventsFile>,
    args: &'a ReportArgs,
}

impl Reporter for Reporters<'_> {
    fn report(&mut self, event: &Event<'_>) -> mirror::error::Result<()> {
        match *event {
            Event::RunStarted { cases, .. } => self.progress = Some(self.args.progress(cases)),
            Event::CaseFinished { .. } => self.progress.iter().for_each(Progress::tick),
            Event::RunFinished { .. } => {
                if let Some(progress) = self.progress.take() {
                    progress.finish();
                }
            }
        }
        if let Some(events) = &mut self.events {
            events.stream.report(event)?;
        }
        if let Event::RunFinished { report, elapsed, jobs } = *event {
            self.args.emit(report, Some((elapsed, jobs)))?;
        }
        Ok(())
    }
}

impl Reporters<'_> {
    /// The run failed: an events file this run created is removed, so that bad input leaves
    /// nothing behind.
    pub fn abandon(self) {
        if let Some(EventsFile { created: Some(path), .. }) = self.events {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The `--events` stream.
struct EventsFile {
    stream: JsonLines<std::fs::File>,
    /// The file's path, when this run created it (not when it writes to a FIFO, a device or
    /// a file that was there).
    created: Option<PathBuf>,
}

impl EventsFile {
    fn create(path: &Path) -> Result<EventsFile> {
        let existed = std::fs::symlink_metadata(path).is_ok();
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .map_err(|err| HostError::write(path, err))?;
        let created = (!existed).then(|| path.to_path_buf());
        Ok(EventsFile { stream: JsonLines::new(file, path.display().to_string()), created })
    }
}

/// Counts finished cases while a run goes on.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    wanted: bool,
}

impl Progress {
    /// One more case finished.
    pub fn tick(&self) {
        if self.wanted && self.bar.is_hidden() && self.started.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
