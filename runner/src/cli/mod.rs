//! Command-line parsing and the commands themselves.

/// `println!` for the commands, through [`write_stdout`]: a closed stdout is no panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format!("{}\n", format_args!($($arg)*)).as_bytes())?
    };
}

mod build;
mod merge;
mod mirrorcode;
mod output;
mod probe;
mod record;
mod reference;
mod serve;
pub mod signals;
mod tasks;
mod test;
mod workspace;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use mirror::error::{HostError, Kind};

/// Exit status when some case failed or differed.
pub const EXIT_FAILED: u8 = 1;
/// Exit status for usage errors and bad input (clap uses 2 as well).
pub const EXIT_INPUT_ERROR: u8 = 2;
/// Exit status when the machine failed Mirror: a disk full, a permission the host denies, a
/// file that cannot be written. Nothing is wrong with the task or the candidate.
pub const EXIT_HOST_ERROR: u8 = 3;

/// The exit status for a command that failed with `err`: by the kind of the first of the
/// library's errors in its chain, bad input when there is none.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    match err.chain().find_map(Kind::of).unwrap_or(Kind::Input) {
        Kind::Input => EXIT_INPUT_ERROR,
        Kind::Host => EXIT_HOST_ERROR,
    }
}
/// The most cases `-j` runs at once: each needs a memory slot reserved up front.
const MAX_JOBS: usize = 1024;

/// A `-j` count: 1 to [`MAX_JOBS`], whatever number of digits it is written with.
fn parse_jobs(text: &str) -> Result<usize, String> {
    let out_of_range = || format!("must be 1 to {MAX_JOBS}");
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("not a number; {}", out_of_range()));
    }
    match text.parse::<usize>() {
        Ok(jobs) if (1..=MAX_JOBS).contains(&jobs) => Ok(jobs),
        _ => Err(out_of_range()),
    }
}

/// Writes to standard output. A reader that has gone (`mirror list | head -1`) has all it
/// wanted: what follows is dropped, quietly, and the command still runs to its end and exit
/// status (a record still writes every golden, a test still reports its verdict).
pub fn write_stdout(bytes: &[u8]) -> mirror::error::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(HostError::io("cannot write to standard output", err).into())
        }
        _ => Ok(()),
    }
}

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
    /// Cases to run at once, 1 to 1024 [default: the number of cores]
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = parse_jobs)]
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
    /// Serve tasks' references on a Unix socket (the oracle): agents run them through it and
    /// never read them
    Serve(serve::ServeArgs),
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
        Command::Serve(args) => serve::serve(args),
        Command::Import(format) => mirrorcode::import_command(format),
        Command::Export(format) => mirrorcode::export_command(format),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "mirror", &mut script);
            write_stdout(&script)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

impl RunOptions {
    fn jobs(&self) -> usize {
        self.jobs.unwrap_or_else(mirror::engine::default_jobs).max(1)
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

    /// The cache with its key, unless caching is off or no key can be had (then this run
    /// caches nothing, and says why).
    fn open(&self) -> Option<mirror::cache::CacheDir> {
        let root = self.root()?;
        match mirror::cache::open(&root) {
            Ok(cache) => Some(cache),
            Err(err) => {
                eprintln!("mirror: warning: running without a cache: {}", err.chain());
                None
            }
        }
    }

    fn sandbox(&self, parallel_runs: usize) -> Result<mirror::sandbox::Sandbox> {
        Ok(mirror::sandbox::Sandbox::new(parallel_runs, self.open().map(|cache| mirror::cache::modules(&cache)))?)
    }
}

/// Writes `path` whole or not at all: a temporary file beside it, renamed into place. Only a
/// regular file (or nothing) is replaced so: anything else there, such as `/dev/null`, a
/// FIFO or a symlink to `/dev/stdout`, is written to as it is, never replaced.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> mirror::error::Result<()> {
    let failed = |err: std::io::Error| HostError::write(path, err);
    let replaceable = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata.is_file(),
        Err(err) => err.kind() == std::io::ErrorKind::NotFound,
    };
    if !replaceable {
        let mut file = std::fs::OpenOptions::new().write(true).truncate(true).open(path).map_err(failed)?;
        return Ok(file.write_all(bytes).map_err(failed)?);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|err| HostError::io(format!("cannot write in {}", dir.display()), err))?;
    temp.write_all(bytes).map_err(failed)?;
    temp.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}
