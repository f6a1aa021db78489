//! The query's writes, recorded in the draft. A write that can never become valid, whatever the
//! rest of the query does (a second author for a post, a property the model fixes, deleting a
//! rider), is refused at once; what depends on the final state is checked by `finish.rs`.

use std::collections::BTreeMap;

use pillion_cypher::{CypherError, GraphRead, GraphWrite, NodeId, RelId, Value};

use super::rules::{
    check_key, check_rider_property, new_node_kind, refused, social_type, type_name, SOCIAL_LABELS,
};
use super::{Draft, NewNode, NewRel, MAX_WRITES};
use crate::cypher::{
    rel, Kind, AT, COMMENTED, FOLLOWS, FRIEND_REQUEST, IS_FRIEND, LIKES, ON, POSTED, SOCIAL_TYPES,
    TAGGED,
};

fn without_nulls(props: Vec<(String, Value)>) -> BTreeMap<String, Value> {
    props.into_iter().filter(|(_, v)| !v.is_null()).collect()
}

impl Draft<'_> {
    fn count_write(&mut self) -> Result<(), CypherError> {
        self.writes += 1;
        if self.writes > MAX_WRITES {
            return Err(refused(format!(
                "one query may make at most {MAX_WRITES} changes (nodes, relationships, labels \
                 and properties written); split it into smaller ones"
            )));
        }
        Ok(())
    }

    fn existing_kind(&self, n: NodeId) -> Result<Kind, CypherError> {
        self.kind(n)
            .ok_or_else(|| refused(format!("node {n} does not exist (any more)")))
    }

    /// The type number of a graph-only relationship type, numbering new names after the graph's.
    fn type_number(&mut self, name: &str) -> u32 {
        if let Some(ty) = self.graph.extra_type(name) {
            return ty;
        }
        let at = match self.new_types.iter().position(|t| t == name) {
            Some(i) => i,
            None => {
                self.new_types.push(name.to_owned());
                self.new_types.len() - 1
            }
        };
        self.graph.type_count() + u32::try_from(at).unwrap_or(u32::MAX)
    }

    /// Whether the query created a relationship of social type `ty` at `node` in `dir`.
    fn has_new(&self, node: NodeId, ty: u32, outgoing: bool) -> bool {
        self.new_rels_at(node).any(|r| {
            r.ty == ty
                && if outgoing {
                    r.start == node
                } else {
                    r.end == node
                }
        })
    }

    /// Refuses a new social relationship that the model can never accept.
    fn check_new_social(&self, ty: u32, a: NodeId, b: NodeId) -> Result<(), CypherError> {
        let new = |n: NodeId| self.created.contains_key(&n);
        let reason = match ty {
            IS_FRIEND | FRIEND_REQUEST if a == b => "a rider cannot befriend themself".to_owned(),
            IS_FRIEND if self.friends(a, b) => format!("riders {a} and {b} are already friends"),
            FRIEND_REQUEST if self.requested(a, b) => {
                format!("rider {a} already asked rider {b} to be friends")
            }
            POSTED if !new(b) => format!(
                "post {b} already has its author; POSTED is created only with its new post"
            ),
            POSTED if self.has_new(b, POSTED, false) => format!("post {b} has exactly one author"),
            LIKES if self.likes(a, b) => format!("rider {a} already likes post {b}"),
            COMMENTED if !new(b) => format!(
                "comment {b} already has its author; COMMENTED is created only with its new comment"
            ),
            COMMENTED if self.has_new(b, COMMENTED, false) => {
                format!("comment {b} has exactly one author")
            }
            ON if !new(a) => format!(
                "comment {a} is already on its post; ON is created only with its new comment"
            ),
            ON if self.has_new(a, ON, true) => format!("comment {a} is on exactly one post"),
            FOLLOWS if self.follows(a, b) => format!("rider {a} already follows interest {b}"),
            TAGGED if !new(a) => format!(
                "post {a}'s interests are set when it is created; TAGGED is created only with its new post"
            ),
            TAGGED if self.tags(a).contains(&self.graph.canonical_interest(pillion_model::InterestId(b))) => {
                format!("post {a} is already tagged with interest {b}")
            }
            AT => "a post's place is set when it is made through POST /v1/posts; Cypher cannot attach one".to_owned(),
            _ => return Ok(()),
        };
        Err(refused(format!("{}: {reason}", type_name(ty))))
    }

    fn add_new_rel(&mut self, r: RelId, props: BTreeMap<String, Value>) {
        self.seq += 1;
        self.new_rels.insert(
            r,
            NewRel {
                seq: self.seq,
                props,
            },
        );
        self.new_at.entry(r.start).or_default().push(r);
        if r.end != r.start {
            self.new_at.entry(r.end).or_default().push(r);
        }
    }

    /// The node's labels as the query last left them (for a label change).
    fn current_labels(&self, n: NodeId) -> Vec<String> {
        self.labels(n)
    }

    /// Adds or removes a label of a graph-only node; true if that changed it.
    fn change_label(&mut self, n: NodeId, label: &str, add: bool) -> Result<bool, CypherError> {
        self.count_write()?;
        let kind = self.existing_kind(n)?;
        let mut labels = self.current_labels(n);
        let has = labels.iter().any(|l| l == label);
        if has == add {
            return Ok(false);
        }
        if kind != Kind::Other {
            return Err(refused(format!(
                "the labels of riders, posts, comments, interests and places are fixed; node {n} is a {}",
                kind.label()
            )));
        }
        if add && SOCIAL_LABELS.contains(&label) {
            return Err(refused(format!(
                "a graph-only node cannot become a {label}; a {label} is made as one (see the API docs)"
            )));
        }
        if add {
            labels.push(label.to_owned());
            labels.sort();
        } else {
            labels.retain(|l| l != label);
        }
        match self.created.get_mut(&n) {
            Some(node) => node.labels = labels,
            None => self.edited.entry(n).or_default().labels = Some(labels),
        }
        Ok(true)
    }
}

