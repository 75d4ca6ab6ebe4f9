//! Runs a parsed [`Script`] in one scratch directory, one command at a time.
//!
//! - **Exit status**: a pipeline's status is its last command's (as in POSIX shells without
//!   `pipefail`); a line's status is that of the last pipeline it ran.
//! - **Stdin**: the case's stdin goes to the first command of the first pipeline; the first
//!   command of every later pipeline starts with an empty stdin.
//! - **Pipes**: each command runs to completion before the next starts, so a pipe holds all
//!   its writer's output (capped like stdout). A program that never stops writing ends the
//!   line with an output limit instead of being cut off by a closed pipe.
//! - **Output**: what reaches the line's stdout and stderr is kept in the order the commands
//!   ran. When one command's stdout and stderr go to the same place (`2>&1`, `>&2`), their
//!   bytes keep the order the program wrote them in.
//! - **Abnormal ends**: a command that traps or hits a limit ends the line there, with that
//!   termination.
//! - **Redirects** name files in the scratch directory and cannot leave it (symlinks that
//!   point out are refused). `/dev/null` is the one exception: it reads as empty and
//!   discards what is written to it. `>` truncates its file before the command runs, as a shell does.
//!   A redirect whose file cannot be opened prints `mirror: FILE: REASON` to the line's
//!   stderr, skips the command and gives status 1.

use std::io::{Read, Write};
use std::path::Path;

use cap_std::fs::{Dir, OpenOptions};

use super::{Command, Connector, Fd, Pipeline, Redirect, Script};
use crate::error::{Context, Error, Result};
use crate::outcome::{Stream, Termination};
use crate::sandbox::{portable_path, CaseFiles, Invocation, Limits, Program, RunOutput, Sandbox};

/// The one path outside the scratch directory a redirect may name.
const DEV_NULL: &str = "/dev/null";

/// Finds the module a command name runs.
pub trait Resolve: Sync {
    /// The module `name` runs; `None` when the line may not run it.
    fn resolve(&self, name: &str) -> Option<&Program>;
}

/// Runs lines: what their commands run with.
pub struct Shell<'a> {
    /// Runs each command.
    pub sandbox: &'a Sandbox,
    /// The program for each command name.
    pub programs: &'a dyn Resolve,
    /// The whole environment each command sees.
    pub env: &'a [(String, String)],
    /// The limits of each command.
    pub limits: &'a Limits,
    /// The scratch directory every command runs in.
    pub scratch: &'a Path,
    /// The most bytes a `<` redirect reads: more means the case's files went past what Mirror
    /// reads back ([`crate::sandbox::Scratch::read_back_cap`]).
    pub read_cap: u64,
}

/// Where one of a command's output streams goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sink {
    LineStdout,
    LineStderr,
    /// The next command of the pipeline.
    Pipe,
    /// `/dev/null`.
    Discard,
    /// A file in the scratch directory, opened (and truncated or not) when its redirect was
    /// read: an index into [`Line::files`]. As in a shell, the command writes to that open
    /// file even if it renames or removes the path meanwhile.
    File(usize),
}

/// The state of a line being run.
struct Line<'a> {
    context: &'a Shell<'a>,
    dir: Dir,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// What the current command wrote into its pipe.
    pipe: Vec<u8>,
    /// Files the current command's redirects opened.
    files: Vec<cap_std::fs::File>,
    /// The case's file state, lent to each command in turn.
    case: CaseFiles,
    fuel: u64,
}

impl Shell<'_> {
    /// Runs `script` with `stdin`: the line's output, how it ended, and the fuel of all its
    /// commands together.
    pub fn run(&self, script: &Script, stdin: &[u8]) -> Result<RunOutput> {
        let dir = Dir::open_ambient_dir(self.scratch, cap_std::ambient_authority())
            .with_context(|| format!("cannot open scratch directory {}", self.scratch.display()))?;
        let mut line = Line {
            context: self,
            dir,
            stdout: Vec::new(),
            stderr: Vec::new(),
            pipe: Vec::new(),
            files: Vec::new(),
            case: CaseFiles::new(self.limits),
            fuel: 0,
        };
        let termination = line.run(script, stdin)?;
        Ok(RunOutput { termination, stdout: line.stdout, stderr: line.stderr, fuel_used: line.fuel })
    }
}

