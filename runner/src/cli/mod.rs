//! Command-line parsing and the commands themselves.

mod build;
mod merge;
mod mirrorcode;
mod output;
mod probe;
mod record;
mod reference;
mod tasks;
mod test;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Exit status when some case failed or differed.
pub const EXIT_FAILED: u8 = 1;
/// Exit status for usage errors and bad input (clap uses 2 as well).
pub const EXIT_INPUT_ERROR: u8 = 2;

/// Run programs as WASI modules in a deterministic sandbox and score reimplementations
/// against the reference's recorded behaviour.
#[derive(Parser)]
#[command(name = "mirror", version, about, long_about = None, after_help = "\
Examples:
  mirror list
  mirror exec textstat -- --help
  printf 'a b a\\n' | mirror exec textstat -- --freq
  mirror sh textstat --fixtures 'textstat -f poem.txt | head -n 3'
  mirror record textstat --check
  mirror test textstat --candidate tasks-wasm/textstat/candidates/imperfect.wasm --json report.json
  mirror completions bash > ~/.local/share/bash-completion/completions/mirror")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the commands that run many cases.
#[derive(clap::Args)]
struct RunOptions {
    /// Cases to run at once [default: the number of cores]
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    cache: CacheOptions,
}

/// Where compiled modules are cached.
#[derive(clap::Args)]
struct CacheOptions {
    /// Cache directory for compiled modules and builds [default: $MIRROR_CACHE_DIR, else the user cache dir]
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile modules every run instead of caching them on disk
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
}

#[derive(Subcommand)]
enum Command {
    /// List the bundled tasks, one per line, name first
    List,
    /// Describe a task: program, reference, limits, docs and cases
    Show {
        /// Task name under tasks-wasm/, or a path to a task directory
        task: String,
    },
    /// Run the task's reference in the sandbox with ARGS; its stdout, stderr and exit status
    /// become mirror's own
    Exec(probe::ExecArgs),
    /// Run a command line in the portable shell, with the task's reference as its program and
    /// every guest tool available; its stdout, stderr and exit status become mirror's own
    Sh(probe::ShArgs),
    /// List the guest tools command lines can use besides a task's program
    Tools,
    /// Run the reference over every case and write the goldens
    Record(record::RecordArgs),
    /// Run a candidate module over a task's cases and print verdicts
    Test(test::TestArgs),
    /// Join the JSON reports of a run's shards into one, with the digest of the whole run
    Merge(merge::MergeArgs),
    /// Compile a candidate's source (Rust, Go or C) to a wasm32-wasip1 module
    Build(build::BuildArgs),
    /// Create the workspace an agent under evaluation gets: docs, visible cases, and the
    /// reference runnable through mirror, never copied
    Workspace(workspace::WorkspaceArgs),
    /// Rebuild a task's reference from its recipe and compare it with the pinned module
    Reference(reference::ReferenceArgs),
    /// Run a task's cases against a native build of its program and compare with the goldens
    Fidelity(reference::FidelityArgs),
    /// Make a task bundle from another harness's task data
    #[command(subcommand)]
    Import(mirrorcode::ImportFormat),
    /// Write a task as another harness's task data
    #[command(subcommand)]
    Export(mirrorcode::ExportFormat),
    /// Print a completion script for SHELL
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Runs the parsed command; the exit code it chose.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::List => tasks::list(),
        Command::Show { task } => tasks::show(&task),
        Command::Exec(args) => probe::exec(args),
        Command::Sh(args) => probe::sh(args),
        Command::Tools => tasks::tools(),
        Command::Record(args) => record::record(args),
        Command::Test(args) => test::test(args),
        Command::Merge(args) => merge::merge(args),
        Command::Build(args) => build::build_command(args),
        Command::Reference(args) => reference::reference(args),
        Command::Fidelity(args) => reference::fidelity(args),
        Command::Workspace(args) => workspace::workspace(args),
        Command::Import(format) => mirrorcode::import_command(format),
        Command::Export(format) => mirrorcode::export_command(format),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "mirror",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

impl RunOptions {
    fn jobs(&self) -> usize {
        self.jobs.unwrap_or_else(mirror::parallel::default_jobs).max(1)
    }

    fn sandbox(&self) -> Result<mirror::sandbox::Sandbox> {
        self.cache.sandbox(self.jobs())
    }
}

impl CacheOptions {
    /// The cache root, unless caching is off.
    fn root(&self) -> Option<PathBuf> {
        if self.no_cache {
            None
        } else {
            self.cache_dir.clone().or_else(mirror::cache::default_root)
        }
    }

    fn sandbox(&self, parallel_runs: usize) -> Result<mirror::sandbox::Sandbox> {
        mirror::sandbox::Sandbox::new(parallel_runs, self.root().map(|root| mirror::cache::modules(&root)))
    }
}

/// Writes `path` whole or not at all: a temporary file beside it, renamed into place.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use anyhow::Context as _;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut temp =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut temp, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
