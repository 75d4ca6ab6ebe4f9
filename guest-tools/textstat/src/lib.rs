//! textstat: statistics over text files, the reference program of Mirror's bundled task.
//!
//! One library serves two builds: the reference, and an imperfect reimplementation that
//! differs in a handful of documented places so that scoring has real failures to show.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Read, Write};

const USAGE: &str = "\
Usage: textstat [OPTIONS] [FILE]...

Prints statistics about each FILE, or standard input when no FILE is given or FILE is -.

Modes (one at a time; default --count):
  -c, --count           lines, words, characters and bytes per file, and a total
  -f, --freq[=N]        the N most frequent words (default 10), ties in alphabetical order
  -l, --lengths         a histogram of word lengths
  -s, --sentences       sentences, words per sentence and the longest sentence

Options:
  -i, --ignore-case     fold case before counting words
  -m, --min-length N    ignore words shorter than N characters
  -o, --output FILE     write the report to FILE instead of standard output
      --format FORMAT   text (default), csv or json
  -h, --help            print this help and exit
  -V, --version         print the version and exit

A word is a run of letters, digits, apostrophes and hyphens, without leading or trailing
apostrophes and hyphens. Input that is not UTF-8 is decoded with replacement characters.

Exit status: 0 on success, 1 if a file could not be read or written, 2 on a usage error.
";

/// Which build is running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// The reference behaviour.
    Reference,
    /// Differs from the reference: frequency ties in first-seen order, ASCII-only case
    /// folding, file errors without the program prefix, truncated means, and JSON without a
    /// final newline.
    Imperfect,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Count,
    Freq(usize),
    Lengths,
    Sentences,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Csv,
    Json,
}

struct Options {
    mode: Mode,
    ignore_case: bool,
    min_length: usize,
    output: Option<String>,
    format: Format,
    files: Vec<String>,
}

/// A usage error: the message, printed before the hint to use --help.
struct Usage(String);

/// Runs textstat with the process's arguments; returns the exit status.
pub fn main(flavor: Flavor) -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => return 0,
        Err(Usage(message)) => {
            eprintln!("textstat: {message}\nTry 'textstat --help' for more information.");
            return 2;
        }
    };
    run(&options, flavor)
}

fn parse(args: &[String]) -> Result<Option<Options>, Usage> {
    let mut options = Options {
        mode: Mode::Count,
        ignore_case: false,
        min_length: 0,
        output: None,
        format: Format::Text,
        files: Vec::new(),
    };
    let mut modes = 0;
    let mut iter = args.iter();
    let mut only_files = false;
    while let Some(arg) = iter.next() {
        if only_files || arg == "-" || !arg.starts_with('-') {
            options.files.push(arg.clone());
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if arg.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |flag: &str| -> Result<String, Usage> {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| Usage(format!("option '{flag}' needs a value")))
        };
        match name {
            "--" => only_files = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("textstat {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "-c" | "--count" => {
                options.mode = Mode::Count;
                modes += 1;
            }
            "-f" | "--freq" => {
                let n = match &inline {
                    Some(n) => number(n, "--freq")?,
                    None => 10,
                };
                options.mode = Mode::Freq(n);
                modes += 1;
            }
            "-l" | "--lengths" => {
                options.mode = Mode::Lengths;
                modes += 1;
            }
            "-s" | "--sentences" => {
                options.mode = Mode::Sentences;
                modes += 1;
            }
            "-i" | "--ignore-case" => options.ignore_case = true,
            "-m" | "--min-length" => options.min_length = number(&value(name)?, name)?,
            "-o" | "--output" => options.output = Some(value(name)?),
            "--format" => {
                options.format = match value(name)?.as_str() {
                    "text" => Format::Text,
                    "csv" => Format::Csv,
                    "json" => Format::Json,
                    other => return Err(Usage(format!("unknown format '{other}' (expected text, csv or json)"))),
                }
            }
            _ => return Err(Usage(format!("unknown option '{arg}'"))),
        }
    }
    if modes > 1 {
        return Err(Usage("choose one of --count, --freq, --lengths and --sentences".into()));
    }
    if options.files.is_empty() {
        options.files.push("-".into());
    }
    Ok(Some(options))
}

fn number(text: &str, flag: &str) -> Result<usize, Usage> {
    text.parse().map_err(|_| Usage(format!("invalid number '{text}' for '{flag}'")))
}

