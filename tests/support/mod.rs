//! Shared helpers of the end-to-end tests: the guest tools built for WASI, the `mirror`
//! binary, and throwaway copies of tasks.

#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("runner/ has a parent").to_path_buf()
}

/// Builds guest-tools for wasm32-wasip1 once per test binary; the path of guest `name`.
///
/// The guests build into `guests/` of this build's own target directory, so that one target
/// directory (wherever CARGO_TARGET_DIR puts it) holds everything.
pub fn guest(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let manifest = root().join("guest-tools").join("Cargo.toml");
        let target_dir = own_target_dir().join("guests");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--release", "--target", "wasm32-wasip1", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target_dir)
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "building guest-tools for wasm32-wasip1 failed (is the target installed? `rustup target add wasm32-wasip1`)"
        );
        target_dir.join("wasm32-wasip1/release")
    });
    dir.join(format!("{name}.wasm"))
}

/// The target directory this test binary was built in: `<target>/<profile>/deps/<test>`.
fn own_target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors().nth(3).expect("the test binary lies in <target>/<profile>/deps").to_path_buf()
}

/// A `mirror` command run from the workspace root, with a private module cache.
pub fn mirror() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mirror"));
    command
        .current_dir(root())
        .env("MIRROR_CACHE_DIR", cache_dir())
        .env("MIRROR_CACHE_KEY", cache_key_path())
        .env_remove("MIRROR_TASKS_DIR");
    command
}

/// The compiled-module cache the tests share, across test binaries and runs: compiling the
/// tools module takes seconds, loading it a millisecond.
pub fn cache_dir() -> PathBuf {
    own_target_dir().join("test-module-cache")
}

/// The key that seals the shared cache, outside it as Mirror requires.
pub fn cache_key_path() -> PathBuf {
    own_target_dir().join("test-cache.key")
}

/// The shared compiled-module cache, for tests that make a sandbox themselves.
pub fn module_cache() -> Box<dyn mirror::sandbox::CompiledModules> {
    let key = mirror::cache::CacheKey::load_or_create(&cache_key_path()).expect("test cache key");
    mirror::cache::modules(&mirror::cache::CacheDir { path: cache_dir(), key })
}

/// Runs `command` with `stdin`, returning its output.
pub fn run(command: &mut Command, stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("mirror starts");
    child.stdin.take().expect("piped").write_all(stdin).expect("stdin written");
    child.wait_with_output().expect("mirror finishes")
}

/// Runs `mirror ARGS` with empty stdin.
pub fn mirror_run(args: &[&str]) -> Output {
    run(mirror().args(args), b"")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The exit code, with stderr in the message when it is not `expected`.
pub fn assert_code(output: &Output, expected: i32) {
    assert_eq!(
        output.status.code(),
        Some(expected),
        "stdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// Writes `files` (relative path, contents) under `dir`, with their directories.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("create dir");
        std::fs::write(path, content).expect("write file");
    }
}

/// A copy of the bundled task `name` in a fresh temporary directory.
pub fn copy_task(name: &str) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let dest = temp.path().join(name);
    copy_dir(&root().join("tasks-wasm").join(name), &dest);
    (temp, dest)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every entry under `dir` with its contents (a symlink's target, nothing for a FIFO or
/// device), for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            let kind = std::fs::symlink_metadata(&path).expect("stat").file_type();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_symlink() {
                let target = std::fs::read_link(&path).expect("read link");
                files.push((path, target.into_os_string().into_encoded_bytes()));
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).expect("read");
                files.push((path, bytes));
            } else {
                files.push((path, Vec::new()));
            }
        }
    }
    files.sort();
    files
}

/// Writes a task directory whose program and reference is `module`, with `cases` as
/// (split, id, case file text).
pub fn write_task(dir: &Path, program: &str, module: &[u8], extra_toml: &str, cases: &[(&str, &str, &str)]) {
    use sha2::Digest;
    std::fs::create_dir_all(dir).expect("task dir");
    std::fs::write(dir.join("reference.wasm"), module).expect("module");
    let sha: String = sha2::Sha256::digest(module).iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(
        dir.join("task.toml"),
        format!("name = \"{program}\"\nprogram = \"{program}\"\n\n[reference]\nmodule = \"reference.wasm\"\nsha256 = \"{sha}\"\n{extra_toml}"),
    )
    .expect("task.toml");
    for (split, id, case) in cases {
        let split_dir = dir.join("tests").join(split);
        std::fs::create_dir_all(&split_dir).expect("split dir");
        std::fs::write(split_dir.join(format!("{id}.toml")), case).expect("case");
    }
}

/// The JSON report a `mirror test --json` run wrote.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("report written")).expect("report is JSON")
}

/// A stdout whose reader is gone, as when `mirror list | head -1` has read its line: every
/// write fails with a broken pipe.
#[cfg(unix)]
pub fn closed_stdout() -> Stdio {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills two new descriptors, each then owned exactly once.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe");
    drop(unsafe { std::fs::File::from_raw_fd(fds[0]) });
    unsafe { Stdio::from_raw_fd(fds[1]) }
}

/// Makes a FIFO at `path`, which blocks whoever opens it for reading until a writer comes.
#[cfg(unix)]
pub fn make_fifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("no NUL in the path");
    // SAFETY: `name` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}
