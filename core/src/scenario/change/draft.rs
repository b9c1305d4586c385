//! The copy of a document that a change writes, which records what the change wrote, so that the design after it
//! reads again only the resources it touched ([`Scenario::change`](crate::Scenario::change)).
//!
//! Every write goes through [`Draft::slot`] (or [`Draft::whole`] for a change that may write anywhere); reading
//! the document needs no recording, so a draft reads as the [`Value`] it holds.

use std::collections::BTreeSet;
use std::ops::Deref;

use serde_json::Value;

use crate::scenario::Segment;
use crate::scenario::edit::locate;

/// What a change wrote in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Touched {
    /// Only inside these elements of `resources` (by index), and resources appended after the others.
    Resources(BTreeSet<usize>),
    /// Anything: the list of resources itself (a resource removed), the commits, the intents, ids everywhere.
    Everything,
}

/// A document being changed.
pub(crate) struct Draft {
    document: Value,
    touched: Touched,
}

impl Draft {
    pub(crate) fn new(document: Value) -> Self {
        Draft {
            document,
            touched: Touched::Resources(BTreeSet::new()),
        }
    }

    /// The slot at a path (made on the way when `create`), to write: the resource it is in is recorded as touched,
    /// or the whole document when the path is outside every resource.
    pub(crate) fn slot(&mut self, path: &[Segment], create: bool) -> Option<&mut Value> {
        match (&mut self.touched, path) {
            (Touched::Resources(touched), [Segment::Key(key), Segment::Index(i), ..])
                if key == "resources" =>
            {
                touched.insert(*i);
            }
            _ => self.touched = Touched::Everything,
        }
        locate(&mut self.document, path, create)
    }

    /// Appends a resource to `resources` (made when missing): the resources before it keep their places.
    /// `false` when `resources` is not a list.
    pub(crate) fn append(&mut self, resource: Value) -> bool {
        let key = [Segment::Key("resources".to_owned())];
        let Some(list) = locate(&mut self.document, &key, true) else {
            return false;
        };
        if list.is_null() {
            *list = Value::Array(Vec::new());
        }
        match list.as_array_mut() {
            Some(items) => {
                items.push(resource);
                true
            }
            None => false,
        }
    }

    /// The whole document, for a change that may write anywhere in it.
    pub(crate) fn whole(&mut self) -> &mut Value {
        self.touched = Touched::Everything;
        &mut self.document
    }

    /// The changed document and what the change wrote in it.
    pub(crate) fn finish(self) -> (Value, Touched) {
        (self.document, self.touched)
    }
}

impl Deref for Draft {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.document
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segments(text: &str) -> Vec<Segment> {
        crate::scenario::Path::parse(text).unwrap().segments()
    }

    #[test]
    fn writes_inside_resources_are_recorded_by_resource_and_any_other_write_as_everything() {
        let document = json!({"resources": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "intents": []});
        let mut draft = Draft::new(document.clone());
        *draft.slot(&segments("resources[2].name"), true).unwrap() = json!("c2");
        *draft.slot(&segments("resources[0].tags.x"), true).unwrap() = json!("1");
        assert!(draft.append(json!({"id": "d"})));
        assert_eq!(draft["resources"][3]["id"], "d");
        let (changed, touched) = draft.finish();
        assert_eq!(touched, Touched::Resources(BTreeSet::from([0, 2])));
        assert_eq!(changed["resources"][2]["name"], "c2");
        assert_eq!(changed["resources"][1], document["resources"][1]);

        for outside in ["resources", "intents[0]", "commits"] {
            let mut draft = Draft::new(document.clone());
            draft.slot(&segments(outside), true);
            assert_eq!(draft.finish().1, Touched::Everything, "{outside}");
        }
        let mut draft = Draft::new(document);
        draft.whole();
        assert_eq!(draft.finish().1, Touched::Everything);
        let mut draft = Draft::new(json!({"resources": {"not": "a list"}}));
        assert!(!draft.append(json!({})));
    }
}
