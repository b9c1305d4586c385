//! The basic editor of conditional membership: Azure's rows of parameter, operator and values, turned into the
//! `if` block of an Azure Policy definition and back, a preview of the virtual networks a condition selects, and
//! whether two conditions are the same (spec §2.3, §2.4.3). `Change::SetCondition` writes one into a design.
//!
//! The portal's basic editor offers the parameters Name, ID, Tags (with a tag name), Subscription (name),
//! Subscription ID and Resource group (name), and the operators Contains, Doesn't contain, In, Not In, Equals,
//! Doesn't equal, Contains any of, Contains all of, Doesn't contain any of, Exists and Doesn't exist (the last two
//! for tags only).
//! It writes an `allOf` whose first item is the `type` filter the portal prepends, then one condition per row;
//! "Contains any of" is an `anyOf` of `contains`, "Contains all of" an `allOf` of `contains`, and "Doesn't contain
//! any of" an `allOf` of `notContains` (inferred, spec §2.4.3).
//! A condition the rows cannot express ([`from_policy_if`] returns `None`) is edited as JSON only.
//!
//! Sources: <https://learn.microsoft.com/azure/virtual-network-manager/how-to-define-network-group-membership-azure-policy>,
//! <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule>.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::membership::condition::evaluate;
use crate::membership::subject;
use crate::model::policy::{
    Condition, Field, Literal, Operand, Operator, ResourceGroupProperty, SubscriptionProperty,
    Test, ValueExpr,
};
use crate::model::{Model, VnetId};
use crate::scenario::FormatError;
use crate::scenario::format::node::Node;
use crate::scenario::format::policy::parse_condition;

/// The resource type the portal's `type` filter names.
const VNET_TYPE: &str = "Microsoft.Network/virtualNetworks";

/// What a row tests: a parameter of the basic editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parameter {
    /// The VNet's name (`"field": "Name"`).
    Name,
    /// The VNet's resource id (`"field": "Id"`).
    Id,
    /// A tag of the VNet (`"field": "tags['<name>']"`).
    Tag(String),
    /// The subscription's display name (`"value": "[subscription().Name]"`).
    SubscriptionName,
    /// The subscription's id, `/subscriptions/<guid>` (`"value": "[subscription().Id]"`).
    SubscriptionId,
    /// The resource group's name (`"value": "[resourceGroup().Name]"`).
    ResourceGroupName,
}

impl Parameter {
    /// Every kind of parameter, in the portal's order (the tag with an empty name).
    pub const ALL: [Parameter; 6] = [
        Parameter::Name,
        Parameter::Id,
        Parameter::Tag(String::new()),
        Parameter::SubscriptionName,
        Parameter::SubscriptionId,
        Parameter::ResourceGroupName,
    ];

    /// The portal's label.
    pub fn label(&self) -> &'static str {
        match self {
            Parameter::Name => "Name",
            Parameter::Id => "ID",
            Parameter::Tag(_) => "Tags",
            Parameter::SubscriptionName => "Subscription",
            Parameter::SubscriptionId => "Subscription ID",
            Parameter::ResourceGroupName => "Resource group",
        }
    }

    /// The key and expression of the operand in the condition.
    fn operand(&self) -> (&'static str, String) {
        match self {
            Parameter::Name => ("field", "Name".to_owned()),
            Parameter::Id => ("field", "Id".to_owned()),
            Parameter::Tag(name) => ("field", format!("tags['{}']", name.replace('\'', "''"))),
            Parameter::SubscriptionName => ("value", "[subscription().Name]".to_owned()),
            Parameter::SubscriptionId => ("value", "[subscription().Id]".to_owned()),
            Parameter::ResourceGroupName => ("value", "[resourceGroup().Name]".to_owned()),
        }
    }

    /// The parameter a parsed operand stands for, if the basic editor has it.
    fn from_operand(operand: &Operand) -> Option<Self> {
        Some(match operand {
            Operand::Field(Field::Name) => Parameter::Name,
            Operand::Field(Field::Id) => Parameter::Id,
            Operand::Field(Field::Tag(name)) => Parameter::Tag(name.clone()),
            Operand::Value(ValueExpr::Subscription(SubscriptionProperty::DisplayName)) => {
                Parameter::SubscriptionName
            }
            Operand::Value(ValueExpr::Subscription(SubscriptionProperty::Id)) => {
                Parameter::SubscriptionId
            }
            Operand::Value(ValueExpr::ResourceGroup(ResourceGroupProperty::Name)) => {
                Parameter::ResourceGroupName
            }
            _ => return None,
        })
    }
}

