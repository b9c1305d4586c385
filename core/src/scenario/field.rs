//! Checks of single form fields, for validation as the user types: each turns the text of a field into the
//! [`FieldValue`] a [`Change`](super::change::Change) writes, or says with a [`FieldError`] what is wrong with it,
//! with the same rules the engine reads the document by.

use super::edit::FieldValue;
pub(crate) use crate::diagnostic::escaped;
use crate::model::address::{AddressItem, parse_prefix};
use crate::model::{AddressItem as Item, PortRange};

/// A value the user gave, as an error message shows it: on one line (control characters escaped) and cut after
/// 120 characters, so that pasted text never makes a message longer than a line.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 120;
    let mut out = escaped(text.chars().take(MAX));
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Why the text of a field is not a value the document can take. Its `Display` is the message shown beside
/// the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// Not a CIDR prefix.
    #[error("`{}` is not a valid IP prefix", shown(.0))]
    Prefix(String),
    /// An address space with no prefix.
    #[error("give at least one prefix, like `10.1.0.0/16`")]
    NoPrefix,
    /// Not an IP address.
    #[error("`{}` is not an IP address", shown(.0))]
    Address(String),
    /// Not an NSG address.
    #[error("`{}` is not an address, a prefix, `*` or a service tag", shown(.0))]
    NsgAddress(String),
    /// Not an admin rule address.
    #[error("`{}` is not an IP address, a prefix, `*`, a service tag or a network group id", shown(.0))]
    AdminAddress(String),
    /// A resource id that is not a network group's.
    #[error("`{}` is not a network group id", shown(.0))]
    GroupId(String),
    /// A service tag that security admin rules refuse.
    #[error("security admin rules do not accept the service tag `{}`", shown(.0))]
    RefusedTag(String),
    /// Not a service tag name.
    #[error("`{}` is not a service tag name", shown(.0))]
    TagService(String),
    /// Not a port range.
    #[error("`{}` is not a port (0-65535), a range like `1024-65535`, or `*`", shown(.0))]
    PortRange(String),
    /// Not a port.
    #[error("`{}` is not a port (0-65535)", shown(.0))]
    Port(String),
    /// A priority out of its range.
    #[error("a priority is a whole number from {low} to {high}")]
    Priority {
        /// The lowest.
        low: u32,
        /// The highest.
        high: u32,
    },
    /// Not a resource name.
    #[error("`{}` is not a valid name: letters, digits, `_`, `.` and `-`, up to 80", shown(.0))]
    Name(String),
    /// Not a region name.
    #[error("`{}` is not a region name, like `westeurope`", shown(.0))]
    Region(String),
    /// An empty tag name.
    #[error("give the tag a name")]
    NoTagName,
    /// A tag name Azure refuses.
    #[error(
        "`{}` is not a tag name: up to 512 characters, without `<`, `>`, `%`, `&`, `\\`, `?` or `/`", shown(.0)
    )]
    TagName(String),
    /// A tag name the resource already has.
    #[error("`{}` is already a tag of this resource (tag names ignore case)", shown(.0))]
    TagTaken(String),
    /// Not a `name=value` pair.
    #[error("`{}` is not `name=value`", shown(.0))]
    TagPair(String),
    /// Not an entry of a network manager's scope.
    #[error(
        "`{}` is not `/subscriptions/<id>` or `/providers/Microsoft.Management/managementGroups/<name>`", shown(.0)
    )]
    Scope(String),
}

impl FieldValue {
    /// The value as one text: a list joined with `, `.
    pub fn into_text(self) -> String {
        match self {
            FieldValue::Text(t) => t,
            FieldValue::Integer(i) => i.to_string(),
            FieldValue::Flag(b) => b.to_string(),
            FieldValue::Texts(items) => items.join(", "),
        }
    }
}

/// A CIDR prefix or IP address (`10.1.0.0/16`).
///
/// ```
/// use avnm_core::scenario::field;
/// assert!(field::prefix("10.1.0.0/16").is_ok());
/// assert_eq!(field::prefix("10.1.0.0/33").unwrap_err().to_string(), "`10.1.0.0/33` is not a valid IP prefix");
/// ```
pub fn prefix(text: &str) -> Result<FieldValue, FieldError> {
    let t = text.trim();
    parse_prefix(t)
        .map(|_| FieldValue::Text(t.to_owned()))
        .ok_or_else(|| FieldError::Prefix(t.to_owned()))
}