impl GraphWrite for Draft<'_> {
    fn create_node(
        &mut self,
        labels: &[String],
        properties: Vec<(String, Value)>,
    ) -> Result<NodeId, CypherError> {
        self.count_write()?;
        let mut labels = labels.to_vec();
        labels.sort();
        labels.dedup();
        let kind = new_node_kind(&labels)?;
        let props = without_nulls(properties);
        for k in props.keys() {
            check_key(kind, k, true)?;
        }
        let id = self.planner.id();
        self.created.insert(
            id,
            NewNode {
                kind,
                labels,
                props,
            },
        );
        Ok(id)
    }

    fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: &str,
        properties: Vec<(String, Value)>,
    ) -> Result<RelId, CypherError> {
        self.count_write()?;
        let (ks, ke) = (self.existing_kind(start)?, self.existing_kind(end)?);
        if ks == Kind::Place || ke == Kind::Place {
            return Err(refused(
                "a post's place (the Place reached by AT) is part of the post; Cypher cannot attach relationships to it",
            ));
        }
        // Whatever it would point at: a post's place comes only with the post.
        if ty == "AT" && ks == Kind::Post {
            self.check_new_social(AT, start, end)?;
        }
        let props = without_nulls(properties);
        let r = match social_type(ty, ks, ke) {
            Some(t) => {
                if !props.is_empty() {
                    return Err(refused(format!(
                        "{ty}: relationships of the social model take no properties (their times are the write's)"
                    )));
                }
                self.check_new_social(t, start, end)?;
                rel(t, start, end)
            }
            None => {
                let id = self.next_rel_id;
                self.next_rel_id += 1;
                RelId {
                    id,
                    ty: self.type_number(ty),
                    start,
                    end,
                }
            }
        };
        self.add_new_rel(r, props);
        Ok(r)
    }

    fn set_node_property(
        &mut self,
        node: NodeId,
        key: &str,
        value: Option<Value>,
    ) -> Result<(), CypherError> {
        self.count_write()?;
        let value = value.filter(|v| !v.is_null());
        if let Some(n) = self.created.get_mut(&node) {
            check_key(n.kind, key, true)?;
            match value {
                Some(v) => n.props.insert(key.to_owned(), v),
                None => n.props.remove(key),
            };
            return Ok(());
        }
        let kind = self.existing_kind(node)?;
        check_key(kind, key, false)?;
        if kind == Kind::Rider {
            check_rider_property(key, value.as_ref())?;
        }
        self.edited
            .entry(node)
            .or_default()
            .props
            .insert(key.to_owned(), value);
        Ok(())
    }

    fn set_rel_property(
        &mut self,
        r: RelId,
        key: &str,
        value: Option<Value>,
    ) -> Result<(), CypherError> {
        self.count_write()?;
        if r.ty < SOCIAL_TYPES {
            return Err(refused(format!(
                "{}: relationships of the social model have no properties that Cypher may set",
                type_name(r.ty)
            )));
        }
        let value = value.filter(|v| !v.is_null());
        if let Some(new) = self.new_rels.get_mut(&r) {
            match value {
                Some(v) => new.props.insert(key.to_owned(), v),
                None => new.props.remove(key),
            };
            return Ok(());
        }
        self.rel_edits
            .entry(r)
            .or_default()
            .insert(key.to_owned(), value);
        Ok(())
    }

    fn add_label(&mut self, node: NodeId, label: &str) -> Result<bool, CypherError> {
        self.change_label(node, label, true)
    }

    fn remove_label(&mut self, node: NodeId, label: &str) -> Result<bool, CypherError> {
        self.change_label(node, label, false)
    }

    fn delete_node(&mut self, node: NodeId) -> Result<(), CypherError> {
        self.count_write()?;
        let reason = match self.existing_kind(node)? {
            Kind::Rider => "riders cannot be deleted (the API has no rider deletion)",
            Kind::Interest => {
                "interests cannot be deleted (posts and follows refer to them by name)"
            }
            Kind::Place => {
                "a post's place (the Place reached by AT) is part of the post; delete the post"
            }
            Kind::Post | Kind::Comment | Kind::Other => {
                if self.created.remove(&node).is_none() {
                    self.deleted.insert(node);
                    self.edited.remove(&node);
                }
                return Ok(());
            }
        };
        Err(refused(format!("node {node}: {reason}")))
    }

    fn delete_rel(&mut self, r: RelId) -> Result<(), CypherError> {
        self.count_write()?;
        if self.new_rels.remove(&r).is_some() {
            for end in [r.start, r.end] {
                if let Some(list) = self.new_at.get_mut(&end) {
                    list.retain(|x| *x != r);
                }
            }
        } else if self.graph.has_rel(r) {
            self.dead_rels.insert(r);
            self.rel_edits.remove(&r);
        }
        Ok(())
    }
}
