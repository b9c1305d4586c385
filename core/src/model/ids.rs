//! Identifiers of Azure resources.
//!
//! Azure Resource Manager compares resource ids case-insensitively, so every id here is a newtype whose
//! equality, ordering and hashing ignore ASCII case while `Display` keeps the spelling of the document.
//! One newtype per kind of resource keeps a rule id from being passed where a VNet id is expected.
//! Ids are reference-counted, so cloning one into a result is cheap.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Compares two strings ignoring ASCII case, byte by byte, without allocating.
///
/// Ids compared in maps are mostly spelled alike for a long prefix (`/subscriptions/<guid>/resourceGroups/...`),
/// so the identical leading 8-byte blocks are skipped with plain comparisons first; case is folded from the
/// first block that differs. Bytes equal as written are equal folded, so the order is the folded one.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Eight bytes at a time as one word: a call to `memcmp` per block costs more than the block.
    let word = |block: &[u8]| u64::from_ne_bytes(<[u8; 8]>::try_from(block).unwrap_or_default());
    let same: usize = a
        .chunks_exact(8)
        .zip(b.chunks_exact(8))
        .take_while(|(x, y)| word(x) == word(y))
        .count()
        * 8;
    let (a, b) = (
        a.get(same..).unwrap_or_default(),
        b.get(same..).unwrap_or_default(),
    );
    a.iter()
        .map(u8::to_ascii_lowercase)
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}

/// Hashes a string as its ASCII-lowercase form, consistently with [`cmp_ignore_case`].
fn hash_ignore_case<H: Hasher>(s: &str, state: &mut H) {
    for b in s.bytes() {
        state.write_u8(b.to_ascii_lowercase());
    }
    state.write_u8(0xff);
}

/// Whether `text` is the id `id` or the id of one of its children, ignoring ASCII case as ARM does.
pub(crate) fn within(text: &str, id: &str) -> bool {
    text.get(..id.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(id))
        && text
            .get(id.len()..)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Wraps an id as written in a document.
            pub fn new(id: impl AsRef<str>) -> Self {
                Self(Arc::from(id.as_ref()))
            }

            /// The id as written in the document.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether this id is `other` or the id of one of its children (`<other>/<type>/<name>`), ignoring case.
            pub fn is_within(&self, other: &Self) -> bool {
                within(&self.0, &other.0)
            }

            /// The last segment of the id, which Azure uses as the resource name.
            pub fn name(&self) -> &str {
                last_segment(&self.0)
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.eq_ignore_ascii_case(&other.0)
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                cmp_ignore_case(&self.0, &other.0)
            }
        }

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                hash_ignore_case(&self.0, state);
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::new(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::new(s)
            }
        }
    };
}

id_type!(
    /// Any Azure resource id, used where a reference may name several kinds of resource.
    ResourceId
);
id_type!(
    /// A virtual network (`Microsoft.Network/virtualNetworks`).
    VnetId
);
id_type!(
    /// A subnet of a virtual network.
    SubnetId
);
id_type!(
    /// A network interface (`Microsoft.Network/networkInterfaces`).
    NicId
);
id_type!(
    /// A network security group (`Microsoft.Network/networkSecurityGroups`).
    NsgId
);
id_type!(
    /// A rule of a network security group, user-defined (`<nsg>/securityRules/<name>`) or default
    /// (`<nsg>/defaultSecurityRules/<name>`).
    NsgRuleId
);
id_type!(
    /// An application security group (`Microsoft.Network/applicationSecurityGroups`).
    AsgId
);
id_type!(
    /// A virtual network peering (`<vnet>/virtualNetworkPeerings/<name>`).
    PeeringId
);
id_type!(
    /// A network manager (`Microsoft.Network/networkManagers`).
    NetworkManagerId
);
id_type!(
    /// A network group of a network manager.
    NetworkGroupId
);
id_type!(
    /// A static member of a network group.
    StaticMemberId
);
id_type!(
    /// A configuration of a network manager: connectivity or security admin.
    ConfigurationId
);
id_type!(
    /// A rule collection of a security admin configuration.
    RuleCollectionId
);
id_type!(
    /// A security admin rule.
    AdminRuleId
);
id_type!(
    /// An Azure Policy definition (`Microsoft.Authorization/policyDefinitions`).
    PolicyDefinitionId
);
id_type!(
    /// An Azure Policy assignment (`Microsoft.Authorization/policyAssignments`).
    PolicyAssignmentId
);
id_type!(
    /// A management group (`/providers/Microsoft.Management/managementGroups/<name>`).
    ManagementGroupId
);
id_type!(
    /// A subscription (`/subscriptions/<guid>`).
    SubscriptionId
);
id_type!(
    /// A resource group (`/subscriptions/<guid>/resourceGroups/<name>`).
    ResourceGroupId
);

