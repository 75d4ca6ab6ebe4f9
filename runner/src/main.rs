//! The `mirror` command line.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cli::signals::install();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mirror: error: {}", mirror::report::printable(&format!("{err:#}")));
            ExitCode::from(cli::exit_status(&err))
        }
    }
}
