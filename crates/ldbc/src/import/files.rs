//! Finding the files of a CsvBasic folder and what each one holds, from its name:
//! `<entity>_<part>_<part>.csv` holds nodes (`person_0_0.csv`), and
//! `<src>_<relation>_<dst>_<part>_<part>.csv` holds relationships (`person_knows_person_0_0.csv`).
//! LDBC splits big tables into parts; parts of one table are read one after the other.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ImportError;

/// One table: all the parts of one entity or relation, in name order.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// Paths, and the names errors use (relative to the import folder).
    pub parts: Vec<(PathBuf, String)>,
    pub bytes: u64,
}

/// Tables by kind. Keys are LDBC's lower-case names: `person`, or `(person, knows, person)`.
#[derive(Debug, Default)]
pub(crate) struct Folder {
    pub entities: BTreeMap<String, Table>,
    pub relations: BTreeMap<(String, String, String), Table>,
    pub bytes: u64,
}

impl Folder {
    /// Lists `dir/static` and `dir/dynamic` (either may be missing, not both).
    pub fn scan(dir: &Path) -> Result<Folder, ImportError> {
        let mut folder = Folder::default();
        let mut found_any = false;
        for sub in ["static", "dynamic"] {
            let path = dir.join(sub);
            if !path.is_dir() {
                continue;
            }
            found_any = true;
            let mut names = Vec::new();
            for entry in std::fs::read_dir(&path).map_err(|e| ImportError::io(&path, e))? {
                let entry = entry.map_err(|e| ImportError::io(&path, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".csv") {
                    let len = entry
                        .metadata()
                        .map_err(|e| ImportError::io(&path, e))?
                        .len();
                    names.push((name, len));
                }
            }
            names.sort();
            for (name, len) in names {
                folder.add(&path.join(&name), &format!("{sub}/{name}"), len)?;
            }
        }
        if !found_any {
            return Err(ImportError::Refused(format!(
                "{} has neither a static/ nor a dynamic/ folder: not an LDBC CsvBasic folder",
                dir.display()
            )));
        }
        if !folder.entities.contains_key("person") {
            return Err(ImportError::Refused(format!(
                "{} has no person_*.csv: nothing to import",
                dir.display()
            )));
        }
        Ok(folder)
    }

    fn add(&mut self, path: &Path, name: &str, len: u64) -> Result<(), ImportError> {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = table_stem(&file).ok_or_else(|| {
            ImportError::Refused(format!(
                "{name}: not an LDBC table file name (expected name_0_0.csv)"
            ))
        })?;
        let words: Vec<&str> = stem.split('_').collect();
        let table = match words.as_slice() {
            [entity] => self
                .entities
                .entry((*entity).to_owned())
                .or_insert_with(empty),
            [src, rel, dst] => self
                .relations
                .entry(((*src).to_owned(), (*rel).to_owned(), (*dst).to_owned()))
                .or_insert_with(empty),
            _ => {
                return Err(ImportError::Refused(format!(
                    "{name}: expected entity_0_0.csv or source_relation_target_0_0.csv"
                )))
            }
        };
        table.parts.push((path.to_owned(), name.to_owned()));
        table.bytes += len;
        self.bytes += len;
        Ok(())
    }

    /// Takes a relation table out of the folder, so that what remains is handled generically.
    pub fn take_relation(&mut self, src: &str, rel: &str, dst: &str) -> Option<Table> {
        self.relations
            .remove(&(src.to_owned(), rel.to_owned(), dst.to_owned()))
    }
}

fn empty() -> Table {
    Table {
        parts: Vec::new(),
        bytes: 0,
    }
}

/// `person_knows_person_0_0.csv` -> `person_knows_person`.
fn table_stem(file: &str) -> Option<&str> {
    let base = file.strip_suffix(".csv")?;
    let (rest, b) = base.rsplit_once('_')?;
    let (stem, a) = rest.rsplit_once('_')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    (digits(a) && digits(b) && !stem.is_empty()).then_some(stem)
}

/// LDBC's entity name as a node label: `tagclass` -> `TagClass`, `organisation` -> `Organisation`.
pub(crate) fn label(entity: &str) -> String {
    match entity {
        "tagclass" => "TagClass".to_owned(),
        other => {
            let mut chars = other.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// LDBC's relation name as a relationship type: `hasMember` -> `HAS_MEMBER`.
pub(crate) fn rel_type(relation: &str) -> String {
    let mut out = String::with_capacity(relation.len() + 4);
    for (i, c) in relation.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            table_stem("person_knows_person_0_0.csv"),
            Some("person_knows_person")
        );
        assert_eq!(table_stem("person_12_3.csv"), Some("person"));
        assert_eq!(table_stem("person.csv"), None);
        assert_eq!(table_stem("person_a_0.csv"), None);
        assert_eq!(rel_type("hasMember"), "HAS_MEMBER");
        assert_eq!(rel_type("isLocatedIn"), "IS_LOCATED_IN");
        assert_eq!(rel_type("knows"), "KNOWS");
        assert_eq!(label("tagclass"), "TagClass");
        assert_eq!(label("organisation"), "Organisation");
    }
}
