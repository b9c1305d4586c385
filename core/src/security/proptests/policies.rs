//! Generated Azure Policy membership: definitions with every condition operator, literal or parameter
//! arguments (with and without defaults and assignment values), and assignments at every kind of scope.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A condition tree of bounded depth.
#[derive(Clone, Debug)]
pub(crate) enum Cond {
    Leaf(Leaf),
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
}

/// One leaf: indices into the operand, operator and argument tables, and how the argument is written.
#[derive(Clone, Debug)]
pub(crate) struct Leaf {
    operand: u8,
    operator: u8,
    argument: u8,
    /// 0 a literal; 1 a parameter whose default is the argument; 2 a parameter the assignment sets to the
    /// argument (its default differs); 3 a parameter with neither a default nor a value.
    parameter: u8,
}

/// A definition adding to a group, and its assignment.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub(crate) group: u8,
    condition: Cond,
    /// 0 subscription 0, 1 subscription 1, 2 `mg-root`, 3 `mg-child`, 4 the resource group `rg` of
    /// subscription 0.
    scope: u8,
    not_scope: Option<u8>,
    enforced: bool,
}

/// The policy operators, as documents spell them.
pub(crate) const OPERATORS: [&str; 19] = [
    "equals",
    "notEquals",
    "like",
    "notLike",
    "match",
    "notMatch",
    "matchInsensitively",
    "notMatchInsensitively",
    "contains",
    "notContains",
    "in",
    "notIn",
    "containsKey",
    "notContainsKey",
    "less",
    "lessOrEquals",
    "greater",
    "greaterOrEquals",
    "exists",
];

fn operand(k: u8) -> Value {
    match k % 12 {
        0 => json!({ "field": "name" }),
        1 => json!({ "field": "tags['env']" }),
        2 => json!({ "field": "location" }),
        3 => json!({ "field": "tags['tier']" }),
        4 => json!({ "field": "id" }),
        5 => json!({ "field": "tags" }),
        6 => json!({ "value": "[subscription().displayName]" }),
        7 => json!({ "value": "[resourceGroup().name]" }),
        8 => json!({ "value": 5 }),
        9 => json!({ "field": "type" }),
        10 => json!({ "field": "kind" }),
        _ => json!({ "value": "[subscription().tags['tier']]" }),
    }
}

/// Arguments for each operator family; a few are of the wrong kind, so that errors are generated too.
fn argument(operator: &str, k: u8) -> Value {
    let pick = |items: &[Value]| items[usize::from(k) % items.len()].clone();
    match operator {
        "equals" | "notEquals" => pick(&[
            json!("prod"),
            json!("PROD"),
            json!("vnet1"),
            json!("East US"),
            json!("westus"),
            json!("Contoso Prod"),
            json!("3"),
            json!(3),
            json!(5),
            json!("Microsoft.Network/virtualNetworks"),
            json!(["prod"]),
        ]),
        "like" | "notLike" => pick(&[
            json!("vnet*"),
            json!("*1"),
            json!("*ES*"),
            json!("prod"),
            json!("East*"),
            json!("*"),
            json!("v*t*2"),
            json!(7),
        ]),
        "match" | "notMatch" | "matchInsensitively" | "notMatchInsensitively" => pick(&[
            json!("vnet#"),
            json!("VNET#"),
            json!("????"),
            json!("..."),
            json!("?????#"),
            json!("#"),
            json!("eastus"),
        ]),
        "contains" | "notContains" => pick(&[
            json!("net"),
            json!("PRO"),
            json!("east"),
            json!("rg"),
            json!("1"),
            json!(""),
            json!(5),
        ]),
        "in" | "notIn" => pick(&[
            json!(["prod", "test"]),
            json!(["East US", "West US"]),
            json!(["vnet0", "VNET2"]),
            json!(["3", 10]),
            json!([5]),
            json!([]),
            json!("prod"),
        ]),
        "containsKey" | "notContainsKey" => pick(&[
            json!("env"),
            json!("ENV"),
            json!("tier"),
            json!("x"),
            json!(1),
        ]),
        "less" | "lessOrEquals" | "greater" | "greaterOrEquals" => pick(&[
            json!("5"),
            json!("2"),
            json!("prod"),
            json!("vnet2"),
            json!(3),
            json!(10),
            json!(4.5),
            json!(1),
            json!(true),
        ]),
        _ => pick(&[
            json!(true),
            json!(false),
            json!("true"),
            json!("FALSE"),
            json!("maybe"),
        ]),
    }
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (
        any::<u8>(),
        0u8..19,
        any::<u8>(),
        prop_oneof![6 => Just(0u8), 2 => Just(1u8), 2 => Just(2u8), 1 => Just(3u8)],
    )
        .prop_map(|(operand, operator, argument, parameter)| Leaf {
            operand,
            operator,
            argument,
            parameter,
        })
}

