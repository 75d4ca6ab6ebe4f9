//! `mirror serve`: answers requests on a Unix domain socket until a signal stops it.
//!
//! Each connection gets a thread that reads its requests one line at a time; runs go to a
//! fixed pool of workers that every connection shares, each with a scratch directory of its
//! own. A client can cost the server one connection slot, one request buffer of at most
//! [`MAX_REQUEST_BYTES`] and, once its request is whole, one run within the task's limits;
//! nothing a client sends or fails to send stops the server.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use super::audit::{Audit, Entry};
use super::protocol::{Info, Op, Reply, Request, MAX_REQUEST_BYTES};
use crate::error::{fail, Context, Error, Result};
use crate::files::{files_under, slash_path};
use crate::outcome::Outcome;
use crate::probe::Probe;
use crate::sandbox::{Sandbox, Scratch};
use crate::suite::Programs;
use crate::task::{Split, Task};

/// Connections served at once; one more is told the server is busy and closed.
pub const MAX_CONNECTIONS: usize = 64;
/// How long a request may take to arrive, from when the server starts waiting for it. A
/// client that idles longer is disconnected, so that no one holds a slot by sending nothing.
pub const REQUEST_SECONDS: u64 = 60;
/// How long a reply may take to be taken up by its client.
const REPLY_SECONDS: u64 = 60;

/// The socket being served, for [`stop`].
static SOCKET: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Removes the socket of the server running in this process, if any; for a process about to
/// exit on a signal, which skips destructors. Whether a server was running.
pub fn stop() -> bool {
    let socket = SOCKET.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    if let Some(socket) = &socket {
        let _ = std::fs::remove_file(socket);
    }
    socket.is_some()
}

/// A task as the oracle serves it: its modules loaded, and all that an agent may know of it.
pub struct Served<'a> {
    programs: Programs<'a>,
    /// The fixtures the visible cases use: what a workspace holds, and what `fixtures: true`
    /// starts a run with. Fixtures only hidden cases use stay out of reach.
    fixtures: BTreeMap<String, Vec<u8>>,
    info: Info,
}

impl<'a> Served<'a> {
    /// Serves `programs`' task, which must offer every tool ([`Programs::with_every_tool`]).
    pub fn new(programs: Programs<'a>) -> Result<Served<'a>> {
        let task: &Task = programs.task();
        let visible = task.cases(&[Split::Visible])?;
        let mut fixtures = BTreeMap::new();
        for name in visible.iter().flat_map(|case| &case.fixtures) {
            let path = task.fixtures_dir().join(name);
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read fixture {}", path.display()))?;
            fixtures.insert(name.clone(), bytes);
        }
        let docs = task.dir.join("docs");
        let docs = if docs.is_dir() { files_under(&docs, |_| false)? } else { Vec::new() };
        let info = Info {
            task: task.name.clone(),
            program: task.program.clone(),
            description: task.description.clone(),
            tools: task.tools.clone(),
            limits: task.limits.clone(),
            docs: docs.iter().map(|path| slash_path(path)).collect(),
            visible_cases: visible.len(),
        };
        Ok(Served { programs, fixtures, info })
    }
}

/// How to serve.
pub struct Options {
    /// Where to listen.
    pub socket: PathBuf,
    /// The socket's permission bits.
    pub mode: u32,
    /// Runs at once, across all clients.
    pub jobs: usize,
    /// Where each request is logged.
    pub audit: Audit,
}

/// A run waiting for a worker.
struct Job<'s> {
    served: &'s Served<'s>,
    probe: Probe,
    reply: mpsc::Sender<Result<Outcome>>,
}

/// What the accept loop and every connection share.
struct Shared<'s> {
    tasks: &'s [Served<'s>],
    audit: &'s Audit,
    active: AtomicUsize,
    connections: AtomicU64,
}

