//! Typed changes of a design: what a person does in the playground ("peer these two VNets", "rename this
//! VNet", "add a rule at the next free priority"), each applied by [`Scenario::change`] as one step.
//!
//! A [`Change`] names resources by id and fields by [`Target`]; this module knows Azure's shape of the document
//! (a peering is written on both VNets, a subnet with one prefix writes `addressPrefix`, connectivity booleans
//! are the strings `"True"`/`"False"`, a renamed resource's id changes everywhere it is referenced), so that a
//! front end holds no JSON and no domain rule.
//! Like an [`Edit`](super::Edit), a change that would make the document unreadable is refused and the design is
//! left as it was.

pub(crate) mod draft;
mod references;
mod target;

use serde_json::{Map, Value, json};

pub use target::{
    AppliesField, ConnectivityField, IntentField, RuleField, SecurityAdminField, Target,
};

use super::edit::{FieldValue, Fragment, template};
use super::field::{FieldError, shown};
use super::{FormatError, Path, Scenario, Segment};
use crate::model::{
    ConfigType, ConfigurationId, Direction, ManagementGroupId, Model, NetworkGroupId,
    NetworkManagerId, NsgId, PolicyDefinitionId, ResourceId, RuleCollectionId, SubnetId,
    SubscriptionId, VnetId,
};
use draft::{Draft, Touched};
use target::Shape;

/// A new top-level resource, with Azure's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewResource {
    /// A virtual network with one address prefix and a first subnet `default` covering its first /24.
    Vnet {
        /// Its subscription (the id's GUID or name).
        subscription: String,
        /// Its resource group.
        resource_group: String,
        /// Its name.
        name: String,
        /// Its region.
        location: String,
        /// Its address prefix.
        prefix: String,
    },
    /// A network security group with no rules of its own.
    Nsg {
        /// Its subscription.
        subscription: String,
        /// Its resource group.
        resource_group: String,
        /// Its name.
        name: String,
        /// Its region.
        location: String,
    },
    /// A network interface with one static IP configuration in a subnet.
    Nic {
        /// Its subscription.
        subscription: String,
        /// Its resource group.
        resource_group: String,
        /// Its name.
        name: String,
        /// Its region.
        location: String,
        /// The subnet of its IP configuration.
        subnet: SubnetId,
        /// Its private IP address.
        address: String,
    },
    /// A network manager scoped to its own subscription, able to deploy connectivity and security admin
    /// configurations.
    NetworkManager {
        /// Its subscription.
        subscription: String,
        /// Its resource group.
        resource_group: String,
        /// Its name.
        name: String,
        /// Its region.
        location: String,
    },
    /// A management group with no children.
    ManagementGroup {
        /// Its name.
        name: String,
    },
    /// A subscription resource, so that its display name and tags can be described.
    Subscription(SubscriptionId),
}

