//! `mirror build`: compile a candidate's source to a wasm32-wasip1 module.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use mirror::build::{build, detect, Build};
use mirror::report::printable;

use super::EXIT_FAILED;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror build examples/textstat-partial -o partial.wasm
  mirror build my-go-port --program textstat")]
pub struct BuildArgs {
    /// The source directory: a Cargo package, a Go module, or C sources with or without a Makefile
    dir: PathBuf,
    /// Where to write the module [default: DIR's name with `.wasm`, in the working directory]
    #[arg(short, long, value_name = "OUT.wasm")]
    output: Option<PathBuf>,
    /// The binary to build when a Cargo package has several
    #[arg(long, value_name = "NAME")]
    program: Option<String>,
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
    eprintln!("building {} ({}) ...", args.dir.display(), language.name());
    match build(&args.dir, language, args.program.as_deref(), &output)? {
        Build::Built { module, log } => {
            eprint!("{}", printable(&log));
            outln!("built {}", module.display());
            Ok(ExitCode::SUCCESS)
        }
        Build::Failed { log } => {
            eprint!("{}", printable(&log));
            eprintln!("mirror: the build of {} failed", args.dir.display());
            Ok(ExitCode::from(EXIT_FAILED))
        }
    }
}
