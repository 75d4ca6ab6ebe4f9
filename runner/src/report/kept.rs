//! What a report keeps of a run: for each stream and file a bounded head of its bytes, with
//! the length and SHA-256 of the whole, so that a flooding candidate cannot make a report
//! (or the memory holding it) grow with its output, while digests still cover every byte.

use std::collections::{BTreeMap, BTreeSet};

use crate::outcome::{Ending, Entry, FileChanges};

/// The most bytes kept of one stream or file.
pub const HEAD_BYTES: usize = 64 << 10;
/// The most bytes kept of all the files of one run together, heads taken in name order: a
/// run may write a thousand files.
pub const FILE_HEADS_BYTES: usize = 1 << 20;

/// Bytes as a report keeps them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The first bytes: at most the cap it was kept with, cut before a UTF-8 character that
    /// would not fit whole.
    pub head: Vec<u8>,
    /// The length of the whole.
    pub len: u64,
    /// SHA-256 of the whole.
    pub sha256: [u8; 32],
}

impl Excerpt {
    /// The first `cap` bytes of `bytes` (fewer, to end on a character boundary of text), with
    /// the length and digest of all of them.
    pub fn of(bytes: &[u8], cap: usize) -> Excerpt {
        let mut end = bytes.len().min(cap);
        if end < bytes.len() {
            if let Err(err) = std::str::from_utf8(&bytes[..end]) {
                // Only a character cut in two at the end: keep the text before it.
                if err.error_len().is_none() {
                    end = err.valid_up_to();
                }
            }
        }
        Excerpt { head: bytes[..end].to_vec(), len: bytes.len() as u64, sha256: crate::digest::sha256(bytes) }
    }

    /// Whether the head is all of the bytes.
    pub fn is_whole(&self) -> bool {
        self.head.len() as u64 == self.len
    }

    /// The digest as lowercase hex.
    pub fn sha256_hex(&self) -> String {
        crate::digest::hex(&self.sha256)
    }
}

/// What a run left in its scratch directory, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeptEntry {
    /// A regular file: what is kept of its contents.
    File(Excerpt),
    /// A symlink, by its target.
    Symlink(String),
    /// An empty directory.
    Directory,
}

/// One run of a case (or its golden) as a report keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptRun {
    /// How the run ended.
    pub termination: Ending,
    /// What is kept of stdout.
    pub stdout: Excerpt,
    /// What is kept of stderr.
    pub stderr: Excerpt,
    /// Entries created or changed, by `/`-separated relative path.
    pub files: BTreeMap<String, KeptEntry>,
    /// Input files that are gone.
    pub removed: BTreeSet<String>,
}

impl KeptRun {
    /// What a report keeps of a run that ended with `termination`.
    pub fn of(termination: Ending, stdout: &[u8], stderr: &[u8], changes: &FileChanges) -> KeptRun {
        let mut budget = FILE_HEADS_BYTES;
        let files = changes
            .written
            .iter()
            .map(|(name, entry)| {
                let kept = match entry {
                    Entry::File(bytes) => {
                        let excerpt = Excerpt::of(bytes, HEAD_BYTES.min(budget));
                        budget -= excerpt.head.len();
                        KeptEntry::File(excerpt)
                    }
                    Entry::Symlink(target) => KeptEntry::Symlink(target.clone()),
                    Entry::Directory => KeptEntry::Directory,
                };
                (name.clone(), kept)
            })
            .collect();
        KeptRun {
            termination,
            stdout: Excerpt::of(stdout, HEAD_BYTES),
            stderr: Excerpt::of(stderr, HEAD_BYTES),
            files,
            removed: changes.removed.clone(),
        }
    }
}
