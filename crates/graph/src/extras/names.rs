//! Label, relationship-type and property-key names, each stored once and referred to by number.

use rustc_hash::FxHashMap;

#[derive(Debug, Default, Clone)]
pub(crate) struct Names {
    list: Vec<Box<str>>,
    index: FxHashMap<Box<str>, u32>,
}

impl Names {
    /// The name's number, given a new one if the name is new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.index.get(name) {
            return n;
        }
        // More than 4 billion distinct names cannot be written by anything Pillion accepts.
        let n = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(name.into());
        self.index.insert(name.into(), n);
        n
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The name of number `n` ("" for a number never given out).
    pub fn name(&self, n: u32) -> &str {
        self.list.get(n as usize).map_or("", |s| s)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}
