//! Test cases: one command line in a fresh sandbox, with optional stdin and input files.
//!
//! A case is `tests/<split>/<id>.toml`:
//!
//! ```toml
//! # What the case checks.
//! cmd = "textstat --freq=3 poem.txt"
//! stdin = "text\n"                       # optional; or { fixture = "..." } / { base64 = "..." }
//!
//! duals = ["freq-basic"]                 # optional, on a hidden case: its visible duals
//!
//! [env]                                  # optional: variables set over the task's [env]
//! NO_COLOR = "1"
//!
//! [files]                                # optional input files, by relative path
//! "poem.txt" = { fixture = "poem.txt" }  # a file under the task's fixtures/
//! "notes.txt" = "inline text\n"
//!
//! [mirrorcode]                           # optional: the row an imported case came from
//! name = "case_07"                       # its name there (ids are made safe from names)
//! labels = ["hidden"]
//! line = 7                               # its line in the gold file
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;

use super::check_relative;
use super::content::Spec;
use super::Task;
use crate::digest::Fields;
use crate::error::{fail, Context, Result, TaskError};
use crate::shell::{self, Script};

/// Which set a case belongs to: visible to the people and agents writing a candidate, or
/// held out for scoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Visible to whoever writes a candidate.
    Visible,
    /// Held out for scoring.
    Hidden,
}

impl Split {
    /// Both splits, in report order.
    pub const ALL: [Split; 2] = [Split::Visible, Split::Hidden];

    /// `visible` or `hidden`: also the directory name under `tests/`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Visible => "visible",
            Split::Hidden => "hidden",
        }
    }
}

/// A case's place in its task, split and id: the one rule for how reports name cases and
/// in what order they list them.
pub trait CaseId {
    /// The split the case lies in.
    fn split(&self) -> Split;

    /// Its id, unique within the task.
    fn id(&self) -> &str;

    /// `split/id`, as reports name the case.
    fn name(&self) -> String {
        format!("{}/{}", self.split().name(), self.id())
    }

    /// The key cases are sorted by: split (visible first), then id.
    fn order(&self) -> (Split, &str) {
        (self.split(), self.id())
    }
}

/// A case, loaded and resolved: fixtures read, command line split.
#[derive(Clone, Debug)]
pub struct Case {
    /// The file name without `.toml`; unique within the task.
    pub id: String,
    /// Which set it belongs to.
    pub split: Split,
    /// The command line as written.
    pub cmd: String,
    /// The command line parsed; every command is the task's program or one of its tools.
    pub script: Script,
    /// What the line reads on stdin.
    pub stdin: Vec<u8>,
    /// The guest's whole environment: the task's `[env]` with the case's own over it, sorted.
    pub env: Vec<(String, String)>,
    /// Input files, by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Input files written as `{ base64 = ... }`: binary by intent, even when UTF-8.
    pub base64_files: BTreeSet<String>,
    /// Visible cases this (hidden) case is a dual of: the same feature on other inputs.
    pub duals: Vec<String>,
    /// The MirrorCode row an imported case came from.
    pub mirrorcode: Option<MirrorCodeRow>,
    /// The fixtures the case names.
    pub fixtures: BTreeSet<String>,
    /// SHA-256 over everything that decides the case's behaviour, so that a golden recorded
    /// for other inputs is known to be stale.
    pub inputs_sha256: String,
    /// The case file.
    pub path: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseToml {
    cmd: String,
    #[serde(default)]
    stdin: Option<Spec>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    files: BTreeMap<String, Spec>,
    #[serde(default)]
    duals: Vec<String>,
    #[serde(default)]
    mirrorcode: Option<MirrorCodeRow>,
}

/// What a MirrorCode gold file said of an imported case beyond its inputs, kept so that an
/// export gives the row back.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorCodeRow {
    /// The case's name in the gold file.
    pub name: String,
    /// Its labels there: `hidden` or `ablated` hold it out.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Its line in the gold file, so that an export keeps the file's order.
    #[serde(default)]
    pub line: Option<u64>,
}

impl MirrorCodeRow {
    /// Whether the labels hold the case out of the visible set.
    pub fn held_out(&self) -> bool {
        held_out(&self.labels)
    }
}

/// Whether MirrorCode `labels` hold a case out: `hidden` or `ablated`.
pub fn held_out(labels: &[String]) -> bool {
    labels.iter().any(|label| label == "hidden" || label == "ablated")
}

/// A case file found in a split, not read yet: enough to select it by id or shard.
#[derive(Clone, Debug)]
pub struct CaseFile {
    /// The file name without `.toml`.
    pub id: String,
    /// The split whose directory holds it.
    pub split: Split,
    /// The case file.
    pub path: PathBuf,
}

