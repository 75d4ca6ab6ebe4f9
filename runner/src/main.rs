//! The `mirror` command line.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Exit status after an interrupt, as shells report SIGINT.
const EXIT_INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    // SIGINT, SIGTERM and SIGHUP skip destructors: remove the scratch directories (and the
    // oracle's socket) before exiting. Stopping is how a server ends, so that exits 0.
    let _ = ctrlc::set_handler(|| {
        mirror::sandbox::remove_all_scratch_dirs();
        #[cfg(unix)]
        if mirror::oracle::server::stop() {
            eprintln!("mirror serve: stopped");
            std::process::exit(0);
        }
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
