//! The portable shell: the language of test command lines, parsed and run by Mirror itself so
//! that a line means the same on every platform and never reaches a host shell.
//!
//! # The language
//!
//! - **Words** are split as a POSIX shell splits them, and nothing is expanded:
//!   `'single quotes'` keep every character, `"double quotes"` honour `\"`, `\\`, `\$` and
//!   `` \` ``, and a backslash outside quotes escapes the next character.
//! - **Pipes**: `a | b` runs `a`, then `b` with `a`'s stdout as its stdin.
//! - **Redirects**, after or between a command's words: `< FILE`, `> FILE`, `>> FILE`,
//!   `2> FILE`, `2>> FILE`, `2>&1` (stderr to wherever stdout goes now) and `>&2` (stdout to
//!   wherever stderr goes now), applied left to right as in a shell. A `2` only starts a
//!   redirect as a word of its own: `a2>f` is the word `a2` and `> f`.
//! - **Sequences**: `a ; b` runs both, `a && b` runs `b` when `a` exits 0, `a || b` runs `b`
//!   when `a` does not; they group left to right and a trailing `;` is allowed.
//! - Everything else a shell would interpret is refused with its column unless quoted:
//!   `$` and backquote (no variables or substitutions), `* ? [` (no globbing), `&` alone (no
//!   background jobs), `( ) { }` (no grouping) and `#` starting a word (no comments).
//!
//! # Running
//!
//! Every command is a WASI module run in the case's scratch directory, one after another
//! (never concurrently, so no result depends on timing). See [`run`] for the exit status,
//! stdin and output rules.

mod parse;
pub mod run;

pub use parse::{parse, Command, Connector, Fd, ParseError, Pipeline, Redirect, Script};

impl Script {
    /// Every command of the line, in order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        std::iter::once(&self.first).chain(self.rest.iter().map(|(_, p)| p)).flat_map(|p| p.commands.iter())
    }
}

/// `word` written so that [`parse`] reads it back as exactly that one word: as it is when
/// every character is one no rule touches, else in single quotes (a `'` as `'\''`).
pub fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,+@%^~".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// A command line running `program` with `args`, each word quoted.
pub fn command_line(program: &str, args: &[String]) -> String {
    std::iter::once(program).chain(args.iter().map(String::as_str)).map(quote).collect::<Vec<_>>().join(" ")
}

