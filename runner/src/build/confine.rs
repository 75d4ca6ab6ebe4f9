//! Running a build's commands: confined in a bubblewrap sandbox, or on the host for source
//! the user trusts; with limits on time, memory, file size, processes and output.
//!
//! A confined command sees a filesystem of its own: the toolchain and `/usr` read-only, the
//! dependency caches read-only, and one private writable directory, `/build`, that holds
//! the copy of the source, the build's home and its output. It has no network (unless asked
//! for), its own PID, IPC, UTS, cgroup and user namespaces (so `/proc` shows only its own
//! processes), a new session (no terminal to inject into), and nothing of the scorer's
//! environment. Everything else of the host (the task bundle, the scorer's home, its
//! caches, other processes) does not exist in there.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::error::{fail, BuildError, Context, Result};

/// Where the private directory appears inside the sandbox.
pub const BUILD_ROOT: &str = "/build";
/// The most build output kept for the log; the rest is counted and dropped.
const MAX_LOG_BYTES: usize = 1 << 20;

/// How a build's commands run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confinement {
    /// In a bubblewrap sandbox; `network` lets it reach the network (to fetch dependencies).
    Confined {
        /// Whether the build may use the network.
        network: bool,
    },
    /// On the host, with the user's rights: only for source the user trusts.
    Trusted,
}

impl Confinement {
    /// A short name, part of the build cache key.
    pub fn name(self) -> &'static str {
        match self {
            Confinement::Confined { network: false } => "confined",
            Confinement::Confined { network: true } => "confined+network",
            Confinement::Trusted => "trusted",
        }
    }
}

/// The limits a build runs under. CPU time, memory and file size are per process
/// (rlimits); processes count the whole build (a cgroup, where one can be made); the wall
/// clock bounds the whole build.
#[derive(Clone, Debug)]
pub struct BuildLimits {
    /// CPU seconds per process.
    pub cpu_seconds: u64,
    /// Writable memory per process (RLIMIT_DATA).
    pub memory_bytes: u64,
    /// The largest file the build may write.
    pub file_bytes: u64,
    /// The most processes the build may run at once.
    pub processes: u64,
    /// The whole build's time.
    pub wall: Duration,
}

impl Default for BuildLimits {
    fn default() -> Self {
        BuildLimits {
            cpu_seconds: 600,
            memory_bytes: 8 << 30,
            file_bytes: 1 << 30,
            processes: 512,
            wall: Duration::from_secs(900),
        }
    }
}

/// A directory of the host the sandbox sees, read-only, at the same path.
#[derive(Clone, Debug)]
pub struct Mount {
    /// The host path.
    pub host: PathBuf,
    /// Where the build sees it.
    pub guest: PathBuf,
}

/// One command of a build.
pub struct Step {
    /// The program, as the build sees it.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Its whole environment (confined) or what is added to the scorer's (trusted).
    pub env: Vec<(OsString, OsString)>,
    /// Its working directory, as the build sees it.
    pub cwd: PathBuf,
}

/// What a step did: its exit, and its stdout and stderr (capped).
pub struct StepOutput {
    /// Whether it exited 0.
    pub success: bool,
    /// Standard output, up to the cap.
    pub stdout: Vec<u8>,
    /// Standard error, up to the cap, with a line saying why the build was stopped, if it was.
    pub stderr: Vec<u8>,
}

/// Checks once per process that confined builds work here: bubblewrap is installed and may
/// create the namespaces.
pub fn check_available() -> Result<()> {
    static AVAILABLE: OnceLock<Result<(), String>> = OnceLock::new();
    let result = AVAILABLE.get_or_init(|| probe().map_err(|err| err.chain().to_string()));
    match result {
        Ok(()) => Ok(()),
        Err(why) => fail!(
            BuildError::Confine,
            "cannot confine the build of untrusted source: {why}. Builds are confined on Linux with \
             bubblewrap (apt-get install bubblewrap; user namespaces must be allowed). To build on \
             the host with your own rights, pass --trust-source, only for source you trust"
        ),
    }
}

