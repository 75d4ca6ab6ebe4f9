//! The agent boundary: `mirror serve`, workspaces that name it, and what an agent on the other
//! side of the socket can and cannot reach.

mod support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use support::*;

const IMPERFECT: &str = "tasks-wasm/textstat/candidates/imperfect.wasm";
/// The unprivileged user the boundary test runs the agent as.
const AGENT_UID: &str = "65534";

/// A `mirror serve` running in the background; stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    socket: PathBuf,
    log: PathBuf,
}

impl Server {
    /// Serves `task` on `socket` with the socket mode `mode`, logging to `log`; returns once it
    /// listens.
    fn start(task: &Path, socket: &Path, mode: &str, log: &Path) -> Server {
        let mut child = mirror()
            .args(["serve", task.to_str().unwrap(), "--socket", socket.to_str().unwrap(), "--socket-mode", mode])
            .args(["--log", log.to_str().unwrap(), "-j", "2"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mirror serve starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
        let mut first = String::new();
        stderr.read_line(&mut first).expect("serve writes to stderr");
        assert_eq!(first, format!("mirror serve: listening on {}\n", socket.display()));
        // Keep draining stderr, so that the server never blocks writing to it.
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            assert!(!rest.contains("panicked"), "the server panicked:\n{rest}");
        });
        Server { child, socket: socket.to_path_buf(), log: log.to_path_buf() }
    }

    /// Sends one raw request line and reads the reply line (empty when the server closed
    /// without one).
    fn raw(&self, bytes: &[u8]) -> String {
        let mut stream = UnixStream::connect(&self.socket).expect("connect");
        let _ = stream.write_all(bytes);
        let mut reply = String::new();
        let _ = BufReader::new(stream).read_line(&mut reply);
        reply
    }

    fn audit_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("audit lines are JSON"))
            .collect()
    }

    fn assert_running(&mut self) {
        assert!(self.child.try_wait().expect("wait").is_none(), "the server exited");
    }

    /// Stops the server with SIGTERM; its exit status.
    fn stop(&mut self) -> std::process::ExitStatus {
        // The shell's own `kill`: a minimal system may have no kill binary.
        let status = Command::new("sh")
            .args(["-c", "kill -TERM \"$0\"", &self.child.id().to_string()])
            .status()
            .expect("sh runs");
        assert!(status.success());
        self.child.wait().expect("the server exits")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.stop();
        }
    }
}

/// A copy of textstat, a server for it, and a workspace that names the server.
fn served_workspace() -> (tempfile::TempDir, Server, PathBuf) {
    let (temp, task) = copy_task("textstat");
    let socket = temp.path().join("oracle.sock");
    let server = Server::start(&task, &socket, "0600", &temp.path().join("audit.jsonl"));
    let workspace = temp.path().join("agent");
    let (task, dir, socket) = (task.to_str().unwrap(), workspace.to_str().unwrap(), socket.to_str().unwrap());
    assert_code(&mirror_run(&["workspace", task, dir, "--oracle", socket]), 0);
    (temp, server, workspace)
}