/// A comma-separated list of prefixes (an address space).
pub fn prefixes(text: &str) -> Result<FieldValue, FieldError> {
    let items = split(text);
    if items.is_empty() {
        return Err(FieldError::NoPrefix);
    }
    for item in &items {
        prefix(item)?;
    }
    Ok(FieldValue::Texts(items))
}

/// An IP address.
pub fn address(text: &str) -> Result<FieldValue, FieldError> {
    let t = text.trim();
    t.parse::<std::net::IpAddr>()
        .map(|_| FieldValue::Text(t.to_owned()))
        .map_err(|_| FieldError::Address(t.to_owned()))
}

/// A comma-separated list of NSG-style addresses: `*`, prefixes, IPs or service tags.
pub fn nsg_addresses(text: &str) -> Result<FieldValue, FieldError> {
    let items = split(text);
    for item in &items {
        if AddressItem::parse_nsg(item).is_none() {
            return Err(FieldError::NsgAddress(item.clone()));
        }
    }
    Ok(FieldValue::Texts(items))
}

/// Whether an address of a security admin rule is a network group id (`addressPrefixType` `NetworkGroup`).
fn is_resource_id(address: &str) -> bool {
    address
        .trim()
        .get(..15)
        .is_some_and(|p| p.eq_ignore_ascii_case("/subscriptions/"))
}

/// The `addressPrefixType` of a security admin rule address (spec §4.3): `IPPrefix` for `*`, an IP address or
/// a CIDR prefix, `NetworkGroup` for a resource id (`/subscriptions/...`), `ServiceTag` for a name.
///
/// ```
/// use avnm_core::scenario::field::address_prefix_type;
/// assert_eq!(address_prefix_type("*"), "IPPrefix");
/// assert_eq!(address_prefix_type("10.0.0.0/8"), "IPPrefix");
/// assert_eq!(address_prefix_type("Internet"), "ServiceTag");
/// assert_eq!(address_prefix_type("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm/networkGroups/g"), "NetworkGroup");
/// ```
pub fn address_prefix_type(address: &str) -> &'static str {
    if is_resource_id(address) {
        return "NetworkGroup";
    }
    match AddressItem::parse_nsg(address.trim()) {
        Some(Item::Tag(_)) => "ServiceTag",
        _ => "IPPrefix",
    }
}

/// A comma-separated list of security admin rule addresses: each item is `*`, an IP address or CIDR prefix, a
/// service tag that admin rules accept, or a network group id. An empty list matches any address. `Any` is
/// written `*`.
///
/// ```
/// use avnm_core::scenario::{FieldValue, field::admin_addresses};
/// assert_eq!(admin_addresses("10.0.0.0/8, any"), Ok(FieldValue::Texts(vec!["10.0.0.0/8".into(), "*".into()])));
/// assert!(admin_addresses("10.0.0.0/33").is_err());
/// assert!(admin_addresses("AzurePlatformDNS").is_err());
/// ```
pub fn admin_addresses(text: &str) -> Result<FieldValue, FieldError> {
    let mut items = Vec::new();
    for item in split(text) {
        if is_resource_id(&item) {
            if !item.to_ascii_lowercase().contains("/networkgroups/") {
                return Err(FieldError::GroupId(item));
            }
            items.push(item);
            continue;
        }
        match AddressItem::parse_nsg(&item) {
            None => return Err(FieldError::AdminAddress(item)),
            Some(Item::Any) => items.push("*".to_owned()),
            Some(Item::Tag(tag)) => {
                let name = tag.to_string();
                if ["azureplatformdns", "azureplatformimds", "azureplatformlkm"]
                    .contains(&name.to_ascii_lowercase().as_str())
                {
                    return Err(FieldError::RefusedTag(name));
                }
                if !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                {
                    return Err(FieldError::TagService(name));
                }
                items.push(item);
            }
            Some(_) => items.push(item),
        }
    }
    Ok(FieldValue::Texts(items))
}

