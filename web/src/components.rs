//! The widgets the editors and panels share: validated fields, a field that commits when left, selects and
//! checkboxes, a tag table, the editor kit (typed-change callbacks, headings, drafts), diagnostics lists, rich
//! text, lesson Markdown, why a VNet is not in a network group, and a list that renders only the rows in view; and
//! [`Same`], the key of a memo that is computed again only when the design or its analysis is replaced.

use std::rc::Rc;

pub mod commit_field;
pub mod condition;
pub mod diagnostic_list;
pub mod editor;
pub mod field;
pub mod markdown;
pub mod rich;
pub mod tag_table;
pub mod virtual_list;
pub mod why_not;

pub use commit_field::CommitField;
pub use diagnostic_list::render_diagnostics;
pub use field::{Check, CheckField, Field, SelectField, maybe, options};
pub use rich::rich;
pub use tag_table::TagTable;

/// A count with the right form of its noun: `1 member`, `2 members`, `0 members`.
///
/// ```text
/// plural(1, "rule", "rules") == "1 rule"
/// ```
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A shared value compared by identity, not by content: the key of a memo or an effect that runs again only when the
/// design or its analysis is replaced (comparing tens of thousands of entries at each render would cost what the
/// memo saves).
pub struct Same<T>(pub Rc<T>);

impl<T> Clone for Same<T> {
    fn clone(&self) -> Self {
        Same(self.0.clone())
    }
}

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
