//! Indexes that let membership resolution skip what cannot match: the subscriptions each assignment scope
//! covers, and, per policy definition, the VNets its condition can hold (or fail) for.
//!
//! Both are exact filters: they leave out only VNets whose outcome is known to be `False`, so resolution
//! evaluates the full condition on the rest and finds the same members and the same errors, in the same
//! order, as evaluating every VNet.
//!
//! The condition filter works on the leading items of an `allOf`. An item whose tests all read one value of the
//! VNet (its location, a tag, its name, its subscription's display name...) has the same outcome for every VNet
//! with the same value: VNets are partitioned once per value read, and an item is evaluated once per class of
//! the partition. In document order, the first item that is not `True` decides an `allOf`; so an item that is
//! `False` for a VNet rules it out unless an item before it erred for that VNet. Each item is only evaluated for
//! the VNets the items before it kept.

use std::collections::BTreeMap;

use super::condition::{self, Outcome, Subject};
use crate::model::address::Tags;
use crate::model::policy::{
    Condition, Field, Operand, ResourceGroupProperty, SubscriptionProperty, ValueExpr,
};

/// What a leaf test reads from a VNet, the key its partition is built on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Read {
    /// Something every VNet has alike (a literal, the resource type, an alias): one class.
    Constant,
    Name,
    Id,
    Location,
    Kind,
    /// A tag, by its name in ASCII lowercase.
    Tag(String),
    SubscriptionName,
    SubscriptionId,
    SubscriptionTag(String),
    ResourceGroupName,
    ResourceGroupLocation,
    ResourceGroupTag(String),
}

impl Read {
    /// What a condition reads, when all its tests read the same value (or a constant); `None` when it reads
    /// several values or the whole `tags` object.
    fn of(condition: &Condition) -> Option<Read> {
        match condition {
            Condition::Test(test) => Read::of_operand(&test.operand),
            Condition::Not(inner) => Read::of(inner),
            Condition::AllOf(items) | Condition::AnyOf(items) => {
                let mut read = Read::Constant;
                for item in items {
                    match (Read::of(item)?, &read) {
                        (Read::Constant, _) => {}
                        (found, Read::Constant) => read = found,
                        (found, known) if found == *known => {}
                        _ => return None,
                    }
                }
                Some(read)
            }
            Condition::Unsupported { .. } => Some(Read::Constant),
        }
    }

    /// What an operand reads, or `None` for the whole `tags` object.
    fn of_operand(operand: &Operand) -> Option<Read> {
        Some(match operand {
            Operand::Field(field) => match field {
                Field::Name | Field::FullName => Read::Name,
                Field::Id => Read::Id,
                Field::Type | Field::Alias(_) => Read::Constant,
                Field::Location => Read::Location,
                Field::Kind => Read::Kind,
                Field::Tags => return None,
                Field::Tag(name) => Read::Tag(name.to_ascii_lowercase()),
            },
            Operand::Value(expression) => match expression {
                ValueExpr::Literal(_) | ValueExpr::Unsupported(_) => Read::Constant,
                // A parameter reads a value of the assignment: such conditions are not narrowed.
                ValueExpr::Parameter(_) => return None,
                ValueExpr::Subscription(property) => match property {
                    SubscriptionProperty::DisplayName => Read::SubscriptionName,
                    SubscriptionProperty::Id | SubscriptionProperty::SubscriptionId => {
                        Read::SubscriptionId
                    }
                    SubscriptionProperty::Tag(name) => {
                        Read::SubscriptionTag(name.to_ascii_lowercase())
                    }
                },
                ValueExpr::ResourceGroup(property) => match property {
                    ResourceGroupProperty::Name | ResourceGroupProperty::Id => {
                        Read::ResourceGroupName
                    }
                    ResourceGroupProperty::Location => Read::ResourceGroupLocation,
                    ResourceGroupProperty::Tag(name) => {
                        Read::ResourceGroupTag(name.to_ascii_lowercase())
                    }
                },
            },
        })
    }

    /// The value read from a subject; two subjects with the same value get the same outcome from a test that
    /// reads only this. Tags are matched by name ignoring ASCII case, every match kept, so the key holds all
    /// the evaluator could look at.
    fn value<'a>(&self, subject: &Subject<'a>) -> Vec<Option<&'a str>> {
        let tags = |tags: Option<&'a Tags>, name: &str| {
            let mut found = Vec::new();
            for (key, value) in tags.into_iter().flat_map(|t| t.0.iter()) {
                if key.0.eq_ignore_ascii_case(name) {
                    found.push(Some(key.0.as_str()));
                    found.push(Some(value.as_str()));
                }
            }
            found
        };
        match self {
            Read::Constant => Vec::new(),
            Read::Name => vec![Some(subject.name)],
            Read::Id => vec![Some(subject.id)],
            Read::Location => vec![Some(subject.location.as_str())],
            Read::Kind => vec![subject.kind],
            Read::Tag(name) => tags(Some(subject.tags), name),
            Read::SubscriptionName => vec![subject.subscription_name],
            Read::SubscriptionId => vec![Some(subject.subscription_id)],
            Read::SubscriptionTag(name) => tags(subject.subscription_tags, name),
            Read::ResourceGroupName => vec![
                Some(subject.resource_group_id),
                Some(subject.resource_group_name),
            ],
            Read::ResourceGroupLocation => {
                vec![subject.resource_group_location.map(|l| l.as_str())]
            }
            Read::ResourceGroupTag(name) => tags(subject.resource_group_tags, name),
        }
    }
}

