//! The oracle's protocol, version 1: newline-delimited JSON over a Unix domain socket.
//!
//! A client sends one request as one line of JSON (UTF-8, ending in `\n`) and reads one
//! reply line; it may send more requests on the same connection. Bytes (stdin, files,
//! outputs) are JSON strings when they are UTF-8 text and `{"base64": "..."}` otherwise, as
//! in goldens and reports. JSON escapes every newline inside a string, so a line is always
//! one whole message.
//!
//! ```text
//! {"version":1,"op":"exec","task":"textstat","args":["--freq=2"],"stdin":"b a b\n"}
//! {"version":1,"op":"sh","task":"textstat","line":"textstat -f poem.txt | head -n 3","fixtures":true}
//! {"version":1,"op":"info","task":"textstat"}
//! ```
//!
//! `exec` and `sh` also take `files` (`{"name": bytes, ...}`, relative paths) and `fixtures`
//! (`true`: start with the fixtures the task's visible cases use). Replies:
//!
//! ```text
//! {"version":1,"ok":true,"run":{"termination":{"kind":"exit","status":0},"stdout":"...","stderr":"","files":{},"removed":[]},"fuel":81234}
//! {"version":1,"ok":true,"info":{"task":"textstat","program":"textstat","description":"...","tools":[...],"limits":{...},"docs":["textstat.md"],"visible_cases":44}}
//! {"version":1,"ok":false,"error":"unknown op \"read\" (expected exec, sh or info)"}
//! ```
//!
//! After an error reply the server closes the connection.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{fail, Context, Result};
use crate::outcome::{Entry, FileChanges, Outcome};
use crate::report::json::{BytesJson, TerminationJson};
use crate::sandbox::Limits;

/// The protocol version this Mirror speaks; requests must name it.
pub const VERSION: u32 = 1;
/// The longest request line, newline included.
pub const MAX_REQUEST_BYTES: usize = 16 << 20;
/// The most arguments an `exec` request may pass.
pub const MAX_ARGS: usize = 4096;
/// The most bytes of arguments, or of an `sh` command line.
pub const MAX_COMMAND_BYTES: usize = 256 << 10;
/// The most stdin bytes.
pub const MAX_STDIN_BYTES: usize = 4 << 20;
/// The most input files.
pub const MAX_FILES: usize = 1000;
/// The most bytes of input files, together.
pub const MAX_FILES_BYTES: usize = 8 << 20;

/// What a request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Run the program with these arguments (`argv[0]` excluded).
    Exec(Vec<String>),
    /// Run a command line of the portable shell.
    Sh(String),
    /// Describe the task.
    Info,
}

/// One request, checked against the caps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The task whose reference runs.
    pub task: String,
    /// What to do.
    pub op: Op,
    /// The program's stdin.
    pub stdin: Vec<u8>,
    /// Input files, by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Start with the fixtures of the task's visible cases.
    pub fixtures: bool,
}

/// What the server says about a task: everything an agent may know of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    /// The task's name.
    pub task: String,
    /// The program's name, as command lines write it.
    pub program: String,
    /// What the program does.
    pub description: String,
    /// The guest tools command lines may use.
    pub tools: Vec<String>,
    /// The limits every run has.
    pub limits: Limits,
    /// The files under the task's `docs/`, as relative paths.
    pub docs: Vec<String>,
    /// How many visible cases the task has.
    pub visible_cases: usize,
}

/// One reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// What an `exec` or `sh` request's run produced.
    Ran(Outcome),
    /// What `info` answers.
    Info(Info),
    /// Why the request was refused or failed; the connection closes after it.
    Error(String),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestJson {
    version: u32,
    op: String,
    task: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stdin: Option<BytesJson>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    files: BTreeMap<String, BytesJson>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    fixtures: bool,
}

/// A run's outputs whole, as replies carry them (reports keep only their heads).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunJson {
    termination: TerminationJson,
    stdout: BytesJson,
    stderr: BytesJson,
    files: BTreeMap<String, EntryJson>,
    removed: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum EntryJson {
    Bytes(BytesJson),
    Symlink { symlink: String },
    Directory { directory: bool },
}

impl From<&Outcome> for RunJson {
    fn from(outcome: &Outcome) -> Self {
        let entry = |entry: &Entry| match entry {
            Entry::File(bytes) => EntryJson::Bytes(BytesJson::from(bytes.as_slice())),
            Entry::Symlink(target) => EntryJson::Symlink { symlink: target.clone() },
            Entry::Directory => EntryJson::Directory { directory: true },
        };
        RunJson {
            termination: TerminationJson::from(&outcome.termination),
            stdout: BytesJson::from(outcome.stdout.as_slice()),
            stderr: BytesJson::from(outcome.stderr.as_slice()),
            files: outcome.files.written.iter().map(|(name, e)| (name.clone(), entry(e))).collect(),
            removed: outcome.files.removed.iter().cloned().collect(),
        }
    }
}