/// How a row compares: an operator of the basic editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasicOperator {
    /// `contains`.
    Contains,
    /// `notContains`.
    NotContains,
    /// `in`.
    In,
    /// `notIn`.
    NotIn,
    /// `equals`.
    Equals,
    /// `notEquals`.
    NotEquals,
    /// `anyOf` of `contains`.
    ContainsAnyOf,
    /// `allOf` of `contains`.
    ContainsAllOf,
    /// `allOf` of `notContains`.
    NotContainsAnyOf,
    /// `exists: true` (tags only).
    Exists,
    /// `exists: false` (tags only).
    NotExists,
}

/// How many values an operator takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// None: `Exists`, `Doesn't exist`.
    None,
    /// One value.
    One,
    /// A list of one or more values.
    List,
}

impl BasicOperator {
    /// Every operator, in the portal's order.
    pub const ALL: [BasicOperator; 11] = [
        BasicOperator::Contains,
        BasicOperator::NotContains,
        BasicOperator::In,
        BasicOperator::NotIn,
        BasicOperator::Equals,
        BasicOperator::NotEquals,
        BasicOperator::ContainsAnyOf,
        BasicOperator::ContainsAllOf,
        BasicOperator::NotContainsAnyOf,
        BasicOperator::Exists,
        BasicOperator::NotExists,
    ];

    /// The portal's label.
    pub fn label(self) -> &'static str {
        match self {
            BasicOperator::Contains => "Contains",
            BasicOperator::NotContains => "Doesn't contain",
            BasicOperator::In => "In",
            BasicOperator::NotIn => "Not In",
            BasicOperator::Equals => "Equals",
            BasicOperator::NotEquals => "Doesn't equal",
            BasicOperator::ContainsAnyOf => "Contains any of",
            BasicOperator::ContainsAllOf => "Contains all of",
            BasicOperator::NotContainsAnyOf => "Doesn't contain any of",
            BasicOperator::Exists => "Exists",
            BasicOperator::NotExists => "Doesn't exist",
        }
    }

    /// How many values it takes.
    pub fn arity(self) -> Arity {
        match self {
            BasicOperator::Exists | BasicOperator::NotExists => Arity::None,
            BasicOperator::In
            | BasicOperator::NotIn
            | BasicOperator::ContainsAnyOf
            | BasicOperator::ContainsAllOf
            | BasicOperator::NotContainsAnyOf => Arity::List,
            _ => Arity::One,
        }
    }

    /// Whether the portal offers it for a parameter: `Exists` and `Doesn't exist` only for tags.
    pub fn applies_to(self, parameter: &Parameter) -> bool {
        self.arity() != Arity::None || matches!(parameter, Parameter::Tag(_))
    }
}

/// One row of the basic editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicRow {
    /// What is tested.
    pub parameter: Parameter,
    /// How.
    pub operator: BasicOperator,
    /// The values: none, one, or a list, as the operator's [`Arity`] says.
    pub values: Vec<String>,
}