/// A change to a design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Sets a field.
    Set {
        /// The field.
        target: Target,
        /// Its new value, as a field check returns it.
        value: FieldValue,
    },
    /// Adds a tag with an empty value.
    AddTag {
        /// The resource.
        resource: ResourceId,
        /// The tag's name.
        name: String,
    },
    /// Renames a tag, keeping its value.
    RenameTag {
        /// The resource.
        resource: ResourceId,
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Removes a tag.
    RemoveTag {
        /// The resource.
        resource: ResourceId,
        /// The tag's name.
        name: String,
    },
    /// Replaces every tag of a resource.
    SetTags {
        /// The resource.
        resource: ResourceId,
        /// The tags, in order.
        tags: Vec<(String, String)>,
    },
    /// Adds a resource.
    Add(NewResource),
    /// Removes a resource, its children, and every reference to them: peerings to a removed VNet, static members
    /// of it, associations with a removed NSG, the groups of configurations and rule collections, policies of a
    /// removed group and their assignments, configurations in commits...
    Remove(ResourceId),
    /// Renames a resource: its id changes, and so does every reference to it and to its children.
    Rename {
        /// The resource.
        resource: ResourceId,
        /// The new name.
        name: String,
    },
    /// Moves a resource to another subscription and resource group: its id changes everywhere.
    Move {
        /// The resource.
        resource: ResourceId,
        /// The subscription.
        subscription: String,
        /// The resource group.
        resource_group: String,
    },
    /// Adds a subnet to a VNet.
    AddSubnet {
        /// The VNet.
        vnet: VnetId,
        /// The subnet's name.
        name: String,
        /// Its prefix.
        prefix: String,
    },
    /// Peers two VNets by hand, on both sides, so that the peering is connected.
    AddPeering {
        /// One VNet.
        from: VnetId,
        /// The other.
        to: VnetId,
    },
    /// Removes the manual peerings between two VNets, on both sides.
    RemovePeering {
        /// One VNet.
        from: VnetId,
        /// The other.
        to: VnetId,
    },
    /// Adds an NSG rule: Allow Tcp from anywhere to anywhere, at the next free priority of its direction.
    AddNsgRule {
        /// The NSG.
        nsg: NsgId,
        /// The direction.
        direction: Direction,
    },
    /// Adds a subscription or management group to a network manager's scope.
    AddScope {
        /// The manager.
        manager: NetworkManagerId,
        /// `/subscriptions/<id>` or `/providers/Microsoft.Management/managementGroups/<name>`.
        scope: String,
    },
    /// Removes a subscription or management group from a network manager's scope.
    RemoveScope {
        /// The manager.
        manager: NetworkManagerId,
        /// The entry, as written.
        scope: String,
    },
    /// Adds a network group to a manager, with a fresh name.
    AddNetworkGroup(NetworkManagerId),
    /// Adds a mesh connectivity configuration to a manager, applying to a group when one is given.
    AddConnectivityConfiguration {
        /// The manager.
        manager: NetworkManagerId,
        /// The group it applies to.
        group: Option<NetworkGroupId>,
    },
    /// Adds a security admin configuration to a manager, with a first rule collection for a group when one is
    /// given.
    AddSecurityAdminConfiguration {
        /// The manager.
        manager: NetworkManagerId,
        /// The group of its first rule collection.
        group: Option<NetworkGroupId>,
    },
    /// Adds a VNet (or subnet) to a network group as a static member.
    AddStaticMember {
        /// The group.
        group: NetworkGroupId,
        /// The member.
        resource: ResourceId,
    },
    /// Makes a policy condition (the `if` block, as JSON) decide a group's conditional membership: the condition
    /// of the policy definition that adds to the group is replaced, or a new definition is assigned at the first
    /// scope of the group's manager.
    SetCondition {
        /// The group.
        group: NetworkGroupId,
        /// The condition.
        condition: String,
    },
    /// Replaces the condition of a policy definition.
    SetDefinitionCondition {
        /// The definition.
        definition: PolicyDefinitionId,
        /// The condition.
        condition: String,
    },
    /// Assigns a policy definition at a scope.
    AssignPolicy {
        /// The definition.
        definition: PolicyDefinitionId,
        /// A management group, subscription or resource group id.
        scope: String,
    },
    /// Makes a connectivity configuration apply to one more group.
    AddAppliesTo {
        /// The configuration.
        config: ConfigurationId,
        /// The group.
        group: NetworkGroupId,
    },
    /// Removes an item of a connectivity configuration's `appliesToGroups`.
    RemoveAppliesTo {
        /// The configuration.
        config: ConfigurationId,
        /// The item, in document order.
        index: usize,
    },
    /// Adds a rule collection to a security admin configuration, applying to a group.
    AddRuleCollection {
        /// The configuration.
        config: ConfigurationId,
        /// The group.
        group: NetworkGroupId,
    },
    /// Makes a rule collection apply to one more group.
    AddCollectionGroup {
        /// The collection.
        collection: RuleCollectionId,
        /// The group.
        group: NetworkGroupId,
    },
    /// Removes an item of a rule collection's `appliesToGroups`.
    RemoveCollectionGroup {
        /// The collection.
        collection: RuleCollectionId,
        /// The item, in document order.
        index: usize,
    },
    /// Adds a security admin rule at the collection's next free priority (Deny inbound SSH, to edit).
    AddAdminRule(RuleCollectionId),
    /// Adds the "block high-risk ports" rules that Microsoft recommends to a collection.
    AddHighRiskPortRules(RuleCollectionId),
    /// Adds a subscription or management group to a management group's children.
    AddChild {
        /// The management group.
        group: ManagementGroupId,
        /// The child's id.
        child: ResourceId,
    },
    /// Removes a child of a management group.
    RemoveChild {
        /// The management group.
        group: ManagementGroupId,
        /// The child's id.
        child: ResourceId,
    },
    /// Commits configurations of one type to regions, recording their fingerprints (appended after the other
    /// commits, it replaces the goal state of those regions).
    Commit {
        /// The manager.
        manager: NetworkManagerId,
        /// The type of the configurations.
        kind: ConfigType,
        /// The configurations.
        configurations: Vec<ConfigurationId>,
        /// The regions.
        regions: Vec<String>,
    },
    /// Rewrites the configurations and regions of a commit, recording their fingerprints as they are now.
    SetCommit {
        /// The commit, in document order.
        index: usize,
        /// The configurations.
        configurations: Vec<ConfigurationId>,
        /// The regions.
        regions: Vec<String>,
    },
    /// Removes a commit.
    RemoveCommit(usize),
    /// Commits, for every manager, its connectivity configurations and first security admin configuration to every
    /// region that has a VNet ("deploy everything").
    DeployEverything,
    /// Adds an intent to fill in.
    AddIntent,
    /// Removes an intent.
    RemoveIntent(usize),
    /// Replaces the whole document with JSON text (the document editor, an import, an example).
    Replace(String),
}

