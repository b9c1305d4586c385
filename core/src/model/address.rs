//! Values that rules and resources are made of: locations, tags, protocols, port ranges and address items.
//!
//! Everything here is parsed once from the document's strings (in `scenario::format`) and never handled as a
//! string again by the engines.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::ids::{NetworkGroupId, cmp_ignore_case};

/// An Azure region, normalised as Azure Policy does: `East US 2` and `eastus2` are the same location.
///
/// ```
/// use avnm_core::model::Location;
/// assert_eq!(Location::new("East US 2"), Location::new("eastus2"));
/// assert_eq!(Location::new("West Europe").as_str(), "westeurope");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Location(String);

impl Location {
    /// Normalises a location name: lowercase, without spaces.
    pub fn new(name: &str) -> Self {
        Self(
            name.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect(),
        )
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({:?})", self.0)
    }
}

/// A tag name, compared case-insensitively as Azure does.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TagName(pub String);

impl PartialEq for TagName {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for TagName {}
impl PartialOrd for TagName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TagName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        cmp_ignore_case(&self.0, &other.0)
    }
}

/// The tags of a resource: names compare case-insensitively, values keep their case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tags(pub BTreeMap<TagName, String>);

impl Tags {
    /// The value of a tag, looked up case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(&TagName(name.to_owned())).map(String::as_str)
    }

    /// Whether no tag is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tags in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.0.as_str(), v.as_str()))
    }
}

/// Traffic direction, as seen from the resource a rule protects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// Traffic arriving at the resource.
    Inbound,
    /// Traffic leaving the resource.
    Outbound,
}

/// A transport protocol of a flow or a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (no ports).
    Icmp,
    /// IPsec ESP (no ports).
    Esp,
    /// IPsec AH (no ports).
    Ah,
    /// Any protocol: `Any` in admin rules, `*` in NSG rules.
    Any,
}

impl Protocol {
    /// Whether flows of this protocol carry ports; rules ignore port ranges for the others.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp | Protocol::Any)
    }

    /// Whether a rule of protocol `self` matches a flow of protocol `flow`.
    pub fn matches(self, flow: Protocol) -> bool {
        self == Protocol::Any || self == flow
    }
}

impl FromStr for Protocol {
    type Err = ();

    /// Parses a protocol name case-insensitively; `*` is `Any`.
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "icmp" => Protocol::Icmp,
            "esp" => Protocol::Esp,
            "ah" => Protocol::Ah,
            "any" | "*" => Protocol::Any,
            _ => return Err(()),
        })
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// An inclusive range of ports.
///
/// ```
/// use avnm_core::model::PortRange;
/// let r: PortRange = "1024-65535".parse().unwrap();
/// assert!(r.contains(8080) && !r.contains(80));
/// assert_eq!("*".parse::<PortRange>().unwrap(), PortRange::ANY);
/// assert!("70000".parse::<PortRange>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PortRange {
    /// First port of the range.
    pub start: u16,
    /// Last port of the range, included.
    pub end: u16,
}

impl PortRange {
    /// Every port.
    pub const ANY: PortRange = PortRange {
        start: 0,
        end: 65535,
    };

    /// A single port.
    pub fn single(port: u16) -> Self {
        PortRange {
            start: port,
            end: port,
        }
    }

    /// Whether the range includes `port`.
    pub fn contains(self, port: u16) -> bool {
        self.start <= port && port <= self.end
    }
}

impl FromStr for PortRange {
    type Err = ();

    /// Parses `80`, `1024-65535` or `*`.
    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim();
        if s == "*" {
            return Ok(PortRange::ANY);
        }
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let start: u16 = a.trim().parse().map_err(|_| ())?;
        let end: u16 = b.trim().parse().map_err(|_| ())?;
        if start > end {
            return Err(());
        }
        Ok(PortRange { start, end })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == PortRange::ANY {
            f.write_str("*")
        } else if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// The service tags the engine resolves to addresses (spec §5.5).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ServiceTag {
    /// The VNet's own address space, peered VNets and connected-group members (decisions Q9).
    VirtualNetwork,
    /// Public addresses outside the VirtualNetwork tag.
    Internet,
    /// The host's virtual IP 168.63.129.16, where health probes come from.
    AzureLoadBalancer,
    /// Any other tag (`Storage`, `Sql.WestEurope`...): not simulated, it matches no address.
    Other(String),
}

impl ServiceTag {
    /// Parses a tag name case-insensitively.
    pub fn parse(name: &str) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "virtualnetwork" => ServiceTag::VirtualNetwork,
            "internet" => ServiceTag::Internet,
            "azureloadbalancer" => ServiceTag::AzureLoadBalancer,
            _ => ServiceTag::Other(name.to_owned()),
        }
    }
}

impl fmt::Display for ServiceTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceTag::Other(name) => f.write_str(name),
            known => fmt::Debug::fmt(known, f),
        }
    }
}

