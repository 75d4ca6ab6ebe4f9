//! Goldens: what the reference did for a case, stored beside it as `<id>.golden.toml`.
//!
//! ```toml
//! # Golden for case `freq-basic`, recorded by `mirror record` ...
//! inputs_sha256 = "..."   # the case inputs this was recorded for
//! fuel = 123456           # the reference's cost, for efficiency ratios; not compared
//! status = 0
//! stdout = """
//!   3  the
//! """
//! stderr = ""
//! removed = []            # input files the program deleted
//!
//! [files]                 # files it created or changed
//! "report.txt" = "..."
//!
//! [origin]                # only in an imported golden: where its behaviour was recorded
//! format = "mirrorcode"
//! file = "choose.jsonl"
//! line = 7
//! returncode = -6         # the exit code as recorded, when `status` (its value mod 256) differs
//! ```
//!
//! An imported golden holds what another harness recorded from a native build: it is the
//! source of truth, so `mirror record` keeps it rather than replacing it with the
//! reference's behaviour, and `mirror record --check` reports (without failing) where the
//! reference differs from it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use super::case::{Case, CaseId};
use super::check_relative;
use super::content::{bytes_value, entry_value, key_value, Spec};
use super::Task;
use crate::error::{fail, Context, Result, TaskError};
use crate::outcome::{Entry, FileChanges, Outcome};

/// The reference's behaviour on one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Golden {
    /// The case inputs it was recorded for (see [`Case::inputs_sha256`]).
    pub inputs_sha256: String,
    /// The reference's cost, for efficiency ratios; not compared.
    pub fuel: u64,
    /// The exit status.
    pub status: u32,
    /// What it wrote to stdout.
    pub stdout: Vec<u8>,
    /// What it wrote to stderr.
    pub stderr: Vec<u8>,
    /// The files it created, changed and removed.
    pub files: FileChanges,
    /// Where an imported golden came from; `None` for one recorded from the reference.
    pub origin: Option<Origin>,
}

/// Where an imported golden's behaviour was recorded.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The format of the file it came from: `mirrorcode`.
    pub format: String,
    /// That file's name.
    pub file: String,
    /// The line of its row in that file, counting from 1.
    pub line: u64,
    /// The exit code as the file recorded it, when `status` cannot hold it: a negative code
    /// (a signal, natively) whose value mod 256 is `status`.
    #[serde(default)]
    pub returncode: Option<i64>,
}

impl Origin {
    /// `FORMAT FILE line N`, for messages.
    pub fn describe(&self) -> String {
        format!("{} {} line {}", self.format, self.file, self.line)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldenFile {
    inputs_sha256: String,
    fuel: u64,
    status: u32,
    stdout: Spec,
    stderr: Spec,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, Spec>,
    #[serde(default)]
    origin: Option<Origin>,
}

/// What a golden's file name adds to its case's id: `<id>.golden.toml`, beside the case.
const GOLDEN_SUFFIX: &str = ".golden.toml";

/// The file name of the golden of the case `id`.
pub fn golden_file_name(id: &str) -> String {
    format!("{id}{GOLDEN_SUFFIX}")
}

/// The case id a golden's file name is for, or `None` if `file_name` names no golden.
pub fn golden_id(file_name: &str) -> Option<&str> {
    file_name.strip_suffix(GOLDEN_SUFFIX)
}

/// Whether a case's golden can score it: the one rule `test`, `record`, `fidelity`, `show`
/// and `export` apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoldenStatus {
    /// No golden file beside the case.
    Missing,
    /// A golden recorded for other inputs: the case changed since.
    Stale(Golden),
    /// A golden recorded for the case as it is.
    Current(Golden),
}

impl GoldenStatus {
    /// The status of `case`'s golden, read from its file.
    pub fn of(task: &Task, case: &Case) -> Result<GoldenStatus> {
        Ok(match Golden::load(task, &case.golden_path())? {
            None => GoldenStatus::Missing,
            Some(golden) if golden.inputs_sha256 != case.inputs_sha256 => GoldenStatus::Stale(golden),
            Some(golden) => GoldenStatus::Current(golden),
        })
    }

    /// The golden file's contents, current or stale.
    pub fn golden(&self) -> Option<&Golden> {
        match self {
            GoldenStatus::Missing => None,
            GoldenStatus::Stale(golden) | GoldenStatus::Current(golden) => Some(golden),
        }
    }