impl Line<'_> {
    fn run(&mut self, script: &Script, stdin: &[u8]) -> Result<Termination> {
        let mut status = match self.run_pipeline(&script.first, stdin)? {
            Termination::Exited(status) => status,
            other => return Ok(other),
        };
        for (connector, pipeline) in &script.rest {
            let runs = match connector {
                Connector::Then => true,
                Connector::And => status == 0,
                Connector::Or => status != 0,
            };
            if runs {
                status = match self.run_pipeline(pipeline, &[])? {
                    Termination::Exited(status) => status,
                    other => return Ok(other),
                };
            }
        }
        Ok(Termination::Exited(status))
    }

    fn run_pipeline(&mut self, pipeline: &Pipeline, stdin: &[u8]) -> Result<Termination> {
        let mut input = stdin.to_vec();
        let mut termination = Termination::Exited(0);
        for (index, command) in pipeline.commands.iter().enumerate() {
            let last = index + 1 == pipeline.commands.len();
            let (ended, piped) = self.run_command(command, input, last)?;
            termination = ended;
            if !matches!(termination, Termination::Exited(_)) {
                break;
            }
            input = piped;
        }
        Ok(termination)
    }

    /// Runs one command; how it ended and what it wrote into the pipe.
    fn run_command(&mut self, command: &Command, stdin: Vec<u8>, last: bool) -> Result<(Termination, Vec<u8>)> {
        let mut input = stdin;
        self.files.clear();
        let mut out = if last { Sink::LineStdout } else { Sink::Pipe };
        let mut err = Sink::LineStderr;
        for redirect in &command.redirects {
            let opened = match redirect {
                Redirect::StdinFrom(path) => match self.read_input(path) {
                    Ok(Some(bytes)) => {
                        input = bytes;
                        Ok(())
                    }
                    Ok(None) => return Ok((Termination::FilesExceeded, Vec::new())),
                    Err(reason) => Err(reason),
                },
                Redirect::ToFile { stream: Fd::Stdout, path, append } => {
                    self.open_output(path, *append).map(|sink| out = sink)
                }
                Redirect::ToFile { stream: Fd::Stderr, path, append } => {
                    self.open_output(path, *append).map(|sink| err = sink)
                }
                Redirect::Join { from: Fd::Stderr, .. } => {
                    err = out.clone();
                    Ok(())
                }
                Redirect::Join { from: Fd::Stdout, .. } => {
                    out = err.clone();
                    Ok(())
                }
            };
            if let Err(reason) = opened {
                let message = format!("mirror: {}: {reason}\n", redirect_path(redirect));
                let overflow = self.deliver(&Sink::LineStderr, message.as_bytes())?;
                return Ok((overflow.unwrap_or(Termination::Exited(1)), Vec::new()));
            }
        }
        let program = self
            .context
            .programs
            .resolve(command.program())
            .ok_or_else(|| Error::Usage(format!("`{}` is not a program this line may run", command.program())))?;
        let joined = out == err;
        let invocation = Invocation {
            args: &command.words,
            env: self.context.env,
            stdin: &input,
            stderr_joins_stdout: joined,
            limits: self.context.limits,
        };
        let run = self.context.sandbox.run_in_case(program, &invocation, self.context.scratch, &mut self.case)?;
        self.fuel = self.fuel.saturating_add(run.fuel_used);
        let mut termination = run.termination;
        for (sink, bytes) in [(&out, run.stdout), (&err, run.stderr)] {
            if let Some(overflow) = self.deliver(sink, &bytes)? {
                termination = overflow;
            }
        }
        Ok((termination, std::mem::take(&mut self.pipe)))
    }

    /// Sends bytes to a sink; an output-limit termination when that takes the line's stream
    /// (or the pipe) past its cap.
    fn deliver(&mut self, sink: &Sink, bytes: &[u8]) -> Result<Option<Termination>> {
        let limits = self.context.limits;
        let (buffer, cap, stream) = match sink {
            Sink::LineStdout => (&mut self.stdout, limits.stdout_bytes, Stream::Stdout),
            Sink::LineStderr => (&mut self.stderr, limits.stderr_bytes, Stream::Stderr),
            Sink::Pipe => (&mut self.pipe, limits.stdout_bytes, Stream::Stdout),
            Sink::File(index) => {
                if bytes.is_empty() {
                    return Ok(None);
                }
                if !self.case.take_bytes(bytes.len() as u64) {
                    return Ok(Some(Termination::FilesExceeded));
                }
                let file = &mut self.files[*index];
                file.write_all(bytes).context("cannot write a redirect's file")?;
                self.case.runner_wrote(file, false).context("cannot stat a redirect's file")?;
                return Ok(None);
            }
            Sink::Discard => return Ok(None),
        };
        buffer.extend_from_slice(bytes);
        if buffer.len() > cap {
            buffer.truncate(cap);
            return Ok(Some(Termination::OutputExceeded(stream)));
        }
        Ok(None)
    }

    /// The contents of a `<` redirect's file; None when it holds more than the case's files
    /// may, of which no more than that is read.
    fn read_input(&self, path: &str) -> std::result::Result<Option<Vec<u8>>, &'static str> {
        let mut bytes = Vec::new();
        if path == DEV_NULL {
            return Ok(Some(bytes));
        }
        let cap = self.context.read_cap;
        let file = self.dir.open(path).map_err(|err| reason(&err))?;
        file.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(|err| reason(&err))?;
        Ok((bytes.len() as u64 <= cap).then_some(bytes))
    }

    /// Opens (creating, and truncating unless appending) a redirect's file.
    fn open_output(&mut self, path: &str, append: bool) -> std::result::Result<Sink, &'static str> {
        if path == DEV_NULL {
            return Ok(Sink::Discard);
        }
        if !portable_path(path) {
            return Err("not a name every platform can hold");
        }
        let mut options = OpenOptions::new();
        options.write(true).create(true);
        if append {
            options.append(true);
        } else {
            options.truncate(true);
        }
        let created = matches!(self.dir.symlink_metadata(path), Err(err) if err.kind() == std::io::ErrorKind::NotFound);
        let file = self.dir.open_with(path, &options).map_err(|err| reason(&err))?;
        if created || !append {
            self.case.runner_wrote(&file, created).map_err(|err| reason(&err))?;
        }
        self.files.push(file);
        Ok(Sink::File(self.files.len() - 1))
    }
}

fn redirect_path(redirect: &Redirect) -> &str {
    match redirect {
        Redirect::StdinFrom(path) | Redirect::ToFile { path, .. } => path,
        Redirect::Join { .. } => "",
    }
}

/// Why a redirect failed, in words that do not depend on the host's error numbers or language.
fn reason(err: &std::io::Error) -> &'static str {
    match err.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory",
        std::io::ErrorKind::IsADirectory => "Is a directory",
        std::io::ErrorKind::NotADirectory => "Not a directory",
        std::io::ErrorKind::PermissionDenied => "Permission denied",
        _ => "cannot be opened inside the scratch directory",
    }
}