impl Command {
    /// The name of the program the command runs.
    pub fn program(&self) -> &str {
        &self.words[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        let script = parse(line).unwrap_or_else(|err| panic!("{line:?}: {err}"));
        assert!(script.rest.is_empty() && script.first.commands.len() == 1, "{line:?} is one command");
        script.first.commands[0].words.clone()
    }

    fn column(line: &str) -> usize {
        parse(line).map(|s| panic!("{line:?} parsed as {s:?}")).unwrap_or_else(|err: ParseError| err.column)
    }

    fn to_file(stream: Fd, path: &str, append: bool) -> Redirect {
        Redirect::ToFile { stream, path: path.into(), append }
    }

    #[test]
    fn splits_words_on_whitespace() {
        assert_eq!(words("  textstat  -f   a.txt\t"), ["textstat", "-f", "a.txt"]);
    }

    #[test]
    fn honours_quotes_and_escapes() {
        assert_eq!(words(r#"a 'b c' "d \"e\" \\ \n" f\ g"#), ["a", "b c", r#"d "e" \ \n"#, "f g"]);
        assert_eq!(words(r#"a ''"""#), ["a", ""]);
        assert_eq!(words(r"a 'it'\''s'"), ["a", "it's"]);
        assert_eq!(words("a '|;&<>$*' \"2>&1\" \\|"), ["a", "|;&<>$*", "2>&1", "|"]);
        assert_eq!(words("a \"line\\\nbreak\""), ["a", "linebreak"]);
    }

    #[test]
    fn parses_pipelines_and_sequences() {
        let script = parse("a x | b y | c ; d && e || f;").unwrap();
        let names = |p: &Pipeline| p.commands.iter().map(|c| c.program().to_string()).collect::<Vec<_>>();
        assert_eq!(names(&script.first), ["a", "b", "c"]);
        let rest: Vec<(Connector, Vec<String>)> = script.rest.iter().map(|(c, p)| (*c, names(p))).collect();
        assert_eq!(
            rest,
            [
                (Connector::Then, vec!["d".to_string()]),
                (Connector::And, vec!["e".into()]),
                (Connector::Or, vec!["f".into()])
            ]
        );
        assert_eq!(parse("a|b").unwrap().first.commands.len(), 2);
        assert_eq!(parse("a&&b||c").unwrap().rest.len(), 2);
    }

    #[test]
    fn parses_redirects_in_order_anywhere_in_a_command() {
        let script = parse("prog <in.txt -x >out.txt 2>&1 arg 2>>err.log >>all >&2 2> e").unwrap();
        let command = &script.first.commands[0];
        assert_eq!(command.words, ["prog", "-x", "arg"]);
        assert_eq!(
            command.redirects,
            [
                Redirect::StdinFrom("in.txt".into()),
                to_file(Fd::Stdout, "out.txt", false),
                Redirect::Join { from: Fd::Stderr, to: Fd::Stdout },
                to_file(Fd::Stderr, "err.log", true),
                to_file(Fd::Stdout, "all", true),
                Redirect::Join { from: Fd::Stdout, to: Fd::Stderr },
                to_file(Fd::Stderr, "e", false),
            ]
        );
    }

    #[test]
    fn a_two_inside_a_word_is_not_a_redirect() {
        let command = &parse("echo a2>f 2 '2'>g").unwrap().first.commands[0];
        assert_eq!(command.words, ["echo", "a2", "2", "2"]);
        assert_eq!(command.redirects, [to_file(Fd::Stdout, "f", false), to_file(Fd::Stdout, "g", false)]);
    }

    #[test]
    fn refuses_what_a_shell_would_interpret_with_its_column() {
        for (line, expected) in [
            ("echo $HOME", 6),
            ("a \"$x\"", 4),
            ("a `b`", 3),
            ("ls *.txt", 4),
            ("ls a?", 5),
            ("ls [ab]", 4),
            ("sleep 1 &", 9),
            ("(a)", 1),
            ("a { b }", 3),
            ("# comment", 1),
            ("a 'b", 3),
            ("a \"b", 3),
            ("a \\", 3),
        ] {
            assert_eq!(column(line), expected, "{line}");
        }
    }

    #[test]
    fn refuses_malformed_structure_with_its_column() {
        for (line, expected) in [
            ("", 1),
            ("   ", 4),
            ("| a", 1),
            ("a |", 4),
            ("a | | b", 5),
            ("a && && b", 6),
            ("; a", 1),
            ("a ;; b", 4),
            ("a >", 4),
            ("a > | b", 5),
            ("a < ''", 5),
            ("a << EOF", 4),
            ("a >&1", 4),
            ("a 2>&3", 5),
            ("> f", 1),
        ] {
            assert_eq!(column(line), expected, "{line}");
        }
    }

    #[test]
    fn quoted_words_parse_back_exactly() {
        let tricky = [
            "",
            "plain",
            "-n",
            "a b",
            "it's",
            "'",
            "''",
            "\"",
            "\\",
            "$HOME",
            "`x`",
            "*.txt",
            "a?",
            "[ab]",
            "#c",
            "a#b",
            "2>&1",
            ">",
            "<",
            "|",
            ";",
            "&&",
            "&",
            "(x)",
            "{}",
            "line\nbreak",
            "tab\there",
            "\r\n",
            "\0",
            "ünï",
            "~",
            "=",
            "-",
            "--",
            "2",
            " lead",
            "trail ",
            "\u{202e}",
        ];
        let args: Vec<String> = tricky.iter().map(|w| w.to_string()).collect();
        let line = command_line("prog", &args);
        let script = parse(&line).unwrap_or_else(|err| panic!("{line:?}: {err}"));
        assert!(script.rest.is_empty() && script.first.commands.len() == 1, "{line:?}");
        let command = &script.first.commands[0];
        assert!(command.redirects.is_empty(), "{line:?}");
        assert_eq!(command.words[0], "prog");
        assert_eq!(command.words[1..], args[..]);
        assert_eq!(quote("-n"), "-n");
        assert_eq!(quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn hostile_lines_are_refused_without_panicking() {
        let long = "a ".repeat(100_000);
        assert_eq!(parse(&long).unwrap().first.commands[0].words.len(), 100_000);
        let pipes = vec!["a"; 10_000].join("|");
        assert_eq!(parse(&pipes).unwrap().first.commands.len(), 10_000);
        for line in ["\0", "a\0b", "'\u{202e}'", "ünï|cødé", "a\r\nb", "\\\\\\", "2>", "2>&1", ">&2 a", "&&", "||", ";"]
        {
            let _ = parse(line);
        }
        assert_eq!(words("a\0b"), ["a\0b"]);
    }
}