/// A partition of the VNets by one value they carry.
#[derive(Debug)]
struct Partition {
    /// The class of each VNet (indices into the subjects).
    class_of: Vec<usize>,
    /// A VNet standing for each class.
    representatives: Vec<usize>,
}

/// The partitions of the VNets' facts built so far, shared by every definition of a resolution (whose subjects,
/// the same at every call, each call is given).
#[derive(Debug, Default)]
pub(super) struct ConditionIndex {
    partitions: BTreeMap<Read, Partition>,
    /// Buffers reused from one condition to the next: per VNet, whether an item erred for it; per class,
    /// the outcome of the item being looked at.
    erred: Vec<bool>,
    outcomes: Vec<u8>,
}

impl ConditionIndex {
    fn partition(&mut self, subjects: &[Subject<'_>], read: Read) -> &Partition {
        self.partitions.entry(read).or_insert_with_key(|read| {
            let mut partition = Partition {
                class_of: Vec::with_capacity(subjects.len()),
                representatives: Vec::new(),
            };
            let mut by_value: BTreeMap<Vec<Option<&str>>, usize> = BTreeMap::new();
            for (i, subject) in subjects.iter().enumerate() {
                let class = *by_value.entry(read.value(subject)).or_insert_with(|| {
                    partition.representatives.push(i);
                    partition.representatives.len() - 1
                });
                partition.class_of.push(class);
            }
            partition
        })
    }

    /// The VNets among `within` (indices into the subjects, ascending) for which a condition may be `True` or
    /// an error, in the same order.
    ///
    /// For each VNet, an item that is `False` rules it out unless an item before it erred for that VNet.
    pub(super) fn candidates(
        &mut self,
        subjects: &[Subject<'_>],
        condition: &Condition,
        within: Vec<usize>,
    ) -> Vec<usize> {
        let Condition::AllOf(items) = condition else {
            return within;
        };
        let mut kept = within;
        let mut erred = std::mem::take(&mut self.erred);
        erred.clear();
        erred.resize(subjects.len(), false);
        let mut outcomes = std::mem::take(&mut self.outcomes);
        for item in items {
            let Some(read) = Read::of(item) else { break };
            let partition = self.partition(subjects, read);
            if let [representative] = partition.representatives.as_slice() {
                // One outcome for every VNet: `True` keeps them all, an error marks them all, and `False` rules
                // out all but those that erred before.
                match subjects
                    .get(*representative)
                    .map(|s| condition::evaluate(item, s))
                {
                    Some(Outcome::True) | None => {}
                    Some(Outcome::False) => kept.retain(|&v| erred.get(v).copied().unwrap_or(true)),
                    Some(Outcome::Error(_)) => erred.iter_mut().for_each(|flag| *flag = true),
                }
                continue;
            }
            // The item's outcome per class, evaluated on the class's representative when first needed.
            outcomes.clear();
            outcomes.resize(partition.representatives.len(), UNKNOWN);
            kept.retain(|&v| {
                let (Some(&class), Some(flag)) = (partition.class_of.get(v), erred.get_mut(v))
                else {
                    return true;
                };
                let Some(known) = outcomes.get_mut(class) else {
                    return true;
                };
                if *known == UNKNOWN {
                    let subject = partition
                        .representatives
                        .get(class)
                        .and_then(|&r| subjects.get(r));
                    *known = match subject.map(|s| condition::evaluate(item, s)) {
                        Some(Outcome::False) => FALSE,
                        Some(Outcome::Error(_)) => ERROR,
                        Some(Outcome::True) | None => TRUE,
                    };
                }
                match *known {
                    FALSE => *flag,
                    ERROR => {
                        *flag = true;
                        true
                    }
                    _ => true,
                }
            });
        }
        self.erred = erred;
        self.outcomes = outcomes;
        kept
    }
}

/// An item's outcome for a class, in [`ConditionIndex::candidates`].
const UNKNOWN: u8 = 0;
const TRUE: u8 = 1;
const FALSE: u8 = 2;
const ERROR: u8 = 3;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::membership::subject;
    use crate::model::PolicyDefinitionId;
    use crate::scenario::Scenario;

    const SUB: &str = "/subscriptions/00000000-0000-4000-8000-000000000001";

    /// VNets `(name, location, env, team)` and one policy definition per condition, named `c0`, `c1`...
    fn scenario(vnets: &[(&str, &str, &str, &str)], conditions: &[serde_json::Value]) -> Scenario {
        let mut resources = Vec::new();
        for (name, location, env, team) in vnets {
            resources.push(json!({
                "id": format!("{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/{name}"),
                "type": "Microsoft.Network/virtualNetworks", "location": location,
                "tags": {"env": env, "team": team},
                "properties": {"addressSpace": {"addressPrefixes": []}, "subnets": []}}));
        }
        for (i, condition) in conditions.iter().enumerate() {
            resources.push(json!({
                "id": format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/c{i}"),
                "type": "Microsoft.Authorization/policyDefinitions",
                "properties": {"mode": "Microsoft.Network.Data", "policyRule": {
                    "if": condition,
                    "then": {"effect": "addToNetworkGroup", "details": {"networkGroupId": "/ng"}}}}}));
        }
        Scenario::parse(&json!({ "resources": resources }).to_string()).unwrap()
    }

    /// The names of the candidates of each definition among every VNet; and checks that every VNet whose
    /// outcome is not `False` is a candidate, so that resolution finds the same members and errors.
    fn candidates(scenario: &Scenario, count: usize) -> Vec<Vec<String>> {
        let model = scenario.model();
        let vnets: Vec<_> = model.vnets.values().collect();
        let subjects: Vec<_> = vnets.iter().map(|v| subject(model, v)).collect();
        let mut index = ConditionIndex::default();
        (0..count)
            .map(|i| {
                let id = PolicyDefinitionId::new(format!(
                    "{SUB}/providers/Microsoft.Authorization/policyDefinitions/c{i}"
                ));
                let condition = &model.policy_definitions[&id].condition;
                let found = index.candidates(&subjects, condition, (0..vnets.len()).collect());
                for (v, subject) in subjects.iter().enumerate() {
                    if condition::evaluate(condition, subject) != Outcome::False {
                        assert!(found.contains(&v), "c{i} leaves out `{}`", vnets[v].name);
                    }
                }
                found.iter().map(|&v| vnets[v].name.clone()).collect()
            })
            .collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn leading_tests_narrow_to_the_vnets_that_can_match() {
        let vnets = [
            ("vnet-a1", "West Europe", "Prod", "a"),
            ("vnet-a2", "eastus", "prod", "a"),
            ("vnet-b1", "westeurope", "dev", "b"),
            ("vnet-b2", "westeurope", "test", "b"),
            ("vnet-c1", "westeurope", "prod", "c"),
        ];
        let type_test = json!({"field": "type", "equals": "Microsoft.Network/virtualNetworks"});
        let conditions = [
            // Tags compare ignoring case and locations normalised (spec §2.4).
            json!({"allOf": [type_test, {"field": "tags['env']", "equals": "prod"},
                             {"field": "location", "in": ["westeurope"]}]}),
            json!({"allOf": [{"field": "name", "like": "vnet-a*"}]}),
            // Items of several tests on one value filter as one.
            json!({"allOf": [{"anyOf": [{"field": "tags['team']", "equals": "a"},
                                        {"field": "tags['team']", "equals": "b"}]},
                             {"not": {"field": "tags['env']", "equals": "dev"}}]}),
            // Not an allOf, or nothing ruled out: every VNet.
            json!({"anyOf": [{"field": "tags['team']", "equals": "a"}]}),
            json!({"allOf": [type_test]}),
        ];
        let scenario = scenario(&vnets, &conditions);
        assert_eq!(
            candidates(&scenario, conditions.len()),
            [
                names(&["vnet-a1", "vnet-c1"]),
                names(&["vnet-a1", "vnet-a2"]),
                names(&["vnet-a1", "vnet-a2", "vnet-b2"]),
                names(&["vnet-a1", "vnet-a2", "vnet-b1", "vnet-b2", "vnet-c1"]),
                names(&["vnet-a1", "vnet-a2", "vnet-b1", "vnet-b2", "vnet-c1"]),
            ]
        );
    }

    #[test]
    fn a_vnet_whose_earlier_item_errs_is_kept() {
        let vnets = [
            ("vnet-a1", "westeurope", "prod", "a"),
            ("vnet-a2", "eastus", "dev", "a"),
        ];
        let unsupported = json!({"value": "[utcNow()]", "equals": "x"});
        let conditions = [
            // The unsupported expression errs for every VNet before the location test could rule one out.
            json!({"allOf": [unsupported, {"field": "location", "equals": "westeurope"}]}),
            // Only the prod VNet reaches the error; the dev one is ruled out before it.
            json!({"allOf": [{"field": "tags['env']", "equals": "prod"}, unsupported,
                             {"field": "location", "equals": "eastus"}]}),
            // A test on the whole `tags` object reads several values: it stops the filter.
            json!({"allOf": [{"field": "tags", "containsKey": "env"},
                             {"field": "location", "equals": "eastus"}]}),
        ];
        let scenario = scenario(&vnets, &conditions);
        assert_eq!(
            candidates(&scenario, conditions.len()),
            [
                names(&["vnet-a1", "vnet-a2"]),
                names(&["vnet-a1"]),
                names(&["vnet-a1", "vnet-a2"])
            ]
        );
    }
}
