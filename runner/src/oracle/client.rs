//! The agent's side of the protocol: one request, one reply, one connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::protocol::{Reply, Request};
use crate::error::{fail, Context, Result};

/// The longest reply read: outputs and files at their largest default caps, in base64.
const MAX_REPLY_BYTES: u64 = 256 << 20;

/// Sends `request` to the oracle listening on `socket` and reads its reply.
pub fn ask(socket: &Path, request: &Request) -> Result<Reply> {
    let reach = || format!("cannot reach the oracle at {}", socket.display());
    let mut stream = UnixStream::connect(socket).with_context(reach)?;
    // A refused request may be cut off mid-write; its error reply is still there to read.
    let sent = stream.write_all(&request.to_line());
    let mut line = Vec::new();
    let read = BufReader::new(stream).take(MAX_REPLY_BYTES).read_until(b'\n', &mut line);
    if line.pop() != Some(b'\n') {
        sent.with_context(reach)?;
        read.with_context(|| format!("the oracle at {} did not reply", socket.display()))?;
        fail!(Oracle, "the oracle at {} closed the connection without a whole reply", socket.display());
    }
    Reply::parse(&line).with_context(|| format!("the oracle at {}", socket.display()))
}
