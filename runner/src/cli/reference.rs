//! `mirror reference` and `mirror fidelity`: a task's reference rebuilt from its recipe, and
//! compared with a native build of the same program.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use mirror::digest::sha256_hex;
use mirror::error::HostError;
use mirror::fidelity::{compare_native, Native};
use mirror::recipe::{Recipe, Target};
use mirror::task::Task;

use super::{CacheOptions, EXIT_FAILED};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror reference hexyl                 rebuild hexyl's reference and compare it with the pinned one
  mirror reference hexyl -o hexyl.wasm   and keep the rebuilt module")]
pub struct ReferenceArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// Copy the rebuilt module to FILE
    #[arg(short, long, value_name = "FILE.wasm")]
    output: Option<PathBuf>,
    #[command(flatten)]
    cache: CacheOptions,
}

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror fidelity hexyl
  mirror fidelity textstat -v")]
pub struct FidelityArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// List every differing case, not only the counts by cause
    #[arg(short, long)]
    verbose: bool,
    #[command(flatten)]
    cache: CacheOptions,
}

/// The task's recipe, and where its builds go.
fn recipe_of(task: &Task, cache: &CacheOptions) -> Result<(Recipe, PathBuf)> {
    let recipe =
        task.reference.build.clone().with_context(|| format!("task {} has no [reference.build] recipe", task.name))?;
    let work = match cache.root() {
        Some(root) => mirror::cache::references(&root),
        None => std::env::temp_dir().join("mirror-references"),
    };
    Ok((recipe, work))
}

pub fn reference(args: ReferenceArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let (recipe, work) = recipe_of(&task, &args.cache)?;
    eprintln!("building {} for wasm32-wasip1 ...", recipe.describe());
    let started = std::time::Instant::now();
    let built = recipe.build(Target::Wasi, &task.dir, &work)?;
    let sha = sha256_hex(&std::fs::read(&built)?);
    if let Some(output) = &args.output {
        std::fs::copy(&built, output).with_context(|| format!("cannot write {}", output.display()))?;
    }
    outln!("built {} in {:.1}s: sha256 {sha}", built.display(), started.elapsed().as_secs_f64());
    if sha == task.reference.sha256 {
        outln!("{}: the rebuild is byte for byte the pinned reference", task.name);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{}: the rebuild differs from the pinned reference ({}); goldens record behaviour, so check it with\n  \
         mirror record {} --check --reference {}",
        task.name,
        task.reference.sha256,
        task.name,
        args.output.as_ref().unwrap_or(&built).display()
    );
    Ok(ExitCode::from(EXIT_FAILED))
}

pub fn fidelity(args: FidelityArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let (recipe, work) = recipe_of(&task, &args.cache)?;
    eprintln!("building {} for this machine ...", recipe.describe());
    let native = recipe.build(Target::Native, &task.dir, &work)?;
    // The program runs under its own name, as command lines write it.
    let bin_dir = tempfile::tempdir().map_err(|err| HostError::io("cannot create a temporary directory", err))?;
    let named = bin_dir.path().join(&task.program);
    std::fs::copy(&native, &named).map_err(|err| HostError::io(format!("cannot copy {}", native.display()), err))?;
    let fidelity = compare_native(&Native { task: &task, bin_dir: bin_dir.path() }, mirror::engine::default_jobs())?;
    for (cause, names) in &fidelity.causes {
        outln!("{:>4} differ by {}", names.len(), cause.describe());
        if args.verbose {
            for name in names {
                outln!("       {name}");
            }
        }
    }
    let matching = fidelity.cases - fidelity.differing();
    outln!(
        "{}: the WASI reference matches the native build on {matching} of {} cases ({:.1}%)",
        task.name,
        fidelity.cases,
        100.0 * matching as f64 / fidelity.cases as f64
    );
    Ok(ExitCode::SUCCESS)
}
