//! The oracle: the agent side of the boundary. `mirror serve` holds task bundles the agent
//! cannot read and answers `exec`, `sh` and `info` requests over a Unix domain socket; a
//! workspace made with `mirror workspace --oracle` names that socket instead of a module.
//!
//! No reply carries module bytes, a path inside a bundle, a hidden case or anything
//! recorded for one: runs start only from what the request brings (and the fixtures the
//! visible cases use), and errors that are the host's are logged, never sent.

mod audit;
#[cfg(unix)]
pub mod client;
pub mod protocol;
#[cfg(unix)]
pub mod server;

pub use audit::Audit;
