//! The copy of a document that a change writes, which records what the change wrote, so that the design after it
//! reads again only the resources it touched ([`Scenario::change`](crate::Scenario::change)).
//!
//! The copy shares every resource with the design it was made from until the change writes in it (a resource is
//! copied then, alone); a change that writes in the list of resources itself (a removal) or everywhere (a rename)
//! works on the whole document as one tree. Every write goes through [`Draft::slot`], [`Draft::push`] or
//! [`Draft::whole`], so nothing is written unrecorded.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use crate::scenario::document::{Document, RESOURCES};
use crate::scenario::edit::locate;
use crate::scenario::{Path, Segment};

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
    document: Document,
    /// The whole document as one tree, once a change needed it.
    whole: Option<Value>,
    touched: Touched,
}

impl Draft {
    pub(crate) fn new(document: Document) -> Self {
        Draft {
            document,
            whole: None,
            touched: Touched::Resources(BTreeSet::new()),
        }
    }

    /// The slot at a path (made on the way when `create`), to write: the resource it is in is recorded as touched
    /// (and copied when shared), or the whole document when the path is outside every resource.
    pub(crate) fn slot(&mut self, path: &[Segment], create: bool) -> Option<&mut Value> {
        let shared = self.whole.is_none() && self.document.shared().is_some();
        match path {
            [Segment::Key(key), Segment::Index(i), inside @ ..] if shared && key == RESOURCES => {
                if let Touched::Resources(touched) = &mut self.touched {
                    touched.insert(*i);
                }
                let (_, items) = self.document.parts_mut();
                let item = items?.get_mut(*i)?;
                locate(Arc::make_mut(item), inside, create)
            }
            [Segment::Key(key), ..] if shared && key == RESOURCES => {
                locate(self.whole(), path, create)
            }
            _ => {
                self.touched = Touched::Everything;
                match &mut self.whole {
                    Some(whole) => locate(whole, path, create),
                    None => locate(self.document.parts_mut().0, path, create),
                }
            }
        }
    }

    /// Appends `value` to the list at `path` (made when missing); `false` when what is there is not a list.
    /// A resource appended to a kept `resources` list leaves the others shared, in their places.
    pub(crate) fn push(&mut self, path: &[Segment], value: Value) -> bool {
        let resources = matches!(path, [Segment::Key(key)] if key == RESOURCES);
        if resources
            && self.whole.is_none()
            && self.document.start_resources()
            && let (_, Some(items)) = self.document.parts_mut()
        {
            items.push(Arc::new(value));
            return true;
        }
        let Some(list) = self.slot(path, true) else {
            return false;
        };
        if list.is_null() {
            *list = Value::Array(Vec::new());
        }
        match list.as_array_mut() {
            Some(items) => {
                items.push(value);
                true
            }
            None => false,
        }
    }

    /// The whole document as one tree, for a change that may write anywhere in it.
    pub(crate) fn whole(&mut self) -> &mut Value {
        self.touched = Touched::Everything;
        if self.whole.is_none() {
            self.whole = Some(std::mem::take(&mut self.document).into_value());
        }
        self.whole.get_or_insert(Value::Null)
    }

    /// The value at a path.
    pub(crate) fn find(&self, path: &Path) -> Option<&Value> {
        match &self.whole {
            Some(whole) => path.find(whole),
            None => self.document.find(path),
        }
    }

    /// The changed document and what the change wrote in it.
    pub(crate) fn finish(self) -> (Document, Touched) {
        match self.whole {
            Some(whole) => (Document::new(whole), self.touched),
            // Its resources were kept apart, and still are.
            None if self.document.shared().is_some() => (self.document, self.touched),
            // Written as one tree (it had no list of resources): made again, to keep one if it has one now.
            None => (Document::new(self.document.into_value()), self.touched),
        }
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
    fn writes_inside_resources_are_recorded_by_resource_and_copy_only_that_resource() {
        let value = json!({"resources": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "intents": []});
        let before = Document::new(value.clone());
        let mut draft = Draft::new(before.clone());
        *draft.slot(&segments("resources[2].name"), true).unwrap() = json!("c2");
        *draft.slot(&segments("resources[0].tags.x"), true).unwrap() = json!("1");
        assert!(draft.push(&segments("resources"), json!({"id": "d"})));
        assert_eq!(
            draft.find(&Path::parse("resources[3].id").unwrap()),
            Some(&json!("d"))
        );
        let (changed, touched) = draft.finish();
        assert_eq!(touched, Touched::Resources(BTreeSet::from([0, 2])));
        let changed_value = changed.to_value();
        assert_eq!(changed_value["resources"][2]["name"], "c2");
        assert_eq!(changed_value["resources"][0]["tags"]["x"], "1");
        assert_eq!(before.to_value(), value, "the design before is untouched");
        let (old, new) = (before.shared().unwrap(), changed.shared().unwrap());
        let shared: Vec<bool> = (0..3).map(|i| Arc::ptr_eq(&old[i], &new[i])).collect();
        assert_eq!(
            shared,
            [false, true, false],
            "only what was written in is copied"
        );
    }

    #[test]
    fn any_other_write_is_everything_and_the_document_stays_whole() {
        let value = json!({"resources": [{"id": "a"}, {"id": "b"}], "intents": [], "commits": []});
        for outside in ["resources", "intents[0]", "commits", "title"] {
            let mut draft = Draft::new(Document::new(value.clone()));
            draft.slot(&segments(outside), true);
            let (document, touched) = draft.finish();
            assert_eq!(touched, Touched::Everything, "{outside}");
            assert_eq!(document.resources().count(), 2, "{outside}");
        }
        let mut draft = Draft::new(Document::new(value));
        if let Some(Value::Array(items)) = draft.whole().get_mut("resources") {
            items.remove(0);
        }
        assert!(draft.push(&segments("resources"), json!({"id": "c"})));
        let (document, touched) = draft.finish();
        assert_eq!(touched, Touched::Everything);
        assert_eq!(
            document.to_value()["resources"],
            json!([{"id": "b"}, {"id": "c"}])
        );
        let mut draft = Draft::new(Document::new(json!({"resources": {"not": "a list"}})));
        assert!(!draft.push(&segments("resources"), json!({})));
        let mut draft = Draft::new(Document::new(json!({"intents": []})));
        assert!(draft.push(&segments("resources"), json!({"id": "a"})));
        assert_eq!(
            draft.finish().0.to_value()["resources"],
            json!([{"id": "a"}])
        );
    }
}
