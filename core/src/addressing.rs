//! An index from IP addresses to the prefixes that contain them.
//!
//! Prefixes are grouped by length; a lookup masks the address once per length in use, so it costs a few map
//! lookups whatever the number of prefixes.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

/// Maps prefixes to values and finds every value whose prefix contains an address.
#[derive(Clone, Debug)]
pub struct PrefixIndex<T> {
    by_len: BTreeMap<(bool, u8), BTreeMap<IpNet, Vec<T>>>,
}

impl<T> Default for PrefixIndex<T> {
    fn default() -> Self {
        PrefixIndex {
            by_len: BTreeMap::new(),
        }
    }
}

impl<T: Clone> PrefixIndex<T> {
    /// Adds a value under a prefix.
    pub fn insert(&mut self, prefix: IpNet, value: T) {
        let key = (matches!(prefix, IpNet::V6(_)), prefix.prefix_len());
        self.by_len
            .entry(key)
            .or_default()
            .entry(prefix.trunc())
            .or_default()
            .push(value);
    }

    /// The values of every prefix containing the address, longest prefix first.
    ///
    /// ```
    /// use avnm_core::addressing::PrefixIndex;
    /// let mut index = PrefixIndex::default();
    /// index.insert("10.0.0.0/8".parse().unwrap(), "corp");
    /// index.insert("10.1.0.0/16".parse().unwrap(), "spoke");
    /// assert_eq!(index.lookup("10.1.2.3".parse().unwrap()), vec!["spoke", "corp"]);
    /// assert!(index.lookup("192.168.0.1".parse().unwrap()).is_empty());
    /// ```
    pub fn lookup(&self, ip: IpAddr) -> Vec<T> {
        let v6 = ip.is_ipv6();
        let mut out = Vec::new();
        for ((family, len), prefixes) in self.by_len.iter().rev() {
            if *family != v6 {
                continue;
            }
            if let Ok(net) = IpNet::new(ip, *len)
                && let Some(values) = prefixes.get(&net.trunc())
            {
                out.extend(values.iter().cloned());
            }
        }
        out
    }
}
