//! Choosing which cases a run takes: by name (`--filter`) and by shard (`--shard i/n`, or
//! `--shard job/n` for the shard a Kubernetes Indexed Job's pod is given).

use std::fmt;
use std::str::FromStr;

use crate::error::{fail, Context, Error, Result};
use crate::task::{CaseFile, CaseId, Split, Task};

/// The case files of `task` a run takes: those of `splits` that match `filters` (see
/// [`matches_filter`]) and lie in `shard`, in case order; none is read yet. Filters that match
/// no case are an error, naming them.
pub fn select(task: &Task, splits: &[Split], filters: &[String], shard: Option<Shard>) -> Result<Vec<CaseFile>> {
    let mut cases = task.case_files(splits)?;
    cases.retain(|case| matches_filter(case, filters));
    if cases.is_empty() && !filters.is_empty() {
        fail!(Usage, "no case of task {} matches --filter {}", task.name, filters.join(" "));
    }
    if let Some(shard) = shard {
        cases.retain(|case| shard.contains(&case.id));
    }
    Ok(cases)
}

/// One of `count` disjoint parts of a suite; `index` counts from 1.
///
/// A case belongs to the shard its id hashes to, so every case is in exactly one shard, the
/// same one on every machine, and adding a case moves no other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 1 to `count`.
    pub index: u32,
    /// How many shards the suite is cut into.
    pub count: u32,
}

impl Shard {
    /// Whether the case with `id` is in this shard.
    pub fn contains(&self, id: &str) -> bool {
        let hash = crate::digest::sha256(id.as_bytes());
        let value = u64::from_le_bytes(hash[..8].try_into().expect("8 bytes"));
        value % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = Error;

    fn from_str(text: &str) -> Result<Shard> {
        let (index, count) = text.split_once('/').ok_or_else(|| Error::Usage(format!("shard {text:?} is not I/N")))?;
        let index: u32 = index.trim().parse().with_context(|| format!("shard {text:?}: {index:?} is not a number"))?;
        let count: u32 = count.trim().parse().with_context(|| format!("shard {text:?}: {count:?} is not a number"))?;
        if count == 0 || index == 0 || index > count {
            fail!(Usage, "shard {text:?}: I counts from 1 to N");
        }
        Ok(Shard { index, count })
    }
}

/// The variable a Kubernetes Indexed Job sets in each of its pods: the pod's completion
/// index, counting from 0.
pub const COMPLETION_INDEX_VAR: &str = "JOB_COMPLETION_INDEX";

/// A shard as the command line names it: fixed (`i/n`), or `job/n`, shard
/// `$JOB_COMPLETION_INDEX + 1` of `n`, so that one Job manifest serves every pod with no
/// shell arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardSpec {
    /// `i/n`: this shard.
    Fixed(Shard),
    /// `job/n`: shard `$JOB_COMPLETION_INDEX + 1` of `count`.
    CompletionIndex {
        /// How many shards.
        count: u32,
    },
}

impl ShardSpec {
    /// The shard to run, given the value of [`COMPLETION_INDEX_VAR`] (if set).
    pub fn resolve(self, completion_index: Option<&str>) -> Result<Shard> {
        let count = match self {
            ShardSpec::Fixed(shard) => return Ok(shard),
            ShardSpec::CompletionIndex { count } => count,
        };
        let text = completion_index.ok_or_else(|| {
            Error::Usage(format!(
                "--shard job/{count} needs {COMPLETION_INDEX_VAR} (set in each pod of an Indexed Job)"
            ))
        })?;
        let index: u32 =
            text.trim().parse().with_context(|| format!("{COMPLETION_INDEX_VAR}={text:?} is not a number"))?;
        if index >= count {
            fail!(
                Usage,
                "{COMPLETION_INDEX_VAR}={index} is past the last shard of job/{count} (indexes count from 0 to {})",
                count - 1
            );
        }
        Ok(Shard { index: index + 1, count })
    }
}

impl FromStr for ShardSpec {
    type Err = Error;

    fn from_str(text: &str) -> Result<ShardSpec> {
        match text.strip_prefix("job/") {
            Some(count) => {
                let count: u32 =
                    count.trim().parse().with_context(|| format!("shard {text:?}: {count:?} is not a number"))?;
                if count == 0 {
                    fail!(Usage, "shard {text:?}: N must be at least 1");
                }
                Ok(ShardSpec::CompletionIndex { count })
            }
            None => text.parse().map(ShardSpec::Fixed),
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Whether `case` matches any of `patterns`: globs (`*` any run of characters, `?` one) over
/// the case's id or its `split/id`. No patterns match every case.
pub fn matches_filter(case: &CaseFile, patterns: &[String]) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| glob(p, &case.id) || glob(p, &case.name()))
}

/// Wildcard matching by dynamic programming over characters: linear in memory, no backtracking.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // matched[j]: the pattern so far matches text[..j].
    let mut matched = vec![false; text.len() + 1];
    matched[0] = true;
    for p in &pattern {
        let mut next = vec![false; text.len() + 1];
        match p {
            '*' => {
                let mut any = false;
                for j in 0..=text.len() {
                    any |= matched[j];
                    next[j] = any;
                }
            }
            _ => {
                for j in 0..text.len() {
                    next[j + 1] = matched[j] && (*p == '?' || *p == text[j]);
                }
            }
        }
        matched = next;
    }
    matched[text.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_names() {
        for (pattern, text, expected) in [
            ("freq-*", "freq-ties", true),
            ("freq-*", "count-freq", false),
            ("*json*", "freq-json-poem", true),
            ("count-?", "count-1", true),
            ("count-?", "count-12", false),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("*", "", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
        ] {
            assert_eq!(glob(pattern, text), expected, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn shards_partition_every_id_exactly_once() {
        let ids: Vec<String> = (0..500).map(|i| format!("case-{i}")).collect();
        let shards: Vec<Shard> = (1..=4).map(|i| Shard { index: i, count: 4 }).collect();
        for id in &ids {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1, "{id}");
        }
        let sizes: Vec<usize> = shards.iter().map(|s| ids.iter().filter(|id| s.contains(id)).count()).collect();
        assert!(sizes.iter().all(|&n| (90..=160).contains(&n)), "balanced enough: {sizes:?}");
    }

    #[test]
    fn job_shards_take_the_completion_index_from_zero() {
        let spec: ShardSpec = "job/4".parse().unwrap();
        assert_eq!(spec, ShardSpec::CompletionIndex { count: 4 });
        assert_eq!(spec.resolve(Some("0")).unwrap(), Shard { index: 1, count: 4 });
        assert_eq!(spec.resolve(Some("3")).unwrap(), Shard { index: 4, count: 4 });
        for bad in [None, Some("4"), Some("-1"), Some("x"), Some("")] {
            assert!(spec.resolve(bad).is_err(), "{bad:?}");
        }
        assert_eq!("2/5".parse::<ShardSpec>().unwrap().resolve(None).unwrap(), Shard { index: 2, count: 5 });
        for bad in ["job/0", "job/", "job/x", "jobs/2"] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shard_specs_parse_and_refuse_nonsense() {
        assert_eq!("2/5".parse::<Shard>().unwrap(), Shard { index: 2, count: 5 });
        assert_eq!("2/5".parse::<Shard>().unwrap().to_string(), "2/5");
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