#[test]
fn a_workspace_with_an_oracle_runs_the_reference_through_it() {
    let (temp, server, workspace) = served_workspace();
    let task = temp.path().join("textstat");
    let toml = std::fs::read_to_string(workspace.join("task.toml")).unwrap();
    assert!(toml.contains("oracle = ") && !toml.contains("module"), "{toml}");
    assert!(!toml.contains(task.to_str().unwrap()), "no path into the bundle:\n{toml}");

    // Through the oracle and locally, the reference answers alike.
    let in_workspace = |args: &[&str], stdin: &[u8]| run(mirror().current_dir(&workspace).args(args), stdin);
    let local = |args: &[&str], stdin: &[u8]| run(mirror().args(args), stdin);
    let task_path = task.to_str().unwrap();
    for (args, stdin) in [
        (vec!["exec", "@", "--", "--freq=2"], &b"b a b c a b\n"[..]),
        (vec!["exec", "@", "--", "missing.txt"], b""),
        (vec!["exec", "@", "--fixtures", "--", "-c", "poem.txt"], b""),
        (vec!["sh", "@", "--fixtures", "textstat -c poem.txt | head -n 1; textstat --bogus"], b""),
        (vec!["sh", "@", "textstat -o out.txt && cat out.txt"], b"one two\n"),
    ] {
        let served: Vec<&str> = args.iter().map(|a| if *a == "@" { "." } else { a }).collect();
        let here: Vec<&str> = args.iter().map(|a| if *a == "@" { task_path } else { a }).collect();
        let (served, here) = (in_workspace(&served, stdin), local(&here, stdin));
        assert_eq!(served.status.code(), here.status.code(), "{args:?}: {}", text(&served.stderr));
        assert_eq!(text(&served.stdout), text(&here.stdout), "{args:?}");
        assert_eq!(text(&served.stderr), text(&here.stderr), "{args:?}");
    }

    let shown = in_workspace(&["show", "."], b"");
    assert_code(&shown, 0);
    for expected in ["program:     textstat", "served by the oracle at", "textstat.md", "visible:     44 cases"] {
        assert!(text(&shown.stdout).contains(expected), "missing {expected:?} in\n{}", text(&shown.stdout));
    }

    // The candidate runs here, against the workspace's visible goldens.
    let candidate = root().join(IMPERFECT);
    let tested = in_workspace(&["test", ".", "--candidate", candidate.to_str().unwrap(), "-q"], b"");
    assert_code(&tested, 1);
    assert!(text(&tested.stdout).trim_end().ends_with("textstat: 27 passed, 17 failed"), "{}", text(&tested.stdout));

    // A bad request is the oracle's to refuse, and mirror says so.
    let refused = in_workspace(&["sh", ".", "rm -rf x | python3"], b"");
    assert_code(&refused, 2);
    assert!(text(&refused.stderr).contains("refused the request: `python3` is neither"), "{}", text(&refused.stderr));

    let audit = server.audit_lines();
    assert_eq!(audit.len(), 5 + 1 + 1, "one line per request:\n{audit:#?}");
    let first = &audit[0];
    assert_eq!(first["op"], "exec");
    assert_eq!(first["task"], "textstat");
    assert_eq!(first["args"], serde_json::json!(["--freq=2"]));
    assert_eq!(first["stdin_bytes"], 12);
    assert_eq!(first["termination"], serde_json::json!({"kind": "exit", "status": 0}));
    assert!(first["fuel"].as_u64().unwrap() > 0 && first["duration_ms"].is_number() && first["time"].is_string());
    assert_eq!(audit.last().unwrap()["error"].as_str().map(|e| e.contains("python3")), Some(true));
}

#[test]
fn local_mode_says_it_is_not_a_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("mine");
    let output = mirror_run(&["workspace", "textstat", workspace.to_str().unwrap()]);
    assert_code(&output, 0);
    assert!(text(&output.stdout).contains("local mode is not a boundary"), "{}", text(&output.stdout));
    let readme = std::fs::read_to_string(workspace.join("README.md")).unwrap();
    assert!(readme.contains("local mode is not a boundary"), "{readme}");
}

#[test]
fn sigterm_stops_the_server_and_removes_its_socket() {
    let (temp, task) = copy_task("textstat");
    let socket = temp.path().join("s.sock");
    let mut server = Server::start(&task, &socket, "0660", &temp.path().join("audit.jsonl"));
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
    let status = server.stop();
    assert_eq!(status.code(), Some(0));
    assert!(!socket.exists(), "the socket is removed");
}

