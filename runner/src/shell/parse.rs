//! Parsing of the portable shell language.

use std::fmt;

/// A whole command line: pipelines joined by `;`, `&&` and `||`, run left to right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    /// The first pipeline, then each later one with the operator before it.
    pub first: Pipeline,
    /// The pipelines after the first, each with what joins it to the one before.
    pub rest: Vec<(Connector, Pipeline)>,
}

/// What decides whether the next pipeline runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// `;`: always.
    Then,
    /// `&&`: when the status so far is 0.
    And,
    /// `||`: when the status so far is not 0.
    Or,
}

/// Commands joined by `|`, each one's stdout the next one's stdin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// The commands, in order; each one's stdout is the next one's stdin.
    pub commands: Vec<Command>,
}

/// One program run: its words (the first names the program) and its redirects, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// argv, program name first.
    pub words: Vec<String>,
    /// The redirects, in the order written.
    pub redirects: Vec<Redirect>,
}

/// A redirect of a standard stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// `< FILE`
    StdinFrom(String),
    /// `> FILE`, `>> FILE`, `2> FILE`, `2>> FILE`
    ToFile {
        /// Which stream.
        stream: Fd,
        /// The file, relative to the scratch directory.
        path: String,
        /// Append rather than truncate.
        append: bool,
    },
    /// `2>&1` (stderr joins stdout) and `>&2` (stdout joins stderr)
    Join {
        /// The stream redirected.
        from: Fd,
        /// Where it goes now: wherever this one goes.
        to: Fd,
    },
}

/// A standard output descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fd {
    /// File descriptor 1.
    Stdout,
    /// File descriptor 2.
    Stderr,
}

/// A line that is not in the language, with the 1-based column of the offending character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where the problem is, counting characters from 1.
    pub column: usize,
    /// What the problem is.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Lexical tokens, each with its 0-based column.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Pipe,
    And,
    Or,
    Semicolon,
    Redirect(RedirectOp),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RedirectOp {
    In,
    Out { stream: Fd, append: bool },
    Join { from: Fd, to: Fd },
}

fn error(column: usize, message: impl Into<String>) -> ParseError {
    ParseError { column: column + 1, message: message.into() }
}

/// Parses a command line.
pub fn parse(line: &str) -> Result<Script, ParseError> {
    let tokens = tokenize(line)?;
    let end = line.chars().count();
    let mut tokens = tokens.into_iter().peekable();
    let first = parse_pipeline(&mut tokens, end)?;
    let mut rest = Vec::new();
    while let Some((column, token)) = tokens.next() {
        let connector = match token {
            Token::Semicolon => Connector::Then,
            Token::And => Connector::And,
            Token::Or => Connector::Or,
            _ => return Err(error(column, "expected `;`, `&&`, `||` or the end of the line")),
        };
        // A trailing `;` ends the line, as in a shell.
        if connector == Connector::Then && tokens.peek().is_none() {
            break;
        }
        rest.push((connector, parse_pipeline(&mut tokens, end)?));
    }
    Ok(Script { first, rest })
}

type Tokens = std::iter::Peekable<std::vec::IntoIter<(usize, Token)>>;

fn parse_pipeline(tokens: &mut Tokens, end: usize) -> Result<Pipeline, ParseError> {
    let mut commands = vec![parse_command(tokens, end)?];
    while matches!(tokens.peek(), Some((_, Token::Pipe))) {
        tokens.next();
        commands.push(parse_command(tokens, end)?);
    }
    Ok(Pipeline { commands })
}

fn parse_command(tokens: &mut Tokens, end: usize) -> Result<Command, ParseError> {
    let mut command = Command { words: Vec::new(), redirects: Vec::new() };
    let mut start = end;
    while let Some((column, token)) = tokens.peek().cloned() {
        start = start.min(column);
        match token {
            Token::Word(word) => {
                tokens.next();
                command.words.push(word);
            }
            Token::Redirect(op) => {
                tokens.next();
                command.redirects.push(match op {
                    RedirectOp::Join { from, to } => Redirect::Join { from, to },
                    RedirectOp::In => Redirect::StdinFrom(redirect_target(tokens, column, end)?),
                    RedirectOp::Out { stream, append } => {
                        Redirect::ToFile { stream, path: redirect_target(tokens, column, end)?, append }
                    }
                });
            }
            _ => break,
        }
    }
    if command.words.is_empty() {
        let column = tokens.peek().map(|(column, _)| *column).unwrap_or(start);
        return Err(error(column, "expected a command"));
    }
    Ok(command)
}

