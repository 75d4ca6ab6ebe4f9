//! Probes: the reference run on inputs of someone's choosing, as `mirror exec` and `mirror sh`
//! run it on the command line and as the oracle runs it for an agent's requests.
//!
//! A probe is checked when it is made ([`Probe::exec`], [`Probe::sh`]): what is wrong with it
//! is the asker's doing and the error says so without naming anything of the host. What goes
//! wrong when it runs is the host's.

use std::collections::BTreeMap;

use crate::error::{fail, Context, HostError, Result};
use crate::outcome::Outcome;
use crate::sandbox::{Invocation, Sandbox, Scratch};
use crate::shell::Script;
use crate::suite::Programs;
use crate::task::{check_relative, Task, Tools};

/// What a probe runs.
#[derive(Clone, Debug)]
pub enum Command {
    /// The task's program with these arguments (`argv[0]`, the program's name, excluded).
    Exec(Vec<String>),
    /// A command line of the portable shell, with the program and every guest tool.
    Sh(Script),
}

/// One probe: a command, its stdin, and the files its scratch directory starts with.
#[derive(Clone, Debug)]
pub struct Probe {
    /// What to run.
    pub command: Command,
    /// The program's stdin.
    pub stdin: Vec<u8>,
    /// Input files by relative `/`-separated path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Probe {
    /// Runs the task's program with `args`.
    pub fn exec(args: Vec<String>, stdin: Vec<u8>, files: BTreeMap<String, Vec<u8>>) -> Result<Probe> {
        if let Some(arg) = args.iter().find(|arg| arg.contains('\0')) {
            fail!(Usage, "argument {arg:?} holds a NUL byte, which no program can receive");
        }
        Probe::checked(Command::Exec(args), stdin, files)
    }

    /// Runs the command line `line`, whose commands must be `task`'s program or guest tools.
    pub fn sh(line: &str, task: &Task, stdin: Vec<u8>, files: BTreeMap<String, Vec<u8>>) -> Result<Probe> {
        if line.contains('\0') {
            fail!(Usage, "the command line holds a NUL byte");
        }
        let script = crate::shell::parse(line).with_context(|| format!("cannot parse {line:?}"))?;
        if let Some(unknown) = task.first_unrunnable(&script, Tools::Every) {
            fail!(
                Usage,
                "`{unknown}` is neither the task's program `{}` nor a guest tool (see `mirror tools`)",
                task.program
            );
        }
        Probe::checked(Command::Sh(script), stdin, files)
    }

    fn checked(command: Command, stdin: Vec<u8>, files: BTreeMap<String, Vec<u8>>) -> Result<Probe> {
        for name in files.keys() {
            check_relative(name)?;
        }
        Ok(Probe { command, stdin, files })
    }

    /// Runs the probe in `scratch` (emptied and given the probe's files first) with
    /// `programs`, which must offer every guest tool ([`Programs::with_every_tool`]).
    pub fn run(&self, sandbox: &Sandbox, programs: &Programs<'_>, scratch: &mut Scratch) -> Result<Outcome> {
        // The probe was checked when it was made: what fails now is the host.
        self.run_checked(sandbox, programs, scratch).map_err(|err| HostError::new("the probe", err).into())
    }

    fn run_checked(&self, sandbox: &Sandbox, programs: &Programs<'_>, scratch: &mut Scratch) -> Result<Outcome> {
        scratch.prepare(&self.files)?;
        let task = programs.task();
        let run = match &self.command {
            Command::Exec(args) => {
                let argv: Vec<String> = std::iter::once(task.program.clone()).chain(args.iter().cloned()).collect();
                let invocation = Invocation {
                    args: &argv,
                    env: &task.env,
                    stdin: &self.stdin,
                    stderr_joins_stdout: false,
                    limits: &task.limits,
                };
                sandbox.run(programs.program(), &invocation, scratch.path())?
            }
            Command::Sh(script) => programs.shell(sandbox, scratch, &task.env).run(script, &self.stdin)?,
        };
        let (termination, files) = crate::suite::read_back(scratch, &task.limits, run.termination)
            .context("cannot read back the files the probe left")?;
        Ok(Outcome {
            termination: termination.into(),
            stdout: run.stdout,
            stderr: run.stderr,
            files,
            fuel: run.fuel_used,
        })
    }
}
