//! Reading a changed document again where the change wrote, keeping the rest of the model read before.
//!
//! A change of one field of a 10,000-VNet design writes inside one resource; reading every resource again
//! would cost as much as opening the design. The model items a resource is read into are known: its own, or its
//! parent's for a child given as a resource of its own (a subnet, a peering, an NSG rule, a rule collection, an
//! admin rule), which is attached to its parent once every resource is read. So the *family* of a resource (the
//! resources read into the same model item: a VNet with its standalone subnets and peerings, an NSG with its
//! rules, a security admin configuration with its collections and their rules) is read again as a whole, and every
//! other model item is kept. The result is the one a full read gives, diagnostics included (they are kept in
//! document order), which the tests check change by change.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::kinds::*;
use super::node::Node;
use super::{Document, FormatError, Reader, in_document_order, resources_node, written_type};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::ids::parent_of;
use crate::model::*;

/// The id of the resource whose model item a resource of type `kind` (lowercase) and id `id` is read into.
fn family<'i>(kind: &str, id: &'i str) -> &'i str {
    match kind {
        SUBNET | PEERING | NSG_RULE | COLLECTION => parent_of(id),
        ADMIN_RULE => parent_of(parent_of(id)),
        _ => id,
    }
}

/// A resource's id and type (lowercase), as the reader finds them; `None` when it would not read.
fn identity<'a>(node: &Node<'a>) -> Option<(&'a str, String)> {
    let id = node.req_str("id").ok()?;
    let kind = written_type(node, id).ok()?.to_ascii_lowercase();
    Some((id, kind))
}

/// Removes from a model the item a resource of type `kind` whose family is `root` was read into (copying the
/// items of that kind when another model shares them).
fn forget(model: &mut Model, kind: &str, root: &str) {
    fn remove<K: Ord + Clone, V: Clone>(items: &mut Items<K, V>, key: &K) {
        if items.contains_key(key) {
            Arc::make_mut(items).remove(key);
        }
    }
    match kind {
        VNET | SUBNET | PEERING => remove(&mut model.vnets, &VnetId::new(root)),
        NSG | NSG_RULE => remove(&mut model.nsgs, &NsgId::new(root)),
        ADMIN | COLLECTION | ADMIN_RULE => remove(
            &mut model.security_admin_configs,
            &ConfigurationId::new(root),
        ),
        NIC => remove(&mut model.nics, &NicId::new(root)),
        MANAGER => remove(&mut model.managers, &NetworkManagerId::new(root)),
        GROUP => remove(&mut model.groups, &NetworkGroupId::new(root)),
        STATIC_MEMBER => remove(&mut model.static_members, &StaticMemberId::new(root)),
        CONNECTIVITY => remove(&mut model.connectivity_configs, &ConfigurationId::new(root)),
        POLICY_DEFINITION => remove(
            &mut model.policy_definitions,
            &PolicyDefinitionId::new(root),
        ),
        POLICY_ASSIGNMENT => remove(
            &mut model.policy_assignments,
            &PolicyAssignmentId::new(root),
        ),
        SUBSCRIPTION => remove(&mut model.subscriptions, &SubscriptionId::new(root)),
        RESOURCE_GROUP => remove(&mut model.resource_groups, &ResourceGroupId::new(root)),
        _ => {}
    }
}

