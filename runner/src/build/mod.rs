//! Candidate builds: source directories compiled to wasm32-wasip1 modules with the
//! toolchain their language uses, confined, and cached by a hash of the source.
//!
//! - **Rust**: a `Cargo.toml`; `cargo build --release --target wasm32-wasip1`, choosing the
//!   binary named after the task's program, or the only one.
//! - **Go**: a `go.mod`; `GOOS=wasip1 GOARCH=wasm go build`.
//! - **C**: a `Makefile` (run with a WASI `CC`; the newest wasm file it leaves is the
//!   module) or else every `.c` file, compiled by clang for `wasm32-wasi` against wasi-libc.
//!
//! A build runs code of the candidate's (`build.rs`, proc macros, Makefiles), so by default
//! it runs [`Confinement::Confined`]: on a private copy of the source, in a bubblewrap
//! sandbox that holds nothing of the host but the toolchain (see `confine`).

mod confine;
mod source;
mod toolchain;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use confine::{check_available, BuildLimits, Confinement};
use confine::{Step, StepOutput, BUILD_ROOT};
use toolchain::Toolchain;

use crate::cache::{CacheDir, Sealed};
use crate::error::{fail, BuildError, Context, Result};
use crate::sandbox::MAX_MODULE_BYTES;

/// The languages Mirror builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// A Cargo package.
    Rust,
    /// A Go module.
    Go,
    /// C sources, with or without a Makefile.
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
    /// The module's bytes, and the compiler's output.
    Built {
        /// The module.
        wasm: Vec<u8>,
        /// What the toolchain printed.
        log: String,
    },
    /// The compiler's output, errors and all, or why the build was stopped.
    Failed {
        /// What the toolchain printed.
        log: String,
    },
}

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Confined (the default) or trusted.
    pub confinement: Confinement,
    /// Time, memory, file, process limits.
    pub limits: BuildLimits,
    /// The binary to pick when a Rust package has several: the task's program.
    pub program: Option<String>,
}

/// Compiler flags and libraries that stand in for what WASI lacks (signals, process clocks).
const C_FLAGS: &[&str] = &["--target=wasm32-wasi", "-O2", "-D_WASI_EMULATED_SIGNAL", "-D_WASI_EMULATED_PROCESS_CLOCKS"];
const C_LIBS: &[&str] = &["-lwasi-emulated-signal", "-lwasi-emulated-process-clocks"];

/// The language of the source in `dir`.
pub fn detect(dir: &Path) -> Result<Language> {
    if !dir.is_dir() {
        return Err(BuildError::Source(format!("{} is not a directory", dir.display())).into());
    }
    if dir.join("Cargo.toml").is_file() {
        Ok(Language::Rust)
    } else if dir.join("go.mod").is_file() {
        Ok(Language::Go)
    } else if dir.join("Makefile").is_file() || source::entries(dir)?.iter().any(|e| is_c_source(&e.path)) {
        Ok(Language::C)
    } else {
        let message =
            format!("{} holds no Cargo.toml, go.mod, Makefile or .c file: Mirror builds Rust, Go and C", dir.display());
        Err(BuildError::Source(message).into())
    }
}

/// Builds `dir`, or takes the module an earlier build of the same source left in `cache`,
/// once its seal verifies (an entry that does not is reported, built again and replaced).
///
/// An error means the build could not be tried (no toolchain, no confinement, unreadable
/// source); a [`Build::Failed`] means the compiler refused the source or a limit stopped it.
pub fn build_cached(dir: &Path, options: &BuildOptions, cache: &CacheDir) -> Result<Build> {
    let language = detect(dir)?;
    let toolchain = find_toolchain(language, options.confinement)?;
    let entries = source::entries(dir)?;
    let fields: [&[u8]; 4] = [
        language.name().as_bytes(),
        toolchain.version.as_bytes(),
        options.program.as_deref().unwrap_or("").as_bytes(),
        options.confinement.name().as_bytes(),
    ];
    let key = source::hash(dir, &entries, &fields)?;
    let (module, log) = (cache.path.join(&key).join("candidate.wasm"), cache.path.join(&key).join("build.log"));
    match (read_sealed(cache, &module), read_sealed(cache, &log)) {
        (Ok(Some(wasm)), Ok(Some(log))) => {
            return Ok(Build::Built { wasm, log: String::from_utf8_lossy(&log).into_owned() });
        }
        (Err(tampered), _) | (_, Err(tampered)) => eprintln!("mirror: warning: {}; building again", tampered.chain()),
        _ => {}
    }
    let built = build_entries(dir, language, &toolchain, &entries, options)?;
    // A cache that cannot be written costs time, not correctness.
    if let Build::Built { wasm, log: text } = &built {
        let _ = cache.key.write(&module, wasm).and_then(|()| cache.key.write(&log, text.as_bytes()));
    }
    Ok(built)
}

