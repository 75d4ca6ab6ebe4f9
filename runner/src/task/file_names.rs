//! Which names a task's files may have: the rule every case, golden and command-line file
//! name is checked against before it reaches a sandbox.

use std::path::{Component, Path};

use crate::error::{fail, Result};
use crate::sandbox::portable_path;

/// Accepts only plain relative paths: no root, no `..`, no `.` components, no backslashes,
/// and only names every platform can hold.
pub fn check_relative(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && !name.contains('\\')
        && Path::new(name).components().all(|c| matches!(c, Component::Normal(_)))
        && !name.split('/').any(|part| part.is_empty() || part == ".");
    if !plain {
        fail!(Invalid, "file name {name:?} must be a relative path without `.`, `..` or empty parts");
    }
    if !portable_path(name) {
        fail!(Invalid, "file name {name:?} cannot exist on every platform (no `< > : \" \\ | ? *`, control characters, trailing dots or spaces, or device names such as NUL)");
    }
    Ok(())
}
