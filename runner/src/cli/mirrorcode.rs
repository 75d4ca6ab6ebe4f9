//! `mirror import mirrorcode` and `mirror export mirrorcode`: MirrorCode's gold files in and out.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use mirror::mirrorcode::{export, gold, import};
use mirror::task::Task;

use super::{write_atomically, RunOptions};

/// Formats `import` reads.
#[derive(clap::Subcommand)]
pub enum ImportFormat {
    /// A MirrorCode gold file (`data/gold_outputs/<program>.jsonl`) as a new task bundle
    Mirrorcode(ImportArgs),
}

/// Formats `export` writes.
#[derive(clap::Subcommand)]
pub enum ExportFormat {
    /// A task as a MirrorCode gold file
    Mirrorcode(ExportArgs),
}

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror import mirrorcode choose.jsonl --program choose --reference choose.wasm -o tasks-wasm/choose-mc
  mirror import mirrorcode choose.jsonl --program choose --reference choose.wasm -o /tmp/mc --record
  mirror import mirrorcode choose.jsonl --program choose --reference choose.wasm -o /tmp/mc --json gold.json -v")]
pub struct ImportArgs {
    /// The gold file: one JSON row per case
    gold: PathBuf,
    /// The program's name, as the cases' command lines write it
    #[arg(long, value_name = "NAME")]
    program: String,
    /// The WASI reference (a wasm32-wasip1 command module) to pin in the bundle
    #[arg(long, value_name = "MODULE.wasm")]
    reference: PathBuf,
    /// The task directory to create (it must not exist)
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// The task's name [default: the program's]
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Record the goldens from the WASI reference instead of taking the gold file's
    #[arg(long)]
    record: bool,
    /// The fuel budget per case, instead of one derived from the reference's costliest case
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Write the reference's run against the gold file as a JSON report to FILE
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// List every row the reference does not reproduce, not only the first few of each cause
    #[arg(short, long)]
    verbose: bool,
    #[command(flatten)]
    run: RunOptions,
}

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror export mirrorcode choose -o choose.jsonl")]
pub struct ExportArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// The gold file to write
    #[arg(short, long, value_name = "GOLD.jsonl")]
    output: PathBuf,
}

pub fn import_command(format: ImportFormat) -> Result<ExitCode> {
    let ImportFormat::Mirrorcode(args) = format;
    let sandbox = args.run.sandbox()?;
    let options = import::Options {
        gold: &args.gold,
        program: &args.program,
        name: args.name.as_deref(),
        reference: &args.reference,
        out: &args.output,
        record: args.record,
        fuel: args.fuel,
        jobs: args.run.jobs(),
    };
    let imported = import::import(&sandbox, &options)?;
    let report = &imported.report;
    let count = |split| report.cases.iter().filter(|c| c.split == split).count();
    println!(
        "imported {} rows of {} into {}: {} visible, {} hidden",
        report.cases.len(),
        args.gold.display(),
        args.output.display(),
        count(mirror::task::Split::Visible),
        count(mirror::task::Split::Hidden)
    );
    let budget = &imported.budget;
    match (&budget.costliest, budget.given) {
        (_, true) => println!("fuel budget: {} (given)", budget.fuel),
        (Some((case, fuel)), false) => println!(
            "fuel budget: {} ({} times the reference's costliest case, {case} at {fuel}; at least {})",
            budget.fuel,
            mirror::mirrorcode::FUEL_HEADROOM,
            mirror::mirrorcode::FUEL_FLOOR
        ),
        (None, false) => println!("fuel budget: {} (no case exited, so the floor)", budget.fuel),
    }
    println!(
        "goldens: {}",
        if args.record { "recorded from the WASI reference" } else { "the gold file's, as recorded" }
    );
    const SHOWN: usize = 5;
    for (cause, names) in &imported.causes {
        println!("{:>5} differ by {}", names.len(), cause.describe());
        let shown = if args.verbose { names.len() } else { SHOWN.min(names.len()) };
        for name in &names[..shown] {
            println!("        {name}");
        }
        if shown < names.len() {
            println!("        ... and {} more (-v lists them)", names.len() - shown);
        }
    }
    let totals = report.totals(|_| true);
    let tolerant = report.cases.iter().filter(|c| c.verdict.passed() && !c.tolerated.is_empty()).count();
    println!(
        "the WASI reference reproduces {} of {} rows ({:.1}%) under MirrorCode's rules ({tolerant} only thanks to them)",
        totals.passed,
        totals.cases,
        100.0 * totals.passed as f64 / totals.cases.max(1) as f64
    );
    if let Some(path) = &args.json {
        write_atomically(path, mirror::report::json::to_json(report)?.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export_command(format: ExportFormat) -> Result<ExitCode> {
    let ExportFormat::Mirrorcode(args) = format;
    let task = Task::find(&args.task)?;
    let exported = export::export(&task)?;
    write_atomically(&args.output, gold::to_text(&exported.rows)?.as_bytes())?;
    println!("exported {} cases of {} to {}", exported.rows.len(), task.name, args.output.display());
    if !exported.skipped.is_empty() {
        println!("skipped {} that MirrorCode cannot express:", exported.skipped.len());
        for (name, reason) in &exported.skipped {
            println!("  {name}: {reason}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