/// One input, read and decoded.
struct Input {
    name: String,
    bytes: usize,
    text: String,
}

fn run(options: &Options, flavor: Flavor) -> i32 {
    let mut status = 0;
    let mut inputs = Vec::new();
    for name in &options.files {
        match read_input(name) {
            Ok(input) => inputs.push(input),
            Err(err) => {
                report_error(flavor, name, &err);
                status = 1;
            }
        }
    }
    if inputs.is_empty() && status != 0 {
        return status;
    }
    let report = match options.mode {
        Mode::Count => count_report(options, &inputs),
        Mode::Freq(n) => freq_report(options, &inputs, n, flavor),
        Mode::Lengths => lengths_report(options, &inputs),
        Mode::Sentences => sentences_report(options, &inputs, flavor),
    };
    let report = if options.format == Format::Json && flavor == Flavor::Imperfect {
        report.trim_end_matches('\n').to_string()
    } else {
        report
    };
    let written = match &options.output {
        Some(path) => std::fs::write(path, &report).map_err(|err| (path.as_str(), err)),
        None => io::stdout().write_all(report.as_bytes()).map_err(|err| ("standard output", err)),
    };
    if let Err((name, err)) = written {
        report_error(flavor, name, &err);
        status = 1;
    }
    status
}

fn read_input(name: &str) -> io::Result<Input> {
    let mut bytes = Vec::new();
    if name == "-" {
        io::stdin().read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(name)?.read_to_end(&mut bytes)?;
    }
    let shown = if name == "-" { "(stdin)" } else { name };
    Ok(Input { name: shown.to_string(), bytes: bytes.len(), text: String::from_utf8_lossy(&bytes).into_owned() })
}

/// Prints a file error in words that do not depend on the platform's error numbers.
fn report_error(flavor: Flavor, name: &str, err: &io::Error) {
    let reason = match err.kind() {
        io::ErrorKind::NotFound => "No such file or directory",
        io::ErrorKind::PermissionDenied => "Permission denied",
        io::ErrorKind::IsADirectory => "Is a directory",
        _ if err.raw_os_error().is_some() => "Input/output error",
        _ => "Invalid data",
    };
    match flavor {
        Flavor::Reference => eprintln!("textstat: {name}: {reason}"),
        Flavor::Imperfect => eprintln!("{name}: {reason}"),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '-'
}

/// The words of `text` after case folding and the minimum length.
fn words<'a>(text: &'a str, options: &'a Options, flavor: Flavor) -> impl Iterator<Item = String> + 'a {
    text.split(|c: char| !is_word_char(c))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .filter(move |w| w.chars().count() >= options.min_length)
        .map(move |w| match (options.ignore_case, flavor) {
            (false, _) => w.to_string(),
            (true, Flavor::Reference) => w.to_lowercase(),
            (true, Flavor::Imperfect) => w.to_ascii_lowercase(),
        })
}

fn count_report(options: &Options, inputs: &[Input]) -> String {
    let rows: Vec<[usize; 4]> = inputs
        .iter()
        .map(|i| {
            [
                i.text.lines().count(),
                words(&i.text, options, Flavor::Reference).count(),
                i.text.chars().count(),
                i.bytes,
            ]
        })
        .collect();
    let total = rows.iter().fold([0; 4], |acc, row| std::array::from_fn(|k| acc[k] + row[k]));
    let mut named: Vec<(&str, [usize; 4])> = inputs.iter().map(|i| i.name.as_str()).zip(rows.iter().copied()).collect();
    if inputs.len() > 1 {
        named.push(("total", total));
    }
    let mut out = String::new();
    match options.format {
        Format::Text => {
            let width = total.iter().map(|n| n.to_string().len()).max().unwrap_or(1).max(5);
            let _ =
                writeln!(out, "{:>width$} {:>width$} {:>width$} {:>width$}  file", "lines", "words", "chars", "bytes");
            for (name, [l, w, c, b]) in &named {
                let _ = writeln!(out, "{l:>width$} {w:>width$} {c:>width$} {b:>width$}  {name}");
            }
        }
        Format::Csv => {
            out.push_str("file,lines,words,chars,bytes\n");
            for (name, [l, w, c, b]) in &named {
                let _ = writeln!(out, "{},{l},{w},{c},{b}", csv_field(name));
            }
        }
        Format::Json => {
            let items: Vec<String> = named
                .iter()
                .map(|(name, [l, w, c, b])| {
                    format!(
                        "{{\"file\":{},\"lines\":{l},\"words\":{w},\"chars\":{c},\"bytes\":{b}}}",
                        json_string(name)
                    )
                })
                .collect();
            let _ = writeln!(out, "[{}]", items.join(","));
        }
    }
    out
}

fn freq_report(options: &Options, inputs: &[Input], n: usize, flavor: Flavor) -> String {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    let mut seen = 0;
    for input in inputs {
        for word in words(&input.text, options, flavor) {
            let entry = counts.entry(word).or_insert((0, seen));
            entry.0 += 1;
            seen += 1;
        }
    }
    let mut ranked: Vec<(String, usize, usize)> = counts.into_iter().map(|(w, (c, first))| (w, c, first)).collect();
    match flavor {
        Flavor::Reference => ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))),
        Flavor::Imperfect => ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2))),
    }
    ranked.truncate(n);
    let mut out = String::new();
    match options.format {
        Format::Text => {
            let width = ranked.first().map(|r| r.1.to_string().len()).unwrap_or(1);
            for (word, count, _) in &ranked {
                let _ = writeln!(out, "{count:>width$}  {word}");
            }
        }
        Format::Csv => {
            out.push_str("word,count\n");
            for (word, count, _) in &ranked {
                let _ = writeln!(out, "{},{count}", csv_field(word));
            }
        }
        Format::Json => {
            let items: Vec<String> = ranked
                .iter()
                .map(|(word, count, _)| format!("{{\"word\":{},\"count\":{count}}}", json_string(word)))
                .collect();
            let _ = writeln!(out, "[{}]", items.join(","));
        }
    }
    out
}