    /// The golden, if it can score `case`; else why not: `split/id: no golden`, or
    /// `split/id: stale golden (...)`.
    pub fn into_current(self, case: &Case) -> Result<Golden, String> {
        match self {
            GoldenStatus::Current(golden) => Ok(golden),
            GoldenStatus::Missing => Err(format!("{}: no golden", case.name())),
            GoldenStatus::Stale(_) => {
                Err(format!("{}: stale golden (the case changed since it was recorded)", case.name()))
            }
        }
    }
}

impl Golden {
    /// The golden for `case` from the reference's run; refused unless the reference exited,
    /// since a golden that expects a trap or a limit would score timing, not behaviour.
    pub fn from_outcome(case: &Case, outcome: Outcome) -> Result<Golden> {
        let Some(status) = outcome.termination.exit_status() else {
            fail!(
                Recording,
                "the reference {} on case {}; a golden needs a program that exits (fix the case or raise the task's limits)",
                outcome.termination.describe(),
                case.name()
            );
        };
        Ok(Golden {
            inputs_sha256: case.inputs_sha256.clone(),
            fuel: outcome.fuel,
            status,
            stdout: outcome.stdout,
            stderr: outcome.stderr,
            files: outcome.files,
            origin: None,
        })
    }

    /// Reads the golden file of `task` at `path`; `None` when there is none.
    pub fn load(task: &Task, path: &Path) -> Result<Option<Golden>> {
        let text = match task.read_text(path) {
            Ok(text) => text,
            Err(err) if err.is_not_found() => return Ok(None),
            Err(err) => return Err(err).context("cannot read golden"),
        };
        Self::parse(&text).with_context(|| format!("golden {}", path.display())).map(Some)
    }

    /// Parses the text of a golden file.
    pub fn parse(text: &str) -> Result<Golden, TaskError> {
        const KIND: &str = "golden file";
        let file: GoldenFile = super::parse_toml(text).map_err(|err| TaskError::malformed(KIND, err))?;
        Self::from_file(file).map_err(|err| TaskError::invalid(KIND, err))
    }

    fn from_file(file: GoldenFile) -> Result<Golden> {
        let bytes = |spec: Spec, what: &str| match spec {
            Spec::Bytes(bytes) | Spec::Base64(bytes) => Ok(bytes),
            _ => fail!(Invalid, "{what} must be text or {{ base64 = ... }}"),
        };
        // Names a program could have written or removed in its scratch directory, no others.
        for name in file.removed.iter().chain(file.files.keys()) {
            check_relative(name)?;
        }
        let mut files = FileChanges { removed: file.removed.into_iter().collect(), ..FileChanges::default() };
        for (name, spec) in file.files {
            let entry = match spec {
                Spec::Bytes(bytes) | Spec::Base64(bytes) => Entry::File(bytes),
                Spec::Symlink(target) => Entry::Symlink(target),
                Spec::Directory => Entry::Directory,
                Spec::Fixture(_) => fail!(Invalid, "file {name:?}: a golden holds contents, not fixture references"),
            };
            files.written.insert(name, entry);
        }
        Ok(Golden {
            inputs_sha256: file.inputs_sha256,
            fuel: file.fuel,
            status: file.status,
            stdout: bytes(file.stdout, "stdout")?,
            stderr: bytes(file.stderr, "stderr")?,
            files,
            origin: file.origin,
        })
    }

    /// Whether two goldens record the same behaviour (fuel and input hashes aside).
    pub fn same_behaviour(&self, other: &Golden) -> bool {
        (self.status, &self.stdout, &self.stderr, &self.files)
            == (other.status, &other.stdout, &other.stderr, &other.files)
    }

    /// The golden as the text of its file; `reference_sha256` names the module that recorded
    /// it (or, for an imported golden, whose cost `fuel` is).
    pub fn to_toml(&self, case: &Case, reference_sha256: &str) -> String {
        let mut out = match &self.origin {
            None => format!(
                "# Golden for case `{}`, recorded by `mirror record` from the reference with sha256 {reference_sha256}.\n\
                 # Edit the case, not this file, then record again.\n",
                case.id
            ),
            Some(origin) => format!(
                "# Golden for case `{}`, imported from {}: the source of truth, kept by `mirror record`.\n\
                 # fuel is the cost of the reference with sha256 {reference_sha256}.\n",
                case.id,
                origin.describe()
            ),
        };
        let _ = writeln!(out, "inputs_sha256 = \"{}\"", self.inputs_sha256);
        let _ = writeln!(out, "fuel = {}", self.fuel);
        let _ = writeln!(out, "status = {}", self.status);
        let _ = writeln!(out, "stdout = {}", bytes_value(&self.stdout));
        let _ = writeln!(out, "stderr = {}", bytes_value(&self.stderr));
        if !self.files.removed.is_empty() {
            let removed: Vec<String> = self.files.removed.iter().map(|name| key_value(name)).collect();
            let _ = writeln!(out, "removed = [{}]", removed.join(", "));
        }
        if !self.files.written.is_empty() {
            out.push_str("\n[files]\n");
            for (name, entry) in &self.files.written {
                let _ = writeln!(out, "{} = {}", key_value(name), entry_value(entry));
            }
        }
        if let Some(origin) = &self.origin {
            out.push_str("\n[origin]\n");
            let _ = writeln!(out, "format = {}", key_value(&origin.format));
            let _ = writeln!(out, "file = {}", key_value(&origin.file));
            let _ = writeln!(out, "line = {}", origin.line);
            if let Some(code) = origin.returncode {
                let _ = writeln!(out, "returncode = {code}");
            }
        }
        out
    }
}
