//! The `mirror` command line.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mirror: error: {err:#}");
            ExitCode::from(cli::EXIT_INPUT_ERROR)
        }
    }
}