/// Listens on `options.socket` and answers requests for `tasks` until the process gets a
/// signal (see [`stop`]); prints `mirror serve: listening on PATH` on stderr once clients can
/// connect. Returns only when the socket cannot be set up or accepting fails for good.
pub fn serve(sandbox: &Sandbox, tasks: &[Served<'_>], options: Options) -> Result<()> {
    let mut names = std::collections::HashSet::new();
    if let Some(twice) = tasks.iter().find(|served| !names.insert(&served.info.task)) {
        fail!(Oracle, "task `{}` is given twice; requests name tasks, so each name is served once", twice.info.task);
    }
    let listener = bind(&options.socket, options.mode)?;
    let _socket = SocketGuard::register(&options.socket);
    eprintln!("mirror serve: listening on {}", options.socket.display());
    let shared = Shared { tasks, audit: &options.audit, active: AtomicUsize::new(0), connections: AtomicU64::new(0) };
    let (jobs, queue) = mpsc::channel::<Job<'_>>();
    let queue = Mutex::new(queue);
    std::thread::scope(|scope| {
        // Owned here, so that the workers finish once accepting ends and it is dropped.
        let jobs = jobs;
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| work(sandbox, &queue));
        }
        let mut failures = 0u32;
        let result = loop {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors, say: wait for connections to end, and give
                    // up only if accepting never works again.
                    failures += 1;
                    eprintln!("mirror serve: cannot accept a connection: {err}");
                    if failures > 600 {
                        break Err(err).context("accepting connections keeps failing");
                    }
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            failures = 0;
            let number = shared.connections.fetch_add(1, Ordering::Relaxed) + 1;
            if shared.active.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                shared.active.fetch_sub(1, Ordering::AcqRel);
                refuse(stream, "the server is busy: too many connections; try again");
                continue;
            }
            let (shared, jobs) = (&shared, jobs.clone());
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                converse(stream, number, shared, &jobs);
                shared.active.fetch_sub(1, Ordering::AcqRel);
            });
            if spawned.is_err() {
                shared.active.fetch_sub(1, Ordering::AcqRel);
            }
        };
        drop(jobs);
        result
    })
}

/// Creates the socket at `path` with permission bits `mode`: bound in a private directory
/// beside it, given its mode, then renamed into place, so that no one can connect before
/// the mode is set. A stale socket is replaced; a live one or any other file is refused.
fn bind(path: &Path, mode: u32) -> Result<UnixListener> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            if UnixStream::connect(path).is_ok() {
                fail!(Oracle, "a server already listens on {}", path.display());
            }
        }
        Ok(_) => fail!(Oracle, "{} exists and is not a socket; the oracle will not replace it", path.display()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err).with_context(|| format!("cannot check {}", path.display())),
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let staging = tempfile::Builder::new()
        .prefix(".mirror-serve-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create the socket in {}", parent.display()))?;
    let staged = staging.path().join("s");
    let listener = UnixListener::bind(&staged).with_context(|| format!("cannot listen on {}", path.display()))?;
    std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    std::fs::rename(&staged, path).with_context(|| format!("cannot create the socket {}", path.display()))?;
    Ok(listener)
}

/// Registers the socket for [`stop`], and removes it when the server returns.
struct SocketGuard;

impl SocketGuard {
    fn register(path: &Path) -> SocketGuard {
        *SOCKET.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(path.to_path_buf());
        SocketGuard
    }
}

impl Drop for SocketGuard {
    fn drop(&mut self) {
        stop();
    }
}

/// Tells a client it will not be served, and closes its connection.
fn refuse(mut stream: UnixStream, why: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.write_all(&Reply::Error(why.into()).to_line());
}

/// A worker: takes jobs until the server ends, reusing one scratch directory.
fn work(sandbox: &Sandbox, queue: &Mutex<mpsc::Receiver<Job<'_>>>) {
    let mut scratch: Option<Scratch> = None;
    loop {
        let job = match queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        // A panic in a run (a bug, not a client's doing) costs that request, not the worker.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let scratch = match &mut scratch {
                Some(scratch) => scratch,
                None => scratch.insert(Scratch::new(&BTreeMap::new())?),
            };
            job.probe.run(sandbox, &job.served.programs, scratch)
        }));
        let result = result.unwrap_or_else(|_| {
            scratch = None;
            Err(Error::Oracle("the run panicked".into()))
        });
        let _ = job.reply.send(result);
    }
}