#[test]
fn a_second_server_on_a_live_socket_is_refused_and_a_stale_one_replaced() {
    let (temp, task) = copy_task("textstat");
    let socket = temp.path().join("s.sock");
    let log = temp.path().join("audit.jsonl");
    let server = Server::start(&task, &socket, "0600", &log);
    let task_arg = task.to_str().unwrap();
    let second = mirror_run(&["serve", task_arg, "--socket", socket.to_str().unwrap()]);
    assert_code(&second, 2);
    assert!(text(&second.stderr).contains("a server already listens"), "{}", text(&second.stderr));
    let file = temp.path().join("not-a-socket");
    std::fs::write(&file, "keep").unwrap();
    let refused = mirror_run(&["serve", task_arg, "--socket", file.to_str().unwrap()]);
    assert_code(&refused, 2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
    drop(server);
    // A socket left by a server killed outright is replaced.
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    drop(listener);
    let server = Server::start(&task, &socket, "0600", &log);
    assert!(server.raw(b"{\"version\":1,\"op\":\"info\",\"task\":\"textstat\"}\n").contains("\"ok\":true"));
}

/// Requests an abusive client might send: each gets an error reply or a closed connection.
fn abusive_requests() -> Vec<Vec<u8>> {
    let mut requests: Vec<Vec<u8>> = [
        "not json\n",
        "{\"version\":1,\"op\":\"exec\"",
        "{\"version\":1,\"op\":\"read\",\"task\":\"textstat\",\"path\":\"reference.wasm\"}\n",
        "{\"version\":1,\"op\":\"info\",\"task\":\"../textstat\"}\n",
        "{\"version\":9,\"op\":\"info\",\"task\":\"textstat\"}\n",
        "99999999999999999999\n",
        "0000000000000004{}\n",
        "{\"version\":1,\"op\":\"exec\",\"task\":\"textstat\",\"args\":[\"a\\u0000b\"]}\n",
        "{\"version\":1,\"op\":\"exec\",\"task\":\"textstat\",\"files\":{\"../escape\":\"x\"}}\n",
        "{\"version\":1,\"op\":\"exec\",\"task\":\"textstat\",\"files\":{\"/etc/passwd\":\"x\"}}\n",
        "{\"version\":1,\"op\":\"exec\",\"task\":\"textstat\",\"stdin\":{\"base64\":\"%%%\"}}\n",
        "{\"version\":1,\"op\":\"sh\",\"task\":\"textstat\",\"line\":\"textstat '\"}\n",
        "{\"version\":1,\"op\":\"sh\",\"task\":\"textstat\",\"line\":\"bash -c id\"}\n",
        "\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    requests.push(b"\xff\xfe{}\n".to_vec());
    requests.push([b"[".repeat(100_000), b"\n".to_vec()].concat());
    let many_args = serde_json::json!({"version": 1, "op": "exec", "task": "textstat", "args": vec!["x"; 5000]});
    requests.push([serde_json::to_vec(&many_args).unwrap(), b"\n".to_vec()].concat());
    requests
}

#[test]
fn the_protocol_survives_malformed_oversized_and_concurrent_abusive_clients() {
    let (temp, task) = copy_task("textstat");
    let socket = temp.path().join("s.sock");
    let mut server = Server::start(&task, &socket, "0600", &temp.path().join("audit.jsonl"));
    let good =
        b"{\"version\":1,\"op\":\"exec\",\"task\":\"textstat\",\"args\":[\"--freq=2\"],\"stdin\":\"b a b\\n\"}\n";
    let good_reply = server.raw(good);
    assert!(good_reply.contains("\"stdout\":\"2  b\\n1  a\\n\""), "{good_reply}");

    for request in abusive_requests() {
        let reply = server.raw(&request);
        let shown = String::from_utf8_lossy(&request[..request.len().min(80)]).into_owned();
        let json: serde_json::Value = serde_json::from_str(&reply).unwrap_or_else(|_| panic!("{shown}: {reply:?}"));
        assert_eq!(json["ok"], false, "{shown}: {reply}");
        assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()), "{shown}: {reply}");
    }

    // After an error reply the connection is closed, even if more requests follow.
    let mut stream = UnixStream::connect(&socket).unwrap();
    stream.write_all(b"nonsense\n").unwrap();
    let _ = stream.write_all(good);
    let mut rest = String::new();
    let _ = stream.read_to_string(&mut rest);
    assert_eq!(rest.lines().count(), 1, "{rest}");

    // A request longer than the cap is cut off: an error reply or a closed connection.
    let mut stream = UnixStream::connect(&socket).unwrap();
    let huge = vec![b'x'; 17 << 20];
    let _ = stream.write_all(&huge);
    let mut reply = String::new();
    let _ = BufReader::new(&stream).read_line(&mut reply);
    assert!(reply.is_empty() || reply.contains("longer than"), "{reply}");

    // Abusers at once: idle connections, half requests, vanishing clients, garbage, floods.
    let abusers: Vec<_> = (0..12)
        .map(|n| {
            let socket = socket.clone();
            std::thread::spawn(move || {
                for (i, request) in abusive_requests().iter().enumerate() {
                    let Ok(mut stream) = UnixStream::connect(&socket) else { continue };
                    match (n + i) % 4 {
                        // Half a request, then gone.
                        0 => {
                            let _ = stream.write_all(&request[..request.len() / 2]);
                        }
                        // A whole request, gone before the reply.
                        1 => {
                            let _ = stream.write_all(
                                b"{\"version\":1,\"op\":\"sh\",\"task\":\"textstat\",\"line\":\"seq 1 100000 | textstat -c\"}\n",
                            );
                        }
                        // Connected, silent, then gone.
                        2 => std::thread::sleep(Duration::from_millis(50)),
                        _ => {
                            let _ = stream.write_all(request);
                            let _ = stream.read_to_end(&mut Vec::new());
                        }
                    }
                }
            })
        })
        .collect();
    for _ in 0..10 {
        assert_eq!(server.raw(good), good_reply, "well-formed clients are served meanwhile");
    }
    for abuser in abusers {
        abuser.join().unwrap();
    }
    // More connections than the server takes at once: the extra ones are told it is busy.
    let idle: Vec<UnixStream> = (0..80).filter_map(|_| UnixStream::connect(&socket).ok()).collect();
    let busy = server.raw(good);
    assert!(busy.contains("busy"), "{busy}");
    drop(idle);
    let served = (0..100).find_map(|_| {
        let reply = server.raw(good);
        (reply == good_reply).then_some(()).or_else(|| {
            std::thread::sleep(Duration::from_millis(20));
            None
        })
    });
    assert!(served.is_some(), "served again once the idle connections close");
    server.assert_running();
}

