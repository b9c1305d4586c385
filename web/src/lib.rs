//! AVNM Playground's front end: a Yew app in which a whole design is edited and its membership, topology and
//! verdicts update on every edit.
//!
//! Architecture Invariant: this crate holds no domain rules; every answer comes from `avnm_core`, every change
//! is an `avnm_core::scenario::Edit`, and only `platform` touches the browser's APIs.

mod app;
mod components;
mod embed;
mod page;
mod platform;
mod state;
mod views;

pub use app::App;
