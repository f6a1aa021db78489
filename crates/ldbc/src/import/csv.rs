//! Reading one CsvBasic file: `|`-separated, one header line, no quoting (LDBC's own layout).
//! Every error names the file and the line, counted from 1 with the header as line 1.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::ImportError;

/// A file being read row by row, reusing one line buffer.
pub(crate) struct CsvFile {
    /// The name errors use: the path relative to the import folder.
    pub name: String,
    header: Vec<String>,
    reader: BufReader<File>,
    buf: Vec<u8>,
    /// Byte ranges of the current row's fields in `buf`.
    fields: Vec<(usize, usize)>,
    line: u64,
    /// Bytes consumed so far, for progress.
    pub bytes: u64,
}

impl CsvFile {
    pub fn open(path: &Path, name: String) -> Result<CsvFile, ImportError> {
        let file = File::open(path).map_err(|e| ImportError::io(path, e))?;
        let mut csv = CsvFile {
            name,
            header: Vec::new(),
            reader: BufReader::with_capacity(1 << 20, file),
            buf: Vec::new(),
            fields: Vec::new(),
            line: 0,
            bytes: 0,
        };
        if !csv.read_line()? {
            return Err(csv.error("the file is empty (expected a header line)"));
        }
        csv.header = String::from_utf8_lossy(&csv.buf)
            .split('|')
            .map(str::to_owned)
            .collect();
        Ok(csv)
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The position of column `name`, if the header has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The position of column `name`, or an error on the header line.
    pub fn require(&self, name: &str) -> Result<usize, ImportError> {
        self.column(name).ok_or_else(|| ImportError::Row {
            file: self.name.clone(),
            line: 1,
            reason: format!("the header has no `{name}` column"),
        })
    }

    /// An error at the row last returned.
    pub fn error(&self, reason: impl Into<String>) -> ImportError {
        ImportError::Row {
            file: self.name.clone(),
            line: self.line.max(1),
            reason: reason.into(),
        }
    }

    /// Moves to the next row; `false` at the end of the file. A row must have exactly as many
    /// fields as the header; read them with [`CsvFile::get`].
    pub fn next_row(&mut self) -> Result<bool, ImportError> {
        if !self.read_line()? {
            return Ok(false);
        }
        self.fields.clear();
        let mut start = 0;
        for (i, b) in self.buf.iter().enumerate() {
            if *b == b'|' {
                self.fields.push((start, i));
                start = i + 1;
            }
        }
        self.fields.push((start, self.buf.len()));
        let width = self.header.len();
        if self.fields.len() != width {
            let found = self.fields.len();
            return Err(self.error(format!(
                "expected {width} fields separated by `|`, found {found}"
            )));
        }
        Ok(true)
    }

    /// Field `i` of the current row.
    pub fn get(&self, i: usize) -> &str {
        let (a, b) = self.fields[i];
        // The whole line was checked to be UTF-8 and `|` is ASCII, so both ends are boundaries.
        std::str::from_utf8(&self.buf[a..b]).unwrap_or_default()
    }

    /// Field `i` parsed as an integer id or date.
    pub fn int(&self, i: usize) -> Result<i64, ImportError> {
        let raw = self.get(i);
        raw.parse::<i64>().map_err(|_| {
            self.error(format!(
                "`{}` must be an integer, found {raw:?}",
                self.header[i]
            ))
        })
    }

    /// Field `i` as an id from 0 to 2^53 - 1.
    pub fn id(&self, i: usize) -> Result<u64, ImportError> {
        let v = self.int(i)?;
        u64::try_from(v)
            .ok()
            .filter(|v| *v <= pillion_model::MAX_ID)
            .ok_or_else(|| {
                self.error(format!(
                    "`{}` must be an id from 0 to 2^53 - 1, found {v}",
                    self.header[i]
                ))
            })
    }

    /// Reads the next line into `buf` without its line ending; `false` at the end.
    fn read_line(&mut self) -> Result<bool, ImportError> {
        self.buf.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| self.io_error(e))?;
        if n == 0 {
            return Ok(false);
        }
        self.bytes += n as u64;
        self.line += 1;
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        match std::str::from_utf8(&self.buf) {
            Ok(_) => Ok(true),
            Err(e) => Err(ImportError::Row {
                file: self.name.clone(),
                line: self.line,
                reason: format!("not valid UTF-8 (byte {})", e.valid_up_to() + 1),
            }),
        }
    }

    fn io_error(&self, e: std::io::Error) -> ImportError {
        ImportError::Row {
            file: self.name.clone(),
            line: self.line + 1,
            reason: format!("cannot read: {e}"),
        }
    }
}
