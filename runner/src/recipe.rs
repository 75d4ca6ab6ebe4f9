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

use serde::Deserialize;

use crate::digest::sha256_hex;
use crate::error::{fail, Context, Error, Result};

/// A build recipe: where the source is, and how to build it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(try_from = "RecipeToml")]
pub struct Recipe {
    /// Where the source comes from.
    pub source: Source,
    /// The binary, when the package has several (a script's, always).
    pub bin: Option<String>,
    /// Cargo features to turn on.
    pub features: Vec<String>,
    /// Whether the package's default features stay on.
    pub default_features: bool,
}

/// The pinned source a recipe builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A crates.io package at a pinned version, built with its lock file.
    Crate {
        /// The package.
        name: String,
        /// Its version.
        version: String,
    },
    /// A package of this repository, by path from the task directory.
    Path(PathBuf),
    /// A script, run as `bash SCRIPT wasi|native OUT_DIR`, that leaves `OUT_DIR/BIN.wasm`
    /// (wasi) or `OUT_DIR/BIN` (native); the recipe names its `bin`.
    Script(PathBuf),
}

/// A recipe as `task.toml` writes it: one source, named by its keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RecipeToml {
    #[serde(rename = "crate")]
    krate: Option<String>,
    version: Option<String>,
    path: Option<PathBuf>,
    script: Option<PathBuf>,
    bin: Option<String>,
    #[serde(default)]
    features: Vec<String>,
    #[serde(default = "default_features")]
    default_features: bool,
}

fn default_features() -> bool {
    true
}

impl TryFrom<RecipeToml> for Recipe {
    type Error = String;

    fn try_from(toml: RecipeToml) -> Result<Recipe, String> {
        let source = match (toml.krate, toml.version, toml.path, toml.script) {
            (Some(name), Some(version), None, None) => Source::Crate { name, version },
            (None, None, Some(path), None) => Source::Path(path),
            (None, None, None, Some(script)) if toml.bin.is_some() => Source::Script(script),
            _ => return Err("reference.build names `crate` and `version`, or `path`, or `script` and `bin`".into()),
        };
        Ok(Recipe { source, bin: toml.bin, features: toml.features, default_features: toml.default_features })
    }
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
    /// A one-line account of the source.
    pub fn describe(&self) -> String {
        match &self.source {
            Source::Crate { name, version } => format!("crate {name} {version}"),
            Source::Path(path) => format!("package at {}", path.display()),
            Source::Script(script) => format!("script {}", script.display()),
        }
    }

    /// Builds for `target` under `work` (a directory of its own per recipe and target, so
    /// that rebuilds are incremental); the built program's path. `task_dir` anchors `path`.
    pub fn build(&self, target: Target, task_dir: &Path, work: &Path) -> Result<PathBuf> {
        let key = self.key(target);
        let work = work.join(&key[..16]);
        std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        let target_dir = work.join("target");
        let built = match &self.source {
            Source::Script(script) => return self.build_with_script(&task_dir.join(script), target, &work),
            Source::Crate { name, version } => {
                let bin_name = self.bin.as_deref().unwrap_or(name);
                command
                    .args(["install", "--locked", "--force", &format!("{name}@{version}"), "--root"])
                    .arg(work.join("root"))
                    .arg("--target-dir")
                    .arg(&target_dir)
                    .args(["--bin", bin_name]);
                work.join("root/bin").join(bin_name)
            }
            Source::Path(path) => {
                let bin_name = match &self.bin {
                    Some(bin) => bin.clone(),
                    None => path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .ok_or_else(|| Error::Reference("the recipe's path has no name".into()))?,
                };
                let manifest = task_dir.join(path).join("Cargo.toml");
                command
                    .args(["build", "--release", "--manifest-path"])
                    .arg(manifest)
                    .arg("--target-dir")
                    .arg(&target_dir)
                    .args(["--bin", &bin_name]);
                let profile_dir = match target {
                    Target::Wasi => target_dir.join("wasm32-wasip1/release"),
                    Target::Native => target_dir.join("release"),
                };
                profile_dir.join(&bin_name)
            }
        };
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
            fail!(
                Reference,
                "building the reference ({}) failed:\n{}",
                self.describe(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let built = match target {
            Target::Wasi => built.with_extension("wasm"),
            Target::Native => built.with_extension(std::env::consts::EXE_EXTENSION),
        };
        if !built.is_file() {
            fail!(Reference, "cargo succeeded but {} is not there", built.display());
        }
        Ok(built)
    }

    fn build_with_script(&self, script: &Path, target: Target, work: &Path) -> Result<PathBuf> {
        let bin = self.bin.as_deref().ok_or_else(|| Error::Reference("a script recipe names its `bin`".into()))?;
        let which = if target == Target::Wasi { "wasi" } else { "native" };
        let output = Command::new("bash").arg(script).arg(which).arg(work).output().context("cannot run bash")?;
        if !output.status.success() {
            fail!(
                Reference,
                "building the reference ({}) failed:\n{}",
                self.describe(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let built = match target {
            Target::Wasi => work.join(format!("{bin}.wasm")),
            Target::Native => work.join(bin).with_extension(std::env::consts::EXE_EXTENSION),
        };
        if !built.is_file() {
            fail!(Reference, "{} succeeded but {} is not there", script.display(), built.display());
        }
        Ok(built)
    }

    fn key(&self, target: Target) -> String {
        let text = format!("{self:?} {target:?}");
        sha256_hex(text.as_bytes())
    }
}