/// Why a change was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// What the change names is not in the design.
    #[error("the {what} `{}` is not in the design", shown(id))]
    Missing {
        /// What kind of thing.
        what: &'static str,
        /// Its id or place.
        id: String,
    },
    /// A name or id that the change would give is taken.
    #[error("`{}` is already taken", shown(.0))]
    Taken(String),
    /// A value given to the change is not valid.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Nothing is left to choose from (every priority of a collection is in use...).
    #[error("{0}")]
    Full(&'static str),
    /// The document has a value of another type where the change writes.
    #[error("`{}` is not a location in the document that can be written", shown(&.0.to_string()))]
    Path(Path),
    /// The changed document could not be read.
    #[error(transparent)]
    Format(#[from] FormatError),
}

impl Change {
    /// For a rename or a move, the id of the resource before and after it.
    pub fn renamed(&self) -> Option<(ResourceId, ResourceId)> {
        let (resource, new) = match self {
            Change::Rename { resource, name } => {
                (resource, references::renamed_id(resource, name)?)
            }
            Change::Move {
                resource,
                subscription,
                resource_group,
            } => (
                resource,
                references::moved_id(resource, subscription, resource_group)?,
            ),
            _ => return None,
        };
        Some((resource.clone(), ResourceId::new(new)))
    }
}

impl Scenario {
    /// The design after a change; the design itself is untouched.
    ///
    /// ```
    /// use avnm_core::Scenario;
    /// use avnm_core::scenario::change::Change;
    /// use avnm_core::model::VnetId;
    /// let s = Scenario::parse(r#"{"resources": [
    ///   {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a", "type": "Microsoft.Network/virtualNetworks",
    ///    "location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}},
    ///   {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/b", "type": "Microsoft.Network/virtualNetworks",
    ///    "location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}}]}"#).unwrap();
    /// let (a, b): (VnetId, VnetId) = ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a".into(),
    ///                                 "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/b".into());
    /// let peered = s.change(&Change::AddPeering { from: a.clone(), to: b.clone() }).unwrap();
    /// assert_eq!(peered.model().vnets[&a].peerings.len(), 1);
    /// assert_eq!(peered.model().vnets[&b].peerings.len(), 1, "written on both sides");
    /// ```
    pub fn change(&self, change: &Change) -> Result<Scenario, ChangeError> {
        if let Change::Replace(text) = change {
            return Ok(Scenario::parse(text)?);
        }
        let mut draft = Draft::new(self.document.clone());
        write(self.model(), &mut draft, change)?;
        Ok(match draft.finish() {
            (document, Touched::Resources(touched)) => self.read_again(document, &touched)?,
            (document, Touched::Everything) => Scenario::read(document)?,
        })
    }

    /// The value at a path of the document.
    pub fn value_at(&self, path: &Path) -> Option<&Value> {
        self.document.find(path)
    }

    /// The value at a path as a form shows it: a string, a number, or a list joined with `, `.
    pub fn text_at(&self, path: &Path) -> Option<String> {
        self.value_at(path).and_then(target::text)
    }

    /// A field as the document writes it (`10.1.0.0/16, 10.2.0.0/16`, `True`), so that a form shows what the user
    /// wrote rather than its normal form; `None` when the document does not write it.
    pub fn text_of(&self, target: &Target) -> Option<String> {
        let (path, shape) = target::locate(self.model(), target).ok()?;
        target::read(|p| self.document.find(p), &path, &shape)
    }

    /// Where the document writes a field, for the diagnostics beside it; `None` when what it names is not in the
    /// design.
    pub fn target_path(&self, target: &Target) -> Option<Path> {
        target::locate(self.model(), target)
            .ok()
            .map(|(path, _)| path)
    }

    /// The tags of a resource as the document writes them, by name.
    pub fn tags_of(&self, resource: &ResourceId) -> Vec<(String, String)> {
        let Some(Value::Object(tags)) = target::resource_path(self.model(), resource)
            .and_then(|p| self.document.find(&p.key("tags")).cloned())
        else {
            return Vec::new();
        };
        tags.iter()
            .map(|(k, v)| (k.clone(), target::text(v).unwrap_or_default()))
            .collect()
    }

    /// The condition (`properties.policyRule.if`) of a policy definition as JSON laid out for reading, as the
    /// document has it.
    pub fn condition_of(&self, definition: &PolicyDefinitionId) -> Option<String> {
        let d = self.model().policy_definitions.get(definition)?;
        let path = d.path.key("properties");
        let rule = member(self.document.find(&path)?, "policyRule")?;
        Some(crate::scenario::builder::pretty(member(rule, "if")?))
    }

    /// The resource that `change` added to `before` to make this design, if it added one (a new VNet, group,
    /// configuration...), so that a front end can show it.
    pub fn added_by(&self, before: &Scenario, change: &Change) -> Option<ResourceId> {
        fn new_key<K: Ord + ToString, V>(
            after: &std::collections::BTreeMap<K, V>,
            before: &std::collections::BTreeMap<K, V>,
        ) -> Option<ResourceId> {
            after
                .keys()
                .find(|k| !before.contains_key(k))
                .map(|k| ResourceId::new(k.to_string()))
        }
        let (a, b) = (self.model(), before.model());
        match change {
            Change::Add(NewResource::Vnet { .. }) => new_key(&a.vnets, &b.vnets),
            Change::Add(NewResource::Nsg { .. }) => new_key(&a.nsgs, &b.nsgs),
            Change::Add(NewResource::Nic { .. }) => new_key(&a.nics, &b.nics),
            Change::Add(NewResource::NetworkManager { .. }) => new_key(&a.managers, &b.managers),
            Change::Add(NewResource::ManagementGroup { .. }) => {
                new_key(&a.management_groups, &b.management_groups)
            }
            Change::Add(NewResource::Subscription(_)) => {
                new_key(&a.subscriptions, &b.subscriptions)
            }
            Change::AddNetworkGroup(_) => new_key(&a.groups, &b.groups),
            Change::AddConnectivityConfiguration { .. } => {
                new_key(&a.connectivity_configs, &b.connectivity_configs)
            }
            Change::AddSecurityAdminConfiguration { .. } => {
                new_key(&a.security_admin_configs, &b.security_admin_configs)
            }
            _ => None,
        }
    }

    /// The path of a resource in the document.
    pub fn path_of(&self, resource: &ResourceId) -> Option<Path> {
        target::resource_path(self.model(), resource)
    }
}

/// The member `key` of an object, looked up exactly and then ignoring ASCII case (ARM property names are
/// case-insensitive).
fn member<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    let map = value.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The slot at a path, created on the way.
fn at<'v>(document: &'v mut Draft, path: &Path) -> Result<&'v mut Value, ChangeError> {
    document
        .slot(&path.segments(), true)
        .ok_or_else(|| ChangeError::Path(path.clone()))
}