/// Mostly a single leaf, so that each operator decides membership on its own; else a small tree.
fn cond() -> impl Strategy<Value = Cond> {
    let tree = leaf()
        .prop_map(Cond::Leaf)
        .prop_recursive(2, 6, 3, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..=3).prop_map(Cond::All),
                vec(inner.clone(), 0..=3).prop_map(Cond::Any),
                inner.prop_map(|c| Cond::Not(Box::new(c))),
            ]
        });
    prop_oneof![2 => leaf().prop_map(Cond::Leaf), 1 => tree]
}

pub(crate) fn policy() -> impl Strategy<Value = Policy> {
    (
        any::<u8>(),
        cond(),
        prop_oneof![3 => Just(0u8), 1 => 1u8..5],
        prop::option::weighted(0.15, 0u8..5),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(group, condition, scope, not_scope, enforced)| Policy {
            group,
            condition,
            scope,
            not_scope,
            enforced,
        })
}

/// The scope ids of [`Policy::scope`].
fn scope_id(k: u8) -> String {
    use super::doc::{SUBSCRIPTIONS, management_group_id};
    match k % 5 {
        0 => SUBSCRIPTIONS[0].to_owned(),
        1 => SUBSCRIPTIONS[1].to_owned(),
        2 => management_group_id("mg-root"),
        3 => management_group_id("mg-child"),
        _ => format!("{}/resourceGroups/rg", SUBSCRIPTIONS[0]),
    }
}

impl Policy {
    /// The definition and assignment resources for policy `k` adding to `group`.
    pub(crate) fn resources(&self, k: usize, group: &str) -> [Value; 2] {
        let mut parameters = serde_json::Map::new();
        let mut values = serde_json::Map::new();
        let condition = self.json(&self.condition, &mut parameters, &mut values);
        let definition_id = format!(
            "/providers/Microsoft.Management/managementGroups/mg-root/providers/Microsoft.Authorization/policyDefinitions/pd{k}"
        );
        let definition = json!({
            "id": definition_id,
            "name": format!("pd{k}"),
            "type": "Microsoft.Authorization/policyDefinitions",
            "properties": {
                "mode": "Microsoft.Network.Data",
                "parameters": parameters,
                "policyRule": {
                    "if": { "allOf": [{ "field": "type", "equals": "Microsoft.Network/virtualNetworks" }, condition] },
                    "then": { "effect": "addToNetworkGroup", "details": { "networkGroupId": group } },
                },
            },
        });
        let scope = scope_id(self.scope);
        let mut properties = json!({
            "policyDefinitionId": definition_id,
            "scope": scope,
            "enforcementMode": if self.enforced { "Default" } else { "DoNotEnforce" },
            "parameters": values,
        });
        if let Some(n) = self.not_scope {
            properties["notScopes"] = json!([scope_id(n)]);
        }
        let assignment = json!({
            "id": format!("{scope}/providers/Microsoft.Authorization/policyAssignments/pa{k}"),
            "name": format!("pa{k}"),
            "type": "Microsoft.Authorization/policyAssignments",
            "properties": properties,
        });
        [definition, assignment]
    }

    fn json(
        &self,
        c: &Cond,
        parameters: &mut serde_json::Map<String, Value>,
        values: &mut serde_json::Map<String, Value>,
    ) -> Value {
        match c {
            Cond::All(items) => {
                json!({ "allOf": items.iter().map(|i| self.json(i, parameters, values)).collect::<Vec<_>>() })
            }
            Cond::Any(items) => {
                json!({ "anyOf": items.iter().map(|i| self.json(i, parameters, values)).collect::<Vec<_>>() })
            }
            Cond::Not(inner) => json!({ "not": self.json(inner, parameters, values) }),
            Cond::Leaf(leaf) => {
                let operator = OPERATORS[usize::from(leaf.operator) % OPERATORS.len()];
                let value = argument(operator, leaf.argument);
                // Comparisons mostly read the numeric-looking tag `tier`, so that type mismatches decide.
                let comparison = operator.starts_with("less") || operator.starts_with("greater");
                let mut out = if comparison && leaf.operand % 2 == 0 {
                    operand(3)
                } else {
                    operand(leaf.operand)
                };
                let written = if leaf.parameter == 0 {
                    value
                } else {
                    let name = format!("p{}", parameters.len());
                    let mut declaration = json!({ "type": "String" });
                    match leaf.parameter {
                        1 => declaration["defaultValue"] = value,
                        2 => {
                            declaration["defaultValue"] = json!("zzz-default");
                            values.insert(name.clone(), json!({ "value": value }));
                        }
                        _ => {}
                    }
                    parameters.insert(name.clone(), declaration);
                    json!(format!("[parameters('{name}')]"))
                };
                out[operator] = written;
                out
            }
        }
    }
}