impl RunJson {
    /// The outcome it writes, with `fuel`.
    fn outcome(self, fuel: u64) -> Result<Outcome> {
        let mut written = BTreeMap::new();
        for (name, entry) in self.files {
            let entry = match entry {
                EntryJson::Bytes(bytes) => Entry::File(bytes.decode()?),
                EntryJson::Symlink { symlink } => Entry::Symlink(symlink),
                EntryJson::Directory { .. } => Entry::Directory,
            };
            written.insert(name, entry);
        }
        Ok(Outcome {
            termination: self.termination.into(),
            stdout: self.stdout.decode()?,
            stderr: self.stderr.decode()?,
            files: FileChanges { written, removed: self.removed.into_iter().collect() },
            fuel,
        })
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyJson {
    version: u32,
    ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    run: Option<RunJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fuel: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    info: Option<Info>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Request {
    /// The request as one line of JSON, `\n` included.
    pub fn to_line(&self) -> Vec<u8> {
        let (op, args, line) = match &self.op {
            Op::Exec(args) => ("exec", Some(args.clone()), None),
            Op::Sh(line) => ("sh", None, Some(line.clone())),
            Op::Info => ("info", None, None),
        };
        let probe = self.op != Op::Info;
        let json = RequestJson {
            version: VERSION,
            op: op.into(),
            task: self.task.clone(),
            args,
            line,
            stdin: (probe && !self.stdin.is_empty()).then(|| BytesJson::from(self.stdin.as_slice())),
            files: self
                .files
                .iter()
                .filter(|_| probe)
                .map(|(name, bytes)| (name.clone(), BytesJson::from(bytes.as_slice())))
                .collect(),
            fixtures: probe && self.fixtures,
        };
        to_line(&json)
    }

    /// Reads and checks one request line (without its `\n`). The error is the reply.
    pub fn parse(line: &[u8]) -> Result<Request> {
        let json: RequestJson = serde_json::from_slice(line).context("malformed request")?;
        if json.version != VERSION {
            fail!(Oracle, "protocol version {} is not spoken here; this server speaks version {VERSION}", json.version);
        }
        let op = match (json.op.as_str(), json.args, json.line) {
            ("exec", Some(args), None) => Op::Exec(args),
            ("exec", None, None) => Op::Exec(Vec::new()),
            ("sh", None, Some(line)) => Op::Sh(line),
            ("info", None, None) => Op::Info,
            ("exec" | "sh" | "info", _, _) => fail!(Oracle, "`{}` takes {}", json.op, fields_of(&json.op)),
            (other, _, _) => fail!(Oracle, "unknown op {other:?} (expected exec, sh or info)"),
        };
        if op == Op::Info && (json.stdin.is_some() || !json.files.is_empty() || json.fixtures) {
            fail!(Oracle, "`info` takes {}", fields_of("info"));
        }
        let request = Request {
            task: json.task,
            op,
            stdin: json.stdin.map(BytesJson::decode).transpose().context("stdin")?.unwrap_or_default(),
            files: json
                .files
                .into_iter()
                .map(|(name, bytes)| {
                    let bytes = bytes.decode().with_context(|| format!("file {name:?}"))?;
                    Ok((name, bytes))
                })
                .collect::<Result<_>>()?,
            fixtures: json.fixtures,
        };
        request.check_caps()?;
        Ok(request)
    }

    fn check_caps(&self) -> Result<()> {
        match &self.op {
            Op::Exec(args) if args.len() > MAX_ARGS => {
                fail!(Oracle, "{} arguments, more than the {MAX_ARGS} allowed", args.len())
            }
            Op::Exec(args) if args.iter().map(String::len).sum::<usize>() > MAX_COMMAND_BYTES => {
                fail!(Oracle, "the arguments are longer than the {MAX_COMMAND_BYTES} bytes allowed")
            }
            Op::Sh(line) if line.len() > MAX_COMMAND_BYTES => {
                fail!(Oracle, "the command line is longer than the {MAX_COMMAND_BYTES} bytes allowed")
            }
            _ => {}
        }
        if self.stdin.len() > MAX_STDIN_BYTES {
            fail!(Oracle, "stdin is {} bytes, more than the {MAX_STDIN_BYTES} allowed", self.stdin.len());
        }
        if self.files.len() > MAX_FILES {
            fail!(Oracle, "{} input files, more than the {MAX_FILES} allowed", self.files.len());
        }
        let file_bytes: usize = self.files.values().map(Vec::len).sum();
        if file_bytes > MAX_FILES_BYTES {
            fail!(Oracle, "the input files hold {file_bytes} bytes, more than the {MAX_FILES_BYTES} allowed");
        }
        Ok(())
    }

    /// The name of the op, as requests spell it.
    pub fn op_name(&self) -> &'static str {
        match self.op {
            Op::Exec(_) => "exec",
            Op::Sh(_) => "sh",
            Op::Info => "info",
        }
    }
}

fn fields_of(op: &str) -> &'static str {
    match op {
        "exec" => "`args` (optional), `stdin`, `files` and `fixtures`, not `line`",
        "sh" => "`line`, `stdin`, `files` and `fixtures`, not `args`",
        _ => "only `version`, `op` and `task`",
    }
}

impl Reply {
    /// The reply as one line of JSON, `\n` included.
    pub fn to_line(&self) -> Vec<u8> {
        let mut json = ReplyJson { version: VERSION, ok: true, run: None, fuel: None, info: None, error: None };
        match self {
            Reply::Ran(outcome) => {
                json.run = Some(RunJson::from(outcome));
                json.fuel = Some(outcome.fuel);
            }
            Reply::Info(info) => json.info = Some(info.clone()),
            Reply::Error(error) => {
                json.ok = false;
                json.error = Some(error.clone());
            }
        }
        to_line(&json)
    }