/// Writes a value at a path.
fn put(document: &mut Draft, path: &Path, value: Value) -> Result<(), ChangeError> {
    *at(document, path)? = value;
    Ok(())
}

/// Removes the value at a path; whether there was one.
fn take(document: &mut Draft, path: &Path) -> bool {
    let Some((parent, last)) = path.split_last() else {
        return false;
    };
    let Some(parent) = document.slot(&parent.segments(), false) else {
        return false;
    };
    match (parent, last) {
        (Value::Object(map), Segment::Key(k)) => map.remove(&k).is_some(),
        (Value::Array(items), Segment::Index(i)) if i < items.len() => {
            items.remove(i);
            true
        }
        _ => false,
    }
}

/// Appends to the array at a path, made when missing.
fn push(document: &mut Draft, path: &Path, value: Value) -> Result<(), ChangeError> {
    document
        .push(&path.segments(), value)
        .then_some(())
        .ok_or_else(|| ChangeError::Path(path.clone()))
}

fn resources() -> Path {
    Path::root().key("resources")
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "called with owned texts and borrowed ids alike"
)]
fn missing(what: &'static str, id: impl ToString) -> ChangeError {
    ChangeError::Missing {
        what,
        id: id.to_string(),
    }
}

fn texts(value: &FieldValue) -> Vec<String> {
    match value {
        FieldValue::Texts(items) => items.clone(),
        FieldValue::Text(t) if t.trim().is_empty() => Vec::new(),
        FieldValue::Text(t) => vec![t.clone()],
        FieldValue::Integer(i) => vec![i.to_string()],
        FieldValue::Flag(b) => vec![b.to_string()],
    }
}

fn as_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Text(t) => t.clone(),
        other => texts(other).join(", "),
    }
}

/// Writes a field in the shape the document gives it.
fn set(
    model: &Model,
    document: &mut Draft,
    target: &Target,
    value: &FieldValue,
) -> Result<(), ChangeError> {
    let (path, shape) = target::locate(model, target)?;
    match shape {
        Shape::Plain => put(document, &path, value.to_json()),
        Shape::Either { singular } => {
            let items = texts(value);
            let one = path
                .split_last()
                .map(|(parent, _)| parent.key(singular))
                .ok_or_else(|| ChangeError::Path(path.clone()))?;
            if let [item] = items.as_slice() {
                take(document, &path);
                put(document, &one, Value::String(item.clone()))
            } else {
                take(document, &one);
                put(document, &path, json!(items))
            }
        }
        Shape::Flag { on, off } => {
            let text = match value {
                FieldValue::Flag(b) => if *b { on } else { off }.to_owned(),
                other => as_text(other),
            };
            put(document, &path, Value::String(text))
        }
        Shape::Reference => {
            let id = as_text(value);
            if id.trim().is_empty() {
                take(document, &path);
                Ok(())
            } else {
                put(
                    document,
                    &path.key("id"),
                    Value::String(id.trim().to_owned()),
                )
            }
        }
        Shape::Hubs => {
            let id = as_text(value);
            let hub = (!id.trim().is_empty()).then(|| id.trim().to_owned());
            put(document, &path, template::hubs(hub.as_deref()).into_value())
        }
        Shape::AdminAddresses => put(
            document,
            &path,
            template::admin_addresses(&texts(value)).into_value(),
        ),
        Shape::List => put(document, &path, json!(texts(value))),
    }
}

