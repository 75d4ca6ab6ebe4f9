//! The preview1 structures Mirror reads and writes in guest memory, as named fields.
//!
//! Each structure is decoded from a fixed-size array, so a malformed buffer can give odd
//! values but never a panic; encoding writes every field and leaves padding zero.

/// Size of a preview1 `filestat`.
pub const FILESTAT_SIZE: usize = 64;
/// Size of the fixed part of a preview1 `dirent` (the name follows it).
pub const DIRENT_HEADER_SIZE: usize = 24;
/// Size of a preview1 `subscription`.
pub const SUBSCRIPTION_SIZE: usize = 48;
/// Size of a preview1 `event`.
pub const EVENT_SIZE: usize = 32;
/// Size of a preview1 `ciovec`.
pub const CIOVEC_SIZE: usize = 8;

/// Preview1 file type of a directory.
pub const FILETYPE_DIRECTORY: u8 = 3;
/// Preview1 file type of a regular file.
pub const FILETYPE_REGULAR_FILE: u8 = 4;

fn u64_at<const N: usize>(bytes: &[u8; N], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

fn u32_at<const N: usize>(bytes: &[u8; N], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// Copies `N` bytes of `bytes` from `at`; None when they are not all there.
pub fn array_at<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// `filestat`: what `fd_filestat_get` and `path_filestat_get` answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    /// The fields of the structure as preview1 lays it out.
    pub fn decode(bytes: &[u8; FILESTAT_SIZE]) -> Self {
        Filestat {
            dev: u64_at(bytes, 0),
            ino: u64_at(bytes, 8),
            filetype: bytes[16],
            nlink: u64_at(bytes, 24),
            size: u64_at(bytes, 32),
            atim: u64_at(bytes, 40),
            mtim: u64_at(bytes, 48),
            ctim: u64_at(bytes, 56),
        }
    }

    /// The structure as preview1 lays it out, padding zero.
    pub fn encode(&self) -> [u8; FILESTAT_SIZE] {
        let mut bytes = [0u8; FILESTAT_SIZE];
        bytes[0..8].copy_from_slice(&self.dev.to_le_bytes());
        bytes[8..16].copy_from_slice(&self.ino.to_le_bytes());
        bytes[16] = self.filetype;
        bytes[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        bytes[32..40].copy_from_slice(&self.size.to_le_bytes());
        bytes[40..48].copy_from_slice(&self.atim.to_le_bytes());
        bytes[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        bytes[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        bytes
    }
}

/// The fixed part of a `dirent`; `name_len` bytes of name follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirentHeader {
    pub next_cookie: u64,
    pub ino: u64,
    pub name_len: u32,
    pub filetype: u8,
}

impl DirentHeader {
    /// The fields of the structure as preview1 lays it out.
    pub fn decode(bytes: &[u8; DIRENT_HEADER_SIZE]) -> Self {
        DirentHeader {
            next_cookie: u64_at(bytes, 0),
            ino: u64_at(bytes, 8),
            name_len: u32_at(bytes, 16),
            filetype: bytes[20],
        }
    }

    /// The structure as preview1 lays it out, padding zero.
    pub fn encode(&self) -> [u8; DIRENT_HEADER_SIZE] {
        let mut bytes = [0u8; DIRENT_HEADER_SIZE];
        bytes[0..8].copy_from_slice(&self.next_cookie.to_le_bytes());
        bytes[8..16].copy_from_slice(&self.ino.to_le_bytes());
        bytes[16..20].copy_from_slice(&self.name_len.to_le_bytes());
        bytes[20] = self.filetype;
        bytes
    }
}

/// Tag of a clock `subscription`.
pub const EVENTTYPE_CLOCK: u8 = 0;

/// A `subscription` of `poll_oneoff`; the clock fields mean something only for clock ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub userdata: u64,
    pub tag: u8,
    pub clock_id: u32,
    pub timeout: u64,
    /// `subclockflags`: bit 0 means `timeout` is an absolute time.
    pub clock_flags: u16,
}

impl Subscription {
    /// The fields of the structure as preview1 lays it out.
    pub fn decode(bytes: &[u8; SUBSCRIPTION_SIZE]) -> Self {
        Subscription {
            userdata: u64_at(bytes, 0),
            tag: bytes[8],
            clock_id: u32_at(bytes, 16),
            timeout: u64_at(bytes, 24),
            clock_flags: u16::from_le_bytes([bytes[40], bytes[41]]),
        }
    }

    /// Whether `timeout` is an absolute time rather than a wait.
    pub fn is_absolute(&self) -> bool {
        self.clock_flags & 1 == 1
    }
}

/// An `event` of `poll_oneoff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub userdata: u64,
    pub error: u16,
    pub tag: u8,
}

impl Event {
    /// The structure as preview1 lays it out, padding zero.
    pub fn encode(&self) -> [u8; EVENT_SIZE] {
        let mut bytes = [0u8; EVENT_SIZE];
        bytes[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        bytes[8..10].copy_from_slice(&self.error.to_le_bytes());
        bytes[10] = self.tag;
        bytes
    }
}

/// A `ciovec`: a buffer in guest memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ciovec {
    pub ptr: u32,
    pub len: u32,
}

impl Ciovec {
    /// The fields of the structure as preview1 lays it out.
    pub fn decode(bytes: &[u8; CIOVEC_SIZE]) -> Self {
        Ciovec { ptr: u32_at(bytes, 0), len: u32_at(bytes, 4) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filestat_survives_encoding() {
        let stat =
            Filestat { dev: 1, ino: 2, filetype: FILETYPE_REGULAR_FILE, nlink: 3, size: 4, atim: 5, mtim: 6, ctim: 7 };
        assert_eq!(Filestat::decode(&stat.encode()), stat);
    }

    #[test]
    fn arrays_past_the_end_are_none() {
        assert_eq!(array_at::<4>(&[1, 2, 3], 0), None);
        assert_eq!(array_at::<2>(&[1, 2, 3], 1), Some([2, 3]));
        assert_eq!(array_at::<2>(&[1, 2, 3], usize::MAX), None);
    }
}