/// One source or destination item of a rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AddressItem {
    /// `*`, `Any` or `0.0.0.0/0`-like wildcards: every address.
    Any,
    /// An IP address or CIDR prefix.
    Prefix(IpNet),
    /// A service tag.
    Tag(ServiceTag),
    /// The address space of a network group's members (admin rules, `addressPrefixType: NetworkGroup`).
    Group(NetworkGroupId),
}

impl AddressItem {
    /// Parses an NSG-style prefix string: `*`, `Any`, an IP, a CIDR or a service tag name.
    ///
    /// Returns `None` for a string that looks like an address but is not a valid one (`10.0.0.0/33`).
    pub fn parse_nsg(text: &str) -> Option<Self> {
        let t = text.trim();
        if t == "*" || t.eq_ignore_ascii_case("any") {
            return Some(AddressItem::Any);
        }
        if let Some(net) = parse_prefix(t) {
            return Some(AddressItem::Prefix(net));
        }
        if looks_like_address(t) || t.is_empty() {
            return None;
        }
        Some(AddressItem::Tag(ServiceTag::parse(t)))
    }
}

impl fmt::Display for AddressItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressItem::Any => f.write_str("*"),
            AddressItem::Prefix(net) => write!(f, "{net}"),
            AddressItem::Tag(tag) => write!(f, "{tag}"),
            AddressItem::Group(id) => write!(f, "{id}"),
        }
    }
}

/// Parses an IP address (as a host prefix) or a CIDR prefix, truncating host bits as Azure does.
///
/// ```
/// use avnm_core::model::address::parse_prefix;
/// assert_eq!(parse_prefix("10.1.0.4").unwrap().to_string(), "10.1.0.4/32");
/// assert_eq!(parse_prefix("10.1.0.0/16").unwrap().to_string(), "10.1.0.0/16");
/// assert!(parse_prefix("10.1.0.0/33").is_none());
/// ```
pub fn parse_prefix(text: &str) -> Option<IpNet> {
    let t = text.trim();
    if let Ok(net) = t.parse::<IpNet>() {
        return Some(net.trunc());
    }
    t.parse::<IpAddr>().ok().map(IpNet::from)
}

/// Whether a string is shaped like an address (digits, dots, colons, a slash), so that a failed parse is an
/// invalid address rather than a service tag name.
fn looks_like_address(t: &str) -> bool {
    t.contains('/')
        || t.chars().all(|c| c.is_ascii_digit() || c == '.')
        || (t.contains(':')
            && t.chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_parse_like_azure() {
        assert_eq!("22".parse::<PortRange>(), Ok(PortRange::single(22)));
        assert_eq!(
            " 10000-10005 ".parse::<PortRange>(),
            Ok(PortRange {
                start: 10000,
                end: 10005
            })
        );
        assert_eq!("0-65535".parse::<PortRange>(), Ok(PortRange::ANY));
        assert!("5-1".parse::<PortRange>().is_err());
        assert!("http".parse::<PortRange>().is_err());
        assert!("".parse::<PortRange>().is_err());
    }

    #[test]
    fn nsg_prefixes_parse_into_items() {
        assert_eq!(AddressItem::parse_nsg("*"), Some(AddressItem::Any));
        assert_eq!(
            AddressItem::parse_nsg("Internet"),
            Some(AddressItem::Tag(ServiceTag::Internet))
        );
        assert_eq!(
            AddressItem::parse_nsg("Storage.WestEurope"),
            Some(AddressItem::Tag(ServiceTag::Other(
                "Storage.WestEurope".into()
            )))
        );
        assert_eq!(
            AddressItem::parse_nsg("10.0.0.0/8").map(|i| i.to_string()),
            Some("10.0.0.0/8".into())
        );
        assert_eq!(AddressItem::parse_nsg("10.0.0.300"), None);
        assert_eq!(AddressItem::parse_nsg("10.0.0.0/40"), None);
        assert_eq!(
            AddressItem::parse_nsg("fd00::/8").map(|i| i.to_string()),
            Some("fd00::/8".into())
        );
    }

    #[test]
    fn protocols_parse_case_insensitively() {
        assert_eq!("TCP".parse::<Protocol>(), Ok(Protocol::Tcp));
        assert_eq!("*".parse::<Protocol>(), Ok(Protocol::Any));
        assert!("gre".parse::<Protocol>().is_err());
        assert!(Protocol::Any.matches(Protocol::Icmp));
        assert!(!Protocol::Udp.matches(Protocol::Tcp));
    }

    #[test]
    fn tags_are_looked_up_case_insensitively() {
        let mut tags = Tags::default();
        tags.0.insert(TagName("Env".into()), "Prod".into());
        assert_eq!(tags.get("env"), Some("Prod"));
        assert_eq!(tags.get("ENV"), Some("Prod"));
        assert_eq!(tags.get("owner"), None);
    }
}
