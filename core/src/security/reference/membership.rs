//! The reference's own membership (spec §1.2, §2.2-§2.5; decisions Q15, §4 parameters), written from the
//! specification and the condition rules listed in `membership::condition`'s documentation, not from its code.
//!
//! Naive on purpose: every VNet is tried against every assignment; values are owned strings; the wildcard
//! match is a plain recursion; parameters are looked up at each leaf.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::{depth_above, scope_height};
use crate::model::policy::{
    Condition, Field, Literal, Operand, Operator, PolicyAssignment, PolicyDefinition,
    ResourceGroupProperty, SubscriptionProperty, Test, ValueExpr,
};
use crate::model::{ManagementGroupId, MemberType, Model, NetworkGroupId, SubnetId, Vnet, VnetId};

/// The members of every group: lowercase resource id → whether the manager has it in scope.
#[derive(Clone, Debug, Default)]
pub(crate) struct Members {
    pub(crate) groups: BTreeMap<NetworkGroupId, BTreeMap<String, bool>>,
}

impl Members {
    /// Whether a VNet is an in-scope member of a group, so that the group's configurations reach it.
    pub(crate) fn receives(&self, vnet: &VnetId, group: &NetworkGroupId) -> bool {
        self.groups
            .get(group)
            .and_then(|m| m.get(&vnet.as_str().to_ascii_lowercase()))
            .copied()
            .unwrap_or(false)
    }
}

