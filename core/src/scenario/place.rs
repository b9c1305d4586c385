//! Which part of a design a place of the document belongs to, so that a diagnostic can lead to the editor of
//! what it concerns.

use crate::model::{
    ConfigurationId, Model, NetworkGroupId, NetworkManagerId, NicId, NsgId, RuleCollectionId,
    VnetId,
};
use crate::scenario::{Path, Segment};

/// The part of a design a path falls in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A VNet, its subnets or peerings.
    Vnet(VnetId),
    /// An NSG or its rules.
    Nsg(NsgId),
    /// A network interface.
    Nic(NicId),
    /// A rule collection or its rules.
    RuleCollection(RuleCollectionId),
    /// A security admin configuration.
    SecurityAdmin(ConfigurationId),
    /// A connectivity configuration.
    Connectivity(ConfigurationId),
    /// A network group, its static members, or a policy that adds to it.
    Group(NetworkGroupId),
    /// A network manager.
    Manager(NetworkManagerId),
    /// The commits.
    Commits,
    /// The intents.
    Intents,
    /// Anything else.
    Document,
}

impl Model {
    /// The first scope of a network manager, a subscription before a management group: where a new policy
    /// assignment for one of its groups goes.
    pub fn first_scope(&self, manager: &NetworkManagerId) -> Option<String> {
        let m = self.managers.get(manager)?;
        m.scope_subscriptions
            .first()
            .map(ToString::to_string)
            .or_else(|| m.scope_management_groups.first().map(ToString::to_string))
    }

    /// The part of the design that `path` falls in.
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// use avnm_core::scenario::{Path, Place};
    /// let s = Scenario::parse(r#"{"resources": [], "commits": []}"#).unwrap();
    /// assert_eq!(s.model().place_of(&"commits[0].targetLocations".parse::<Path>().unwrap()), Place::Commits);
    /// ```
    pub fn place_of(&self, path: &Path) -> Place {
        match path.segments().first() {
            Some(Segment::Key(k)) if k == "commits" => return Place::Commits,
            Some(Segment::Key(k)) if k == "intents" => return Place::Intents,
            _ => {}
        }
        let within = |p: &Path| !p.is_root() && path.starts_with(p);
        if let Some(v) = self
            .vnets
            .values()
            .find(|v| within(&v.path) || v.subnets.iter().any(|s| within(&s.path)))
        {
            return Place::Vnet(v.id.clone());
        }
        if let Some(n) = self
            .nsgs
            .values()
            .find(|n| within(&n.path) || n.rules.iter().any(|r| within(&r.path)))
        {
            return Place::Nsg(n.id.clone());
        }
        if let Some(n) = self.nics.values().find(|n| within(&n.path)) {
            return Place::Nic(n.id.clone());
        }
        for c in self.security_admin_configs.values() {
            if let Some(rc) = c
                .collections
                .iter()
                .find(|rc| within(&rc.path) || rc.rules.iter().any(|r| within(&r.path)))
            {
                return Place::RuleCollection(rc.id.clone());
            }
            if within(&c.path) {
                return Place::SecurityAdmin(c.id.clone());
            }
        }
        if let Some(c) = self.connectivity_configs.values().find(|c| within(&c.path)) {
            return Place::Connectivity(c.id.clone());
        }
        if let Some(g) = self.groups.values().find(|g| within(&g.path)) {
            return Place::Group(g.id.clone());
        }
        if let Some(m) = self.static_members.values().find(|m| within(&m.path)) {
            return Place::Group(m.group.clone());
        }
        if let Some(g) = self
            .policy_definitions
            .values()
            .filter(|d| within(&d.path))
            .find_map(|d| d.network_group.clone())
        {
            return Place::Group(g);
        }
        if let Some(m) = self.managers.values().find(|m| within(&m.path)) {
            return Place::Manager(m.id.clone());
        }
        Place::Document
    }
}