#[cfg(target_os = "linux")]
fn probe() -> Result<()> {
    let mut command = Command::new("bwrap");
    command.args(base_args(false)).arg("--").arg("/bin/true");
    let output = match command.stdin(Stdio::null()).output() {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            fail!(BuildError::Confine, "bubblewrap (bwrap) is not installed")
        }
        Err(err) => return Err(err).context("cannot run bwrap"),
    };
    if !output.status.success() {
        fail!(
            BuildError::Confine,
            "bwrap cannot create a sandbox here: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn probe() -> Result<()> {
    fail!(BuildError::Confine, "confined builds need Linux (bubblewrap)")
}

/// The sandbox's fixed part: namespaces, a read-only `/usr` with the top-level links into
/// it, a private `/proc`, `/dev` and `/tmp`, and the few files of `/etc` that toolchains
/// read (the dynamic linker's cache, the `cc` alternatives).
fn base_args(network: bool) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--ro-bind",
        "/usr",
        "/usr",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    if network {
        args.push("--share-net".into());
    }
    // Merged-/usr systems link these into /usr; others have them as directories.
    for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
        match std::fs::read_link(top) {
            Ok(target) => args.extend(["--symlink".into(), target.into_os_string(), top.into()]),
            Err(_) if Path::new(top).is_dir() => args.extend(["--ro-bind".into(), top.into(), top.into()]),
            Err(_) => {}
        }
    }
    let mut etc = vec!["/etc/ld.so.cache", "/etc/alternatives"];
    if network {
        etc.extend(["/etc/resolv.conf", "/etc/hosts", "/etc/ssl", "/etc/ca-certificates"]);
    }
    for path in etc {
        args.extend(["--ro-bind-try".into(), path.into(), path.into()]);
    }
    args
}

/// Runs `step` confined: `work` (a private host directory) is `/build`, `mounts` are seen
/// read-only.
pub fn run_confined(
    step: &Step,
    work: &Path,
    mounts: &[Mount],
    network: bool,
    limits: &BuildLimits,
) -> Result<StepOutput> {
    check_available()?;
    let mut args = base_args(network);
    args.extend(["--bind".into(), work.into(), BUILD_ROOT.into()]);
    for mount in mounts {
        args.extend(["--ro-bind".into(), mount.host.clone().into(), mount.guest.clone().into()]);
    }
    for (name, value) in &step.env {
        args.extend(["--setenv".into(), name.clone(), value.clone()]);
    }
    args.extend(["--chdir".into(), step.cwd.clone().into()]);
    // The options go through stdin (`--args 0`), not the command line: the sandbox's init
    // process shows its command line in the build's own /proc, and they name host paths.
    // bubblewrap reads them to the end, so the build's stdin is then empty. The command
    // itself names only paths inside the sandbox.
    let mut command = Command::new("bwrap");
    command.args(["--args", "0", "--"]).arg(&step.program).args(&step.args);
    let mut nul_separated = Vec::new();
    for arg in &args {
        nul_separated.extend_from_slice(arg.as_encoded_bytes());
        nul_separated.push(0);
    }
    run_limited(command, Some(nul_separated), limits)
}

/// Runs `step` on the host, with the user's rights, under the same limits.
pub fn run_trusted(step: &Step, limits: &BuildLimits) -> Result<StepOutput> {
    let mut command = Command::new(&step.program);
    command.args(&step.args).current_dir(&step.cwd);
    for (name, value) in &step.env {
        command.env(name, value);
    }
    run_limited(command, None, limits)
}

/// Runs `command` with the limits set between fork and exec, `stdin` as its input (else
/// none), collecting its output up to the cap, and stops it at the wall-clock limit.
fn run_limited(mut command: Command, stdin: Option<Vec<u8>>, limits: &BuildLimits) -> Result<StepOutput> {
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let processes = process_group::ProcessLimit::new(limits.processes);
    apply_rlimits(&mut command, limits, processes.as_ref());
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            fail!(BuildError::Toolchain, "`{program}` is not installed")
        }
        Err(err) => return Err(err).with_context(|| format!("cannot run `{program}`")),
    };
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A small write to a fresh pipe: bubblewrap reads it all before it starts the build.
        std::thread::spawn(move || std::io::Write::write_all(&mut pipe, &bytes));
    }
    let stdout = capture(child.stdout.take().expect("piped"));
    let stderr = capture(child.stderr.take().expect("piped"));
    let deadline = Instant::now() + limits.wall;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().context("cannot wait for the build")? {
            break (status, false);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            break (child.wait().context("cannot wait for the build")?, true);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let mut stderr = stderr.join().unwrap_or_default();
    if let Some(why) = stop_reason(&status, timed_out, limits) {
        stderr.extend_from_slice(format!("\nmirror: the build was stopped: {why}\n").as_bytes());
    }
    Ok(StepOutput { success: status.success() && !timed_out, stdout, stderr })
}

