//! The audit log: one JSON line per request, so that a benchmark author sees how an agent
//! probed the reference.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::outcome::Outcome;
use crate::report::json::TerminationJson;

use super::protocol::{Op, Request};

/// Where audit lines go; each line is written whole, under a lock.
pub struct Audit {
    out: Mutex<Box<dyn Write + Send>>,
}

/// One request as the log records it.
#[derive(Serialize)]
pub struct Entry {
    /// When the request arrived, RFC 3339 in UTC.
    time: String,
    /// The connection it came on, numbered from 1 in the order they were accepted.
    connection: u64,
    op: Option<&'static str>,
    task: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<String>,
    /// Bytes of the request line as received.
    request_bytes: usize,
    stdin_bytes: usize,
    files: usize,
    file_bytes: usize,
    fixtures: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    termination: Option<TerminationJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fuel: Option<u64>,
    duration_ms: f64,
    /// Why the request failed, as the server saw it (which may say more than the reply).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Entry {
    /// An entry for a request line of `request_bytes` bytes that arrived at `time`.
    pub fn new(time: SystemTime, connection: u64, request_bytes: usize) -> Entry {
        Entry {
            time: rfc3339(time),
            connection,
            op: None,
            task: None,
            args: None,
            line: None,
            request_bytes,
            stdin_bytes: 0,
            files: 0,
            file_bytes: 0,
            fixtures: false,
            termination: None,
            fuel: None,
            duration_ms: 0.0,
            error: None,
        }
    }

    /// Records what the request asked for.
    pub fn request(&mut self, request: &Request) {
        self.op = Some(request.op_name());
        self.task = Some(request.task.clone());
        match &request.op {
            Op::Exec(args) => self.args = Some(args.clone()),
            Op::Sh(line) => self.line = Some(line.clone()),
            Op::Info => {}
        }
        self.stdin_bytes = request.stdin.len();
        self.files = request.files.len();
        self.file_bytes = request.files.values().map(Vec::len).sum();
        self.fixtures = request.fixtures;
    }

    /// Records how the run ended.
    pub fn outcome(&mut self, outcome: &Outcome) {
        self.termination = Some(TerminationJson::from(&outcome.termination));
        self.fuel = Some(outcome.fuel);
    }

    /// Records why the request failed.
    pub fn error(&mut self, error: String) {
        self.error = Some(error);
    }

    /// Records how long the request took.
    pub fn took(&mut self, duration: Duration) {
        self.duration_ms = (duration.as_secs_f64() * 1e6).round() / 1e3;
    }
}

impl Audit {
    /// A log written to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Audit {
        Audit { out: Mutex::new(out) }
    }

    /// Appends `entry` as one line. A log that cannot be written is reported on stderr and
    /// does not stop the server.
    pub fn write(&self, entry: &Entry) {
        let mut line = serde_json::to_vec(entry).expect("plain structs serialize");
        line.push(b'\n');
        let mut out = self.out.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(err) = out.write_all(&line).and_then(|()| out.flush()) {
            eprintln!("mirror serve: cannot write the audit log: {err}");
        }
    }
}

/// `time` as RFC 3339 in UTC with milliseconds, e.g. `2026-12-01T19:04:05.123Z`.
fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (days, day_seconds) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        day_seconds / 3600,
        day_seconds / 60 % 60,
        day_seconds % 60,
        since_epoch.subsec_millis()
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        let at = |seconds: u64, millis: u64| {
            rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds) + Duration::from_millis(millis))
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(at(1_798_761_599, 999), "2026-12-31T23:59:59.999Z");
    }
}