/// The members of every network group: static members that exist, and VNets that an enforced assignment
/// reaches (scope, not `notScopes`) and whose definition's condition is true.
pub(crate) fn members(model: &Model) -> Members {
    let mut found: BTreeMap<NetworkGroupId, BTreeSet<String>> = model
        .groups
        .keys()
        .map(|g| (g.clone(), BTreeSet::new()))
        .collect();
    for member in model.static_members.values() {
        let Some(group) = model.groups.get(&member.group) else {
            continue;
        };
        let id = member.resource.as_str();
        let exists = match group.member_type {
            MemberType::VirtualNetwork => model.vnets.values().any(|v| same(v.id.as_str(), id)),
            MemberType::Subnet => model.subnet(&SubnetId::new(id)).is_some(),
        };
        if exists {
            found
                .entry(group.id.clone())
                .or_default()
                .insert(id.to_ascii_lowercase());
        }
    }
    for assignment in model.policy_assignments.values() {
        if !assignment.enforced {
            continue;
        }
        let Some(definition) = model.policy_definitions.get(&assignment.definition) else {
            continue;
        };
        let Some(group) = definition
            .network_group
            .as_ref()
            .and_then(|g| model.groups.get(g))
        else {
            continue;
        };
        if group.member_type != MemberType::VirtualNetwork {
            continue;
        }
        for vnet in model.vnets.values() {
            let reached = in_scope_of(model, assignment.scope.as_str(), vnet)
                && !assignment
                    .not_scopes
                    .iter()
                    .any(|n| in_scope_of(model, n.as_str(), vnet));
            if reached && holds(model, definition, assignment, vnet) {
                found
                    .entry(group.id.clone())
                    .or_default()
                    .insert(vnet.id.as_str().to_ascii_lowercase());
            }
        }
    }
    let mut out = Members::default();
    for (group_id, ids) in found {
        let manager = model
            .groups
            .get(&group_id)
            .and_then(|g| model.managers.get(&g.manager));
        let members = ids
            .into_iter()
            .map(|id| {
                let (subscription, _) = crate::model::ids::scope_of(&id);
                let in_scope = match (manager, subscription) {
                    (Some(m), Some(s)) => scope_height(model, m, &s).is_some(),
                    _ => false,
                };
                (id, in_scope)
            })
            .collect();
        out.groups.insert(group_id, members);
    }
    out
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether an assignment scope (a management group, a subscription, a resource group or a resource) holds a
/// VNet.
fn in_scope_of(model: &Model, scope: &str, vnet: &Vnet) -> bool {
    let id = vnet.id.as_str().to_ascii_lowercase();
    let scope = scope.trim_end_matches('/').to_ascii_lowercase();
    if id == scope || id.starts_with(&format!("{scope}/")) {
        return true;
    }
    let prefix = "/providers/microsoft.management/managementgroups/";
    scope.starts_with(prefix)
        && model
            .management_groups
            .keys()
            .filter(|g| same(g.as_str(), &scope))
            .any(|g: &ManagementGroupId| depth_above(model, g, &vnet.subscription, 32).is_some())
}

/// A value as the condition rules see it.
#[derive(Clone, Debug)]
enum Val {
    Missing,
    Text(String),
    /// A location, normalised: compared with arguments stripped of whitespace by `equals`, `in` and `like`.
    Place(String),
    Num(f64),
    Flag(bool),
    List(Vec<Literal>),
    Tags(Vec<(String, String)>),
}

/// An error outcome (its text does not matter to the reference).
struct Failed;

type Out = Result<bool, Failed>;

fn holds(model: &Model, d: &PolicyDefinition, a: &PolicyAssignment, vnet: &Vnet) -> bool {
    matches!(eval(model, d, a, vnet, &d.condition), Ok(true))
}

fn eval(
    model: &Model,
    d: &PolicyDefinition,
    a: &PolicyAssignment,
    vnet: &Vnet,
    c: &Condition,
) -> Out {
    match c {
        Condition::AllOf(items) => {
            for item in items {
                if !eval(model, d, a, vnet, item)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::AnyOf(items) => {
            for item in items {
                if eval(model, d, a, vnet, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(inner) => eval(model, d, a, vnet, inner).map(|v| !v),
        Condition::Test(test) => leaf(model, d, a, vnet, test),
        Condition::Unsupported { .. } => Err(Failed),
    }
}

/// A parameter's value: the assignment's, else the definition's default (names ignore case).
fn parameter(d: &PolicyDefinition, a: &PolicyAssignment, name: &str) -> Result<Literal, Failed> {
    if let Some((_, value)) = a.parameters.iter().find(|(n, _)| same(n, name)) {
        return Ok(value.clone());
    }
    d.parameters
        .iter()
        .find(|p| same(&p.name, name))
        .and_then(|p| p.default.clone())
        .ok_or(Failed)
}

fn literal_value(l: &Literal) -> Result<Val, Failed> {
    Ok(match l {
        Literal::String(s) => Val::Text(s.clone()),
        Literal::Number(n) => Val::Num(*n),
        Literal::Bool(b) => Val::Flag(*b),
        Literal::List(items) => Val::List(items.clone()),
        Literal::Null => Val::Missing,
        Literal::Parameter(_) => return Err(Failed),
    })
}

fn text(s: Option<&str>) -> Val {
    s.map_or(Val::Missing, |s| Val::Text(s.to_owned()))
}

fn tag(tags: &crate::model::Tags, name: &str) -> Option<String> {
    tags.iter()
        .find(|(k, _)| same(k, name))
        .map(|(_, v)| v.to_owned())
}

fn operand(
    model: &Model,
    d: &PolicyDefinition,
    a: &PolicyAssignment,
    vnet: &Vnet,
    o: &Operand,
) -> Result<Val, Failed> {
    let subscription = model.subscriptions.get(&vnet.subscription);
    let group = model.resource_groups.get(&vnet.resource_group);
    Ok(match o {
        Operand::Field(field) => match field {
            Field::Name | Field::FullName => Val::Text(vnet.name.clone()),
            Field::Id => Val::Text(vnet.id.to_string()),
            Field::Type => Val::Text("Microsoft.Network/virtualNetworks".to_owned()),
            Field::Location => Val::Place(vnet.location.as_str().to_owned()),
            Field::Kind | Field::Alias(_) => Val::Missing,
            Field::Tags if vnet.tags.is_empty() => Val::Missing,
            Field::Tags => Val::Tags(
                vnet.tags
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            ),
            Field::Tag(name) => text(tag(&vnet.tags, name).as_deref()),
        },
        Operand::Value(expression) => match expression {
            ValueExpr::Literal(l) => literal_value(l)?,
            ValueExpr::Parameter(name) => literal_value(&parameter(d, a, name)?)?,
            ValueExpr::Subscription(p) => match p {
                SubscriptionProperty::DisplayName => {
                    text(subscription.and_then(|s| s.display_name.as_deref()))
                }
                SubscriptionProperty::Id => Val::Text(vnet.subscription.to_string()),
                SubscriptionProperty::SubscriptionId => {
                    Val::Text(vnet.subscription.name().to_owned())
                }
                SubscriptionProperty::Tag(name) => {
                    text(subscription.and_then(|s| tag(&s.tags, name)).as_deref())
                }
            },
            ValueExpr::ResourceGroup(p) => match p {
                ResourceGroupProperty::Name => Val::Text(vnet.resource_group.name().to_owned()),
                ResourceGroupProperty::Id => Val::Text(vnet.resource_group.to_string()),
                ResourceGroupProperty::Location => group
                    .and_then(|g| g.location.as_ref())
                    .map_or(Val::Missing, |l| Val::Place(l.as_str().to_owned())),
                ResourceGroupProperty::Tag(name) => {
                    text(group.and_then(|g| tag(&g.tags, name)).as_deref())
                }
            },
            ValueExpr::Unsupported(_) => return Err(Failed),
        },
    })
}

fn leaf(model: &Model, d: &PolicyDefinition, a: &PolicyAssignment, vnet: &Vnet, t: &Test) -> Out {
    let value = operand(model, d, a, vnet, &t.operand)?;
    let argument = match &t.value {
        Literal::Parameter(name) => parameter(d, a, name)?,
        other => other.clone(),
    };
    use Operator as O;
    match t.operator {
        O::Equals => equals(&value, &argument),
        O::NotEquals => equals(&value, &argument).map(|v| !v),
        O::Like => like(&value, &argument),
        O::NotLike => like(&value, &argument).map(|v| !v),
        O::Match => pattern(&value, &argument, true),
        O::NotMatch => pattern(&value, &argument, true).map(|v| !v),
        O::MatchInsensitively => pattern(&value, &argument, false),
        O::NotMatchInsensitively => pattern(&value, &argument, false).map(|v| !v),
        O::Contains => contains(&value, &argument),
        O::NotContains => contains(&value, &argument).map(|v| !v),
        O::In => within(&value, &argument),
        O::NotIn => within(&value, &argument).map(|v| !v),
        O::ContainsKey => contains_key(&value, &argument),
        O::NotContainsKey => contains_key(&value, &argument).map(|v| !v),
        O::Less => order(&value, &argument, Ordering::is_lt),
        O::LessOrEquals => order(&value, &argument, Ordering::is_le),
        O::Greater => order(&value, &argument, Ordering::is_gt),
        O::GreaterOrEquals => order(&value, &argument, Ordering::is_ge),
        O::Exists => exists(&value, &argument),
    }
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_ascii_whitespace()).collect()
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

/// Scalar equality; lists and tag objects cannot be compared.
fn scalar_eq(value: &Val, arg: &Literal) -> Out {
    Ok(match (value, arg) {
        (Val::Missing, _) => false,
        (Val::List(_) | Val::Tags(_), _) => return Err(Failed),
        (_, Literal::List(_) | Literal::Null | Literal::Parameter(_)) => false,
        (Val::Text(s), Literal::String(o)) => lower(s) == lower(o),
        (Val::Place(s), Literal::String(o)) => lower(s) == lower(&no_space(o)),
        (Val::Text(s) | Val::Place(s), Literal::Number(n)) => number(s) == Some(*n),
        (Val::Text(s) | Val::Place(s), Literal::Bool(b)) => lower(s) == b.to_string(),
        (Val::Num(n), Literal::Number(o)) => n == o,
        (Val::Num(n), Literal::String(o)) => number(o) == Some(*n),
        (Val::Flag(b), Literal::Bool(o)) => b == o,
        (Val::Flag(b), Literal::String(o)) => lower(o) == b.to_string(),
        (Val::Num(_), Literal::Bool(_)) | (Val::Flag(_), Literal::Number(_)) => false,
    })
}

fn equals(value: &Val, arg: &Literal) -> Out {
    match arg {
        Literal::String(_) | Literal::Number(_) | Literal::Bool(_) => scalar_eq(value, arg),
        _ => Err(Failed),
    }
}

/// The text an operator reads; `None` for a missing value; an error for other kinds.
fn as_text(value: &Val) -> Result<Option<(&str, bool)>, Failed> {
    match value {
        Val::Missing => Ok(None),
        Val::Text(s) => Ok(Some((s, false))),
        Val::Place(s) => Ok(Some((s, true))),
        _ => Err(Failed),
    }
}

fn arg_text(arg: &Literal) -> Result<&str, Failed> {
    match arg {
        Literal::String(s) => Ok(s),
        _ => Err(Failed),
    }
}

/// Whole-value wildcard match, `*` any sequence, by plain recursion over characters.
fn wild(text: &[char], pattern: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => {
            (0..=text.len()).any(|i| wild(text.get(i..).unwrap_or_default(), rest))
        }
        Some((p, rest)) => text
            .split_first()
            .is_some_and(|(c, tail)| c == p && wild(tail, rest)),
    }
}

fn like(value: &Val, arg: &Literal) -> Out {
    let p = arg_text(arg)?;
    let Some((s, place)) = as_text(value)? else {
        return Ok(false);
    };
    let p = if place { no_space(p) } else { p.to_owned() };
    let text: Vec<char> = lower(s).chars().collect();
    let pattern: Vec<char> = lower(&p).chars().collect();
    Ok(wild(&text, &pattern))
}

fn pattern(value: &Val, arg: &Literal, case_sensitive: bool) -> Out {
    let p = arg_text(arg)?;
    let Some((s, _)) = as_text(value)? else {
        return Ok(false);
    };
    let text: Vec<char> = s.chars().collect();
    let pattern: Vec<char> = p.chars().collect();
    if text.len() != pattern.len() {
        return Ok(false);
    }
    Ok(text.iter().zip(&pattern).all(|(c, p)| match p {
        '#' => c.is_ascii_digit(),
        '?' => c.is_alphabetic(),
        '.' => true,
        _ if case_sensitive => c == p,
        _ => c.to_lowercase().eq(p.to_lowercase()),
    }))
}

fn contains(value: &Val, arg: &Literal) -> Out {
    if let Val::List(items) = value {
        return Ok(items.iter().any(|item| {
            literal_value(item)
                .ok()
                .is_some_and(|v| matches!(scalar_eq(&v, arg), Ok(true)))
        }));
    }
    let needle = arg_text(arg)?;
    let Some((s, _)) = as_text(value)? else {
        return Ok(false);
    };
    Ok(lower(s).contains(&lower(needle)))
}

fn within(value: &Val, arg: &Literal) -> Out {
    let Literal::List(items) = arg else {
        return Err(Failed);
    };
    for item in items {
        if scalar_eq(value, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn contains_key(value: &Val, arg: &Literal) -> Out {
    let key = arg_text(arg)?;
    match value {
        Val::Missing => Ok(false),
        Val::Tags(tags) => Ok(tags.iter().any(|(k, _)| same(k, key))),
        _ => Err(Failed),
    }
}

/// Spec §2.4.2: strings with strings (ignoring case), numbers with numbers; anything else is a type
/// mismatch, an error; a missing value is false.
fn order(value: &Val, arg: &Literal, accept: fn(Ordering) -> bool) -> Out {
    if !matches!(arg, Literal::String(_) | Literal::Number(_)) {
        return Err(Failed);
    }
    match (value, arg) {
        (Val::Missing, _) => Ok(false),
        (Val::Text(s) | Val::Place(s), Literal::String(o)) => Ok(accept(lower(s).cmp(&lower(o)))),
        (Val::Num(n), Literal::Number(o)) => Ok(n.partial_cmp(o).is_some_and(accept)),
        _ => Err(Failed),
    }
}

fn exists(value: &Val, arg: &Literal) -> Out {
    let wanted = match arg {
        Literal::Bool(b) => *b,
        Literal::String(s) if same(s, "true") => true,
        Literal::String(s) if same(s, "false") => false,
        _ => return Err(Failed),
    };
    Ok(!matches!(value, Val::Missing) == wanted)
}
