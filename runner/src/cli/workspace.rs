//! `mirror workspace`: what an agent under evaluation gets, MirrorCode-style.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use mirror::files::files_under;
use mirror::task::{Location, Split, Task};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  mirror workspace textstat /home/agent/work --oracle /run/mirror/oracle.sock
  cd /home/agent/work && mirror exec . -- --help && mirror test --candidate .
  mirror test textstat --candidate /home/agent/work   (scoring, from the task bundle)
  mirror workspace textstat /tmp/mine                  (local mode: not a boundary)")]
pub struct WorkspaceArgs {
    /// Task name under tasks-wasm/, or a path to a task directory
    task: String,
    /// The directory to create (it must not exist, or be empty)
    dir: PathBuf,
    /// The socket of the `mirror serve` that runs the reference for the agent, as the agent
    /// will reach it. Without it the workspace names the bundle's module: local mode, for an
    /// author's own use, which is not a boundary
    #[arg(long, value_name = "SOCKET")]
    oracle: Option<PathBuf>,
}

pub fn workspace(args: WorkspaceArgs) -> Result<ExitCode> {
    let task = Task::find(&args.task)?;
    let visible = task.cases(&[Split::Visible])?;
    let dir = &args.dir;
    if dir.exists()
        && std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?.next().is_some()
    {
        bail!("{} is not empty; a workspace starts in a new directory", dir.display());
    }
    // The reference stays where it is: the workspace names the oracle that runs it, or in
    // local mode the module itself, and holds no copy of its bytes.
    let location = match &args.oracle {
        Some(socket) => Location::Oracle(
            std::path::absolute(socket).with_context(|| format!("cannot resolve {}", socket.display()))?,
        ),
        None => {
            let module = task.reference.module()?;
            Location::Module(
                std::fs::canonicalize(module)
                    .with_context(|| format!("cannot find the reference module {}", module.display()))?,
            )
        }
    };
    // Every file is read before any is written, so that a bundle file refused leaves nothing.
    let mut copies = vec![(PathBuf::from("task.toml"), task_toml(&task, &location)?.into_bytes())];
    let docs = task.dir.join("docs");
    for relative in files_under(&docs, |_| false)? {
        copies.push((Path::new("docs").join(&relative), read(&task, &docs.join(&relative))?));
    }
    for case in &visible {
        let target = Path::new("tests/visible");
        copies.push((target.join(format!("{}.toml", case.id)), read(&task, &case.path)?));
        copies.push((target.join(mirror::task::golden_file_name(&case.id)), read(&task, &case.golden_path())?));
        for fixture in &case.fixtures {
            copies.push((Path::new("fixtures").join(fixture), read(&task, &task.fixtures_dir().join(fixture))?));
        }
    }
    copies.push((PathBuf::from("README.md"), readme(&task, visible.len(), &location).into_bytes()));
    std::fs::create_dir_all(dir.join("tests/visible")).with_context(|| format!("cannot create {}", dir.display()))?;
    for (relative, bytes) in copies {
        let to = dir.join(relative);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&to, bytes).with_context(|| format!("cannot write {}", to.display()))?;
    }
    outln!("created workspace {} for task {} with {} visible cases", dir.display(), task.name, visible.len());
    match &location {
        Location::Oracle(socket) => {
            outln!("its reference runs through the oracle at {}: start it with `mirror serve`", socket.display())
        }
        Location::Module(module) => outln!("note: {}", local_mode_warning(module)),
    }
    Ok(ExitCode::SUCCESS)
}

/// What local mode gives away.
fn local_mode_warning(module: &Path) -> String {
    format!(
        "local mode is not a boundary: task.toml names the reference module {},\n\
         so whoever uses this workspace can read it, and the task bundle's hidden cases beside it.\n\
         Give an agent under evaluation a workspace made with `--oracle SOCKET` instead.",
        module.display()
    )
}

/// The workspace's own task file: the task as it is, with the reference named by where it
/// runs.
fn task_toml(task: &Task, location: &Location) -> Result<String> {
    let mut reference = toml::Table::new();
    let (key, path) = match location {
        Location::Module(module) => ("module", module),
        Location::Oracle(socket) => ("oracle", socket),
    };
    reference.insert(key.into(), path.to_string_lossy().into_owned().into());
    reference.insert("sha256".into(), task.reference.sha256.clone().into());
    reference.insert("source".into(), "run it through `mirror exec` and `mirror sh`".into());
    let mut table = toml::Table::new();
    table.insert("name".into(), task.name.clone().into());
    table.insert("program".into(), task.program.clone().into());
    table.insert("description".into(), task.description.clone().into());
    table.insert("tools".into(), toml::Value::Array(task.tools.iter().map(|t| t.clone().into()).collect()));
    table.insert("reference".into(), reference.into());
    table.insert(
        "env".into(),
        toml::Value::Table(task.env.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect()),
    );
    table.insert("limits".into(), toml::Value::try_from(&task.limits)?);
    table.insert("compare".into(), toml::Value::try_from(task.compare)?);
    Ok(toml::to_string(&table)?)
}

fn readme(task: &Task, visible: usize, location: &Location) -> String {
    let program = &task.program;
    let mode = match location {
        Location::Oracle(_) => String::new(),
        Location::Module(module) => format!("\n**Note:** {}\n", local_mode_warning(module)),
    };
    format!(
        "# Workspace: {name}\n\n\
         Write a program that behaves exactly like `{program}`: the same stdout, stderr, exit status and\n\
         written files for every command line. `docs/` describes it; `tests/visible/` holds {visible} cases\n\
         (`<id>.toml`) with what `{program}` did (`<id>.golden.toml`). More cases, held out, score the result.\n\n\
         Run the real `{program}` (it is never copied here):\n\n\
         ```sh\n\
         mirror exec . -- --help\n\
         mirror sh . --fixtures '{program} --help | head -n 3'\n\
         ```\n\n\
         Write your program in this directory (a Cargo package with a binary named `{program}`, a Go module,\n\
         or C sources), then test it against the visible cases; Mirror builds it for wasm32-wasip1 first:\n\n\
         ```sh\n\
         mirror test --candidate .\n\
         ```\n{mode}",
        name = task.name
    )
}

/// A file of the task's bundle, read as every bundle file is (see `mirror::files`).
fn read(task: &Task, path: &Path) -> Result<Vec<u8>> {
    Ok(task.read_file(path).context("cannot copy into the workspace")?)
}