/// The last `/`-separated segment of an id.
fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// The subscription and resource group that an Azure resource id names, when it names them.
///
/// ```
/// use avnm_core::model::ids::{scope_of, SubscriptionId, ResourceGroupId};
/// let (sub, rg) = scope_of("/subscriptions/s1/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks/v");
/// assert_eq!(sub, Some(SubscriptionId::new("/subscriptions/S1")));
/// assert_eq!(rg, Some(ResourceGroupId::new("/subscriptions/s1/resourcegroups/RG-A")));
/// ```
pub fn scope_of(id: &str) -> (Option<SubscriptionId>, Option<ResourceGroupId>) {
    let mut parts = id.split('/').filter(|s| !s.is_empty());
    let (Some(first), Some(sub)) = (parts.next(), parts.next()) else {
        return (None, None);
    };
    if !first.eq_ignore_ascii_case("subscriptions") {
        return (None, None);
    }
    let subscription = SubscriptionId::new(format!("/subscriptions/{sub}"));
    let rg = match (parts.next(), parts.next()) {
        (Some(kw), Some(name)) if kw.eq_ignore_ascii_case("resourceGroups") => Some(
            ResourceGroupId::new(format!("/subscriptions/{sub}/resourceGroups/{name}")),
        ),
        _ => None,
    };
    (Some(subscription), rg)
}

/// The id of the parent of a child resource: `<parent>/<childType>/<name>` gives `<parent>`.
pub fn parent_path(id: &str) -> &str {
    parent_of(id)
}

/// The id of the parent of a child resource: `<parent>/<childType>/<name>` gives `<parent>`.
pub(crate) fn parent_of(id: &str) -> &str {
    let trimmed = id.trim_end_matches('/');
    let mut cut = trimmed.rsplitn(3, '/');
    let _name = cut.next();
    let _kind = cut.next();
    cut.next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_compare_ignoring_case_and_keep_their_spelling() {
        let a = VnetId::new(
            "/subscriptions/A/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/Hub",
        );
        let b = VnetId::new(
            "/subscriptions/a/resourcegroups/rg/providers/microsoft.network/virtualnetworks/hub",
        );
        assert_eq!(a, b);
        assert_eq!(a.cmp(&b), Ordering::Equal);
        let set: BTreeSet<_> = [a.clone(), b].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert_eq!(
            a.to_string(),
            "/subscriptions/A/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/Hub"
        );
        assert_eq!(a.name(), "Hub");
    }

    #[test]
    fn comparison_is_the_order_of_the_lowercase_strings() {
        let base = "/subscriptions/0123456789abcdef/resourceGroups/rg-net";
        let mut words = vec![
            String::new(),
            "a".to_owned(),
            "B".to_owned(),
            "_".to_owned(),
        ];
        for cut in [
            0,
            1,
            7,
            8,
            9,
            15,
            16,
            17,
            23,
            24,
            25,
            31,
            32,
            33,
            base.len(),
        ] {
            let prefix = &base[..cut];
            words.push(prefix.to_owned());
            words.push(prefix.to_uppercase());
            words.push(format!("{prefix}X"));
            words.push(format!("{prefix}x/tail"));
            words.push(format!("{prefix}_"));
            words.push(format!("{}{}", prefix.to_uppercase(), &base[cut..]));
        }
        for a in &words {
            for b in &words {
                assert_eq!(
                    cmp_ignore_case(a, b),
                    a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()),
                    "`{a}` and `{b}`"
                );
            }
        }
    }

    #[test]
    fn hashing_agrees_with_equality() {
        use std::collections::hash_map::DefaultHasher;
        let h = |id: &NsgId| {
            let mut s = DefaultHasher::new();
            id.hash(&mut s);
            s.finish()
        };
        assert_eq!(h(&NsgId::new("/X/nsg")), h(&NsgId::new("/x/NSG")));
    }

    #[test]
    fn scope_of_reads_subscription_and_resource_group() {
        assert_eq!(
            scope_of("/providers/Microsoft.Management/managementGroups/mg"),
            (None, None)
        );
        let (sub, rg) = scope_of("/subscriptions/s1");
        assert_eq!(
            sub.map(|s| s.to_string()),
            Some("/subscriptions/s1".to_owned())
        );
        assert_eq!(rg, None);
    }

    #[test]
    fn parent_of_strips_the_child_segment_pair() {
        assert_eq!(
            parent_of("/a/b/networkGroups/ng/staticMembers/sm"),
            "/a/b/networkGroups/ng"
        );
        assert_eq!(parent_of("x"), "");
    }
}
