//! The command-line language of test cases: words with POSIX-style quoting.
//!
//! A line is split into words the way a POSIX shell would, without expanding anything:
//! `'single quotes'` keep every character, `"double quotes"` honour `\"`, `\\`, `\$` and
//! `` \` ``, and a backslash outside quotes escapes the next character. Characters a shell
//! would give a meaning (`| & ; < > ( ) $` and backquote, globs `* ? [`, and `#` starting a
//! word) are refused unless quoted, so that no line means one thing here and another in a
//! shell.

use std::fmt;

/// A line that is not a plain command, with the 1-based column of the offending character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Splits a command line into words.
pub fn split_words(line: &str) -> Result<Vec<String>, ParseError> {
    let mut words = Vec::new();
    let mut chars = line.chars().enumerate().peekable();
    let error = |column: usize, message: String| ParseError { column: column + 1, message };
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '#' {
            return Err(error(start, "`#` would start a comment in a shell; quote it".into()));
        }
        let mut word = String::new();
        while let Some(&(at, c)) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            match c {
                '\'' => loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, c)) => word.push(c),
                        None => return Err(error(at, "unterminated single quote".into())),
                    }
                },
                '"' => loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((escape_at, '\\')) => match chars.next() {
                            Some((_, c @ ('"' | '\\' | '$' | '`'))) => word.push(c),
                            Some((_, '\n')) => {}
                            Some((_, c)) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(error(escape_at, "unterminated double quote".into())),
                        },
                        Some((dollar_at, c @ ('$' | '`'))) => {
                            return Err(error(
                                dollar_at,
                                format!("`{c}` would expand inside double quotes in a shell; escape it as `\\{c}`"),
                            ))
                        }
                        Some((_, c)) => word.push(c),
                        None => return Err(error(at, "unterminated double quote".into())),
                    }
                },
                '\\' => match chars.next() {
                    Some((_, '\n')) => {}
                    Some((_, c)) => word.push(c),
                    None => return Err(error(at, "a backslash at the end of the line escapes nothing".into())),
                },
                '|' | '&' | ';' | '<' | '>' | '(' | ')' => {
                    return Err(error(
                        at,
                        format!("`{c}` is not supported in a command line; quote it to pass it as text"),
                    ))
                }
                '$' | '`' => {
                    return Err(error(at, format!("`{c}` would expand in a shell; Mirror has no variables: quote it")))
                }
                '*' | '?' | '[' => {
                    return Err(error(at, format!("`{c}` would glob in a shell; Mirror does not glob: quote it")))
                }
                c => word.push(c),
            }
        }
        words.push(word);
    }
    Ok(words)
}

/// Quotes `word` so that [`split_words`] gives it back unchanged.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split_words(line).unwrap_or_else(|err| panic!("{line:?}: {err}"))
    }

    #[test]
    fn splits_on_whitespace() {
        assert_eq!(words("  textstat  -f   a.txt\t"), ["textstat", "-f", "a.txt"]);
        assert!(words("").is_empty());
    }

    #[test]
    fn honours_quotes_and_escapes() {
        assert_eq!(words(r#"a 'b c' "d \"e\" \\ \n" f\ g"#), ["a", "b c", r#"d "e" \ \n"#, "f g"]);
        assert_eq!(words(r#"''"""#), [""]);
        assert_eq!(words(r"'it'\''s'"), ["it's"]);
        assert_eq!(words("'|;&<>$*'"), ["|;&<>$*"]);
    }

    #[test]
    fn refuses_shell_syntax_with_its_column() {
        for (line, column) in
            [("a | b", 3), ("a;b", 2), ("x > out", 3), ("echo $HOME", 6), ("ls *.txt", 4), ("a \"$x\"", 4), ("# c", 1)]
        {
            let err = split_words(line).expect_err(line);
            assert_eq!(err.column, column, "{line}: {err}");
        }
    }

    #[test]
    fn reports_unterminated_quotes() {
        assert_eq!(split_words("a 'b").unwrap_err().column, 3);
        assert_eq!(split_words("a \"b").unwrap_err().column, 3);
        assert_eq!(split_words("a \\").unwrap_err().column, 3);
    }

    #[test]
    fn quote_round_trips() {
        for word in ["plain", "", "two words", "it's", "$x", "a\"b", "tab\there", "ünï"] {
            assert_eq!(words(&quote(word)), [word]);
        }
    }
}
