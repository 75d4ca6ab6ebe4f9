//! Fidelity: how closely the WASI reference behaves like a native build of the same program.
//!
//! Each case runs natively in a fresh scratch directory, through the host's `sh` with the
//! native program first on `PATH` and an environment of only `PATH` and the case's env (the
//! task's `[env]` and its own), and its status, stdout, stderr and files are compared with the
//! golden the WASI reference recorded, under the task's comparison rules. Differences are
//! grouped by cause; [`classify`] also explains where a WASI reference differs from goldens
//! recorded natively elsewhere (an imported MirrorCode gold file).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use std::collections::BTreeMap;

use crate::engine::{each_case, GoldensNotCurrent, Needs, Runner};
use crate::error::{fail, Context, Error, Result};
use crate::outcome::{Ending, FileChanges, Outcome, Termination};
use crate::sandbox::Scratch;
use crate::task::{Case, CaseId, Golden, Split, Task};
use crate::verdict::{compare, compare_stream, Aspect, Rules};

/// Why a native run differs from the golden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// Only OS error numbers differ (WASI numbers errors its own way: ENOENT is 44, not 2).
    ErrnoNumbers,
    /// Only the program's name as it reports itself differs.
    ProgramName,
    /// The outputs and status agree; only the wording of stderr differs.
    ErrorText,
    /// The exit status differs (a panic is a trap in WASI, status 101 natively).
    Status,
    /// One side did not exit: a trap or a limit under WASI (a signal or a timeout natively).
    Termination,
    /// Anything else.
    Other,
}

impl Cause {
    /// A short description, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Cause::ErrnoNumbers => "OS error numbers (WASI numbers errno differently)",
            Cause::ProgramName => "the program's name (argv[0] or its path)",
            Cause::ErrorText => "stderr wording only",
            Cause::Status => "exit status",
            Cause::Termination => "a trap or a limit (the WASI run did not exit)",
            Cause::Other => "other output",
        }
    }
}

/// How the WASI reference's goldens compare with a native build's runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fidelity {
    /// How many cases ran.
    pub cases: usize,
    /// The differing cases (`split/id`), by cause.
    pub causes: BTreeMap<Cause, Vec<String>>,
}

impl Fidelity {
    /// How many cases differ.
    pub fn differing(&self) -> usize {
        self.causes.values().map(Vec::len).sum()
    }
}

/// A native build of a task's program, found under the task's program name in `bin_dir`.
pub struct Native<'a> {
    /// The task whose cases run.
    pub task: &'a Task,
    /// Holds the native program under the task's program name.
    pub bin_dir: &'a Path,
}

impl Runner for Native<'_> {
    type State = ();

    fn state(&self) -> Result<()> {
        Ok(())
    }

    fn run(&self, _: &mut (), case: &Case) -> Result<Outcome> {
        run_native(self.task, case, self.bin_dir)
    }
}

/// Runs every case of `task` with `native` on up to `jobs` threads and compares each with
/// its golden; every golden must be current (else [`GoldensNotCurrent`]).
pub fn compare_native(native: &Native<'_>, jobs: usize) -> Result<Fidelity> {
    let task = native.task;
    let files = task.case_files(&Split::ALL)?;
    if files.is_empty() {
        fail!(Usage, "task {} has no cases", task.name);
    }
    let mut fidelity = Fidelity { cases: files.len(), causes: BTreeMap::new() };
    let mut problems = Vec::new();
    each_case(task, &files, jobs, native, Needs::CurrentGolden, |ran| {
        match (ran.golden.into_current(&ran.case), ran.outcome) {
            (Err(problem), _) => problems.push(problem),
            (Ok(golden), Some(outcome)) => {
                if let Some(cause) = classify(&golden, &outcome, &task.compare, &task.program) {
                    fidelity.causes.entry(cause).or_default().push(ran.case.name());
                }
            }
            (Ok(_), None) => {}
        }
        Ok(())
    })?;
    if !problems.is_empty() {
        return Err(GoldensNotCurrent { problems }.into());
    }
    Ok(fidelity)
}

/// Runs `case` of `task` natively with `bin_dir` (holding the native program under the task's
/// program name) first on `PATH`; its fuel is 0, as nothing meters it.
pub fn run_native(task: &Task, case: &Case, bin_dir: &Path) -> Result<Outcome> {
    let mut scratch = Scratch::new(&case.files)?;
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir.display());
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(native_script(&task.program, &case.cmd))
        .current_dir(scratch.path())
        .env_clear()
        .env("PATH", path)
        .envs(case.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run sh")?;
    let stdin = case.stdin.clone();
    let mut pipe = child.stdin.take().ok_or_else(|| Error::Reference("no stdin pipe".into()))?;
    // A program that never reads its stdin must not block the writer.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&stdin);
    });
    let output = child.wait_with_output().context("cannot wait for sh")?;
    let _ = writer.join();
    let status = output.status.code().map(|c| c as u32).unwrap_or(128 + signal(&output.status));
    let files = native_changes(&mut scratch, task)?;
    Ok(Outcome {
        termination: Ending::Ran(Termination::Exited(status)),
        stdout: output.stdout,
        stderr: output.stderr,
        files,
        fuel: 0,
    })
}