impl BasicRow {
    /// A row from the text of its value field: a comma-separated list for the list operators, the whole text
    /// otherwise.
    pub fn from_text(parameter: Parameter, operator: BasicOperator, text: &str) -> Self {
        let values = match operator.arity() {
            Arity::None => Vec::new(),
            Arity::One => vec![text.trim().to_owned()],
            Arity::List => text
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        BasicRow {
            parameter,
            operator,
            values,
        }
    }

    /// The text of the row's value field: the values separated by `, `.
    pub fn text(&self) -> String {
        self.values.join(", ")
    }

    /// What is wrong with the row, if anything, in the project's message grammar.
    ///
    /// ```
    /// use avnm_core::scenario::builder::{BasicOperator, BasicRow, Parameter};
    /// let row = BasicRow::from_text(Parameter::Name, BasicOperator::Exists, "");
    /// assert_eq!(row.problem().as_deref(), Some("`Exists` is only for tags"));
    /// assert!(BasicRow::from_text(Parameter::Tag("env".into()), BasicOperator::Exists, "").problem().is_none());
    /// ```
    pub fn problem(&self) -> Option<String> {
        if let Parameter::Tag(name) = &self.parameter
            && name.trim().is_empty()
        {
            return Some("give the name of the tag".to_owned());
        }
        if !self.operator.applies_to(&self.parameter) {
            return Some(format!("`{}` is only for tags", self.operator.label()));
        }
        match self.operator.arity() {
            Arity::None => None,
            Arity::One if self.values.first().is_none_or(|v| v.is_empty()) => {
                Some("give a value".to_owned())
            }
            Arity::One => None,
            Arity::List if self.values.is_empty() => {
                Some("give one or more values, separated by commas".to_owned())
            }
            Arity::List => None,
        }
    }

    /// The row's condition.
    fn to_json(&self) -> Value {
        let (key, operand) = self.parameter.operand();
        let leaf = |operator: &str, argument: Value| {
            let mut map = Map::new();
            map.insert(key.to_owned(), Value::String(operand.clone()));
            map.insert(operator.to_owned(), argument);
            Value::Object(map)
        };
        let first = || literal(self.values.first().map_or("", String::as_str));
        let list = || Value::Array(self.values.iter().map(|v| literal(v)).collect());
        let each = |operator: &str| -> Value {
            Value::Array(
                self.values
                    .iter()
                    .map(|v| leaf(operator, literal(v)))
                    .collect(),
            )
        };
        match self.operator {
            BasicOperator::Contains => leaf("contains", first()),
            BasicOperator::NotContains => leaf("notContains", first()),
            BasicOperator::Equals => leaf("equals", first()),
            BasicOperator::NotEquals => leaf("notEquals", first()),
            BasicOperator::In => leaf("in", list()),
            BasicOperator::NotIn => leaf("notIn", list()),
            BasicOperator::Exists => leaf("exists", Value::Bool(true)),
            BasicOperator::NotExists => leaf("exists", Value::Bool(false)),
            BasicOperator::ContainsAnyOf => json!({"anyOf": each("contains")}),
            BasicOperator::ContainsAllOf => json!({"allOf": each("contains")}),
            BasicOperator::NotContainsAnyOf => json!({"allOf": each("notContains")}),
        }
    }
}

/// A value as a literal string: a leading `[` is escaped as `[[`, so it is not read as a template expression.
fn literal(value: &str) -> Value {
    if value.starts_with('[') {
        Value::String(format!("[{value}"))
    } else {
        Value::String(value.to_owned())
    }
}

/// The `if` block for rows, as JSON text: an `allOf` with the portal's `type` filter first, then one condition
/// per row, laid out by [`pretty`].
///
/// ```
/// use avnm_core::scenario::builder::{BasicOperator, BasicRow, Parameter, to_policy_if};
/// let rows = [BasicRow::from_text(Parameter::Tag("environment".into()), BasicOperator::Equals, "production")];
/// assert_eq!(to_policy_if(&rows), r#"{
///   "allOf": [
///     { "field": "type", "equals": "Microsoft.Network/virtualNetworks" },
///     { "field": "tags['environment']", "equals": "production" }
///   ]
/// }"#);
/// ```
pub fn to_policy_if(rows: &[BasicRow]) -> String {
    let mut items = vec![json!({"field": "type", "equals": VNET_TYPE})];
    items.extend(rows.iter().map(BasicRow::to_json));
    pretty(&json!({ "allOf": items }))
}

/// The rows for a condition, or `None` when the basic editor cannot express it.
///
/// A top-level `allOf` (or a bare array) gives one row per item, a single condition one row; the `type` filter on
/// virtual networks, where the portal puts it first, is left out.
pub fn from_policy_if(condition: &Condition) -> Option<Vec<BasicRow>> {
    let items = match condition {
        Condition::AllOf(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if i == 0 && is_type_filter(item) {
            continue;
        }
        rows.push(row(item)?);
    }
    Some(rows)
}

/// Whether a condition is `{"field": "type", "equals": "Microsoft.Network/virtualNetworks"}`.
fn is_type_filter(condition: &Condition) -> bool {
    matches!(condition, Condition::Test(Test { operand: Operand::Field(Field::Type), operator: Operator::Equals, value: Literal::String(t), .. })
        if t.eq_ignore_ascii_case(VNET_TYPE))
}

/// The row for one item of the top-level `allOf`.
fn row(condition: &Condition) -> Option<BasicRow> {
    match condition {
        Condition::Test(test) => {
            let parameter = Parameter::from_operand(&test.operand)?;
            let one = |operator| match &test.value {
                Literal::String(v) => Some((operator, vec![v.clone()])),
                _ => None,
            };
            let list = |operator| match &test.value {
                Literal::List(items) => items
                    .iter()
                    .map(|item| match item {
                        Literal::String(v) => Some(v.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(|values| (operator, values)),
                _ => None,
            };
            let (operator, values) = match test.operator {
                Operator::Contains => one(BasicOperator::Contains)?,
                Operator::NotContains => one(BasicOperator::NotContains)?,
                Operator::Equals => one(BasicOperator::Equals)?,
                Operator::NotEquals => one(BasicOperator::NotEquals)?,
                Operator::In => list(BasicOperator::In)?,
                Operator::NotIn => list(BasicOperator::NotIn)?,
                Operator::Exists => {
                    let exists = match &test.value {
                        Literal::Bool(b) => *b,
                        Literal::String(s) if s.eq_ignore_ascii_case("true") => true,
                        Literal::String(s) if s.eq_ignore_ascii_case("false") => false,
                        _ => return None,
                    };
                    let operator = if exists {
                        BasicOperator::Exists
                    } else {
                        BasicOperator::NotExists
                    };
                    (operator, Vec::new())
                }
                _ => return None,
            };
            operator.applies_to(&parameter).then_some(BasicRow {
                parameter,
                operator,
                values,
            })
        }
        Condition::AnyOf(items) => {
            let (parameter, operator, values) = same_operand(items)?;
            (operator == Operator::Contains).then_some(BasicRow {
                parameter,
                operator: BasicOperator::ContainsAnyOf,
                values,
            })
        }
        Condition::AllOf(items) => {
            let (parameter, operator, values) = same_operand(items)?;
            let operator = match operator {
                Operator::Contains => BasicOperator::ContainsAllOf,
                Operator::NotContains => BasicOperator::NotContainsAnyOf,
                _ => return None,
            };
            Some(BasicRow {
                parameter,
                operator,
                values,
            })
        }
        Condition::Not(_) | Condition::Unsupported { .. } => None,
    }
}

/// The parameter, operator and values of a non-empty list of string tests on one operand with one operator.
fn same_operand(items: &[Condition]) -> Option<(Parameter, Operator, Vec<String>)> {
    let mut found: Option<(Parameter, Operator)> = None;
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        let Condition::Test(Test {
            operand,
            operator,
            value: Literal::String(value),
            ..
        }) = item
        else {
            return None;
        };
        let parameter = Parameter::from_operand(operand)?;
        match &found {
            None => found = Some((parameter, *operator)),
            Some((p, o)) if *p == parameter && o == operator => {}
            Some(_) => return None,
        }
        values.push(value.clone());
    }
    found.map(|(parameter, operator)| (parameter, operator, values))
}

/// Lays out a condition for reading: two-space indents, each leaf condition on one line with its `field` or
/// `value` first.
///
/// ```
/// use avnm_core::scenario::builder::pretty;
/// let value = serde_json::json!({"allOf": [{"contains": "VNet01", "field": "Name"}]});
/// assert_eq!(pretty(&value), "{\n  \"allOf\": [\n    { \"field\": \"Name\", \"contains\": \"VNet01\" }\n  ]\n}");
/// ```
pub fn pretty(value: &Value) -> String {
    let mut out = String::new();
    write_pretty(value, 0, &mut out);
    out
}

fn write_pretty(value: &Value, depth: usize, out: &mut String) {
    let indent = |depth: usize| "  ".repeat(depth);
    match value {
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            let rank = |k: &str| match k.to_ascii_lowercase().as_str() {
                "field" => 0,
                "value" => 1,
                "count" => 2,
                _ => 3,
            };
            keys.sort_by_key(|k| rank(k));
            let inline = map.values().all(is_flat);
            out.push_str(if inline { "{ " } else { "{\n" });
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(if inline { ", " } else { ",\n" });
                }
                if !inline {
                    out.push_str(&indent(depth + 1));
                }
                let _ = write!(out, "{}: ", Value::String((*key).clone()));
                if let Some(item) = map.get(*key) {
                    write_pretty(item, depth + 1, out);
                }
            }
            if inline {
                out.push_str(" }");
            } else {
                let _ = write!(out, "\n{}}}", indent(depth));
            }
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) if items.iter().all(is_scalar) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&item.to_string());
            }
            out.push(']');
        }
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                out.push_str(&indent(depth + 1));
                write_pretty(item, depth + 1, out);
            }
            let _ = write!(out, "\n{}]", indent(depth));
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

