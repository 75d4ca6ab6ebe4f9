//! Task bundles: `tasks-wasm/<name>/` with `task.toml`, docs, fixtures, cases and goldens.
//!
//! ```toml
//! name = "textstat"
//! program = "textstat"          # the name command lines use for the program under test
//! description = "Text statistics"
//!
//! [reference]
//! module = "reference.wasm"     # relative to the task directory
//! # oracle = "/run/mirror.sock" # instead of `module`, in an agent's workspace: the
//! #                             # `mirror serve` socket that runs the reference
//! sha256 = "..."                # pinned: a different module is refused
//! source = "guest-tools/textstat, bin textstat"   # how it was built
//!
//! tools = ["head", "sort"]      # guest tools the cases may use besides the program
//!
//! [env]                         # the guest's whole environment
//! LANG = "C.UTF-8"
//!
//! [limits]                      # any of sandbox::Limits' fields; the rest keep defaults
//! fuel = 5_000_000_000
//!
//! [compare]                     # optional comparison rules (verdict::Rules); default exact
//! trailing_newline = "one"
//! status = "mod256"
//! ```

mod case;
mod content;
mod file_names;
mod golden;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use case::{held_out, valid_id, Case, CaseFile, CaseId, MirrorCodeRow, Split};
pub use content::{base64_value, bytes_value, key_value, string_value, Spec};
pub use file_names::check_relative;
pub use golden::{golden_file_name, golden_id, Golden, GoldenStatus, Origin};

use crate::error::{fail, Context, Error, Result, TaskError};
use crate::files::ReadError;
use crate::recipe::Recipe;
use crate::sandbox::Limits;
use crate::verdict::Rules;

/// Checks that only a hidden case names duals, and that each of its duals is one of the
/// task's `visible` case ids.
pub fn check_duals(case: &Case, visible: &std::collections::HashSet<&str>) -> Result<()> {
    if case.duals.is_empty() {
        return Ok(());
    }
    if case.split == Split::Visible {
        fail!(Invalid, "{}: duals are named by hidden cases, not visible ones", case.path.display());
    }
    if let Some(dual) = case.duals.iter().find(|dual| !visible.contains(dual.as_str())) {
        fail!(Invalid, "{}: its dual `{dual}` is not a visible case of the task", case.path.display());
    }
    Ok(())
}

/// Checks environment variables as a guest can receive them: names non-empty and without
/// `=`, and no NUL byte anywhere.
pub fn check_env(env: &BTreeMap<String, String>) -> Result<()> {
    if let Some(key) = env.keys().find(|key| key.is_empty() || key.contains('=') || key.contains('\0')) {
        fail!(Invalid, "name {key:?} must be non-empty and without `=` or NUL");
    }
    if let Some((key, _)) = env.iter().find(|(_, value)| value.contains('\0')) {
        fail!(Invalid, "the value of {key} holds a NUL byte, which no program can receive");
    }
    Ok(())
}

/// The directory of bundled tasks, searched for from the working directory upwards.
pub const TASKS_DIR: &str = "tasks-wasm";

/// A loaded `task.toml`.
#[derive(Clone, Debug)]
pub struct Task {
    /// The task's directory.
    pub dir: PathBuf,
    /// Its name: letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// The name command lines use for the program under test.
    pub program: String,
    /// What the program does, in a line.
    pub description: String,
    /// The reference module and how it was built.
    pub reference: Reference,
    /// Guest tools the cases may run besides the program.
    pub tools: Vec<String>,
    /// The guest's environment, sorted by name.
    pub env: Vec<(String, String)>,
    /// The limits every run of a case has.
    pub limits: Limits,
    /// How outcomes compare with goldens.
    pub compare: Rules,
}

/// The reference module of a task.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Where the reference runs from.
    pub location: Location,
    /// SHA-256 of the module, lowercase hex: a different module is refused.
    pub sha256: String,
    /// How it was built, in words.
    pub source: Option<String>,
    /// How to build it again from pinned source.
    pub build: Option<Recipe>,
}

