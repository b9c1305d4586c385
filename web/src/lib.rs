//! AVNM Playground's front end: a Yew app in which a whole design is edited and its membership, topology and
//! verdicts update on every edit.
//!
//! Architecture Invariant: this crate holds no domain rules and no JSON; every answer comes from `avnm_core`, every
//! change is an `avnm_core::scenario::Change`, and only `platform` touches the browser's APIs.

mod analysing;
mod app;
mod components;
mod edits;
mod embed;
mod library;
mod page;
mod platform;
mod share;
mod state;
mod views;

pub use app::App;