/// A comma-separated list of port ranges: `22`, `1024-65535`, `*`.
///
/// ```
/// use avnm_core::scenario::{field, FieldValue};
/// assert_eq!(field::ports("22, 80-81").unwrap(), FieldValue::Texts(vec!["22".into(), "80-81".into()]));
/// assert!(field::ports("80-70").is_err());
/// ```
pub fn ports(text: &str) -> Result<FieldValue, FieldError> {
    let items = split(text);
    for item in &items {
        if item.parse::<PortRange>().is_err() {
            return Err(FieldError::PortRange(item.clone()));
        }
    }
    Ok(FieldValue::Texts(items))
}

/// A security admin rule priority: 1-4096.
pub fn admin_priority(text: &str) -> Result<FieldValue, FieldError> {
    priority(text, 1, 4096)
}

/// An NSG rule priority: 100-4096.
pub fn nsg_priority(text: &str) -> Result<FieldValue, FieldError> {
    priority(text, 100, 4096)
}

fn priority(text: &str, low: u32, high: u32) -> Result<FieldValue, FieldError> {
    match text.trim().parse::<u32>() {
        Ok(p) if (low..=high).contains(&p) => Ok(FieldValue::Integer(i64::from(p))),
        _ => Err(FieldError::Priority { low, high }),
    }
}

/// A port number.
pub fn port(text: &str) -> Result<FieldValue, FieldError> {
    let t = text.trim();
    t.parse::<u16>()
        .map(|p| FieldValue::Integer(i64::from(p)))
        .map_err(|_| FieldError::Port(t.to_owned()))
}

/// A resource name as Azure accepts it for network resources: 1-80 letters, digits, `_`, `.`, `-`, starting
/// with a letter or digit and not ending with `.` or `-`.
pub fn name(text: &str) -> Result<FieldValue, FieldError> {
    let t = text.trim();
    let ok = !t.is_empty()
        && t.len() <= 80
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && t.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !t.ends_with(['.', '-']);
    if ok {
        Ok(FieldValue::Text(t.to_owned()))
    } else {
        Err(FieldError::Name(t.to_owned()))
    }
}

/// A region name: letters, digits and spaces (`westeurope`, `East US 2`).
pub fn region(text: &str) -> Result<FieldValue, FieldError> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') {
        Ok(FieldValue::Text(t.to_owned()))
    } else {
        Err(FieldError::Region(t.to_owned()))
    }
}

/// A tag name as Azure accepts it: 1-512 characters, none of `<`, `>`, `%`, `&`, `\`, `?`, `/` ("Use tags to
/// organize your Azure resources", limitations). Any other character, `.` and spaces included, is written.
///
/// ```
/// use avnm_core::scenario::field::tag_name;
/// assert!(tag_name("cost center").is_ok());
/// assert!(tag_name("a.b").is_ok());
/// assert!(tag_name("a/b").is_err());
/// assert!(tag_name(" ").is_err());
/// ```
pub fn tag_name(text: &str) -> Result<FieldValue, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldError::NoTagName);
    }
    if t.chars().count() > 512 || t.contains(['<', '>', '%', '&', '\\', '?', '/']) {
        return Err(FieldError::TagName(t.to_owned()));
    }
    Ok(FieldValue::Text(t.to_owned()))
}

/// A tag name for a resource that has the tags `taken`: checked by [`tag_name`], and none of the names it already
/// has (tag names ignore case), apart from `own`, the name of the tag being renamed.
///
/// ```
/// use avnm_core::scenario::field::tag_name_among;
/// let taken = [("env".to_owned(), "prod".to_owned())];
/// assert!(tag_name_among("ENV", &taken, None).is_err());
/// assert!(tag_name_among("Env", &taken, Some("env")).is_ok());
/// ```
pub fn tag_name_among(
    text: &str,
    taken: &[(String, String)],
    own: Option<&str>,
) -> Result<FieldValue, FieldError> {
    let name = tag_name(text)?.into_text();
    let clash = taken.iter().any(|(k, _)| {
        k.eq_ignore_ascii_case(&name) && own.is_none_or(|o| !o.eq_ignore_ascii_case(k))
    });
    if clash {
        return Err(FieldError::TagTaken(name));
    }
    Ok(FieldValue::Text(name))
}