#[test]
fn served_requests_never_reach_past_the_scratch_directory() {
    let (temp, server, workspace) = served_workspace();
    let module = std::fs::read(root().join("tasks-wasm/textstat/reference.wasm")).unwrap();
    let in_workspace = |args: &[&str]| run(mirror().current_dir(&workspace).args(args), b"");
    for line in ["ls -la /", "cat ../reference.wasm", "cat /reference.wasm", "ls ../tests/hidden", "ls .."] {
        let output = in_workspace(&["sh", ".", line]);
        assert_no_module_window(&module, &output.stdout, line);
        assert_no_module_window(&module, &output.stderr, line);
        assert!(!text(&output.stdout).contains("hidden"), "{line}: {}", text(&output.stdout));
    }
    // The check sees a leak: local mode hands out the module, raw or in base64.
    for line in ["cat r.wasm", "base64 r.wasm"] {
        let leaked = mirror_run(&["sh", "textstat", "--file", "r.wasm=tasks-wasm/textstat/reference.wasm", line]);
        assert_code(&leaked, 0);
        let caught = std::panic::catch_unwind(|| assert_no_module_window(&module, &leaked.stdout, line));
        assert!(caught.is_err(), "{line}: the leak went unseen");
    }
    drop(server);
    drop(temp);
}