    /// Reads one reply line (without its `\n`).
    pub fn parse(line: &[u8]) -> Result<Reply> {
        let json: ReplyJson = serde_json::from_slice(line).context("malformed reply")?;
        if json.version != VERSION {
            fail!(Oracle, "the oracle speaks protocol version {}; this Mirror speaks version {VERSION}", json.version);
        }
        match (json.ok, json.run, json.fuel, json.info, json.error) {
            (true, Some(run), Some(fuel), None, None) => Ok(Reply::Ran(run.outcome(fuel)?)),
            (true, None, None, Some(info), None) => Ok(Reply::Info(info)),
            (false, None, None, None, Some(error)) => Ok(Reply::Error(error)),
            _ => fail!(Oracle, "malformed reply: `ok` with `run` and `fuel`, `ok` with `info`, or `error` alone"),
        }
    }
}

fn to_line(json: &impl Serialize) -> Vec<u8> {
    let mut line = serde_json::to_vec(json).expect("plain structs serialize");
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(op: Op) -> Request {
        Request {
            task: "t".into(),
            op,
            stdin: vec![0xff, 0, b'a'],
            files: [("a/b.txt".to_string(), b"text\n".to_vec())].into(),
            fixtures: true,
        }
    }

    #[test]
    fn requests_read_back_as_written() {
        for op in [Op::Exec(vec!["-n".into(), "2".into()]), Op::Sh("t | head".into())] {
            let line = request(op.clone()).to_line();
            assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
            assert_eq!(Request::parse(&line[..line.len() - 1]).unwrap(), request(op));
        }
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        for (line, expected) in [
            (r#"{"version":1,"op":"read","task":"t"}"#, "unknown op \"read\""),
            (r#"{"version":2,"op":"info","task":"t"}"#, "protocol version 2"),
            (r#"{"version":1,"op":"info","task":"t","line":"x"}"#, "`info` takes"),
            (r#"{"version":1,"op":"sh","task":"t"}"#, "`sh` takes `line`"),
            (r#"{"version":1,"op":"exec","task":"t","module":"x"}"#, "malformed request"),
            (r#"{"version":1,"op":"exec","task":"t","stdin":{"base64":"!!"}}"#, "stdin"),
            (r#"{"version":1,"op":"exec""#, "malformed request"),
        ] {
            let err = Request::parse(line.as_bytes()).unwrap_err().chain().to_string();
            assert!(err.contains(expected), "{line}: {err}");
        }
    }

    #[test]
    fn caps_are_enforced() {
        let mut big = request(Op::Exec(vec![]));
        big.stdin = vec![b'x'; MAX_STDIN_BYTES + 1];
        let line = big.to_line();
        let err = Request::parse(&line[..line.len() - 1]).unwrap_err().chain().to_string();
        assert!(err.contains("stdin is"), "{err}");
        let many = Request { op: Op::Exec(vec![String::new(); MAX_ARGS + 1]), ..request(Op::Info) };
        let line = many.to_line();
        assert!(Request::parse(&line[..line.len() - 1]).is_err());
    }

    #[test]
    fn replies_read_back_as_written() {
        let ran = Reply::Ran(Outcome {
            termination: crate::outcome::Termination::Exited(3).into(),
            stdout: b"out\n".to_vec(),
            stderr: vec![0xfe],
            files: Default::default(),
            fuel: 42,
        });
        let info = Reply::Info(Info {
            task: "t".into(),
            program: "t".into(),
            description: String::new(),
            tools: vec!["cat".into()],
            limits: Limits::default(),
            docs: vec!["t.md".into()],
            visible_cases: 3,
        });
        for reply in [ran, info, Reply::Error("no".into())] {
            let line = reply.to_line();
            assert_eq!(Reply::parse(&line[..line.len() - 1]).unwrap(), reply);
        }
    }
}
