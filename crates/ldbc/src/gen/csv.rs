//! Row output: one buffered `|`-separated file per table, and the running row count reported to
//! the caller's progress callback.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// How many rows pass between two calls of the progress callback.
const REPORT_EVERY: u64 = 100_000;

/// Counts the rows written across all files and reports them now and then.
pub(super) struct Progress<'a> {
    done: u64,
    total: u64,
    next_report: u64,
    report: &'a mut dyn FnMut(u64, u64),
}

impl<'a> Progress<'a> {
    pub fn new(total: u64, report: &'a mut dyn FnMut(u64, u64)) -> Self {
        report(0, total);
        Progress {
            done: 0,
            total,
            next_report: REPORT_EVERY,
            report,
        }
    }

    fn row(&mut self) {
        self.done += 1;
        if self.done >= self.next_report {
            (self.report)(self.done, self.total);
            self.next_report += REPORT_EVERY;
        }
    }

    pub fn finish(&mut self) {
        debug_assert_eq!(self.done, self.total, "the planned row count was wrong");
        (self.report)(self.done, self.total);
    }
}

/// One value of a row.
#[derive(Clone, Copy)]
pub(super) enum Field<'a> {
    Id(u64),
    /// An epoch-millisecond date.
    Ms(i64),
    Text(&'a str),
    /// Decimal degrees, four decimals (about 10 m).
    Degrees(f64),
}

/// One output file: its header is written on creation, rows after.
pub(super) struct Table {
    out: BufWriter<File>,
    path: PathBuf,
    rows: u64,
    ints: itoa::Buffer,
}

impl Table {
    pub fn create(dir: &Path, name: &str, header: &str) -> Result<Self> {
        let path = dir.join(name);
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let mut table = Table {
            out: BufWriter::with_capacity(1 << 20, file),
            path,
            rows: 0,
            ints: itoa::Buffer::new(),
        };
        table.line(header.as_bytes()).map_err(|e| table.failed(e))?;
        Ok(table)
    }

    pub fn row(&mut self, fields: &[Field<'_>], progress: &mut Progress<'_>) -> Result<()> {
        self.write_row(fields).map_err(|e| self.failed(e))?;
        self.rows += 1;
        progress.row();
        Ok(())
    }

    /// Flushes the file and returns how many rows it holds (header excluded).
    pub fn finish(mut self) -> Result<u64> {
        self.out.flush().map_err(|e| self.failed(e))?;
        Ok(self.rows)
    }

    fn write_row(&mut self, fields: &[Field<'_>]) -> std::io::Result<()> {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b"|")?;
            }
            match *field {
                Field::Id(v) => self.out.write_all(self.ints.format(v).as_bytes())?,
                Field::Ms(v) => self.out.write_all(self.ints.format(v).as_bytes())?,
                Field::Text(s) => {
                    debug_assert!(!s.contains(['|', '\n', '\r']), "unquotable value {s:?}");
                    self.out.write_all(s.as_bytes())?;
                }
                Field::Degrees(v) => write!(self.out, "{v:.4}")?,
            }
        }
        self.out.write_all(b"\n")
    }

    fn line(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.out.write_all(b"\n")
    }

    fn failed(&self, error: std::io::Error) -> anyhow::Error {
        anyhow::Error::new(error).context(format!("writing {}", self.path.display()))
    }
}
