#![warn(missing_docs)]

//! Mirror: run reference programs and candidate reimplementations as WASI modules in a
//! deterministic sandbox, record the reference's behaviour as goldens, and score candidates
//! against them.
//!
//! Data flows one way: a [`task`] and a candidate go through the [`sandbox`] (each case's
//! command line run by the [`shell`] with the program and the guest [`tools`], driven by
//! [`suite`]), whose [`outcome`]s become [`verdict`]s, which [`report`] renders. The
//! [`engine`] runs the cases for every command (scoring, [`recording`], [`fidelity`]) and
//! tells reporters of the run as it goes; [`error`] holds the typed errors at the library's
//! boundaries, [`digest`] the hashing every digest uses.

pub mod build;
pub mod cache;
pub mod digest;
pub mod engine;
pub mod error;
pub mod fidelity;
pub mod files;
pub mod mirrorcode;
pub mod oracle;
pub mod outcome;
mod parallel;
pub mod probe;
pub mod recipe;
pub mod recording;
pub mod report;
pub mod select;
pub mod shell;
pub mod suite;
pub mod task;
pub mod tools;
pub mod verdict;

/// The sandbox every run goes through: the `mirror-sandbox` crate.
pub use mirror_sandbox as sandbox;
