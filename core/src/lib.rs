//! # avnm-core
//!
//! The semantics of Azure Virtual Network Manager, computed from a design: which virtual networks belong to
//! which network groups, which peerings and connected groups the deployed configurations create, and whether
//! a flow is allowed, denied or unreachable, each with the reason why.
//!
//! A design is a [`Scenario`]: one JSON document of Azure Resource Manager resources, commits and intents
//! (the project's `decisions.md` §1).
//! [`analyze`] derives an [`Analysis`] from it; an analysis answers [`Analysis::verdict`] for any
//! [`Flow`], with a [`Trace`] in the shape of Network Watcher's NSG diagnostics.
//!
//! ```
//! use avnm_core::{Scenario, analyze, Flow, Decision};
//! let scenario = Scenario::parse(r#"{"resources": [{
//!     "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
//!     "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
//!     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
//!                    "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.0.0/24"}}]}}]}"#).unwrap();
//! let analysis = analyze(&scenario);
//! let flow = Flow::new("10.0.0.4".parse().unwrap(), "10.0.0.5".parse().unwrap(), avnm_core::model::Protocol::Tcp, 443);
//! assert_eq!(analysis.verdict(&flow).verdict, Decision::Allowed);
//! ```
//!
//! Architecture Invariant: this crate does no IO, reads no clock, spawns no thread and never panics on any
//! input; it builds for the host and for `wasm32-unknown-unknown`.

#![warn(missing_docs)]

pub mod addressing;
pub mod analysis;
pub mod connectivity;
pub mod deployment;
pub mod diagnostic;
pub mod export;
pub mod import;
pub mod layout;
pub mod membership;
pub mod model;
pub mod path;
pub mod scenario;
pub mod security;
pub mod verdict;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) use tests::EXAMPLES;

pub use analysis::{Analysis, analyze};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use model::{Decision, Model};
pub use scenario::{FormatError, Scenario};
pub use verdict::{Flow, Trace, Verdict};