/// Builds `dir` as `language`, uncached.
pub fn build(dir: &Path, language: Language, options: &BuildOptions) -> Result<Build> {
    let toolchain = find_toolchain(language, options.confinement)?;
    let entries = source::entries(dir)?;
    build_entries(dir, language, &toolchain, &entries, options)
}

fn find_toolchain(language: Language, confinement: Confinement) -> Result<Toolchain> {
    let toolchain = Toolchain::find(language, confinement == Confinement::Confined { network: true })?;
    if confinement != Confinement::Trusted {
        check_available()?;
    }
    Ok(toolchain)
}

/// A sealed cache entry's bytes; `Ok(None)` when there is none, an error when it fails
/// verification.
fn read_sealed(cache: &CacheDir, path: &Path) -> Result<Option<Vec<u8>>> {
    match cache.key.open(path) {
        Ok(Sealed::Valid(mut file)) => {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut bytes)?;
            Ok(Some(bytes))
        }
        Ok(Sealed::Tampered) => fail!(BuildError::Output, "cached build {} failed verification", path.display()),
        Ok(Sealed::Missing) | Err(_) => Ok(None),
    }
}

/// Where a build works, as its commands see it and as the host does.
struct Workspace {
    /// The source tree, as the build sees it.
    src: PathBuf,
    /// Where the build writes a module it names itself (Go, C), as the build sees it.
    out: PathBuf,
    /// A private directory: the whole of a confined build (`/build` inside), or only where a
    /// trusted build, which runs in the source directory itself, writes `out`.
    private: tempfile::TempDir,
    confined: bool,
}

impl Workspace {
    fn new(dir: &Path, entries: &[source::Entry], confinement: Confinement) -> Result<Workspace> {
        let private =
            tempfile::Builder::new().prefix("mirror-build-").tempdir().context("cannot create a build directory")?;
        if confinement == Confinement::Trusted {
            let src = std::fs::canonicalize(dir).with_context(|| format!("cannot read {}", dir.display()))?;
            let out = private.path().join("candidate.wasm");
            return Ok(Workspace { src, out, private, confined: false });
        }
        for sub in ["src", "home", "out"] {
            std::fs::create_dir(private.path().join(sub)).context("cannot create a build directory")?;
        }
        source::copy(dir, entries, &private.path().join("src"))?;
        let root = Path::new(BUILD_ROOT);
        Ok(Workspace { src: root.join("src"), out: root.join("out/candidate.wasm"), private, confined: true })
    }

    /// The host path of `path` as the build sees it.
    fn host_path(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(BUILD_ROOT) {
            Ok(inside) if self.confined => self.private.path().join(inside),
            _ => path.to_path_buf(),
        }
    }

