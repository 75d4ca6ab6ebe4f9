//! The guest tools Mirror ships: command names other than a task's program resolve here.

use crate::error::{Context, Result};
use crate::sandbox::{Program, Sandbox};

/// Where the tools come from.
pub const ORIGIN: &str = "uutils coreutils 0.12.0 (feat_wasm), one multicall wasm32-wasip1 module";

/// The multicall module, built by `guest-tools/coreutils/build.sh`. It picks the utility by
/// argv[0], so a command line's own words run it unchanged.
static COREUTILS: &[u8] = include_bytes!("../../guest-tools/coreutils/coreutils.wasm");

/// Every utility the module provides, sorted.
pub const UTILITIES: &[&str] = &[
    "[",
    "arch",
    "b2sum",
    "base32",
    "base64",
    "basename",
    "basenc",
    "cat",
    "cksum",
    "comm",
    "cp",
    "csplit",
    "cut",
    "date",
    "dd",
    "dir",
    "dircolors",
    "dirname",
    "echo",
    "expand",
    "expr",
    "factor",
    "false",
    "fmt",
    "fold",
    "head",
    "hostid",
    "join",
    "link",
    "ln",
    "ls",
    "md5sum",
    "mkdir",
    "mktemp",
    "mv",
    "nice",
    "nl",
    "nproc",
    "numfmt",
    "od",
    "paste",
    "pathchk",
    "pr",
    "printenv",
    "printf",
    "ptx",
    "pwd",
    "readlink",
    "realpath",
    "rm",
    "rmdir",
    "seq",
    "sha1sum",
    "sha224sum",
    "sha256sum",
    "sha384sum",
    "sha512sum",
    "shred",
    "shuf",
    "sleep",
    "sort",
    "split",
    "sum",
    "tail",
    "tee",
    "test",
    "touch",
    "tr",
    "true",
    "truncate",
    "tsort",
    "tty",
    "uname",
    "unexpand",
    "uniq",
    "unlink",
    "vdir",
    "wc",
    "yes",
];

/// Whether `name` is a guest tool.
pub fn is_tool(name: &str) -> bool {
    UTILITIES.binary_search(&name).is_ok()
}

/// Compiles (or loads from the cache) the tools module.
pub fn load(sandbox: &Sandbox) -> Result<Program> {
    sandbox.load_bytes(COREUTILS).context("the guest tools module (coreutils)")
}