impl Reference {
    /// The module file, or an error saying that this reference runs only behind an oracle.
    pub fn module(&self) -> Result<&Path> {
        match &self.location {
            Location::Module(path) => Ok(path),
            Location::Oracle(socket) => fail!(
                Usage,
                "this task's reference runs behind the oracle at {}: only `mirror exec`, `mirror sh` and `mirror show` reach it",
                socket.display()
            ),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskFile {
    name: String,
    program: String,
    #[serde(default)]
    description: String,
    reference: ReferenceFile,
    #[serde(default)]
    tools: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    compare: Rules,
}

/// Which guest tools a command line may run besides the task's program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tools {
    /// Those the task declares: what its cases may run.
    Declared,
    /// Every guest tool: what `mirror sh` may run.
    Every,
}

/// Where a task's reference runs from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A module file: the task's own bundle, or a local-mode workspace naming one.
    Module(PathBuf),
    /// The socket of a `mirror serve` that holds the module: an agent's workspace, where
    /// the module is out of reach.
    Oracle(PathBuf),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceFile {
    #[serde(default)]
    module: Option<PathBuf>,
    #[serde(default)]
    oracle: Option<PathBuf>,
    sha256: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    build: Option<Recipe>,
}

impl Task {
    /// Loads the task named `spec`: a path to a task directory, or the name of one under the
    /// nearest `tasks-wasm/` (or `$MIRROR_TASKS_DIR`).
    pub fn find(spec: &str) -> Result<Task> {
        let as_path = Path::new(spec);
        if as_path.join("task.toml").is_file() {
            return Task::load(as_path);
        }
        if !valid_id(spec) {
            return Err(TaskError::NotFound(format!("no task at {spec}: the directory has no task.toml")).into());
        }
        let tasks = tasks_dir()?;
        let dir = tasks.join(spec);
        if !dir.join("task.toml").is_file() {
            let why = format!("no task named `{spec}` in {} (see `mirror list`)", tasks.display());
            return Err(TaskError::NotFound(why).into());
        }
        Task::load(&dir)
    }

    /// Loads and checks `dir/task.toml`.
    pub fn load(dir: &Path) -> Result<Task> {
        let path = dir.join("task.toml");
        let text = crate::files::read_text_inside(dir, &path)?;
        Task::parse(&text, dir).with_context(|| format!("{}", path.display()))
    }

    /// Reads a file of the task's bundle, `path` being under [`Task::dir`]: a regular file,
    /// inside the bundle, within the size cap (see [`crate::files`]).
    pub fn read_file(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        crate::files::read_inside(&self.dir, path)
    }

    /// [`Task::read_file`] for a text file.
    pub fn read_text(&self, path: &Path) -> Result<String, ReadError> {
        crate::files::read_text_inside(&self.dir, path)
    }

    /// The bytes of the reference module: a bundle file, unless `task.toml` names it by an
    /// absolute path (as a workspace does), which is read wherever it is.
    pub fn read_reference(&self) -> Result<Vec<u8>> {
        let module = self.reference.module()?;
        Ok(if module.strip_prefix(&self.dir).is_ok() {
            self.read_file(module)?
        } else {
            crate::files::read_given(module)?
        })
    }

    /// Parses and checks the text of a `task.toml` that lives in `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<Task, TaskError> {
        const KIND: &str = "task file";
        let file: TaskFile = parse_toml(text).map_err(|err| TaskError::malformed(KIND, err))?;
        Self::check(&file).map_err(|err| TaskError::invalid(KIND, err))?;
        let location = match (&file.reference.module, &file.reference.oracle) {
            (Some(module), None) => Location::Module(dir.join(module)),
            (None, Some(oracle)) => Location::Oracle(dir.join(oracle)),
            _ => {
                let why = "[reference] names either a `module` or an `oracle` socket, and not both";
                return Err(TaskError::invalid(KIND, why));
            }
        };
        Ok(Task {
            dir: dir.to_path_buf(),
            name: file.name,
            program: file.program,
            description: file.description,
            reference: Reference {
                location,
                sha256: file.reference.sha256,
                source: file.reference.source,
                build: file.reference.build,
            },
            tools: file.tools,
            env: file.env.into_iter().collect(),
            limits: file.limits,
            compare: file.compare,
        })
    }

    fn check(file: &TaskFile) -> Result<()> {
        if !valid_id(&file.name) {
            fail!(Invalid, "name {:?} must be letters, digits, `-`, `_` and `.`", file.name);
        }
        if file.program.is_empty() || file.program.contains(|c: char| c.is_whitespace() || c == '/' || c == '\\') {
            fail!(Invalid, "program {:?} must be one word, as command lines write it", file.program);
        }
        let sha = &file.reference.sha256;
        if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()) {
            fail!(Invalid, "reference.sha256 {sha:?} must be 64 lowercase hex digits");
        }
        if let Some(tool) = file.tools.iter().find(|tool| !crate::tools::is_tool(tool)) {
            fail!(Invalid, "tools: `{tool}` is not a guest tool Mirror has (see `mirror tools`)");
        }
        if file.tools.contains(&file.program) {
            fail!(Invalid, "tools: `{}` is the task's program; a name is one or the other", file.program);
        }
        if file.limits.wall_seconds == 0 {
            fail!(Invalid, "limits.wall_seconds must be at least 1: a backstop of 0 seconds stops every run");
        }
        check_env(&file.env).context("env")?;
        Ok(())
    }

