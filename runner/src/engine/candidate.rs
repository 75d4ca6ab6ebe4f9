//! The candidate a scored run judges: a module, or source built into one first.

use std::path::{Path, PathBuf};

use crate::build::{build, build_cached, detect, Build, BuildOptions};
use crate::cache::CacheDir;
use crate::error::{Context, Result};
use crate::sandbox::{Program, Sandbox};
use crate::suite::Programs;
use crate::task::Task;

/// A candidate, loaded: its module, or none when its source did not build.
pub struct Candidate {
    /// As the user named it: a module file or a source directory.
    pub path: PathBuf,
    /// The module; `None` when the source did not build (every case is then a build error).
    pub program: Option<Program>,
    /// The compiler's output, when the candidate was built from source.
    pub build_log: Option<String>,
}

impl Candidate {
    /// Loads the module at `path`, or, when `path` is a directory, builds it first with
    /// `options` (cached by a hash of the source in `cache`, when given).
    pub fn prepare(sandbox: &Sandbox, path: &Path, options: &BuildOptions, cache: Option<&CacheDir>) -> Result<Self> {
        if !path.is_dir() {
            return Ok(Candidate {
                path: path.to_path_buf(),
                program: Some(crate::suite::load_module(sandbox, path)?),
                build_log: None,
            });
        }
        let built = match cache {
            Some(cache) => build_cached(path, options, &crate::cache::builds(cache))?,
            None => build(path, detect(path)?, options)?,
        };
        let (program, log) = match built {
            Build::Built { wasm, log } => {
                let program = sandbox.load_bytes(&wasm).with_context(|| format!("the build of {}", path.display()))?;
                (Some(program), log)
            }
            Build::Failed { log } => (None, log),
        };
        Ok(Candidate { path: path.to_path_buf(), program, build_log: Some(log) })
    }

    /// SHA-256 of the module, or the empty string when there is none.
    pub fn sha256(&self) -> &str {
        self.program.as_ref().map_or("", Program::sha256)
    }

    /// What the task's cases run with this candidate as its program; `None` when it did not
    /// build.
    pub fn programs<'a>(&'a self, sandbox: &Sandbox, task: &'a Task) -> Result<Option<Programs<'a>>> {
        self.program.as_ref().map(|program| Programs::for_cases(sandbox, task, program)).transpose()
    }
}