fn write(model: &Model, document: &mut Draft, change: &Change) -> Result<(), ChangeError> {
    match change {
        Change::Replace(text) => {
            *document.whole() = serde_json::from_str(text).map_err(FormatError::from)?;
        }
        Change::Set { target, value } => set(model, document, target, value)?,
        Change::AddTag { resource, name } => {
            let path = tags(model, resource)?;
            let taken = document
                .find(&path)
                .and_then(Value::as_object)
                .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(name.trim())));
            if taken {
                return Err(ChangeError::Taken(name.trim().to_owned()));
            }
            check_tag(name)?;
            put(
                document,
                &path.key(name.trim()),
                Value::String(String::new()),
            )?;
        }
        Change::RenameTag { resource, from, to } => {
            check_tag(to)?;
            let path = tags(model, resource)?;
            let map = at(document, &path)?
                .as_object_mut()
                .ok_or_else(|| ChangeError::Path(path.clone()))?;
            if map
                .keys()
                .any(|k| k.eq_ignore_ascii_case(to.trim()) && !k.eq_ignore_ascii_case(from))
            {
                return Err(ChangeError::Taken(to.trim().to_owned()));
            }
            let renamed: Map<String, Value> = std::mem::take(map)
                .into_iter()
                .map(|(k, v)| {
                    if k == *from {
                        (to.trim().to_owned(), v)
                    } else {
                        (k, v)
                    }
                })
                .collect();
            *map = renamed;
        }
        Change::RemoveTag { resource, name } => {
            let path = tags(model, resource)?.key(name);
            if !take(document, &path) {
                return Err(missing("tag", name));
            }
        }
        Change::SetTags {
            resource,
            tags: pairs,
        } => {
            for (name, _) in pairs {
                check_tag(name)?;
            }
            let map: Map<String, Value> = pairs
                .iter()
                .map(|(k, v)| (k.trim().to_owned(), Value::String(v.trim().to_owned())))
                .collect();
            put(document, &tags(model, resource)?, Value::Object(map))?;
        }
        Change::Add(new) => add(model, document, new)?,
        Change::Remove(id) => references::remove(model, document, id)?,
        Change::Rename { resource, name } => references::rename(model, document, resource, name)?,
        Change::Move {
            resource,
            subscription,
            resource_group,
        } => references::relocate(model, document, resource, subscription, resource_group)?,
        Change::AddSubnet { vnet, name, prefix } => {
            let v = model
                .vnets
                .get(vnet)
                .ok_or_else(|| missing("virtual network", vnet))?;
            let name = super::field::name(name)?.into_text();
            let prefix = super::field::prefix(prefix)?.into_text();
            if v.subnets.iter().any(|s| s.name.eq_ignore_ascii_case(&name)) {
                return Err(ChangeError::Taken(name));
            }
            let path = v.path.key("properties").key("subnets");
            push(
                document,
                &path,
                template::subnet(vnet.as_str(), &name, &prefix).into_value(),
            )?;
        }
        Change::AddPeering { from, to } => {
            let a = model
                .vnets
                .get(from)
                .ok_or_else(|| missing("virtual network", from))?;
            let b = model
                .vnets
                .get(to)
                .ok_or_else(|| missing("virtual network", to))?;
            if a.id == b.id {
                return Err(ChangeError::Taken(a.name.clone()));
            }
            for (side, other) in [(a, b), (b, a)] {
                match side.peerings.iter().find(|p| p.remote == other.id) {
                    Some(p)
                        if p.state == Some(crate::model::PeeringState::Connected)
                            || p.state.is_none() => {}
                    Some(p) => put(
                        document,
                        &p.path.key("properties").key("peeringState"),
                        Value::String("Connected".into()),
                    )?,
                    None => {
                        let name = template::unique_name(
                            &format!("{}-to-{}", side.name, other.name),
                            side.peerings.iter().map(|p| p.id.name()),
                        );
                        let path = side.path.key("properties").key("virtualNetworkPeerings");
                        let fragment =
                            template::peering(side.id.as_str(), other.id.as_str(), &name);
                        push(document, &path, fragment.into_value())?;
                    }
                }
            }
        }
        Change::RemovePeering { from, to } => {
            let mut paths: Vec<Path> = [(from, to), (to, from)]
                .into_iter()
                .filter_map(|(side, other)| model.vnets.get(side).map(|v| (v, other)))
                .flat_map(|(v, other)| v.peerings.iter().filter(move |p| &p.remote == other))
                .map(|p| p.path.clone())
                .collect();
            if paths.is_empty() {
                return Err(missing(
                    "peering",
                    format!("{} – {}", from.name(), to.name()),
                ));
            }
            references::take_all(document, &mut paths);
        }
        Change::AddNsgRule { nsg, direction } => {
            let n = model
                .nsgs
                .get(nsg)
                .ok_or_else(|| missing("network security group", nsg))?;
            let priority = template::next_nsg_priority(n, *direction).ok_or(ChangeError::Full(
                "every priority from 100 to 4096 is taken",
            ))?;
            let text = match direction {
                Direction::Inbound => "Inbound",
                Direction::Outbound => "Outbound",
            };
            let name = template::unique_name(
                &format!("{}-{priority}", text.to_ascii_lowercase()),
                n.rules.iter().map(|r| r.name.as_str()),
            );
            let fragment = template::nsg_rule(nsg.as_str(), &name, priority, text, "Allow");
            push(
                document,
                &n.path.key("properties").key("securityRules"),
                fragment.into_value(),
            )?;
        }
        Change::AddScope { manager, scope } | Change::RemoveScope { manager, scope } => {
            let m = model
                .managers
                .get(manager)
                .ok_or_else(|| missing("network manager", manager))?;
            let entry = super::field::scope_entry(scope)?.into_text();
            let key = if entry.to_ascii_lowercase().starts_with("/subscriptions/") {
                "subscriptions"
            } else {
                "managementGroups"
            };
            let path = m
                .path
                .key("properties")
                .key("networkManagerScopes")
                .key(key);
            let list = at(document, &path)?;
            if list.is_null() {
                *list = Value::Array(Vec::new());
            }
            let items = list
                .as_array_mut()
                .ok_or_else(|| ChangeError::Path(path.clone()))?;
            let same = |v: &Value| {
                v.as_str()
                    .is_some_and(|s| s.trim_end_matches('/').eq_ignore_ascii_case(&entry))
            };
            if matches!(change, Change::AddScope { .. }) {
                if items.iter().any(same) {
                    return Err(ChangeError::Taken(entry));
                }
                items.push(Value::String(entry));
            } else {
                let before = items.len();
                items.retain(|v| !same(v));
                if items.len() == before {
                    return Err(missing("scope", entry));
                }
            }
        }
        Change::AddNetworkGroup(manager) => {
            model
                .managers
                .get(manager)
                .ok_or_else(|| missing("network manager", manager))?;
            let name = template::unique_name(
                "group",
                model
                    .groups
                    .values()
                    .filter(|g| &g.manager == manager)
                    .map(|g| g.id.name()),
            );
            push(
                document,
                &resources(),
                template::network_group(manager.as_str(), &name).into_value(),
            )?;
        }
        Change::AddConnectivityConfiguration { manager, group } => {
            model
                .managers
                .get(manager)
                .ok_or_else(|| missing("network manager", manager))?;
            let name = template::unique_name(
                "connectivity",
                model
                    .connectivity_configs
                    .values()
                    .filter(|c| &c.manager == manager)
                    .map(|c| c.id.name()),
            );
            let mut fragment = template::connectivity(
                manager.as_str(),
                &name,
                None,
                group.as_ref().map_or("", |g| g.as_str()),
            )
            .into_value();
            if group.is_none()
                && let Some(applies) = fragment.pointer_mut("/properties/appliesToGroups")
            {
                *applies = json!([]);
            }
            push(document, &resources(), fragment)?;
        }
        Change::AddSecurityAdminConfiguration { manager, group } => {
            model
                .managers
                .get(manager)
                .ok_or_else(|| missing("network manager", manager))?;
            let name = template::unique_name(
                "security-admin",
                model
                    .security_admin_configs
                    .values()
                    .filter(|c| &c.manager == manager)
                    .map(|c| c.id.name()),
            );
            let config = template::security_admin(manager.as_str(), &name).into_value();
            let config_id = config
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            push(document, &resources(), config)?;
            if let Some(group) = group {
                let collection =
                    template::rule_collection(&config_id, "collection", group.as_str());
                push(document, &resources(), collection.into_value())?;
            }
        }
        Change::AddStaticMember { group, resource } => {
            model
                .groups
                .get(group)
                .ok_or_else(|| missing("network group", group))?;
            let members: Vec<&str> = model
                .static_members
                .values()
                .filter(|m| &m.group == group)
                .map(|m| m.id.name())
                .collect();
            if model
                .static_members
                .values()
                .any(|m| &m.group == group && &m.resource == resource)
            {
                return Err(ChangeError::Taken(resource.name().to_owned()));
            }
            let base = if resource.as_str().to_ascii_lowercase().contains("/subnets/") {
                let vnet = VnetId::new(crate::model::ids::parent_of(resource.as_str()));
                format!("{}-{}", vnet.name(), resource.name())
            } else {
                resource.name().to_owned()
            };
            let name = template::unique_name(&base, members);
            let fragment = template::static_member(group.as_str(), &name, resource.as_str());
            push(document, &resources(), fragment.into_value())?;
        }
        Change::SetCondition { group, condition } => {
            let found = model
                .groups
                .get(group)
                .ok_or_else(|| missing("network group", group))?;
            let fragment = template::condition(condition)?.into_value();
            if let Some(definition) = model
                .policy_definitions
                .values()
                .find(|d| d.network_group.as_ref() == Some(group))
            {
                put(
                    document,
                    &definition
                        .path
                        .key("properties")
                        .key("policyRule")
                        .key("if"),
                    fragment,
                )?;
            } else {
                let scope = model.first_scope(&found.manager).ok_or(ChangeError::Full(
                    "the network manager has no subscription or management group in its scope to assign the policy at",
                ))?;
                let name = template::unique_name(
                    &format!("{}-membership", group.name()),
                    model
                        .policy_definitions
                        .keys()
                        .map(PolicyDefinitionId::name),
                );
                for resource in template::membership_policy(
                    &scope,
                    &name,
                    group.as_str(),
                    &Fragment::from_value(fragment),
                ) {
                    push(document, &resources(), resource.into_value())?;
                }
            }
        }
        Change::SetDefinitionCondition {
            definition,
            condition,
        } => {
            let d = model
                .policy_definitions
                .get(definition)
                .ok_or_else(|| missing("policy definition", definition))?;
            let fragment = template::condition(condition)?.into_value();
            put(
                document,
                &d.path.key("properties").key("policyRule").key("if"),
                fragment,
            )?;
        }
        Change::AssignPolicy { definition, scope } => {
            model
                .policy_definitions
                .get(definition)
                .ok_or_else(|| missing("policy definition", definition))?;
            let name = template::unique_name(
                &format!("{}-assignment", definition.name()),
                model.policy_assignments.keys().map(|a| a.name()),
            );
            let fragment = template::policy_assignment(scope, &name, definition.as_str());
            push(document, &resources(), fragment.into_value())?;
        }
        Change::AddAppliesTo { config, group } => {
            let c = model
                .connectivity_configs
                .get(config)
                .ok_or_else(|| missing("connectivity configuration", config))?;
            let path = c.path.key("properties").key("appliesToGroups");
            push(
                document,
                &path,
                template::connectivity_group(group.as_str()).into_value(),
            )?;
        }
        Change::RemoveAppliesTo { config, index } => {
            let c = model
                .connectivity_configs
                .get(config)
                .ok_or_else(|| missing("connectivity configuration", config))?;
            let item = c
                .groups
                .get(*index)
                .ok_or_else(|| missing("network group item", index + 1))?;
            take(document, &item.path);
        }
        Change::AddRuleCollection { config, group } => {
            let c = model
                .security_admin_configs
                .get(config)
                .ok_or_else(|| missing("security admin configuration", config))?;
            let name =
                template::unique_name("collection", c.collections.iter().map(|c| c.id.name()));
            let fragment = template::rule_collection(config.as_str(), &name, group.as_str());
            push(document, &resources(), fragment.into_value())?;
        }
        Change::AddCollectionGroup { collection, group } => {
            let c = collection_of(model, collection)?;
            let path = c.path.key("properties").key("appliesToGroups");
            push(
                document,
                &path,
                template::group_reference(group.as_str()).into_value(),
            )?;
        }
        Change::RemoveCollectionGroup { collection, index } => {
            let c = collection_of(model, collection)?;
            let path = c
                .path
                .key("properties")
                .key("appliesToGroups")
                .index(*index);
            if !take(document, &path) {
                return Err(missing("network group item", index + 1));
            }
        }
        Change::AddAdminRule(collection) => {
            let c = collection_of(model, collection)?;
            let fragment = template::new_admin_rule(c)
                .ok_or(ChangeError::Full("every priority from 1 to 4096 is taken"))?;
            push(document, &resources(), fragment.into_value())?;
        }
        Change::AddHighRiskPortRules(collection) => {
            let c = collection_of(model, collection)?;
            let rules = template::high_risk_ports(c);
            if rules.is_empty() {
                return Err(ChangeError::Full("every priority from 1 to 4096 is taken"));
            }
            for rule in rules {
                push(document, &resources(), rule.into_value())?;
            }
        }
        Change::AddChild { group, child } => {
            let g = model
                .management_groups
                .get(group)
                .ok_or_else(|| missing("management group", group))?;
            let path = g.path.key("properties").key("children");
            push(
                document,
                &path,
                template::management_group_child(child.as_str()).into_value(),
            )?;
        }
        Change::RemoveChild { group, child } => {
            let g = model
                .management_groups
                .get(group)
                .ok_or_else(|| missing("management group", group))?;
            let path = g.path.key("properties").key("children");
            let items = at(document, &path)?
                .as_array_mut()
                .ok_or_else(|| ChangeError::Path(path.clone()))?;
            let before = items.len();
            items.retain(|item| {
                let id = item.get("id").or(Some(item)).and_then(Value::as_str);
                !id.is_some_and(|id| id.eq_ignore_ascii_case(child.as_str()))
            });
            if items.len() == before {
                return Err(missing("child", child));
            }
        }
        Change::Commit {
            manager,
            kind,
            configurations,
            regions,
        } => {
            let configurations: Vec<String> =
                configurations.iter().map(ToString::to_string).collect();
            let fragment = template::commit_now(
                model,
                manager.as_str(),
                kind.name(),
                &configurations,
                regions,
            );
            push(
                document,
                &Path::root().key("commits"),
                fragment.into_value(),
            )?;
        }
        Change::SetCommit {
            index,
            configurations,
            regions,
        } => {
            let commit = model
                .commits
                .get(*index)
                .ok_or_else(|| missing("commit", format!("#{}", index + 1)))?;
            let configurations: Vec<String> =
                configurations.iter().map(ToString::to_string).collect();
            put(
                document,
                &commit.path.key("configurationIds"),
                json!(configurations),
            )?;
            put(
                document,
                &commit.path.key("targetLocations"),
                json!(regions),
            )?;
            put(
                document,
                &commit.path.key("snapshots"),
                template::snapshots(model, &configurations).into_value(),
            )?;
        }
        Change::RemoveCommit(index) => {
            let commit = model
                .commits
                .get(*index)
                .ok_or_else(|| missing("commit", format!("#{}", index + 1)))?;
            take(document, &commit.path);
        }
        Change::DeployEverything => {
            let commits = deploy_everything(model);
            if commits.is_empty() {
                return Err(ChangeError::Full(
                    "nothing to deploy: add a network manager with a configuration and a virtual network",
                ));
            }
            for commit in commits {
                write(model, document, &commit)?;
            }
        }
        Change::AddIntent => {
            let fragment =
                template::intent("new intent", "10.0.0.4", "10.0.1.4", "Tcp", 443, "Allowed");
            push(
                document,
                &Path::root().key("intents"),
                fragment.into_value(),
            )?;
        }
        Change::RemoveIntent(index) => {
            let intent = model
                .intents
                .get(*index)
                .ok_or_else(|| missing("intent", format!("#{}", index + 1)))?;
            take(document, &intent.path);
        }
    }
    Ok(())
}