/// `cmd` for the host's `sh`, with the program run from `PATH` even where the shell has a
/// builtin of its name (`false`, `true`, `echo`, `printf`, `test`...): a function of that name
/// runs it through `env`, which keeps `argv[0]` as the command line writes it. Names that
/// cannot name a shell function have no builtin to shadow and are left alone.
fn native_script(program: &str, cmd: &str) -> String {
    let mut chars = program.chars();
    let is_name = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if is_name {
        format!("{program}() {{ env {program} \"$@\"; }}\n{cmd}")
    } else {
        cmd.to_string()
    }
}

/// What the native run left, read back within the same cap as a sandboxed run's.
fn native_changes(scratch: &mut Scratch, task: &Task) -> Result<FileChanges> {
    let cap = scratch.read_back_cap(task.limits.file_bytes_written);
    scratch.changes(cap)?.ok_or_else(|| {
        Error::Reference(format!("the native run left more than the {cap} bytes of files Mirror reads back"))
    })
}

#[cfg(unix)]
fn signal(status: &std::process::ExitStatus) -> u32 {
    std::os::unix::process::ExitStatusExt::signal(status).unwrap_or(0) as u32
}

#[cfg(not(unix))]
fn signal(_: &std::process::ExitStatus) -> u32 {
    0
}

/// `None` when `actual` matches `expected` under `rules`, else the likeliest cause. Either
/// side may be the native one: the causes are symmetric.
pub fn classify(expected: &Golden, actual: &Outcome, rules: &Rules, program: &str) -> Option<Cause> {
    let Some(status) = actual.termination.exit_status() else { return Some(Cause::Termination) };
    let differs = compare(expected, status, &actual.stdout, &actual.stderr, &actual.files, rules).differs;
    if differs.is_empty() {
        return None;
    }
    let files_same = !differs.contains(&Aspect::Files);
    let status_same = !differs.contains(&Aspect::Status);
    let texts = [(&expected.stdout, &actual.stdout), (&expected.stderr, &actual.stderr)];
    let equal_after = |normalize: &dyn Fn(&str) -> String| {
        status_same
            && files_same
            && texts.iter().all(|(a, b)| {
                let (a, b) = (normalize(&String::from_utf8_lossy(a)), normalize(&String::from_utf8_lossy(b)));
                compare_stream(a.as_bytes(), b.as_bytes(), rules).is_some()
            })
    };
    if equal_after(&without_errno) {
        return Some(Cause::ErrnoNumbers);
    }
    if equal_after(&|text: &str| without_errno(&without_program_paths(text, program))) {
        return Some(Cause::ProgramName);
    }
    if differs == [Aspect::Stderr] {
        return Some(Cause::ErrorText);
    }
    if !status_same {
        return Some(Cause::Status);
    }
    Some(Cause::Other)
}

/// `text` with every absolute path that ends in `/program` shortened to `program`, as a
/// program that names itself by argv[0] prints it.
fn without_program_paths(text: &str, program: &str) -> String {
    let needle = format!("/{program}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let end = at + needle.len();
        let bounded = !rest[end..].starts_with(|c: char| c.is_alphanumeric() || "-_./".contains(c));
        let start = rest[..at].rfind(|c: char| c.is_whitespace() || "\"'`(:=".contains(c)).map_or(0, |i| i + 1);
        if bounded && rest[start..].starts_with('/') {
            out.push_str(&rest[..start]);
            out.push_str(program);
        } else {
            out.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with every `os error N` number blanked.
fn without_errno(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("os error ") {
        let (head, tail) = rest.split_at(at + "os error ".len());
        out.push_str(head);
        out.push('N');
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_os_error_numbers() {
        assert_eq!(without_errno("x (os error 44) y (os error 2)"), "x (os error N) y (os error N)");
        assert_eq!(without_errno("no errors"), "no errors");
    }

    #[cfg(unix)]
    #[test]
    fn runs_the_program_rather_than_a_shell_builtin_of_its_name() {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        let program = bin.path().join("false");
        std::fs::write(&program, "#!/bin/sh\necho \"native $0 $*\"\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let output = Command::new("sh")
            .arg("-c")
            .arg(native_script("false", "false --help 'a b' && echo ok"))
            .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(stdout, format!("native {} --help a b\nok\n", program.display()));
        assert_eq!(native_script("brotli-d", "brotli-d x"), "brotli-d x");
    }

    #[test]
    fn shortens_paths_to_the_program_only() {
        assert_eq!(without_program_paths("/tmp/x/bin/choose: bad", "choose"), "choose: bad");
        assert_eq!(without_program_paths("usage: '/usr/bin/choose' -f", "choose"), "usage: 'choose' -f");
        assert_eq!(without_program_paths("a/choose /x/chooser x/choose", "choose"), "a/choose /x/chooser x/choose");
    }
}
