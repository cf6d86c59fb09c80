//! Reading CSV text: separator detection, every line-end convention, quoted cells.
//!
//! A small parser of its own rather than the `csv` crate, so that every line end
//! (CRLF, LF, bare CR and the CRCRLF some exporters write) counts as one physical
//! line and rows carry the line they start on.

use super::{IoError, Sheet, SheetRow};

/// The separators sniffed from the header line, in the order that breaks ties.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Reads CSV text into a sheet (the first record is the header).
pub fn read(
    file: &str,
    text: &str,
    delimiter: Option<u8>,
    max_line: usize,
) -> Result<Sheet, IoError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delim = match delimiter {
        Some(d) if d.is_ascii() && !matches!(d, b'"' | b'\r' | b'\n') => d,
        Some(d) => {
            return Err(IoError::new(
                file,
                format!(
                    "cannot use {:?} as the separator; name an ASCII character other than a quote or a line end, such as , ; | or a tab",
                    char::from(d)
                ),
            ))
        }
        None => sniff(text.as_bytes()),
    };
    let mut parser = Parser {
        file,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        delim,
        max_line,
        headers: Vec::new(),
    };
    let mut cells = Vec::new();
    let header_line =
        loop {
            match parser.record(&mut cells)? {
                None => return Err(IoError::new(
                    file,
                    "is empty: it has no header and no rows; choose the file that holds the data",
                )),
                Some(_) if is_blank(&cells) => continue,
                Some(line) => break line,
            }
        };
    let mut headers: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
    // Trailing separators (as Excel writes them) name no columns.
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    if headers.is_empty() {
        return Err(IoError::new(
            file,
            "the header names no columns; the first line must hold the column names",
        )
        .at_line(header_line));
    }
    parser.headers = headers;
    let width = parser.headers.len();
    let mut rows = Vec::new();
    loop {
        let mut cells = Vec::with_capacity(width);
        let Some(line) = parser.record(&mut cells)? else {
            break;
        };
        if is_blank(&cells) {
            continue;
        }
        if cells.len() > width {
            if let Some(last) = cells.iter().rposition(|c| !c.trim().is_empty()) {
                if last >= width {
                    let sep = match delim {
                        b'\t' => "tab".to_string(),
                        d => format!("'{}'", char::from(d).escape_default()),
                    };
                    return Err(IoError::new(
                        file,
                        format!(
                            "this row has {} cells, the header {width}; quote the cells that hold the separator {sep}, or name the extra columns in the header",
                            last + 1
                        ),
                    )
                    .at_line(line));
                }
            }
            cells.truncate(width);
        }
        rows.push(SheetRow { line, cells });
    }
    if rows.is_empty() {
        return Err(IoError::new(
            file,
            "has a header but no rows; add rows under the header or choose the file that holds the data",
        )
        .at_line(header_line));
    }
    Ok(Sheet {
        delimiter: Some(delim),
        headers: parser.headers,
        rows,
        ..Sheet::default()
    })
}

/// A row of empty (or blank) cells carries nothing: an empty line, or a line
/// of separators only.
fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// The separator of the header line: the candidate found most often outside
/// quotes on it (ties go to the earlier of `, ; tab |`), else a comma.
fn sniff(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; CANDIDATES.len()];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\r' | b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

/// How many bytes the line end at `i` takes: `\r\r\n`, `\r\n`, `\n` or `\r`.
pub(super) fn line_end_len(bytes: &[u8], i: usize) -> usize {
    match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2)) {
        (Some(b'\r'), Some(b'\n'), _) => 2,
        (Some(b'\r'), Some(b'\r'), Some(b'\n')) => 3,
        _ => 1,
    }
}

struct Parser<'a> {
    file: &'a str,
    text: &'a str,
    bytes: &'a [u8],
    /// The next byte to read.
    pos: usize,
    /// The 1-based line `pos` is on, and where that line starts.
    line: usize,
    line_start: usize,
    delim: u8,
    max_line: usize,
    /// The header's names, once read (for naming columns in errors).
    headers: Vec<String>,
}