/// The model and reading diagnostics of `document`, which a change made from `before` (read into `model`, with
/// the reading diagnostics `read`) by writing only inside the resources `touched` and appending resources.
///
/// `None` when reading only part of the document could give another result than reading it all, and the caller
/// reads it all: a resource id used twice in the design or by an appended resource (which of two resources is
/// ignored depends on every other), a touched resource whose id or type changed (it would leave another family),
/// a management group (its `children` may describe other management groups), a touched index past the end.
pub(crate) fn read_again(
    before: &Document,
    model: &Model,
    read: &[Diagnostic],
    document: &Document,
    touched: &BTreeSet<usize>,
) -> Option<Result<(Model, Vec<Diagnostic>), FormatError>> {
    if read
        .iter()
        .any(|d| d.code == Code::DuplicateId && d.severity == Severity::Error)
    {
        return None;
    }
    let (old, new) = (before.shared()?, document.shared()?);
    let list = resources_node();
    let node = |i: usize| -> Option<Node<'_>> { Some(list.element(i, new.get(i)?)) };
    let appended = old.len()..new.len();
    if touched.last().is_some_and(|&last| last >= new.len()) || new.len() < old.len() {
        return None;
    }
    // The families of what the change wrote.
    let mut roots: Vec<&str> = Vec::new();
    let mut added: Vec<&str> = Vec::new();
    for i in touched.iter().copied().chain(appended.clone()) {
        let (id, kind) = identity(&node(i)?)?;
        if kind == MANAGEMENT_GROUP {
            return None;
        }
        match old.get(i) {
            Some(was) => {
                let (old_id, old_kind) = identity(&list.element(i, was))?;
                if old_id != id || old_kind != kind {
                    return None;
                }
            }
            None => {
                if added.iter().any(|a| a.eq_ignore_ascii_case(id)) {
                    return None;
                }
                added.push(id);
            }
        }
        roots.push(family(&kind, id));
    }
    // Every resource of those families, read again in document order.
    let mut again = Vec::new();
    // A member's id starts with its family's: only those resources need their type looked at.
    let within = |id: &str| {
        roots.iter().any(|r| {
            id.get(..r.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(r))
        })
    };
    for i in 0..new.len() {
        let node = node(i)?;
        let id = node.req_str("id").ok()?;
        if !appended.contains(&i) && added.iter().any(|a| a.eq_ignore_ascii_case(id)) {
            return None;
        }
        if !within(id) {
            continue;
        }
        let (_, kind) = identity(&node)?;
        let root = family(&kind, id);
        if roots.iter().any(|r| r.eq_ignore_ascii_case(root)) {
            again.push((i, node, kind, root));
        }
    }
    let mut model = model.clone();
    for (_, _, kind, root) in &again {
        forget(&mut model, kind, root);
    }
    // Read into the model of the other resources: a child given as a resource of its own finds its parent there
    // exactly when a full read finds it (the parent is of the same family, read again here, or absent from both).
    let mut reader = Reader {
        model,
        ..Reader::default()
    };
    for (i, node, _, _) in &again {
        if let Err(e) = reader.resource(node, *i) {
            return Some(Err(e));
        }
    }
    reader.attach_children();
    let model = reader.model;
    let read_again: BTreeSet<usize> = again.iter().map(|(i, ..)| *i).collect();
    let mut diagnostics: Vec<Diagnostic> = read
        .iter()
        .filter(|d| {
            !d.path
                .resource_index()
                .is_some_and(|i| read_again.contains(&i))
        })
        .cloned()
        .chain(reader.diagnostics)
        .collect();
    in_document_order(&mut diagnostics);
    Some(Ok((model, diagnostics)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_resource_belongs_to_the_item_it_is_attached_to() {
        let config = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/m/securityAdminConfigurations/c";
        let rule = format!("{config}/ruleCollections/rc/rules/r");
        assert_eq!(family(ADMIN_RULE, &rule), config);
        assert_eq!(
            family(COLLECTION, &format!("{config}/ruleCollections/rc")),
            config
        );
        let vnet =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
        assert_eq!(family(SUBNET, &format!("{vnet}/subnets/a")), vnet);
        assert_eq!(
            family(PEERING, &format!("{vnet}/virtualNetworkPeerings/p")),
            vnet
        );
        assert_eq!(family(VNET, vnet), vnet);
        let group = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/m/networkGroups/g";
        let member = format!("{group}/staticMembers/x");
        assert_eq!(family(STATIC_MEMBER, &member), member);
    }
}