/// The commits of "deploy everything to every region": for each manager, its connectivity configurations and
/// its first security admin configuration, to every region that has a virtual network, for the types the manager
/// has enabled. Applied after the existing commits, they replace the goal state of those regions; each records
/// the fingerprints of its configurations, for the "redeploy needed" badge. Empty when there is nothing to deploy.
pub fn deploy_everything(model: &Model) -> Vec<Change> {
    model
        .managers
        .values()
        .flat_map(|m| {
            [ConfigType::Connectivity, ConfigType::SecurityAdmin]
                .into_iter()
                .filter(|kind| m.features.contains(kind))
                .filter_map(|kind| commit_everything(model, &m.id, kind))
        })
        .collect()
}

/// The commit of "deploy everything" for one manager and type: every connectivity configuration, or the first
/// security admin configuration (one may be deployed per region), to every region that has a VNet; `None` when
/// the manager has no such configuration or the design no VNet.
pub fn commit_everything(
    model: &Model,
    manager: &NetworkManagerId,
    kind: ConfigType,
) -> Option<Change> {
    let mut configurations = model.configurations_of(manager, kind);
    if kind == ConfigType::SecurityAdmin {
        configurations.truncate(1);
    }
    let regions = model.regions();
    (!configurations.is_empty() && !regions.is_empty()).then(|| Change::Commit {
        manager: manager.clone(),
        kind,
        configurations,
        regions,
    })
}

