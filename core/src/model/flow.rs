//! A flow to evaluate: source, destination, protocol and ports, as Network Watcher's IP flow verify takes it.
//! It is plain data of the model (an intent holds one); verdicts about it are in `verdict`.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::Protocol;

/// The source port assumed when a flow does not give one: the start of the IANA ephemeral range.
pub const DEFAULT_SOURCE_PORT: u16 = 49152;

/// A new flow to evaluate, as Network Watcher's IP flow verify takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flow {
    /// Source address.
    pub from: IpAddr,
    /// Destination address.
    pub to: IpAddr,
    /// Protocol (`Any` stands for a packet of any protocol).
    pub protocol: Protocol,
    /// Destination port; ignored for protocols without ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Source port; [`DEFAULT_SOURCE_PORT`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_port: Option<u16>,
}

impl Flow {
    /// A flow to a destination port.
    pub fn new(from: IpAddr, to: IpAddr, protocol: Protocol, port: u16) -> Self {
        Flow {
            from,
            to,
            protocol,
            port: Some(port),
            source_port: None,
        }
    }
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {} {}", self.from, self.to, self.protocol)?;
        if let (true, Some(port)) = (self.protocol.has_ports(), self.port) {
            write!(f, "/{port}")?;
        }
        Ok(())
    }
}
