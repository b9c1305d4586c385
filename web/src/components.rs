//! The widgets the editors and panels share: validated fields, a field that commits when left, selects and
//! checkboxes, a tag table, the editor kit (typed-change callbacks, headings, drafts), diagnostics lists, rich
//! text, lesson Markdown, why a VNet is not in a network group, and a list that renders only the rows in view.

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
