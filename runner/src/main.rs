//! The `mirror` command line.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Exit status after an interrupt, as shells report SIGINT.
const EXIT_INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    // An interrupt skips destructors: remove the scratch directories before exiting.
    let _ = ctrlc::set_handler(|| {
        mirror::sandbox::remove_all_scratch_dirs();
        std::process::exit(EXIT_INTERRUPTED);
    });
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mirror: error: {err:#}");
            ExitCode::from(cli::EXIT_INPUT_ERROR)
        }
    }
}
