//! How a scored run is shown and saved: the terminal view, JSON, JUnit, GitHub annotations,
//! and the progress bar while it runs.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
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

    /// A progress bar for `total` cases, drawn on a terminal's stderr once a run has taken
    /// more than a second (short runs stay quiet).
    pub fn progress(&self, total: usize) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} cases {msg}")
                .expect("a valid template"),
        );
        let wanted = !self.quiet && std::io::stderr().is_terminal();
        Progress { bar, started: Instant::now(), wanted }
    }

    /// Saves and shows `report`; exit 0 when every case passed (or with `--exit-zero`), else 1.
    pub fn emit(&self, report: &Report, timing: Option<(Duration, usize)>) -> Result<ExitCode> {
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
        write_stdout(shown.as_bytes())?;
        Ok(if report.passed() || self.exit_zero { ExitCode::SUCCESS } else { ExitCode::from(EXIT_FAILED) })
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

    /// Removes the bar and says how long the run took.
    pub fn finish(self) -> Duration {
        self.bar.finish_and_clear();
        self.started.elapsed()
    }
}