/// Tags written `name=value, name=value`, each name checked by [`tag_name`]; an empty text is no tag.
///
/// ```
/// use avnm_core::scenario::field::tag_pairs;
/// assert_eq!(tag_pairs("env=prod, team = a").unwrap(), [("env".to_owned(), "prod".to_owned()), ("team".to_owned(), "a".to_owned())]);
/// assert!(tag_pairs("env").is_err());
/// ```
pub fn tag_pairs(text: &str) -> Result<Vec<(String, String)>, FieldError> {
    split(text)
        .into_iter()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => {
                tag_name(k)?;
                Ok((k.trim().to_owned(), v.trim().to_owned()))
            }
            None => Err(FieldError::TagPair(pair)),
        })
        .collect()
}

/// An entry of a network manager's scope: `/subscriptions/<id>` or
/// `/providers/Microsoft.Management/managementGroups/<name>` (spec §1.1).
///
/// ```
/// use avnm_core::scenario::field::scope_entry;
/// assert!(scope_entry("/subscriptions/aaaa-1").is_ok());
/// assert!(scope_entry("/providers/Microsoft.Management/managementGroups/root").is_ok());
/// assert!(scope_entry("aaaa-1").is_err());
/// ```
pub fn scope_entry(text: &str) -> Result<FieldValue, FieldError> {
    let t = text.trim().trim_end_matches('/');
    let parts: Vec<&str> = t.split('/').collect();
    let ok = match parts.as_slice() {
        ["", s, id] => s.eq_ignore_ascii_case("subscriptions") && !id.is_empty(),
        ["", p, m, g, name] => {
            p.eq_ignore_ascii_case("providers")
                && m.eq_ignore_ascii_case("Microsoft.Management")
                && g.eq_ignore_ascii_case("managementGroups")
                && !name.is_empty()
        }
        _ => false,
    };
    if ok {
        Ok(FieldValue::Text(t.to_owned()))
    } else {
        Err(FieldError::Scope(t.to_owned()))
    }
}

/// Free text.
pub fn text(text: &str) -> Result<FieldValue, FieldError> {
    Ok(FieldValue::Text(text.to_owned()))
}

fn split(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_follow_azure_ranges() {
        assert_eq!(admin_priority("1"), Ok(FieldValue::Integer(1)));
        assert!(admin_priority("0").is_err());
        assert!(admin_priority("4097").is_err());
        assert_eq!(
            nsg_priority("99"),
            Err(FieldError::Priority {
                low: 100,
                high: 4096
            })
        );
        assert_eq!(nsg_priority(" 4096 "), Ok(FieldValue::Integer(4096)));
    }

    #[test]
    fn lists_are_comma_separated() {
        assert_eq!(
            prefixes("10.0.0.0/16, 10.1.0.0/16"),
            Ok(FieldValue::Texts(vec![
                "10.0.0.0/16".into(),
                "10.1.0.0/16".into()
            ]))
        );
        assert_eq!(prefixes(""), Err(FieldError::NoPrefix));
        assert!(nsg_addresses("VirtualNetwork, 10.0.0.0/8, *").is_ok());
        assert!(nsg_addresses("10.0.0.0/99").is_err());
        assert!(name("vnet-hub").is_ok());
        assert!(name("-bad").is_err());
        assert!(name("bad.").is_err());
        assert_eq!(
            region(" East US 2 "),
            Ok(FieldValue::Text("East US 2".into()))
        );
        assert!(region("west-europe").is_err());
        assert!(region("").is_err());
    }

    #[test]
    fn messages_read_as_sentences_with_values_in_backticks() {
        assert_eq!(
            ports("80-70").unwrap_err().to_string(),
            "`80-70` is not a port (0-65535), a range like `1024-65535`, or `*`"
        );
        assert_eq!(
            admin_addresses("/subscriptions/s/x")
                .unwrap_err()
                .to_string(),
            "`/subscriptions/s/x` is not a network group id"
        );
        assert_eq!(
            tag_name("a?b").unwrap_err().to_string(),
            "`a?b` is not a tag name: up to 512 characters, without `<`, `>`, `%`, `&`, `\\`, `?` or `/`"
        );
    }
}