impl Parser<'_> {
    /// `text[from..to]`; both ends are always at ASCII bytes or the text's ends.
    fn slice(&self, from: usize, to: usize) -> &str {
        self.text.get(from..to).unwrap_or_default()
    }

    fn column(&self, i: usize) -> String {
        match self.headers.get(i) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => (i + 1).to_string(),
        }
    }

    /// Reads the next record's cells into `cells`; the line it starts on, or
    /// `None` at the end of the text.
    fn record(&mut self, cells: &mut Vec<String>) -> Result<Option<usize>, IoError> {
        cells.clear();
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let start = self.line;
        loop {
            let cell = self.cell(cells.len())?;
            cells.push(cell);
            match self.bytes.get(self.pos) {
                Some(&b) if b == self.delim => self.pos += 1,
                Some(b'\r' | b'\n') => {
                    self.line_end(self.pos)?;
                    return Ok(Some(start));
                }
                _ => {
                    self.check_line(self.bytes.len())?;
                    self.pos = self.bytes.len();
                    return Ok(Some(start));
                }
            }
        }
    }

    /// Ends the line whose line end is at `at`: checks its length and moves past it.
    fn line_end(&mut self, at: usize) -> Result<(), IoError> {
        self.check_line(at)?;
        self.pos = at + line_end_len(self.bytes, at);
        self.line += 1;
        self.line_start = self.pos;
        Ok(())
    }

    fn check_line(&self, end: usize) -> Result<(), IoError> {
        if end.saturating_sub(self.line_start) > self.max_line {
            return Err(IoError::new(
                self.file,
                format!(
                    "this line is longer than {} bytes; it is not CSV as a spreadsheet writes it: check the file, or raise the line limit",
                    self.max_line
                ),
            )
            .at_line(self.line));
        }
        Ok(())
    }

    /// Reads one cell from `pos`, stopping at the separator, a line end or the
    /// end of the text (none of which it takes).
    fn cell(&mut self, index: usize) -> Result<String, IoError> {
        let bytes = self.bytes;
        let started = self.line;
        let mut at = self.pos;
        // The cell most common in exports: "" (Outlook quotes its empty cells).
        if let Some([b'"', b'"', next]) = bytes.get(at..at + 3) {
            if *next == self.delim || matches!(next, b'\r' | b'\n') {
                self.pos = at + 2;
                return Ok(String::new());
            }
        }
        while bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        let cell = if bytes.get(at) == Some(&b'"') {
            self.quoted(at, index)?
        } else {
            let start = self.pos;
            let mut i = start;
            let delim = self.delim;
            while let Some(&b) = bytes.get(i) {
                if b == delim || b == b'\n' || b == b'\r' {
                    break;
                }
                i += 1;
            }
            self.pos = i;
            self.slice(start, i).to_string()
        };
        if cell.len() > self.max_line {
            return Err(IoError::new(
                self.file,
                format!(
                    "a cell is longer than {} bytes; check the file's quotes, or raise the line limit",
                    self.max_line
                ),
            )
            .at_line(started)
            .at_column(self.column(index)));
        }
        Ok(cell)
    }

    /// A quoted cell whose opening quote is at `open`: doubled quotes are one,
    /// line ends inside are `\n`; text after the closing quote is kept as is.
    fn quoted(&mut self, open: usize, index: usize) -> Result<String, IoError> {
        let bytes = self.bytes;
        let opened_on = self.line;
        let mut cell = String::new();
        let mut i = open + 1;
        loop {
            // Cells are mostly short: a plain loop beats a search's set-up.
            let mut at = i;
            while let Some(&b) = bytes.get(at) {
                if b == b'"' || b == b'\r' || b == b'\n' {
                    break;
                }
                at += 1;
            }
            if at >= bytes.len() {
                return Err(IoError::new(
                    self.file,
                    "a quoted cell opened on this line is never closed; close it with '\"', and write each '\"' inside a cell as '\"\"'",
                )
                .at_line(opened_on)
                .at_column(self.column(index)));
            }
            cell.push_str(self.slice(i, at));
            if cell.len() > self.max_line {
                // Refuse it before the rest of a runaway cell is copied.
                break;
            }
            if bytes.get(at) == Some(&b'"') {
                if bytes.get(at + 1) == Some(&b'"') {
                    cell.push('"');
                    i = at + 2;
                    continue;
                }
                i = at + 1;
                break;
            }
            cell.push('\n');
            self.line_end(at)?;
            i = self.pos;
        }
        // After the closing quote, up to the separator or the line end.
        let mut end = i;
        while let Some(&b) = bytes.get(end) {
            if b == self.delim || b == b'\n' || b == b'\r' {
                break;
            }
            end += 1;
        }
        let tail = self.slice(i, end);
        if !tail.trim().is_empty() {
            cell.push_str(tail);
        }
        self.pos = end;
        Ok(cell)
    }
}

#[cfg(test)]
pub(super) mod tests;