/// Why the build ended as it did, when a limit ended it.
fn stop_reason(status: &std::process::ExitStatus, timed_out: bool, limits: &BuildLimits) -> Option<String> {
    if timed_out {
        return Some(format!("it ran for more than {} s", limits.wall.as_secs()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // bubblewrap exits with the status its child had, or 128 + the signal that ended it.
        let signal = status.signal().or_else(|| status.code().filter(|c| *c > 128).map(|c| c - 128));
        match signal {
            Some(libc::SIGXCPU) => {
                return Some(format!("a process used more than {} s of CPU time", limits.cpu_seconds))
            }
            Some(libc::SIGXFSZ) => return Some(format!("it wrote a file larger than {} bytes", limits.file_bytes)),
            _ => {}
        }
    }
    let _ = status;
    None
}

/// Reads a pipe to its end on a thread of its own, keeping the first [`MAX_LOG_BYTES`].
fn capture(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut dropped = 0u64;
        let mut buffer = [0u8; 1 << 16];
        while let Ok(read) = pipe.read(&mut buffer) {
            if read == 0 {
                break;
            }
            let room = MAX_LOG_BYTES.saturating_sub(kept.len()).min(read);
            kept.extend_from_slice(&buffer[..room]);
            dropped += (read - room) as u64;
        }
        if dropped > 0 {
            kept.extend_from_slice(format!("\n[mirror: {dropped} more bytes of build output dropped]\n").as_bytes());
        }
        kept
    })
}

#[cfg(unix)]
fn apply_rlimits(command: &mut Command, limits: &BuildLimits, processes: Option<&process_group::ProcessLimit>) {
    use std::os::unix::process::CommandExt;
    let rlimits = [
        (libc::RLIMIT_CPU, limits.cpu_seconds),
        (libc::RLIMIT_DATA, limits.memory_bytes),
        (libc::RLIMIT_FSIZE, limits.file_bytes),
        (libc::RLIMIT_CORE, 0),
    ];
    let join_fd = processes.map(|p| p.join_fd());
    // SAFETY: between fork and exec the closure only makes async-signal-safe calls
    // (setrlimit, write) on values prepared before the fork.
    unsafe {
        command.pre_exec(move || {
            for (resource, value) in rlimits {
                let limit = libc::rlimit { rlim_cur: value as libc::rlim_t, rlim_max: value as libc::rlim_t };
                if libc::setrlimit(resource, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            if let Some(fd) = join_fd {
                // "0" moves the writing process, and so everything it starts, into the group.
                if libc::write(fd, b"0".as_ptr().cast(), 1) != 1 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn apply_rlimits(_command: &mut Command, _limits: &BuildLimits, _processes: Option<&process_group::ProcessLimit>) {}

/// The process limit, as a cgroup with `pids.max`: rlimits count processes per user (and
/// not at all for root), a cgroup counts exactly the build's.
mod process_group {
    use std::fs::File;
    use std::path::PathBuf;

    /// A cgroup of its own for one build, removed when dropped.
    pub struct ProcessLimit {
        dir: PathBuf,
        /// Read only where a child joins the cgroup (Unix); elsewhere none is ever made.
        #[cfg_attr(not(unix), allow(dead_code))]
        procs: File,
    }

    impl ProcessLimit {
        /// A new cgroup allowing `max` processes, where the pids controller can be written
        /// (cgroup v2's unified tree or v1's pids hierarchy); `None` elsewhere.
        pub fn new(max: u64) -> Option<ProcessLimit> {
            ["/sys/fs/cgroup", "/sys/fs/cgroup/pids"].into_iter().find_map(|root| {
                let root = PathBuf::from(root);
                // Only a mounted cgroup file system has this file at its root.
                if !root.join("cgroup.procs").exists() {
                    return None;
                }
                let dir = root.join(format!("mirror-build-{}-{}", std::process::id(), unique()));
                std::fs::create_dir(&dir).ok()?;
                let limited = std::fs::write(dir.join("pids.max"), max.to_string()).is_ok();
                match std::fs::OpenOptions::new().write(true).open(dir.join("cgroup.procs")) {
                    Ok(procs) if limited => Some(ProcessLimit { dir, procs }),
                    _ => {
                        let _ = std::fs::remove_dir(&dir);
                        None
                    }
                }
            })
        }

        /// The open `cgroup.procs` file, which the child writes itself into.
        #[cfg(unix)]
        pub fn join_fd(&self) -> std::os::raw::c_int {
            use std::os::fd::AsRawFd;
            self.procs.as_raw_fd()
        }
    }

    impl Drop for ProcessLimit {
        fn drop(&mut self) {
            // The build's processes end with bubblewrap's PID namespace; the last may take a
            // moment to leave the group, which only then can go.
            for _ in 0..50 {
                if std::fs::remove_dir(&self.dir).is_ok() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }

    fn unique() -> u64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }
}