fn lengths_report(options: &Options, inputs: &[Input]) -> String {
    let mut histogram: BTreeMap<usize, usize> = BTreeMap::new();
    for input in inputs {
        for word in words(&input.text, options, Flavor::Reference) {
            *histogram.entry(word.chars().count()).or_default() += 1;
        }
    }
    let mut out = String::new();
    match options.format {
        Format::Text => {
            let most = histogram.values().copied().max().unwrap_or(0);
            let len_width = histogram.keys().last().map(|k| k.to_string().len()).unwrap_or(1);
            let count_width = most.to_string().len();
            for (len, count) in &histogram {
                // Bars scale to at most 40 marks; any non-zero count shows at least one.
                let bar = (count * 40).div_ceil(most.max(1)).max(1);
                let _ = writeln!(out, "{len:>len_width$} | {count:>count_width$} {}", "#".repeat(bar));
            }
        }
        Format::Csv => {
            out.push_str("length,count\n");
            for (len, count) in &histogram {
                let _ = writeln!(out, "{len},{count}");
            }
        }
        Format::Json => {
            let items: Vec<String> = histogram.iter().map(|(len, count)| format!("\"{len}\":{count}")).collect();
            let _ = writeln!(out, "{{{}}}", items.join(","));
        }
    }
    out
}

fn sentences_report(options: &Options, inputs: &[Input], flavor: Flavor) -> String {
    let mut sentence_words = Vec::new();
    for input in inputs {
        let mut current = String::new();
        let mut chars = input.text.chars().peekable();
        while let Some(c) = chars.next() {
            current.push(c);
            let ends = matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|next| next.is_whitespace());
            if ends {
                sentence_words.push(words(&current, options, flavor).count());
                current.clear();
            }
        }
        let rest = words(&current, options, flavor).count();
        if rest > 0 {
            sentence_words.push(rest);
        }
    }
    let sentences = sentence_words.len();
    let total: usize = sentence_words.iter().sum();
    let longest = sentence_words.iter().copied().max().unwrap_or(0);
    let mean = if sentences == 0 { 0.0 } else { total as f64 / sentences as f64 };
    let mean = match flavor {
        Flavor::Reference => format!("{mean:.2}"),
        Flavor::Imperfect => format!("{:.2}", (mean * 100.0).trunc() / 100.0),
    };
    match options.format {
        Format::Text => format!("sentences: {sentences}\nwords: {total}\nmean words per sentence: {mean}\nlongest sentence: {longest} words\n"),
        Format::Csv => format!("sentences,words,mean,longest\n{sentences},{total},{mean},{longest}\n"),
        Format::Json => format!("{{\"sentences\":{sentences},\"words\":{total},\"mean\":{mean},\"longest\":{longest}}}\n"),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