    /// Reads the module the build left at `path` (as it sees it). A confined build's files
    /// are opened beneath its private directory without leaving it: a module that is a
    /// symlink to a host file (the reference, say) is refused.
    fn read_module(&self, path: &Path) -> Result<Vec<u8>> {
        let mut file = if self.confined {
            let inside = path
                .strip_prefix(BUILD_ROOT)
                .map_err(|_| BuildError::Output(format!("{} is outside the build", path.display())))?;
            let root = cap_std::fs::Dir::open_ambient_dir(self.private.path(), cap_std::ambient_authority())?;
            root.open(inside).with_context(|| format!("cannot open the built module {}", path.display()))?.into_std()
        } else {
            std::fs::File::open(path).with_context(|| format!("cannot open the built module {}", path.display()))?
        };
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            fail!(BuildError::Output, "the built module {} is not a regular file", path.display());
        }
        if metadata.len() > MAX_MODULE_BYTES {
            fail!(
                BuildError::Output,
                "the built module {} is {} bytes, more than the {MAX_MODULE_BYTES} Mirror compiles",
                path.display(),
                metadata.len()
            );
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes)?;
        Ok(bytes)
    }
}

/// What the compiler made of the source: the module's path (as the build sees it), or a
/// failure; with the compiler's output either way.
enum Compiled {
    Module { path: PathBuf, log: String },
    Failed { log: String },
}

/// Runs one language's build over `entries` of `dir`.
fn build_entries(
    dir: &Path,
    language: Language,
    toolchain: &Toolchain,
    entries: &[source::Entry],
    options: &BuildOptions,
) -> Result<Build> {
    let workspace = Workspace::new(dir, entries, options.confinement)?;
    let runner = Runner { toolchain, workspace: &workspace, options };
    let compiled = match language {
        Language::Rust => runner.rust()?,
        Language::Go => runner.go()?,
        Language::C => runner.c(entries)?,
    };
    Ok(match compiled {
        Compiled::Module { path, log } => Build::Built { wasm: workspace.read_module(&path)?, log },
        Compiled::Failed { log } => Build::Failed { log },
    })
}

/// Runs a build's steps, confined or on the host.
struct Runner<'a> {
    toolchain: &'a Toolchain,
    workspace: &'a Workspace,
    options: &'a BuildOptions,
}