    /// Whether a command line of this task may run `name`: the task's program, or a guest
    /// tool the task declares (any guest tool with [`Tools::Every`], as a person probing the
    /// program may run).
    pub fn may_run(&self, name: &str, tools: Tools) -> bool {
        name == self.program
            || match tools {
                Tools::Declared => self.tools.iter().any(|tool| tool == name),
                Tools::Every => crate::tools::is_tool(name),
            }
    }

    /// The first program `script` names that it may not run (see [`Task::may_run`]).
    pub fn first_unrunnable<'s>(&self, script: &'s crate::shell::Script, tools: Tools) -> Option<&'s str> {
        script.commands().map(|command| command.program()).find(|name| !self.may_run(name, tools))
    }

    /// The directory of fixtures that cases may name.
    pub fn fixtures_dir(&self) -> PathBuf {
        self.dir.join("fixtures")
    }

    /// The directory holding a split's cases.
    pub fn split_dir(&self, split: Split) -> PathBuf {
        self.dir.join("tests").join(split.name())
    }

    /// The case files of the given splits, sorted by split then id, their ids checked and
    /// unique across splits; none is read yet.
    pub fn case_files(&self, splits: &[Split]) -> Result<Vec<CaseFile>> {
        let mut files = Vec::new();
        for &split in splits {
            let dir = self.split_dir(split);
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => return Err(err).with_context(|| format!("cannot list {}", dir.display())),
            };
            for entry in entries {
                let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    fail!(Invalid, "{}: a file name in a split must be UTF-8 (a case id and `.toml`)", path.display());
                };
                if golden_id(name).is_some() {
                    continue;
                }
                let Some(id) = name.strip_suffix(".toml") else { continue };
                files.push(CaseFile { id: id.to_string(), split, path });
            }
        }
        files.sort_by(|a, b| a.order().cmp(&b.order()));
        if let Some(bad) = files.iter().find(|file| !valid_id(&file.id)) {
            fail!(
                Invalid,
                "{}: a case file name must be an id (letters, digits, `-`, `_`, `.`) and `.toml`",
                bad.path.display()
            );
        }
        let mut seen = std::collections::HashMap::new();
        for file in &files {
            if let Some(other) = seen.insert(file.id.as_str(), file) {
                fail!(
                    Invalid,
                    "case id `{}` is used twice: {} and {}",
                    file.id,
                    other.path.display(),
                    file.path.display()
                );
            }
        }
        Ok(files)
    }

    /// Every case of the given splits, read, sorted by split then id.
    pub fn cases(&self, splits: &[Split]) -> Result<Vec<Case>> {
        let files = self.case_files(splits)?;
        crate::parallel::map(&files, crate::parallel::default_jobs(), |file| file.load(self))
    }
}

/// The longest line of a parser's message that Mirror shows.
const MESSAGE_LINE_CHARS: usize = 200;

/// Parses TOML text. The parser's message quotes the offending line, which a hostile file
/// can make a hundred megabytes long: each line of it is cut to [`MESSAGE_LINE_CHARS`].
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    toml::from_str(text).map_err(|err| {
        let lines: Vec<String> = err
            .to_string()
            .lines()
            .map(|line| match line.char_indices().nth(MESSAGE_LINE_CHARS) {
                Some((cut, _)) => format!("{} ... ({} more bytes)", &line[..cut], line.len() - cut),
                None => line.to_string(),
            })
            .collect();
        Error::Syntax(lines.join("\n"))
    })
}

/// The directory of bundled tasks: `$MIRROR_TASKS_DIR`, else the nearest `tasks-wasm/` in the
/// working directory or one of its ancestors.
pub fn tasks_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("MIRROR_TASKS_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    cwd.ancestors().map(|dir| dir.join(TASKS_DIR)).find(|dir| dir.is_dir()).ok_or_else(|| {
        Error::Usage(format!(
            "no {TASKS_DIR}/ directory here or above {}; set MIRROR_TASKS_DIR or name a task directory",
            cwd.display()
        ))
    })
}

/// Every task under the tasks directory, sorted by name.
pub fn all_tasks() -> Result<Vec<Task>> {
    let dir = tasks_dir()?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("task.toml").is_file())
        .collect();
    dirs.sort();
    dirs.iter().map(|dir| Task::load(dir)).collect()
}