/// A scalar, or an array of scalars: what stays on the line of a leaf condition.
fn is_flat(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(is_scalar),
        Value::Object(map) => map.is_empty(),
        _ => true,
    }
}

/// Reads the JSON text of an `if` block and checks it against Azure Policy's grammar, keeping the JSON.
pub(crate) fn parse_if_value(if_json: &str) -> Result<Value, FormatError> {
    let value: Value = serde_json::from_str(if_json)?;
    parse_condition(&Node::new(&value, "if"))?;
    Ok(value)
}

/// Parses the JSON text of an `if` block into a condition; errors name the line and column, or the JSON path
/// under `if`.
///
/// ```
/// use avnm_core::scenario::builder::parse_if;
/// assert!(parse_if(r#"{"field": "Name", "contains": "hub"}"#).is_ok());
/// assert_eq!(parse_if(r#"{"allOf": {}}"#).unwrap_err().to_string(), "`if.allOf`: expected an array, found an object");
/// ```
pub fn parse_if(if_json: &str) -> Result<Condition, FormatError> {
    let value = parse_if_value(if_json)?;
    parse_condition(&Node::new(&value, "if"))
}

/// Whether two texts are the same JSON value (whatever their layout and key order), so that an editor does not
/// write back a condition that only looks different.
///
/// ```
/// use avnm_core::scenario::builder::same_condition;
/// assert!(same_condition(r#"{"field": "Name", "equals": "a"}"#, r#"{"equals":"a","field":"Name"}"#));
/// assert!(!same_condition("{", "{"));
/// ```
pub fn same_condition(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The virtual networks of the design that a condition selects, whatever the scope of any assignment: the
/// condition alone, evaluated as membership evaluates it. A condition that cannot be evaluated for a VNet
/// does not select it (spec §2.4.2).
pub fn preview(model: &Model, if_json: &str) -> Result<Vec<VnetId>, FormatError> {
    let condition = parse_if(if_json)?;
    Ok(model
        .vnets
        .values()
        .filter(|vnet| evaluate(&condition, &subject(model, vnet)).is_true())
        .map(|vnet| vnet.id.clone())
        .collect())
}

#[cfg(test)]
mod tests;