impl Runner<'_> {
    /// Runs the toolchain's driver with `args` in the source directory.
    fn run(&self, args: Vec<OsString>) -> Result<StepOutput> {
        self.run_program(None, args)
    }

    /// Runs `program` (the toolchain's driver when `None`) with `args` in the source
    /// directory.
    fn run_program(&self, program: Option<&str>, args: Vec<OsString>) -> Result<StepOutput> {
        let toolchain = self.toolchain;
        let cwd = self.workspace.src.clone();
        match self.options.confinement {
            Confinement::Confined { network } => {
                let mut env = toolchain.confined_env.clone();
                env.push(("HOME".into(), toolchain::confined_home().into()));
                let program = program.map(OsString::from).unwrap_or_else(|| toolchain.confined_program.clone());
                let step = Step { program, args, env, cwd };
                confine::run_confined(
                    &step,
                    self.workspace.private.path(),
                    &toolchain.mounts,
                    network,
                    &self.options.limits,
                )
            }
            Confinement::Trusted => {
                let program = program.map(OsString::from).unwrap_or_else(|| toolchain.host_program.clone());
                let step = Step { program, args, env: toolchain.host_env.clone(), cwd };
                confine::run_trusted(&step, &self.options.limits)
            }
        }
    }

    fn rust(&self) -> Result<Compiled> {
        let manifest = self.workspace.src.join("Cargo.toml");
        let metadata =
            self.run(os_args(["metadata", "--no-deps", "--format-version", "1", "--manifest-path"], [&manifest]))?;
        if !metadata.success {
            return Ok(Compiled::Failed { log: String::from_utf8_lossy(&metadata.stderr).into_owned() });
        }
        let metadata: serde_json::Value =
            serde_json::from_slice(&metadata.stdout).context("cannot read the output of cargo metadata")?;
        let bins: Vec<&str> = metadata["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|package| package["targets"].as_array().into_iter().flatten())
            .filter(|target| target["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "bin")))
            .filter_map(|target| target["name"].as_str())
            .collect();
        let program = self.options.program.as_deref();
        let bin = match (program.filter(|p| bins.contains(p)), bins.as_slice()) {
            (Some(program), _) => program,
            (None, [only]) => only,
            (None, []) => fail!(BuildError::Source, "Cargo.toml has no binary target to build"),
            (None, many) => fail!(
                BuildError::Source,
                "Cargo.toml has several binaries ({}); name one after the task's program{}",
                many.join(", "),
                program.map(|p| format!(" `{p}`")).unwrap_or_default()
            ),
        };
        let output = self.run(os_args(
            ["build", "--release", "--target", "wasm32-wasip1", "--bin", bin, "--manifest-path"],
            [&manifest],
        ))?;
        let log = String::from_utf8_lossy(&output.stderr).into_owned();
        if !output.success {
            return Ok(Compiled::Failed { log });
        }
        let target_dir = metadata["target_directory"]
            .as_str()
            .ok_or_else(|| BuildError::Toolchain("cargo metadata names no target directory".into()))?;
        let path = Path::new(target_dir).join("wasm32-wasip1/release").join(format!("{bin}.wasm"));
        Ok(Compiled::Module { path, log })
    }

    fn go(&self) -> Result<Compiled> {
        let output = self.run(os_args(["build", "-o"], [self.workspace.out.as_path(), Path::new(".")]))?;
        Ok(self.finish(output))
    }

    fn c(&self, entries: &[source::Entry]) -> Result<Compiled> {
        let src = &self.workspace.src;
        if self.workspace.host_path(src).join("Makefile").is_file() {
            let started = SystemTime::now();
            let mut args = vec![OsString::from("-C"), src.clone().into_os_string()];
            args.push(format!("CC=clang {}", C_FLAGS.join(" ")).into());
            args.push(format!("LDLIBS={}", C_LIBS.join(" ")).into());
            let output =
                self.run_program(Some(if self.workspace.confined { "/usr/bin/make" } else { "make" }), args)?;
            let log = log_of(&output);
            if !output.success {
                return Ok(Compiled::Failed { log });
            }
            return Ok(match newest_module(&self.workspace.host_path(src), started)? {
                Some(relative) => Compiled::Module { path: src.join(relative), log },
                None => Compiled::Failed { log: format!("{log}\nmake succeeded but left no WebAssembly module\n") },
            });
        }
        let mut args: Vec<OsString> = C_FLAGS.iter().map(OsString::from).collect();
        args.extend(["-o".into(), self.workspace.out.clone().into_os_string()]);
        args.extend(entries.iter().filter(|e| is_c_source(&e.path)).map(|e| src.join(&e.path).into_os_string()));
        args.extend(C_LIBS.iter().map(OsString::from));
        let output = self.run(args)?;
        Ok(self.finish(output))
    }

    /// The result of a compiler that writes the workspace's `out` itself.
    fn finish(&self, output: StepOutput) -> Compiled {
        let log = log_of(&output);
        if output.success && self.workspace.host_path(&self.workspace.out).is_file() {
            Compiled::Module { path: self.workspace.out.clone(), log }
        } else {
            Compiled::Failed { log }
        }
    }
}

fn os_args<const N: usize, const M: usize>(words: [&str; N], paths: [&Path; M]) -> Vec<OsString> {
    words.iter().map(OsString::from).chain(paths.iter().map(|p| p.as_os_str().to_owned())).collect()
}

fn log_of(output: &StepOutput) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn is_c_source(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "c")
}

/// The newest WebAssembly module under `dir` written since `since`, relative to `dir`.
/// Symlinks are not followed.
fn newest_module(dir: &Path, since: SystemTime) -> Result<Option<PathBuf>> {
    let mut newest = None;
    for entry in source::entries(dir)?.into_iter().filter(|e| e.link.is_none()) {
        let file = dir.join(&entry.path);
        let modified = std::fs::symlink_metadata(&file)?.modified()?;
        let mut magic = [0u8; 4];
        let is_wasm =
            std::fs::File::open(&file).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic)).is_ok()
                && &magic == b"\0asm";
        if is_wasm && modified >= since && newest.as_ref().is_none_or(|(time, _)| modified > *time) {
            newest = Some((modified, entry.path));
        }
    }
    Ok(newest.map(|(_, path)| path))
}
