//! Checks of single form fields, for validation as the user types: each turns the text of a field into the
//! value an [`Edit`](super::Edit) writes, or says what is wrong with it, with the same rules the engine reads
//! the document by.

use super::edit::FieldValue;
use crate::model::PortRange;
use crate::model::address::{AddressItem, parse_prefix};

/// A CIDR prefix or IP address (`10.1.0.0/16`).
///
/// ```
/// use avnm_core::scenario::field;
/// assert!(field::prefix("10.1.0.0/16").is_ok());
/// assert_eq!(field::prefix("10.1.0.0/33").unwrap_err(), "`10.1.0.0/33` is not a valid IP prefix");
/// ```
pub fn prefix(text: &str) -> Result<FieldValue, String> {
    let t = text.trim();
    parse_prefix(t)
        .map(|_| FieldValue::Text(t.to_owned()))
        .ok_or_else(|| format!("`{t}` is not a valid IP prefix"))
}

/// A comma-separated list of prefixes (an address space).
pub fn prefixes(text: &str) -> Result<FieldValue, String> {
    let items = split(text);
    if items.is_empty() {
        return Err("give at least one prefix, like `10.1.0.0/16`".to_owned());
    }
    for item in &items {
        prefix(item)?;
    }
    Ok(FieldValue::Texts(items))
}

/// An IP address.
pub fn address(text: &str) -> Result<FieldValue, String> {
    let t = text.trim();
    t.parse::<std::net::IpAddr>()
        .map(|_| FieldValue::Text(t.to_owned()))
        .map_err(|_| format!("`{t}` is not an IP address"))
}

/// A comma-separated list of NSG-style addresses: `*`, prefixes, IPs or service tags.
pub fn nsg_addresses(text: &str) -> Result<FieldValue, String> {
    let items = split(text);
    for item in &items {
        if AddressItem::parse_nsg(item).is_none() {
            return Err(format!(
                "`{item}` is not an address, a prefix, `*` or a service tag"
            ));
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
pub fn ports(text: &str) -> Result<FieldValue, String> {
    let items = split(text);
    for item in &items {
        if item.parse::<PortRange>().is_err() {
            return Err(format!(
                "`{item}` is not a port (0-65535), a range like `1024-65535`, or `*`"
            ));
        }
    }
    Ok(FieldValue::Texts(items))
}

/// A security admin rule priority: 1-4096.
pub fn admin_priority(text: &str) -> Result<FieldValue, String> {
    priority(text, 1, 4096)
}

/// An NSG rule priority: 100-4096.
pub fn nsg_priority(text: &str) -> Result<FieldValue, String> {
    priority(text, 100, 4096)
}

fn priority(text: &str, low: i64, high: i64) -> Result<FieldValue, String> {
    let t = text.trim();
    match t.parse::<i64>() {
        Ok(p) if (low..=high).contains(&p) => Ok(FieldValue::Integer(p)),
        _ => Err(format!("a priority is a whole number from {low} to {high}")),
    }
}

/// A port number.
pub fn port(text: &str) -> Result<FieldValue, String> {
    let t = text.trim();
    t.parse::<u16>()
        .map(|p| FieldValue::Integer(i64::from(p)))
        .map_err(|_| format!("`{t}` is not a port (0-65535)"))
}

/// A resource name as Azure accepts it for network resources: 1-80 letters, digits, `_`, `.`, `-`, starting
/// with a letter or digit and not ending with `.` or `-`.
pub fn name(text: &str) -> Result<FieldValue, String> {
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
        Err(format!(
            "`{t}` is not a valid name: letters, digits, `_`, `.` and `-`, up to 80"
        ))
    }
}

/// A region name: letters, digits and spaces (`westeurope`, `East US 2`).
pub fn region(text: &str) -> Result<FieldValue, String> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') {
        Ok(FieldValue::Text(t.to_owned()))
    } else {
        Err(format!("`{t}` is not a region name, like `westeurope`"))
    }
}

/// Free text.
pub fn text(text: &str) -> Result<FieldValue, String> {
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
        assert!(nsg_priority("99").is_err());
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
        assert!(prefixes("").is_err());
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
}
