//! Reference recipes: how a task's reference is built from pinned source, for WASI (the
//! reference itself) or for the host (its native twin, for fidelity checks).
//!
//! In `task.toml`:
//!
//! ```toml
//! [reference.build]
//! crate = "hexyl"            # a crates.io package ...
//! version = "0.17.0"         # ... at a pinned version, built with its lock file
//! bin = "hexyl"              # optional: the binary, when the package has several
//!
//! # or a package of this repository, by path from the task directory:
//! path = "../../guest-tools/textstat"
//! bin = "textstat"
//!
//! # or a script, run as `bash SCRIPT wasi|native OUT_DIR`, that leaves OUT_DIR/BIN.wasm
//! # (wasi) or OUT_DIR/BIN (native):
//! script = "../../guest-tools/jq/build.sh"
//! bin = "jq"
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::sandbox::hex;

/// A build recipe, as `task.toml` writes it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Recipe {
    #[serde(rename = "crate")]
    pub krate: Option<String>,
    pub version: Option<String>,
    pub path: Option<PathBuf>,
    pub script: Option<PathBuf>,
    pub bin: Option<String>,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default = "default_features")]
    pub default_features: bool,
}

fn default_features() -> bool {
    true
}

/// What to build for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// wasm32-wasip1: the reference.
    Wasi,
    /// The machine Mirror runs on: the native twin.
    Native,
}

impl Recipe {
    /// Checks that the recipe names one source: a crate and version, or a path.
    pub fn check(&self) -> Result<()> {
        match (&self.krate, &self.version, &self.path, &self.script) {
            (Some(_), Some(_), None, None) | (None, None, Some(_), None) => Ok(()),
            (None, None, None, Some(_)) if self.bin.is_some() => Ok(()),
            _ => bail!("reference.build names `crate` and `version`, or `path`, or `script` and `bin`"),
        }
    }

    /// A one-line account of the source.
    pub fn describe(&self) -> String {
        match (&self.krate, &self.version, &self.path, &self.script) {
            (Some(name), Some(version), _, _) => format!("crate {name} {version}"),
            (_, _, Some(path), _) => format!("package at {}", path.display()),
            (_, _, _, Some(script)) => format!("script {}", script.display()),
            _ => "no source".into(),
        }
    }

    /// Builds for `target` under `work` (a directory of its own per recipe and target, so
    /// that rebuilds are incremental); the built program's path. `task_dir` anchors `path`.
    pub fn build(&self, target: Target, task_dir: &Path, work: &Path) -> Result<PathBuf> {
        let key = self.key(target);
        let work = work.join(&key[..16]);
        std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
        if let Some(script) = &self.script {
            return self.build_with_script(&task_dir.join(script), target, &work);
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        let target_dir = work.join("target");
        let bin_name = match (&self.bin, &self.krate, &self.path) {
            (Some(bin), _, _) => bin.clone(),
            (None, Some(name), _) => name.clone(),
            (None, None, Some(path)) => {
                path.file_name().map(|n| n.to_string_lossy().into_owned()).context("the recipe's path has no name")?
            }
            _ => bail!("the recipe names no source"),
        };
        let built = match (&self.krate, &self.version, &self.path) {
            (Some(name), Some(version), None) => {
                command
                    .args(["install", "--locked", "--force", &format!("{name}@{version}"), "--root"])
                    .arg(work.join("root"))
                    .arg("--target-dir")
                    .arg(&target_dir);
                work.join("root/bin").join(&bin_name)
            }
            (None, None, Some(path)) => {
                let manifest = task_dir.join(path).join("Cargo.toml");
                command
                    .args(["build", "--release", "--manifest-path"])
                    .arg(manifest)
                    .arg("--target-dir")
                    .arg(&target_dir);
                let profile_dir = match target {
                    Target::Wasi => target_dir.join("wasm32-wasip1/release"),
                    Target::Native => target_dir.join("release"),
                };
                profile_dir.join(&bin_name)
            }
            _ => bail!("reference.build names `crate` and `version`, or `path`, or `script` and `bin`"),
        };
        command.args(["--bin", &bin_name]);
        if !self.default_features {
            command.arg("--no-default-features");
        }
        if !self.features.is_empty() {
            command.args(["--features", &self.features.join(",")]);
        }
        if target == Target::Wasi {
            command.args(["--target", "wasm32-wasip1"]);
        }
        let output = command.output().context("cannot run cargo")?;
        if !output.status.success() {
            bail!("building the reference ({}) failed:\n{}", self.describe(), String::from_utf8_lossy(&output.stderr));
        }
        let built = match target {
            Target::Wasi => built.with_extension("wasm"),
            Target::Native => built.with_extension(std::env::consts::EXE_EXTENSION),
        };
        if !built.is_file() {
            bail!("cargo succeeded but {} is not there", built.display());
        }
        Ok(built)
    }

    fn build_with_script(&self, script: &Path, target: Target, work: &Path) -> Result<PathBuf> {
        let bin = self.bin.as_deref().context("a script recipe names its `bin`")?;
        let which = if target == Target::Wasi { "wasi" } else { "native" };
        let output = Command::new("bash").arg(script).arg(which).arg(work).output().context("cannot run bash")?;
        if !output.status.success() {
            bail!("building the reference ({}) failed:\n{}", self.describe(), String::from_utf8_lossy(&output.stderr));
        }
        let built = match target {
            Target::Wasi => work.join(format!("{bin}.wasm")),
            Target::Native => work.join(bin).with_extension(std::env::consts::EXE_EXTENSION),
        };
        if !built.is_file() {
            bail!("{} succeeded but {} is not there", script.display(), built.display());
        }
        Ok(built)
    }

    fn key(&self, target: Target) -> String {
        let text = format!("{self:?} {target:?}");
        hex(&Sha256::digest(text.as_bytes()))
    }
}
