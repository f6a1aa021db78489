//! The import's passes, in the order the store needs them: ids first (a pre-scan), then
//! interests and other nodes, riders, friendships, follows, posts, likes, comments, and last the
//! relationships outside the social model. Each pass checks every reference it writes, so the
//! store never sees a row that points at nothing.

use pillion_model::{Change, Handle, InterestId, InterestName, NodeId, RiderId, RiderName};
use pillion_model::{Place, RiderRecord, Timestamp};
use pillion_store::SqliteStore;
use rustc_hash::{FxHashMap, FxHashSet};

use super::csv::CsvFile;
use super::files::{label, rel_type, Folder, Table};
use super::props::{decimal, row_props};
use super::{ImportError, ImportStats, Progress, Writer};

/// Rows between two progress reports.
const REPORT_EVERY: u64 = 1 << 16;

pub(crate) struct Importer<'p> {
    pub(super) folder: Folder,
    pub(super) out: Writer,
    progress: &'p mut dyn FnMut(Progress<'_>),
    done: u64,
    total: u64,
    /// Persons by id, with their creation time.
    pub(super) riders: FxHashMap<u64, i64>,
    pub(super) posts: FxHashSet<u64>,
    pub(super) comments: FxHashSet<u64>,
    /// The next id for a node that has no API id of its own (interests, places, forums, ...).
    next_id: u64,
    /// Tags by LDBC id.
    pub(super) interests: FxHashMap<u64, InterestId>,
    /// Other nodes by entity and LDBC id.
    others: FxHashMap<String, FxHashMap<u64, NodeId>>,
    /// Places with coordinates (Pillion's `lat`/`lon` columns), by LDBC id: a post located at
    /// one shows it as its `place`.
    pub(super) geo: FxHashMap<u64, Place>,
    pub(super) stats: ImportStats,
}

