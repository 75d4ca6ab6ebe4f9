//! Runs a set of cases through the sandbox, in parallel, with results in case order.

use std::collections::BTreeMap;

use crate::error::{fail, Context, HostError, Result};
use crate::outcome::{FileChanges, Outcome, Termination};
use crate::parallel;
use crate::sandbox::{Limits, Program, Sandbox, Scratch};
use crate::shell::run::{Resolve, Shell};
use crate::task::{Case, CaseId, Task, Tools};

/// The modules a task's command names run: its program (the reference or a candidate) and
/// the guest tools.
pub struct Programs<'a> {
    task: &'a Task,
    program: &'a Program,
    /// Loaded only when some tool may run.
    tools: Option<Program>,
    /// Which tools may run.
    reach: Tools,
}

impl<'a> Programs<'a> {
    /// What cases run: `program` under the task's program name, and the tools the task declares.
    pub fn for_cases(sandbox: &Sandbox, task: &'a Task, program: &'a Program) -> Result<Self> {
        let tools = if task.tools.is_empty() { None } else { Some(crate::tools::load(sandbox)?) };
        Ok(Programs { task, program, tools, reach: Tools::Declared })
    }

    /// The program alone, without tools: what `mirror exec` runs.
    pub fn alone(task: &'a Task, program: &'a Program) -> Self {
        Programs { task, program, tools: None, reach: Tools::Declared }
    }

    /// What a person probing a program may run: `program` and every tool, from `tools`
    /// (see [`crate::tools::load`]).
    pub fn with_every_tool(task: &'a Task, program: &'a Program, tools: Program) -> Self {
        Programs { task, program, tools: Some(tools), reach: Tools::Every }
    }

    /// The task whose command lines these programs run.
    pub fn task(&self) -> &'a Task {
        self.task
    }

    /// The module under the task's program name.
    pub fn program(&self) -> &'a Program {
        self.program
    }

    /// A shell that runs lines with these programs in `scratch`, in the environment `env`.
    pub fn shell<'s>(
        &'s self,
        sandbox: &'s Sandbox,
        scratch: &'s mut Scratch,
        env: &'s [(String, String)],
    ) -> Shell<'s> {
        let limits = &self.task.limits;
        let read_cap = scratch.read_back_cap(limits.file_bytes_written);
        Shell { sandbox, programs: self, env, limits, scratch: scratch.path(), read_cap }
    }
}

impl Resolve for Programs<'_> {
    fn resolve(&self, name: &str) -> Option<&Program> {
        if name == self.task.program {
            Some(self.program)
        } else if self.task.may_run(name, self.reach) {
            self.tools.as_ref()
        } else {
            None
        }
    }
}

/// Runs one case in `scratch`, which is emptied and given the case's inputs first.
///
/// The case was checked when it was read, so what fails here is the host (the scratch
/// directory, the disk): a host error naming the case.
pub fn run_case(sandbox: &Sandbox, programs: &Programs<'_>, case: &Case, scratch: &mut Scratch) -> Result<Outcome> {
    let name = || format!("case {}", case.name());
    scratch.prepare(&case.files).with_context(name)?;
    let run = programs
        .shell(sandbox, scratch, &case.env)
        .run(&case.script, &case.stdin)
        .map_err(|err| HostError::new(name(), err))?;
    let (termination, files) = read_back(scratch, &programs.task.limits, run.termination)
        .with_context(|| format!("case {}: cannot read back its files", case.name()))?;
    Ok(Outcome { termination: termination.into(), stdout: run.stdout, stderr: run.stderr, files, fuel: run.fuel_used })
}

/// What a run that ended with `termination` left in `scratch`, read back within `limits`:
/// more than a run may leave (hard links, say) ends it as over its limit.
pub fn read_back(
    scratch: &mut Scratch,
    limits: &Limits,
    termination: Termination,
) -> Result<(Termination, FileChanges)> {
    let cap = scratch.read_back_cap(limits.file_bytes_written);
    Ok(match scratch.changes(cap)? {
        Some(files) => (termination, files),
        None => (Termination::FilesExceeded, FileChanges::default()),
    })
}

/// Runs every case on up to `jobs` threads, each with a scratch directory of its own. The
/// outcomes are in `cases` order and do not depend on `jobs`.
pub fn run_cases(sandbox: &Sandbox, programs: &Programs<'_>, cases: &[Case], jobs: usize) -> Result<Vec<Outcome>> {
    parallel::map_with(
        cases,
        jobs,
        || Ok(Scratch::new(&BTreeMap::new())?),
        |scratch, case| run_case(sandbox, programs, case, scratch),
    )
}

/// Loads the task's reference module, or `replacement` (a rebuild, say) in its place.
///
/// The task's own module must match its pinned SHA-256; a replacement is taken as it is,
/// since goldens record behaviour, not bytes.
pub fn load_reference(sandbox: &Sandbox, task: &Task, replacement: Option<&std::path::Path>) -> Result<Program> {
    let path = match replacement {
        Some(path) => path,
        None => task.reference.module()?,
    };
    let program = match replacement {
        Some(path) => load_module(sandbox, path),
        None => task
            .read_reference()
            .and_then(|bytes| sandbox.load_bytes(&bytes).with_context(|| format!("module {}", path.display()))),
    }
    .with_context(|| format!("reference of task {}", task.name))?;
    if replacement.is_none() && program.sha256() != task.reference.sha256 {
        fail!(
            Invalid,
            "reference module {} has sha256 {}, but task.toml pins {}",
            path.display(),
            program.sha256(),
            task.reference.sha256
        );
    }
    Ok(program)
}

/// Reads, compiles (or loads from cache) and links the module at `path`. It must be a
/// regular file: a FIFO or a device such as `/dev/zero` is refused, not read.
pub fn load_module(sandbox: &Sandbox, path: &std::path::Path) -> Result<Program> {
    let bytes = crate::files::read_given(path).context("cannot read module")?;
    sandbox.load_bytes(&bytes).with_context(|| format!("module {}", path.display()))
}