/// Fails if `bytes` hold a 48-byte window of `module`'s binary content, as it is or in
/// base64. Windows of plain text are left out: they are the program's messages, which it
/// prints by design (its `--help` is in its docs too).
fn assert_no_module_window(module: &[u8], bytes: &[u8], what: &str) {
    use base64::Engine as _;
    const WINDOW: usize = 48;
    const ENCODED_WINDOW: usize = WINDOW / 3 * 4;
    static WINDOWS: std::sync::OnceLock<(usize, HashSet<u64>)> = std::sync::OnceLock::new();
    let hash = |window: &[u8]| {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        window.hash(&mut hasher);
        hasher.finish()
    };
    let (len, windows) = WINDOWS.get_or_init(|| {
        let text = |b: &u8| b.is_ascii_graphic() || b" \t\r\n".contains(b);
        let mut windows: HashSet<u64> = module.windows(WINDOW).filter(|w| !w.iter().all(text)).map(hash).collect();
        for shift in 0..3 {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&module[shift..]);
            windows.extend(encoded.as_bytes().windows(ENCODED_WINDOW).map(hash));
        }
        (module.len(), windows)
    });
    assert_eq!(*len, module.len(), "one module per test binary");
    for size in [WINDOW, ENCODED_WINDOW] {
        if let Some(at) = bytes.windows(size).position(|w| windows.contains(&hash(w))) {
            panic!("{what}: bytes {at}..{} are a window of the reference module", at + size);
        }
    }
}

/// Runs `args` as the agent: the unprivileged user, with nothing but PATH in the
/// environment (no HOME), in `dir`.
fn as_agent(program: &Path, args: &[&str], dir: &Path) -> Output {
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid", AGENT_UID, "--regid", AGENT_UID, "--clear-groups", "--"])
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin");
    run(&mut command, b"")
}

