//! `mirror serve`: the oracle, run by the benchmark author as a user the agent is not.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::RunOptions;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror serve textstat --socket /run/mirror/oracle.sock --socket-mode 0666 --log audit.jsonl
  mirror workspace textstat /home/agent/work --oracle /run/mirror/oracle.sock

Stop it with SIGTERM or Ctrl-C; it removes the socket. The protocol and the boundary's
threat model are in the README, section \"The agent boundary\".")]
pub struct ServeArgs {
    /// Tasks to serve: names under tasks-wasm/, or paths to task directories
    #[arg(required = true, value_name = "TASK")]
    tasks: Vec<String>,
    /// Where to listen: the path of a Unix domain socket to create
    #[arg(long, value_name = "PATH")]
    socket: PathBuf,
    /// Permission bits of the socket, in octal; whoever may write it may run requests
    #[arg(long, value_name = "OCTAL", default_value = "0600", value_parser = parse_mode)]
    socket_mode: u32,
    /// Append the audit log (one JSON line per request) to FILE [default: stderr]
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    #[command(flatten)]
    run: RunOptions,
}

fn parse_mode(text: &str) -> Result<u32, String> {
    u32::from_str_radix(text, 8)
        .ok()
        .filter(|mode| *mode <= 0o777)
        .ok_or_else(|| format!("{text:?} is not a permission mode in octal, such as 0600 or 0660"))
}

#[cfg(unix)]
pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    use anyhow::Context as _;
    use mirror::oracle::server::{serve, Options, Served};
    use mirror::suite::{load_reference, Programs};
    use mirror::task::Task;

    // Stopping is how a server ends: a signal removes its socket and exits 0.
    super::signals::on_signal(|| {
        if mirror::oracle::server::stop() {
            eprintln!("mirror serve: stopped");
            std::process::exit(0);
        }
    });
    let tasks = args.tasks.iter().map(|spec| Task::find(spec)).collect::<Result<Vec<_>, _>>()?;
    let sandbox = args.run.sandbox()?;
    let references = tasks.iter().map(|task| load_reference(&sandbox, task, None)).collect::<Result<Vec<_>, _>>()?;
    let tools = mirror::tools::load(&sandbox)?;
    let served = tasks
        .iter()
        .zip(&references)
        .map(|(task, reference)| {
            Served::new(Programs::with_every_tool(task, reference, tools.clone()))
                .with_context(|| format!("task {}", task.name))
        })
        .collect::<Result<Vec<_>>>()?;
    let audit: Box<dyn std::io::Write + Send> = match &args.log {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open the audit log {}", path.display()))?,
        ),
        None => Box::new(std::io::stderr()),
    };
    let options = Options {
        socket: args.socket,
        mode: args.socket_mode,
        jobs: args.run.jobs(),
        audit: mirror::oracle::Audit::new(audit),
    };
    serve(&sandbox, &served, options)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(unix))]
pub fn serve(_args: ServeArgs) -> Result<ExitCode> {
    anyhow::bail!("`mirror serve` needs Unix domain sockets, which this platform lacks")
}
