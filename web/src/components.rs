//! Reusable widgets: validated fields, selects, badges.

pub mod field;
pub mod rich;

pub use field::{Check, CheckField, Field, SelectField};
pub use rich::rich;
