//! Reusable widgets: validated fields, selects, badges.

pub mod field;

pub use field::{Check, CheckField, Field, SelectField};