/// Serves one connection: request after request until the client closes it or a request
/// fails.
fn converse<'s>(stream: UnixStream, number: u64, shared: &Shared<'s>, jobs: &mpsc::Sender<Job<'s>>) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(REPLY_SECONDS)));
    let mut reader = BufReader::new(Deadline { stream: &stream, until: Instant::now() });
    loop {
        reader.get_mut().until = Instant::now() + Duration::from_secs(REQUEST_SECONDS);
        let frame = read_frame(&mut reader);
        let (time, started) = (SystemTime::now(), Instant::now());
        let (reply, mut entry) = match frame {
            Frame::Closed => return,
            Frame::Line(line) => {
                let mut entry = Entry::new(time, number, line.len() + 1);
                (answer(&line, shared, jobs, &mut entry), entry)
            }
            Frame::Bad { received, why } => {
                let mut entry = Entry::new(time, number, received);
                entry.error(why.clone());
                (Reply::Error(why), entry)
            }
        };
        // Logged before the reply: whatever a client has seen is in the log already.
        entry.took(started.elapsed());
        shared.audit.write(&entry);
        let mut writer = &stream;
        let delivered = writer.write_all(&reply.to_line()).and_then(|()| writer.flush()).is_ok();
        if !delivered || matches!(reply, Reply::Error(_)) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

/// The reply to one request line; what happened goes into `entry`.
fn answer<'s>(line: &[u8], shared: &Shared<'s>, jobs: &mpsc::Sender<Job<'s>>, entry: &mut Entry) -> Reply {
    let request = match Request::parse(line) {
        Ok(request) => request,
        Err(err) => return refused(entry, err.chain().to_string()),
    };
    entry.request(&request);
    let Some(served) = shared.tasks.iter().find(|served| served.info.task == request.task) else {
        let names: Vec<&str> = shared.tasks.iter().map(|served| served.info.task.as_str()).collect();
        return refused(
            entry,
            format!("no task named {:?} is served here (served: {})", request.task, names.join(", ")),
        );
    };
    let mut files = if request.fixtures { served.fixtures.clone() } else { BTreeMap::new() };
    files.extend(request.files);
    let probe = match request.op {
        Op::Info => return Reply::Info(served.info.clone()),
        Op::Exec(args) => Probe::exec(args, request.stdin, files),
        Op::Sh(line) => Probe::sh(&line, served.programs.task(), request.stdin, files),
    };
    let probe = match probe {
        Ok(probe) => probe,
        Err(err) => return refused(entry, err.chain().to_string()),
    };
    let (reply, outcome) = mpsc::channel();
    if jobs.send(Job { served, probe, reply }).is_err() {
        return refused(entry, "the server is stopping".into());
    }
    match outcome.recv() {
        Ok(Ok(outcome)) => {
            entry.outcome(&outcome);
            Reply::Ran(outcome)
        }
        // The host's failure: its message may name host paths, so it stays in the log.
        Ok(Err(err)) => {
            entry.error(err.chain().to_string());
            Reply::Error("the server could not run the request (see its audit log)".into())
        }
        Err(_) => refused(entry, "the server is stopping".into()),
    }
}

/// An error reply whose message the log records too.
fn refused(entry: &mut Entry, why: String) -> Reply {
    entry.error(why.clone());
    Reply::Error(why)
}

/// One request line as it arrived, or why there is none.
enum Frame {
    /// A whole line, without its `\n`.
    Line(Vec<u8>),
    /// The client closed the connection or went quiet between requests.
    Closed,
    /// A request that cannot be read: `received` bytes of it came.
    Bad { received: usize, why: String },
}

fn read_frame(reader: &mut BufReader<Deadline<'_>>) -> Frame {
    let mut line = Vec::new();
    let result = reader.by_ref().take(MAX_REQUEST_BYTES as u64).read_until(b'\n', &mut line);
    let received = line.len();
    match result {
        Ok(_) if line.last() == Some(&b'\n') => {
            line.pop();
            Frame::Line(line)
        }
        Ok(_) if received == MAX_REQUEST_BYTES => Frame::Bad {
            received,
            why: format!("the request is longer than the {MAX_REQUEST_BYTES} bytes allowed (newline included)"),
        },
        Ok(0) => Frame::Closed,
        Ok(_) => Frame::Bad { received, why: "the request ended before its newline".into() },
        Err(_) if received == 0 => Frame::Closed,
        Err(err) if matches!(err.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {
            Frame::Bad { received, why: format!("the request did not arrive within {REQUEST_SECONDS} seconds") }
        }
        Err(err) => Frame::Bad { received, why: format!("the connection failed during the request: {err}") },
    }
}

/// Reads from a connection until a deadline, however slowly the bytes come.
struct Deadline<'a> {
    stream: &'a UnixStream,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}