impl CaseId for CaseFile {
    fn split(&self) -> Split {
        self.split
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl CaseId for Case {
    fn split(&self) -> Split {
        self.split
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl CaseFile {
    /// Reads and checks the case.
    pub fn load(&self, task: &Task) -> Result<Case> {
        let path = &self.path;
        let text = task.read_text(path).context("cannot read case")?;
        Case::parse(&text, self.id.clone(), self.split, task)
            .with_context(|| format!("case {}", path.display()))
            .map(|case| Case { path: path.clone(), ..case })
    }
}

/// Whether `id` is a usable case name: letters, digits, `-`, `_` and `.`, not ending in
/// `.golden`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.ends_with(".golden")
        && !id.starts_with('.')
        && id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

impl Case {
    /// Parses the text of a case file with the given id (its `path` left empty).
    pub fn parse(text: &str, id: String, split: Split, task: &Task) -> Result<Case, TaskError> {
        const KIND: &str = "case file";
        let file: CaseToml = super::parse_toml(text).map_err(|err| TaskError::malformed(KIND, err))?;
        Self::resolve(id, split, file, task).map_err(|err| TaskError::invalid(KIND, err))
    }

    fn resolve(id: String, split: Split, file: CaseToml, task: &Task) -> Result<Case> {
        let script = shell::parse(&file.cmd).with_context(|| format!("cmd {:?}", file.cmd))?;
        if let Some(name) = task.first_unrunnable(&script, super::Tools::Declared) {
            fail!(
                Invalid,
                "cmd runs `{name}`, which is neither the task's program `{}` nor one of its tools (task.toml: tools = {:?})",
                task.program,
                task.tools
            );
        }
        let stdin = match &file.stdin {
            Some(spec) => read_spec(spec, task).context("stdin")?,
            None => Vec::new(),
        };
        let mut files = BTreeMap::new();
        for (name, spec) in &file.files {
            check_relative(name)?;
            files.insert(name.clone(), read_spec(spec, task).with_context(|| format!("file {name:?}"))?);
        }
        let base64_files = file
            .files
            .iter()
            .filter(|(_, spec)| matches!(spec, Spec::Base64(_)))
            .map(|(name, _)| name.clone())
            .collect();
        super::check_env(&file.env).context("env")?;
        let mut env: BTreeMap<String, String> = task.env.iter().cloned().collect();
        env.extend(file.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        let env: Vec<(String, String)> = env.into_iter().collect();
        if let Some(dual) = file.duals.iter().find(|dual| !valid_id(dual) || **dual == id) {
            fail!(Invalid, "duals: {dual:?} must be the id of another case");
        }
        if let Some(row) = &file.mirrorcode {
            if row.held_out() != (split == Split::Hidden) {
                fail!(
                    Invalid,
                    "mirrorcode.labels {:?} make the case {}, but it lies in tests/{}/",
                    row.labels,
                    if row.held_out() { "hidden" } else { "visible" },
                    split.name()
                );
            }
        }
        let inputs_sha256 = inputs_digest(&file.cmd, &env, &stdin, &files);
        let fixtures = file
            .stdin
            .iter()
            .chain(file.files.values())
            .filter_map(|spec| match spec {
                Spec::Fixture(name) => Some(name.clone()),
                _ => None,
            })
            .collect();
        Ok(Case {
            id,
            split,
            cmd: file.cmd,
            script,
            stdin,
            env,
            files,
            base64_files,
            duals: file.duals,
            mirrorcode: file.mirrorcode,
            fixtures,
            inputs_sha256,
            path: PathBuf::new(),
        })
    }

    /// Where the case's golden lives: beside it, as `<id>.golden.toml`.
    pub fn golden_path(&self) -> PathBuf {
        self.path.with_file_name(super::golden_file_name(&self.id))
    }
}

fn read_spec(spec: &Spec, task: &Task) -> Result<Vec<u8>> {
    match spec {
        Spec::Bytes(bytes) | Spec::Base64(bytes) => Ok(bytes.clone()),
        Spec::Fixture(name) => {
            check_relative(name)?;
            Ok(task.read_file(&task.fixtures_dir().join(name)).context("cannot read fixture")?)
        }
        Spec::Symlink(_) | Spec::Directory => {
            fail!(Invalid, "expected text, {{ base64 = ... }} or {{ fixture = ... }}")
        }
    }
}

/// Length-prefixed fields, so that no two different inputs hash alike.
fn inputs_digest(cmd: &str, env: &[(String, String)], stdin: &[u8], files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut hasher = Fields::new();
    hasher.field(cmd.as_bytes()).count(env.len() as u64);
    for (key, value) in env {
        hasher.field(key.as_bytes()).field(value.as_bytes());
    }
    hasher.field(stdin).count(files.len() as u64);
    for (name, bytes) in files {
        hasher.field(name.as_bytes()).field(bytes);
    }
    hasher.finish_hex()
}