fn collection_of<'m>(
    model: &'m Model,
    id: &RuleCollectionId,
) -> Result<&'m crate::model::RuleCollection, ChangeError> {
    model
        .security_admin_configs
        .values()
        .flat_map(|c| &c.collections)
        .find(|c| &c.id == id)
        .ok_or_else(|| missing("rule collection", id))
}

fn tags(model: &Model, resource: &ResourceId) -> Result<Path, ChangeError> {
    target::resource_path(model, resource)
        .map(|p| p.key("tags"))
        .ok_or_else(|| missing("resource", resource))
}

fn check_tag(name: &str) -> Result<(), ChangeError> {
    super::field::tag_name(name).map(|_| ())?;
    Ok(())
}

fn add(model: &Model, document: &mut Draft, new: &NewResource) -> Result<(), ChangeError> {
    use super::field::{name as check_name, region};
    let fragment = match new {
        NewResource::Vnet {
            subscription,
            resource_group,
            name,
            location,
            prefix,
        } => {
            let prefix = super::field::prefix(prefix)?.into_text();
            template::vnet(
                subscription,
                resource_group,
                &check_name(name)?.into_text(),
                &region(location)?.into_text(),
                &prefix,
                &template::first_subnet(&prefix),
            )
        }
        NewResource::Nsg {
            subscription,
            resource_group,
            name,
            location,
        } => template::nsg(
            subscription,
            resource_group,
            &check_name(name)?.into_text(),
            &region(location)?.into_text(),
        ),
        NewResource::Nic {
            subscription,
            resource_group,
            name,
            location,
            subnet,
            address,
        } => {
            model
                .subnet(subnet)
                .ok_or_else(|| missing("subnet", subnet))?;
            template::nic(
                subscription,
                resource_group,
                &check_name(name)?.into_text(),
                &region(location)?.into_text(),
                subnet.as_str(),
                &super::field::address(address)?.into_text(),
            )
        }
        NewResource::NetworkManager {
            subscription,
            resource_group,
            name,
            location,
        } => template::network_manager(
            subscription,
            resource_group,
            &check_name(name)?.into_text(),
            &region(location)?.into_text(),
        ),
        NewResource::ManagementGroup { name } => {
            template::management_group(&check_name(name)?.into_text())
        }
        NewResource::Subscription(id) => template::subscription(id.name(), id.name()),
    }
    .into_value();
    let id = fragment
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if target::resource_path(model, &ResourceId::new(id)).is_some() {
        return Err(ChangeError::Taken(id.to_owned()));
    }
    push(document, &resources(), fragment)
}

#[cfg(test)]
mod tests;
