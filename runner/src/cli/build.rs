//! `mirror build`: compile a candidate's source to a wasm32-wasip1 module.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use mirror::build::{build, check_available, detect, Build, BuildLimits, BuildOptions, Confinement};
use mirror::report::printable;
use mirror::task::{Location, Task};

use super::EXIT_FAILED;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror build examples/textstat-partial -o partial.wasm
  mirror build my-go-port --program textstat
  mirror build my-port --trust-source      (your own code, where bubblewrap is unavailable)")]
pub struct BuildArgs {
    /// The source directory: a Cargo package, a Go module, or C sources with or without a Makefile
    dir: PathBuf,
    /// Where to write the module [default: DIR's name with `.wasm`, in the working directory]
    #[arg(short, long, value_name = "OUT.wasm")]
    output: Option<PathBuf>,
    /// The binary to build when a Cargo package has several
    #[arg(long, value_name = "NAME")]
    program: Option<String>,
    #[command(flatten)]
    flags: BuildFlags,
}

/// How candidate source is built: confined unless the user trusts it.
#[derive(clap::Args)]
pub struct BuildFlags {
    /// Build on this machine with your own rights instead of confined: only for source you trust
    #[arg(long)]
    trust_source: bool,
    /// Let the confined build use the network (to fetch dependencies)
    #[arg(long, conflicts_with = "trust_source")]
    build_network: bool,
}

impl BuildFlags {
    /// The build options these flags ask for, picking `program` among a package's binaries.
    pub fn options(&self, program: Option<String>) -> BuildOptions {
        let confinement = if self.trust_source {
            Confinement::Trusted
        } else {
            Confinement::Confined { network: self.build_network }
        };
        BuildOptions { confinement, limits: BuildLimits::default(), program }
    }

    /// The build options for a candidate of `task`. In a workspace whose reference is behind
    /// an oracle the source is the agent's own, built in the agent's own sandbox, and the
    /// workspace holds nothing secret: it is confined where bubblewrap works, and built on
    /// the host where it does not (an agent's container often allows no user namespaces).
    pub fn options_for(&self, task: &Task) -> BuildOptions {
        let mut options = self.options(Some(task.program.clone()));
        let own_code = matches!(task.reference.location, Location::Oracle(_));
        if own_code && options.confinement != Confinement::Trusted && check_available().is_err() {
            eprintln!("mirror: note: bubblewrap cannot confine builds here; building your own code on the host");
            options.confinement = Confinement::Trusted;
        }
        options
    }
}

pub fn build_command(args: BuildArgs) -> Result<ExitCode> {
    let language = detect(&args.dir)?;
    let output = match args.output {
        Some(output) => output,
        None => {
            let dir =
                std::fs::canonicalize(&args.dir).with_context(|| format!("cannot read {}", args.dir.display()))?;
            let name = dir.file_name().context("the source directory has no name")?.to_string_lossy().into_owned();
            PathBuf::from(format!("{name}.wasm"))
        }
    };
    let options = args.flags.options(args.program);
    eprintln!("building {} ({}, {}) ...", args.dir.display(), language.name(), options.confinement.name());
    match build(&args.dir, language, &options)? {
        Build::Built { wasm, log } => {
            eprint!("{}", printable(&log));
            super::write_atomically(&output, &wasm)?;
            outln!("built {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        Build::Failed { log } => {
            eprint!("{}", printable(&log));
            eprintln!("mirror: the build of {} failed", args.dir.display());
            Ok(ExitCode::from(EXIT_FAILED))
        }
    }
}