/// Why the boundary test cannot run here, if it cannot.
fn cannot_change_user() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok().map(|o| text(&o.stdout).trim().to_string());
    if uid.as_deref() != Some("0") {
        return Some(format!("not root (uid {})", uid.unwrap_or_default()));
    }
    let works = Command::new("setpriv")
        .args(["--reuid", AGENT_UID, "--regid", AGENT_UID, "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success());
    (!works).then(|| "setpriv cannot change to uid 65534 here".to_string())
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn chown_recursive(path: &Path, uid: &str) {
    let status = Command::new("chown").args(["-R", &format!("{uid}:{uid}")]).arg(path).status().expect("chown");
    assert!(status.success());
}

#[test]
fn an_unprivileged_agent_runs_the_reference_but_cannot_read_it_or_the_hidden_cases() {
    if let Some(why) = cannot_change_user() {
        eprintln!("skipping the boundary test: {why}");
        return;
    }
    // The author's side, as root: a bundle only root can read, a server, a workspace.
    let base = tempfile::tempdir().unwrap();
    chmod(base.path(), 0o755);
    let bundle = base.path().join("bundle");
    copy_dir(&root().join("tasks-wasm/textstat"), &bundle);
    let status = Command::new("chmod").args(["-R", "go-rwx"]).arg(&bundle).status().unwrap();
    assert!(status.success());
    chmod(&bundle, 0o700);
    let socket_dir = base.path().join("run");
    std::fs::create_dir(&socket_dir).unwrap();
    chmod(&socket_dir, 0o755);
    let socket = socket_dir.join("oracle.sock");
    let server = Server::start(&bundle, &socket, "0666", &base.path().join("audit.jsonl"));
    let workspace = base.path().join("agent");
    let made = mirror_run(&[
        "workspace",
        bundle.to_str().unwrap(),
        workspace.to_str().unwrap(),
        "--oracle",
        socket.to_str().unwrap(),
    ]);
    assert_code(&made, 0);
    chown_recursive(&workspace, AGENT_UID);
    // The agent's own tools: mirror and a candidate, where that user can reach them.
    let tools = base.path().join("tools");
    std::fs::create_dir(&tools).unwrap();
    let mirror_bin = tools.join("mirror");
    std::fs::copy(env!("CARGO_BIN_EXE_mirror"), &mirror_bin).unwrap();
    let candidate = tools.join("candidate.wasm");
    std::fs::copy(root().join(IMPERFECT), &candidate).unwrap();
    chown_recursive(&tools, AGENT_UID);

    let module = std::fs::read(bundle.join("reference.wasm")).unwrap();
    let hidden_ids = hidden_ids_not_in_visible_material(&bundle);
    assert!(hidden_ids.len() > 10, "{hidden_ids:?}");
    let mut responses = Vec::new();
    let mut agent = |args: &[&str]| {
        let output = as_agent(&mirror_bin, args, &workspace);
        responses.push((args.join(" "), output.stdout.clone(), output.stderr.clone()));
        output
    };

    // What the agent can do.
    let exec = agent(&["exec", ".", "--fixtures", "--", "-c", "poem.txt"]);
    assert_code(&exec, 0);
    assert!(text(&exec.stdout).contains("  poem.txt"), "{}", text(&exec.stdout));
    let sh = agent(&["sh", ".", "--fixtures", "textstat -f poem.txt | head -n 2"]);
    assert_code(&sh, 0);
    assert_eq!(text(&sh.stdout).lines().count(), 2, "{}", text(&sh.stdout));
    assert_code(&agent(&["show", "."]), 0);
    let tested = agent(&["test", ".", "--candidate", candidate.to_str().unwrap(), "-q"]);
    assert_code(&tested, 1);
    assert!(text(&tested.stdout).contains("27 passed, 17 failed"), "{}", text(&tested.stdout));

    // What it cannot.
    let module_path = bundle.join("reference.wasm");
    let spec = format!("r.wasm={}", module_path.display());
    let through_file = agent(&["sh", ".", "--file", &spec, "base64 r.wasm"]);
    assert_code(&through_file, 2);
    assert!(text(&through_file.stderr).contains("cannot read"), "{}", text(&through_file.stderr));
    let hidden =
        agent(&["test", bundle.to_str().unwrap(), "--candidate", candidate.to_str().unwrap(), "--split", "hidden"]);
    assert_code(&hidden, 2);
    for line in ["cat /reference.wasm", "ls -la / ..", "cat ../reference.wasm"] {
        agent(&["sh", ".", line]);
    }
    for (program, target) in [("cat", &module_path), ("ls", &bundle), ("ls", &bundle.join("tests/hidden"))] {
        let mut command = Command::new("setpriv");
        command.args(["--reuid", AGENT_UID, "--regid", AGENT_UID, "--clear-groups", program]).arg(target);
        let output = run(&mut command, b"");
        assert!(!output.status.success(), "{program} {} succeeded as the agent", target.display());
        responses.push((format!("{program} {}", target.display()), output.stdout, output.stderr));
    }

    // Nothing the agent saw or holds carries the module or a hidden case.
    let workspace_files = snapshot(&workspace);
    let seen = responses
        .iter()
        .flat_map(|(what, out, err)| [(what.clone(), out.clone()), (what.clone(), err.clone())])
        .chain(workspace_files.iter().map(|(path, bytes)| (path.display().to_string(), bytes.clone())));
    for (what, bytes) in seen {
        assert_no_module_window(&module, &bytes, &what);
        let shown = String::from_utf8_lossy(&bytes);
        if let Some(id) = hidden_ids.iter().find(|id| shown.contains(id.as_str())) {
            panic!("{what} names the hidden case {id}:\n{shown}");
        }
    }

    // Every request through the socket is in the audit log: exec, sh, show, test (which
    // never asks the oracle), the refused `--file`, and the three probing lines.
    let audit = server.audit_lines();
    let ops: Vec<&str> = audit.iter().map(|entry| entry["op"].as_str().unwrap_or("?")).collect();
    assert_eq!(ops, ["exec", "sh", "info", "sh", "sh", "sh"], "{audit:#?}");
}

/// The ids of the bundle's hidden cases that appear nowhere in what the agent may see
/// (docs, visible cases and goldens, fixtures): if they show up, they leaked.
fn hidden_ids_not_in_visible_material(bundle: &Path) -> Vec<String> {
    let visible: Vec<u8> = ["docs", "fixtures", "tests/visible"]
        .iter()
        .flat_map(|dir| snapshot(&bundle.join(dir)))
        .flat_map(|(path, bytes)| [path.display().to_string().into_bytes(), bytes].concat())
        .collect();
    let visible = String::from_utf8_lossy(&visible).into_owned();
    std::fs::read_dir(bundle.join("tests/hidden"))
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".toml").filter(|id| !id.ends_with(".golden")).map(String::from)
        })
        .filter(|id| !visible.contains(id.as_str()))
        .collect()
}