impl<'p> Importer<'p> {
    pub fn new(
        folder: Folder,
        store: SqliteStore,
        progress: &'p mut dyn FnMut(Progress<'_>),
    ) -> Importer<'p> {
        let scanned: u64 = ["person", "post", "comment"]
            .iter()
            .filter_map(|e| folder.entities.get(*e))
            .map(|t| t.bytes)
            .sum();
        let total = folder.bytes + scanned;
        Importer {
            folder,
            out: Writer::start(store),
            progress,
            done: 0,
            total,
            riders: FxHashMap::default(),
            posts: FxHashSet::default(),
            comments: FxHashSet::default(),
            next_id: 1,
            interests: FxHashMap::default(),
            others: FxHashMap::default(),
            geo: FxHashMap::default(),
            stats: ImportStats::default(),
        }
    }

    pub fn run(&mut self) -> Result<(), ImportError> {
        self.scan_ids()?;
        self.tags()?;
        self.other_entities()?;
        self.persons()?;
        self.knows()?;
        self.follows()?;
        self.posts()?;
        self.likes()?;
        self.comments()?;
        self.other_relations()
    }

    /// Waits for the last commits; the stats and the store, or the store's error.
    pub fn finish(mut self) -> Result<(ImportStats, SqliteStore), ImportError> {
        let store = self.out.finish()?;
        Ok((self.stats, store))
    }

    /// Reads every row of `table`, calling `each` with the file positioned on it.
    pub(super) fn read(
        &mut self,
        table: &Table,
        mut each: impl FnMut(&mut Self, &CsvFile) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        for (path, name) in &table.parts {
            let mut csv = CsvFile::open(path, name.clone())?;
            self.report(0, name);
            let mut rows = 0u64;
            while csv.next_row()? {
                each(self, &csv)?;
                rows += 1;
                if rows.is_multiple_of(REPORT_EVERY) {
                    self.report(csv.bytes, name);
                }
            }
            self.done += csv.bytes;
            self.report(0, name);
        }
        Ok(())
    }

    fn report(&mut self, partial: u64, file: &str) {
        (self.progress)(Progress {
            done: (self.done + partial).min(self.total),
            total: self.total,
            file,
        });
    }

    fn fresh_id(&mut self) -> NodeId {
        let id = NodeId(self.next_id);
        self.next_id += 1;
        id
    }

    /// Places by LDBC id.
    pub(super) fn place_ids(&self) -> Option<&FxHashMap<u64, NodeId>> {
        self.others.get("place")
    }

    fn entity(&self, name: &str) -> Option<Table> {
        self.folder.entities.get(name).cloned()
    }

    /// Persons', posts' and comments' ids: unique across all three (Pillion has one id space),
    /// and their maximum, above which the other nodes get theirs.
    fn scan_ids(&mut self) -> Result<(), ImportError> {
        let mut max = 0;
        for entity in ["person", "post", "comment"] {
            let Some(table) = self.entity(entity) else {
                continue;
            };
            self.read(&table, |me, csv| {
                let id = csv.id(csv.require("id")?)?;
                if id == 0 {
                    return Err(csv.error(format!("{entity} id 0: ids start at 1")));
                }
                max = max.max(id);
                if let Some(owner) = me.owner(id) {
                    return Err(csv.error(format!(
                        "id {id} is already a {owner}'s: persons, posts and comments share one \
                         id space in Pillion, so their ids must not overlap"
                    )));
                }
                match entity {
                    "person" => {
                        let created = csv.int(csv.require("creationDate")?)?;
                        me.riders.insert(id, created);
                    }
                    "post" => {
                        me.posts.insert(id);
                    }
                    _ => {
                        me.comments.insert(id);
                    }
                }
                Ok(())
            })?;
        }
        self.next_id = max + 1;
        Ok(())
    }

    fn owner(&self, id: u64) -> Option<&'static str> {
        if self.riders.contains_key(&id) {
            Some("person")
        } else if self.posts.contains(&id) {
            Some("post")
        } else if self.comments.contains(&id) {
            Some("comment")
        } else {
            None
        }
    }

    /// Tags become interests. Names are kept as they are, also over 80 characters or differing
    /// from another only in case (the engine treats such names as one interest).
    fn tags(&mut self) -> Result<(), ImportError> {
        let Some(table) = self.entity("tag") else {
            return Ok(());
        };
        self.read(&table, |me, csv| {
            let ldbc = csv.id(csv.require("id")?)?;
            let name = csv.get(csv.require("name")?);
            if name.is_empty() {
                return Err(csv.error("a tag needs a name"));
            }
            let id = InterestId(me.fresh_id().0);
            if me.interests.insert(ldbc, id).is_some() {
                return Err(csv.error(format!("duplicate tag id {ldbc}")));
            }
            me.stats.interests += 1;
            me.stats.node_rows += 1;
            me.out.push(Change::CreateInterest {
                id,
                name: InterestName::from_trusted(name.to_owned()),
            })?;
            me.out.push(Change::SetNodeProps {
                id: NodeId(id.0),
                props: row_props(csv, &[])?,
            })
        })
    }

    /// Every entity outside the social model becomes a node labelled with its LDBC name.
    fn other_entities(&mut self) -> Result<(), ImportError> {
        let names: Vec<String> = self
            .folder
            .entities
            .keys()
            .filter(|e| !matches!(e.as_str(), "person" | "post" | "comment" | "tag"))
            .cloned()
            .collect();
        for entity in names {
            let Some(table) = self.entity(&entity) else {
                continue;
            };
            let node_label = label(&entity);
            self.read(&table, |me, csv| {
                let ldbc = csv.id(csv.require("id")?)?;
                let id = me.fresh_id();
                let ids = me.others.entry(entity.clone()).or_default();
                if ids.insert(ldbc, id).is_some() {
                    return Err(csv.error(format!("duplicate {entity} id {ldbc}")));
                }
                if entity == "place" {
                    me.remember_place(csv, ldbc)?;
                }
                me.stats.other_nodes += 1;
                me.stats.node_rows += 1;
                me.out.push(Change::CreateNode(pillion_model::NodeRecord {
                    id,
                    labels: vec![node_label.clone()],
                    props: row_props(csv, &[])?,
                }))
            })?;
        }
        Ok(())
    }

    fn remember_place(&mut self, csv: &CsvFile, ldbc: u64) -> Result<(), ImportError> {
        let (Some(name), Some(lat), Some(lon)) =
            (csv.column("name"), csv.column("lat"), csv.column("lon"))
        else {
            return Ok(());
        };
        if csv.get(lat).is_empty() || csv.get(lon).is_empty() || csv.get(name).is_empty() {
            return Ok(());
        }
        let (lat, lon) = (decimal(csv, lat)?, decimal(csv, lon)?);
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(csv.error("lat must be from -90 to 90 and lon from -180 to 180"));
        }
        let place = Place {
            name: csv.get(name).to_owned(),
            lat,
            lon,
        };
        self.geo.insert(ldbc, place);
        Ok(())
    }

    /// Persons become riders with handle `p<id>`, no password (operators mint their tokens with
    /// `pillion token`), and every other column as a profile property.
    fn persons(&mut self) -> Result<(), ImportError> {
        let Some(table) = self.entity("person") else {
            return Ok(());
        };
        self.read(&table, |me, csv| {
            let id_col = csv.require("id")?;
            let id = csv.id(id_col)?;
            let created = csv.int(csv.require("creationDate")?)?;
            let field = |name: &str| csv.column(name).map(|i| csv.get(i)).unwrap_or("");
            let full = format!("{} {}", field("firstName"), field("lastName"));
            let handle = format!("p{id}");
            let name = match full.trim() {
                "" => handle.clone(),
                n => n.to_owned(),
            };
            me.stats.riders += 1;
            me.stats.node_rows += 1;
            me.out.push(Change::CreateRider(RiderRecord {
                id: RiderId(id),
                handle: Handle::from_trusted(handle),
                name: RiderName::from_trusted(name),
                password_hash: String::new(),
                props: row_props(csv, &[id_col])?,
                created_at: Timestamp(created),
            }))
        })
    }

    /// The person with LDBC id `id`, or an error on the current row.
    pub(super) fn rider(&self, csv: &CsvFile, col: usize) -> Result<RiderId, ImportError> {
        let id = csv.id(col)?;
        if self.riders.contains_key(&id) {
            Ok(RiderId(id))
        } else {
            Err(csv.error(format!("unknown person {id}")))
        }
    }

    /// `knows` becomes a friendship, asked by the first person and accepted by the second.
    fn knows(&mut self) -> Result<(), ImportError> {
        let Some(table) = self.folder.take_relation("person", "knows", "person") else {
            return Ok(());
        };
        let mut pairs = FxHashSet::default();
        self.read(&table, |me, csv| {
            let (a, b) = (me.rider(csv, 0)?, me.rider(csv, 1)?);
            if a == b {
                return Err(csv.error(format!("person {a} cannot know themself")));
            }
            if !pairs.insert((a.min(b), a.max(b))) {
                return Err(csv.error(format!("{a} and {b} are already friends")));
            }
            let since = match csv.column("creationDate") {
                Some(i) => csv.int(i)?,
                None => me.riders[&a.0].max(me.riders[&b.0]),
            };
            me.stats.friendships += 1;
            me.stats.relationship_rows += 1;
            me.out.push(Change::CreateFriendship {
                requester: a,
                accepter: b,
                since: Timestamp(since),
            })
        })
    }

    /// `hasInterest` becomes a follow, dated when the rider joined (LDBC has no date for it).
    fn follows(&mut self) -> Result<(), ImportError> {
        let Some(table) = self.folder.take_relation("person", "hasInterest", "tag") else {
            return Ok(());
        };
        let mut seen = FxHashSet::default();
        self.read(&table, |me, csv| {
            let rider = me.rider(csv, 0)?;
            let interest = me.interest(csv, 1)?;
            if !seen.insert((rider, interest)) {
                return Err(csv.error(format!("{rider} already has interest {}", csv.get(1))));
            }
            me.stats.follows += 1;
            me.stats.relationship_rows += 1;
            me.out.push(Change::Follow {
                rider,
                interest,
                created_at: Timestamp(me.riders[&rider.0]),
            })
        })
    }

    pub(super) fn interest(&self, csv: &CsvFile, col: usize) -> Result<InterestId, ImportError> {
        let id = csv.id(col)?;
        self.interests
            .get(&id)
            .copied()
            .ok_or_else(|| csv.error(format!("unknown tag {id}")))
    }

    /// The node an LDBC `(entity, id)` names, for a relationship's endpoint.
    fn node(&self, entity: &str, csv: &CsvFile, col: usize) -> Result<NodeId, ImportError> {
        let id = csv.id(col)?;
        let found = match entity {
            "person" => self.riders.contains_key(&id).then_some(NodeId(id)),
            "post" => self.posts.contains(&id).then_some(NodeId(id)),
            "comment" => self.comments.contains(&id).then_some(NodeId(id)),
            "tag" => self.interests.get(&id).map(|i| NodeId(i.0)),
            other => self.others.get(other).and_then(|m| m.get(&id)).copied(),
        };
        found.ok_or_else(|| csv.error(format!("unknown {entity} {id}")))
    }

    /// Every relation not mapped to the social model: a relationship named in LDBC's words
    /// (`hasMember` -> `HAS_MEMBER`), its extra columns as properties.
    fn other_relations(&mut self) -> Result<(), ImportError> {
        let relations = std::mem::take(&mut self.folder.relations);
        for ((src, rel, dst), table) in relations {
            let rel_type = rel_type(&rel);
            self.read(&table, |me, csv| {
                let from = me.node(&src, csv, 0)?;
                let to = me.node(&dst, csv, 1)?;
                me.stats.other_rels += 1;
                me.stats.relationship_rows += 1;
                me.out.push(Change::CreateRel(pillion_model::RelRecord {
                    rel_type: rel_type.clone(),
                    from,
                    to,
                    props: row_props(csv, &[0, 1])?,
                }))
            })?;
        }
        Ok(())
    }
}
