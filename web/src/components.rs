//! Reusable widgets: validated fields, selects, badges.

pub mod diagnostic_list;
pub mod field;
pub mod rich;

pub use diagnostic_list::render_diagnostics;
pub use field::{Check, CheckField, Field, SelectField, maybe, options};
pub use rich::rich;
