//! The words of an action line: bare words, `key=value` pairs, and "double-quoted
//! strings" (with \" and \\), each remembering the columns it came from so that an
//! error inside a string can point into the line.

use super::SpecError;

/// Text read from a line, with the line's column of each of its characters (and one
/// more: the column just after it).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Text {
    pub text: String,
    cols: Vec<usize>,
}

impl Text {
    /// The line's column of the text's 1-based column `col`.
    pub fn line_col(&self, col: usize) -> usize {
        let i = col.max(1) - 1;
        self.cols.get(i).or(self.cols.last()).copied().unwrap_or(1)
    }
    /// The column where the text starts in the line.
    pub fn start(&self) -> usize {
        self.line_col(1)
    }
    /// `err`, found in this text, moved to where it lies in line `line`.
    pub fn place(&self, err: SpecError, line: usize) -> SpecError {
        SpecError {
            line,
            column: self.line_col(err.column),
            message: err.message,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    Word(Text),
    Str(Text),
    Pair { key: Text, value: Text },
}

impl Token {
    /// The column where the token starts.
    pub fn col(&self) -> usize {
        match self {
            Token::Word(t) | Token::Pair { key: t, .. } => t.start(),
            Token::Str(t) => t.start() - 1,
        }
    }
}

/// The tokens of one line (`line` is its 1-based number, for errors).
pub(super) fn tokenize(text: &str, line: usize) -> Result<Vec<Token>, SpecError> {
    let chars: Vec<char> = text.chars().collect();
    let err = |col: usize, msg: String| SpecError {
        line,
        column: col,
        message: msg,
    };
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        if chars[i] == '"' {
            let (s, next) = quoted(&chars, i).map_err(|c| err(c, unclosed()))?;
            i = next;
            if i < chars.len() && !chars[i].is_whitespace() {
                return Err(err(i + 1, "a space must follow a closing quote".into()));
            }
            tokens.push(Token::Str(s));
        } else {
            let start = i;
            let mut key: Option<Text> = None;
            let mut word = Text {
                text: String::new(),
                cols: Vec::new(),
            };
            while i < chars.len() && !chars[i].is_whitespace() {
                let c = chars[i];
                if c == '=' && key.is_none() {
                    if word.text.is_empty() {
                        return Err(err(
                            i + 1,
                            "'=' needs a name before it, like due=+3d".into(),
                        ));
                    }
                    word.cols.push(i + 1);
                    key = Some(std::mem::replace(
                        &mut word,
                        Text {
                            text: String::new(),
                            cols: Vec::new(),
                        },
                    ));
                    i += 1;
                    if i < chars.len() && chars[i] == '"' {
                        let (s, next) = quoted(&chars, i).map_err(|c| err(c, unclosed()))?;
                        word = s;
                        i = next;
                        break;
                    }
                    continue;
                }
                if c == '"' {
                    return Err(err(
                        i + 1,
                        format!(
                            "a quote inside '{}': put spaces around quoted text",
                            chars[start..i].iter().collect::<String>()
                        ),
                    ));
                }
                word.text.push(c);
                word.cols.push(i + 1);
                i += 1;
            }
            if i < chars.len() && !chars[i].is_whitespace() {
                return Err(err(i + 1, "a space must follow a closing quote".into()));
            }
            word.cols.push(i + 1);
            tokens.push(match key {
                Some(key) => Token::Pair { key, value: word },
                None => Token::Word(word),
            });
        }
    }
    Ok(tokens)
}

fn unclosed() -> String {
    "this quote is not closed: end the text with \"".into()
}

/// The string starting with the quote at `open`, and the index after its closing
/// quote (which must end the token); Err: the column of the unclosed quote.
fn quoted(chars: &[char], open: usize) -> Result<(Text, usize), usize> {
    let mut text = String::new();
    let mut cols = Vec::new();
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                cols.push(i + 1);
                return Ok((Text { text, cols }, i + 1));
            }
            '\\' if matches!(chars.get(i + 1), Some('"' | '\\')) => {
                text.push(chars[i + 1]);
                cols.push(i + 1);
                i += 2;
            }
            c => {
                text.push(c);
                cols.push(i + 1);
                i += 1;
            }
        }
    }
    Err(open + 1)
}