fn redirect_target(tokens: &mut Tokens, operator: usize, end: usize) -> Result<String, ParseError> {
    match tokens.next() {
        Some((_, Token::Word(word))) if !word.is_empty() => Ok(word),
        Some((column, _)) => Err(error(column, "expected a file name after the redirect")),
        None => Err(error(end.max(operator + 1), "expected a file name after the redirect")),
    }
}

/// Splits a line into words and operators; see the module docs of [`crate::shell`].
fn tokenize(line: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_whitespace() {
            at += 1;
            continue;
        }
        let next = chars.get(at + 1).copied();
        let operator = match (c, next) {
            ('|', Some('|')) => Some((Token::Or, 2)),
            ('|', _) => Some((Token::Pipe, 1)),
            ('&', Some('&')) => Some((Token::And, 2)),
            (';', _) => Some((Token::Semicolon, 1)),
            ('<', _) => Some((Token::Redirect(RedirectOp::In), 1)),
            ('>', Some('>')) => Some((Token::Redirect(RedirectOp::Out { stream: Fd::Stdout, append: true }), 2)),
            ('>', Some('&')) if chars.get(at + 2) == Some(&'2') => {
                Some((Token::Redirect(RedirectOp::Join { from: Fd::Stdout, to: Fd::Stderr }), 3))
            }
            ('>', _) => Some((Token::Redirect(RedirectOp::Out { stream: Fd::Stdout, append: false }), 1)),
            ('2', Some('>')) => match (chars.get(at + 2), chars.get(at + 3)) {
                (Some('&'), Some('1')) => {
                    Some((Token::Redirect(RedirectOp::Join { from: Fd::Stderr, to: Fd::Stdout }), 4))
                }
                (Some('>'), _) => Some((Token::Redirect(RedirectOp::Out { stream: Fd::Stderr, append: true }), 3)),
                _ => Some((Token::Redirect(RedirectOp::Out { stream: Fd::Stderr, append: false }), 2)),
            },
            _ => None,
        };
        if let Some((token, len)) = operator {
            if matches!(token, Token::Redirect(_)) && chars.get(at + len) == Some(&'&') {
                return Err(error(at + len, "only `2>&1` and `>&2` join streams"));
            }
            tokens.push((at, token));
            at += len;
            continue;
        }
        match c {
            '&' => return Err(error(at, "`&` (a background job) is not supported; `&&` is")),
            '(' | ')' | '{' | '}' => {
                return Err(error(at, format!("`{c}` (grouping) is not supported; quote it to pass it as text")))
            }
            '#' => return Err(error(at, "`#` would start a comment in a shell; quote it")),
            _ => {}
        }
        let (word, len) = lex_word(&chars[at..]).map_err(|(offset, message)| error(at + offset, message))?;
        tokens.push((at, Token::Word(word)));
        at += len;
    }
    Ok(tokens)
}

/// Reads one word from the start of `chars`: the word and how many characters it took, or
/// the offset and message of an error.
fn lex_word(chars: &[char]) -> Result<(String, usize), (usize, String)> {
    let mut word = String::new();
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        if c.is_whitespace() || "|&;<>()".contains(c) {
            break;
        }
        let start = at;
        at += 1;
        match c {
            '\'' => loop {
                match chars.get(at) {
                    Some('\'') => {
                        at += 1;
                        break;
                    }
                    Some(&c) => {
                        word.push(c);
                        at += 1;
                    }
                    None => return Err((start, "unterminated single quote".into())),
                }
            },
            '"' => loop {
                match chars.get(at) {
                    Some('"') => {
                        at += 1;
                        break;
                    }
                    Some('\\') => {
                        match chars.get(at + 1) {
                            Some(&c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(&c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err((start, "unterminated double quote".into())),
                        }
                        at += 2;
                    }
                    Some(&c @ ('$' | '`')) => {
                        return Err((
                            at,
                            format!("`{c}` would expand inside double quotes in a shell; escape it as `\\{c}`"),
                        ))
                    }
                    Some(&c) => {
                        word.push(c);
                        at += 1;
                    }
                    None => return Err((start, "unterminated double quote".into())),
                }
            },
            '\\' => {
                match chars.get(at) {
                    Some('\n') => {}
                    Some(&c) => word.push(c),
                    None => return Err((start, "a backslash at the end of the line escapes nothing".into())),
                }
                at += 1;
            }
            '$' | '`' => {
                return Err((start, format!("`{c}` would expand in a shell; Mirror has no variables: quote it")))
            }
            '*' | '?' | '[' => {
                return Err((start, format!("`{c}` would glob in a shell; Mirror does not glob: quote it")))
            }
            // `2>` inside a word (as in `a2>f`) is the word `a2`, then `>`, as in a shell.
            c => word.push(c),
        }
    }
    Ok((word, at))
}
