//! Reading the `if` block of an Azure Policy rule into a [`Condition`] tree (spec §2.4).
//!
//! The grammar is Azure Policy's: `allOf` / `anyOf` / `not` objects, and leaves with one `field` or `value`
//! and one operator, where keys, operator names and field names are case-insensitive.
//! A bare JSON array is an `allOf` (the AVNM advanced editor writes one, spec §2.4.1).
//!
//! Two kinds of problem are told apart:
//! - a wrong JSON type where the grammar leaves no doubt (`allOf` not an array, `field` not a string, `not`
//!   not an object, a condition that is a number) is a [`FormatError`] naming its path;
//! - well-formed JSON that the simulator does not evaluate (`count`, an unknown operator, a template
//!   expression other than `subscription()` and `resourceGroup()` properties and `parameters('name')`, a leaf
//!   of an unexpected shape) becomes [`Condition::Unsupported`], so the document still loads and the condition
//!   evaluates as an error.
//!
//! `[parameters('name')]` as a whole operator argument or `value` is kept as a reference
//! ([`Literal::Parameter`], [`ValueExpr::Parameter`]) that membership binds per assignment: the assignment's
//! value, else the definition's `defaultValue`.
//!
//! Sources: <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule>,
//! <https://learn.microsoft.com/azure/virtual-network-manager/how-to-define-network-group-membership-azure-policy>.

use serde_json::{Map, Value};

use crate::model::policy::{
    Condition, Field, Literal, Operand, Operator, PolicyParameter, ResourceGroupProperty,
    SubscriptionProperty, Test, ValueExpr,
};

use super::FormatError;
use super::node::Node;

/// How deeply `allOf`, `anyOf`, `not` and bare arrays may nest: a limit of the simulator, which evaluates
/// conditions recursively (Azure documents none; real conditions nest a few levels).
pub const MAX_CONDITION_DEPTH: usize = 64;

/// Parses the `if` block of a policy rule.
///
/// Every [`Test::path`] and [`Condition::Unsupported`] path is the JSON path of its condition object,
/// built on `node.path` (`resources[4].properties.policyRule.if.allOf[1]`).
/// Conditions nested deeper than [`MAX_CONDITION_DEPTH`] are a format error.
pub(crate) fn parse_condition(node: &Node<'_>) -> Result<Condition, FormatError> {
    parse_nested(node, 0)
}

fn parse_nested(node: &Node<'_>, depth: usize) -> Result<Condition, FormatError> {
    if depth > MAX_CONDITION_DEPTH {
        return Err(FormatError::Type {
            path: node.path(),
            expected: "a condition nested at most 64 levels deep",
            found: "one nested deeper than that",
        });
    }
    match node.value {
        Value::Array(_) => Ok(Condition::AllOf(parse_list(node, depth)?)),
        Value::Object(map) => parse_object(node, map, depth),
        _ => Err(node.expected("a condition object or an array of conditions")),
    }
}

/// The items of an `allOf` / `anyOf` array (or of a bare array).
fn parse_list(node: &Node<'_>, depth: usize) -> Result<Vec<Condition>, FormatError> {
    node.items()?
        .iter()
        .map(|item| parse_nested(item, depth + 1))
        .collect()
}

/// A logical operator key.
#[derive(Clone, Copy)]
enum Logical {
    AllOf,
    AnyOf,
    Not,
}

impl Logical {
    fn from_key(key: &str) -> Option<Self> {
        [
            ("allOf", Logical::AllOf),
            ("anyOf", Logical::AnyOf),
            ("not", Logical::Not),
        ]
        .into_iter()
        .find_map(|(name, logical)| key.eq_ignore_ascii_case(name).then_some(logical))
    }
}

/// A condition object: a logical operator or a leaf.
fn parse_object(
    node: &Node<'_>,
    map: &Map<String, Value>,
    depth: usize,
) -> Result<Condition, FormatError> {
    let logical = map
        .iter()
        .find_map(|(key, value)| Logical::from_key(key).map(|logical| (logical, key, value)));
    let Some((logical, key, value)) = logical else {
        return parse_leaf(node, map);
    };
    if map.len() > 1 {
        return Ok(unsupported(node, format!("`{key}` beside other keys")));
    }
    let child = node.at_key(key, value);
    match logical {
        Logical::AllOf => Ok(Condition::AllOf(parse_list(&child, depth)?)),
        Logical::AnyOf => Ok(Condition::AnyOf(parse_list(&child, depth)?)),
        Logical::Not if value.is_object() => {
            Ok(Condition::Not(Box::new(parse_nested(&child, depth + 1)?)))
        }
        Logical::Not => Err(child.expected("a condition object")),
    }
}

/// A leaf condition: one `field` or `value`, and one operator.
fn parse_leaf(node: &Node<'_>, map: &Map<String, Value>) -> Result<Condition, FormatError> {
    if map.is_empty() {
        return Ok(unsupported(node, "an empty condition".to_owned()));
    }
    let mut operands = Vec::new();
    let mut operators = Vec::new();
    let mut unknown = None;
    for (key, value) in map {
        if key.eq_ignore_ascii_case("field") || key.eq_ignore_ascii_case("value") {
            operands.push((key, value));
        } else if let Some(operator) = operator(key) {
            operators.push((operator, key, value));
        } else if key.eq_ignore_ascii_case("count") {
            return Ok(unsupported(node, "`count`".to_owned()));
        } else if unknown.is_none() {
            unknown = Some(key);
        }
    }
    let operand = match operands.as_slice() {
        [] => {
            return Ok(unsupported(
                node,
                "a condition without `field` or `value`".to_owned(),
            ));
        }
        [(key, value)] => {
            let operand_node = node.at_key(key, value);
            if key.eq_ignore_ascii_case("field") {
                match parse_field_operand(&operand_node)? {
                    Ok(field) => Operand::Field(field),
                    Err(what) => return Ok(unsupported(node, what)),
                }
            } else {
                Operand::Value(parse_value(value))
            }
        }
        _ => {
            return Ok(unsupported(
                node,
                "a condition with both `field` and `value`".to_owned(),
            ));
        }
    };
    if let Some(key) = unknown {
        return Ok(unsupported(node, format!("`{key}`")));
    }
    let (operator, argument) = match operators.as_slice() {
        [] => {
            return Ok(unsupported(
                node,
                "a condition without an operator".to_owned(),
            ));
        }
        [(operator, _, argument)] => (*operator, *argument),
        [(_, first, _), (_, second, _), ..] => {
            return Ok(unsupported(
                node,
                format!("a condition with several operators (`{first}`, `{second}`)"),
            ));
        }
    };
    if let Some(name) = argument.as_str().and_then(parameter_reference) {
        return Ok(Condition::Test(Test {
            operand,
            operator,
            value: Literal::Parameter(name),
            path: node.path(),
        }));
    }
    if let Some(expression) = expression_in(argument) {
        return Ok(unsupported(
            node,
            format!("template expression `{expression}` as an operator argument"),
        ));
    }
    Ok(Condition::Test(Test {
        operand,
        operator,
        value: literal(argument),
        path: node.path(),
    }))
}

/// A [`Condition::Unsupported`] at `node`.
fn unsupported(node: &Node<'_>, what: String) -> Condition {
    Condition::Unsupported {
        what,
        path: node.path(),
    }
}

/// An operator key, case-insensitively.
fn operator(key: &str) -> Option<Operator> {
    const OPERATORS: [(&str, Operator); 19] = [
        ("equals", Operator::Equals),
        ("notEquals", Operator::NotEquals),
        ("like", Operator::Like),
        ("notLike", Operator::NotLike),
        ("match", Operator::Match),
        ("notMatch", Operator::NotMatch),
        ("matchInsensitively", Operator::MatchInsensitively),
        ("notMatchInsensitively", Operator::NotMatchInsensitively),
        ("contains", Operator::Contains),
        ("notContains", Operator::NotContains),
        ("in", Operator::In),
        ("notIn", Operator::NotIn),
        ("containsKey", Operator::ContainsKey),
        ("notContainsKey", Operator::NotContainsKey),
        ("less", Operator::Less),
        ("lessOrEquals", Operator::LessOrEquals),
        ("greater", Operator::Greater),
        ("greaterOrEquals", Operator::GreaterOrEquals),
        ("exists", Operator::Exists),
    ];
    OPERATORS
        .into_iter()
        .find_map(|(name, operator)| key.eq_ignore_ascii_case(name).then_some(operator))
}

/// Whether a string is a template expression: `[...]`, but not the escaped `[[...`.
fn is_expression(text: &str) -> bool {
    text.starts_with('[') && !text.starts_with("[[") && text.ends_with(']')
}

/// A string as a literal: a leading `[[` is an escaped `[`.
fn unescape(text: &str) -> &str {
    if text.starts_with("[[") {
        text.get(1..).unwrap_or(text)
    } else {
        text
    }
}

/// The first template expression in a JSON value, looking into arrays.
fn expression_in(value: &Value) -> Option<&str> {
    match value {
        Value::String(text) if is_expression(text) => Some(text),
        Value::Array(items) => items.iter().find_map(expression_in),
        _ => None,
    }
}

/// A JSON value as a literal; objects are not meaningful as arguments and become `null`.
fn literal(value: &Value) -> Literal {
    match value {
        Value::String(text) => Literal::String(unescape(text).to_owned()),
        Value::Number(number) => number.as_f64().map_or(Literal::Null, Literal::Number),
        Value::Bool(flag) => Literal::Bool(*flag),
        Value::Array(items) => Literal::List(items.iter().map(literal).collect()),
        Value::Null | Value::Object(_) => Literal::Null,
    }
}

/// The `field` operand: a field, or (inner `Err`) what makes the condition unsupported.
fn parse_field_operand(node: &Node<'_>) -> Result<Result<Field, String>, FormatError> {
    let text = node.str()?;
    if is_expression(text) {
        return Ok(Err(format!("template expression `{text}` as a `field`")));
    }
    Ok(Ok(parse_field(unescape(text))))
}

/// A field name, case-insensitively; anything unknown is a property alias.
fn parse_field(text: &str) -> Field {
    const FIELDS: [(&str, Field); 7] = [
        ("name", Field::Name),
        ("id", Field::Id),
        ("type", Field::Type),
        ("location", Field::Location),
        ("kind", Field::Kind),
        ("fullName", Field::FullName),
        ("tags", Field::Tags),
    ];
    if let Some(field) = FIELDS
        .into_iter()
        .find_map(|(name, field)| text.eq_ignore_ascii_case(name).then_some(field))
    {
        return field;
    }
    match tag_name(text) {
        Some(name) => Field::Tag(name),
        None => Field::Alias(text.to_owned()),
    }
}

/// The tag name of `tags['name']`, `tags['''it''s''']`, `tags[name]` or `tags.name`.
fn tag_name(text: &str) -> Option<String> {
    let prefix = text.get(..4)?;
    if !prefix.eq_ignore_ascii_case("tags") {
        return None;
    }
    let rest = text.get(4..)?;
    if let Some(name) = rest.strip_prefix('.') {
        return (!name.is_empty()).then(|| name.to_owned());
    }
    let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
    if inner.starts_with('\'') {
        let mut cursor = Cursor { rest: inner };
        let name = cursor.quoted()?;
        return cursor.rest.is_empty().then_some(name);
    }
    (!inner.is_empty()).then(|| inner.to_owned())
}

/// A `value` operand: a literal, or a template expression.
fn parse_value(value: &Value) -> ValueExpr {
    match value {
        Value::String(text) if is_expression(text) => parse_expression(text),
        _ => match expression_in(value) {
            Some(expression) => ValueExpr::Unsupported(expression.to_owned()),
            None => ValueExpr::Literal(literal(value)),
        },
    }
}

/// A template expression `[...]`: the `subscription()` and `resourceGroup()` properties and `parameters('name')`
/// are understood, with names in any case and whitespace between tokens; anything else is unsupported.
fn parse_expression(text: &str) -> ValueExpr {
    if let Some(name) = parameter_reference(text) {
        return ValueExpr::Parameter(name);
    }
    let inner = text
        .get(1..text.len().saturating_sub(1))
        .unwrap_or_default();
    let mut cursor = Cursor { rest: inner };
    let parsed = cursor.function_property().and_then(|(function, property)| {
        if function.eq_ignore_ascii_case("subscription") {
            subscription_property(property, &mut cursor).map(ValueExpr::Subscription)
        } else if function.eq_ignore_ascii_case("resourceGroup") {
            resource_group_property(property, &mut cursor).map(ValueExpr::ResourceGroup)
        } else {
            None
        }
    });
    match parsed {
        Some(expression) if cursor.at_end() => expression,
        _ => ValueExpr::Unsupported(text.to_owned()),
    }
}

/// The name in a whole-string `[parameters('name')]`.
fn parameter_reference(text: &str) -> Option<String> {
    if !is_expression(text) {
        return None;
    }
    let inner = text.get(1..text.len().saturating_sub(1))?;
    let mut cursor = Cursor { rest: inner };
    let function = cursor.ident()?;
    if !function.eq_ignore_ascii_case("parameters") || !cursor.eat('(') {
        return None;
    }
    let name = cursor.quoted()?;
    (cursor.eat(')') && cursor.at_end()).then_some(name)
}

/// The parameters a policy definition declares (`properties.parameters`), with their `defaultValue`.
///
/// Source: <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-parameters>.
pub(crate) fn parameter_declarations(
    props: &Node<'_>,
) -> Result<Vec<PolicyParameter>, FormatError> {
    let Some(parameters) = props.get("parameters") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, value) in parameters.object()? {
        let declaration = parameters.at_key(name, value);
        declaration.object()?;
        out.push(PolicyParameter {
            name: name.clone(),
            default: declaration.get("defaultValue").map(|d| literal(d.value)),
        });
    }
    Ok(out)
}

/// The parameter values a policy assignment sets (`properties.parameters`: `{"name": {"value": ...}}`).
pub(crate) fn parameter_values(props: &Node<'_>) -> Result<Vec<(String, Literal)>, FormatError> {
    let Some(parameters) = props.get("parameters") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, value) in parameters.object()? {
        let entry = parameters.at_key(name, value);
        entry.object()?;
        out.push((name.clone(), literal(entry.req("value")?.value)));
    }
    Ok(out)
}

/// A property of `subscription()`; `name` is the display name (decisions Q16).
fn subscription_property(property: &str, cursor: &mut Cursor<'_>) -> Option<SubscriptionProperty> {
    let lower = |name: &str| property.eq_ignore_ascii_case(name);
    if lower("displayName") || lower("name") {
        Some(SubscriptionProperty::DisplayName)
    } else if lower("id") {
        Some(SubscriptionProperty::Id)
    } else if lower("subscriptionId") {
        Some(SubscriptionProperty::SubscriptionId)
    } else if lower("tags") {
        cursor.tag_key().map(SubscriptionProperty::Tag)
    } else {
        None
    }
}

/// A property of `resourceGroup()`.
fn resource_group_property(
    property: &str,
    cursor: &mut Cursor<'_>,
) -> Option<ResourceGroupProperty> {
    let lower = |name: &str| property.eq_ignore_ascii_case(name);
    if lower("name") {
        Some(ResourceGroupProperty::Name)
    } else if lower("id") {
        Some(ResourceGroupProperty::Id)
    } else if lower("location") {
        Some(ResourceGroupProperty::Location)
    } else if lower("tags") {
        cursor.tag_key().map(ResourceGroupProperty::Tag)
    } else {
        None
    }
}

/// A cursor over the inside of a template expression.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    /// Skips whitespace and then `token`, if it is next.
    fn eat(&mut self, token: char) -> bool {
        match self.rest.trim_start().strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// An identifier after optional whitespace.
    fn ident(&mut self) -> Option<&'a str> {
        let rest = self.rest.trim_start();
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (ident, rest) = rest.split_at_checked(end)?;
        if ident.is_empty() {
            return None;
        }
        self.rest = rest;
        Some(ident)
    }

    /// A quoted string `'...'` with `''` standing for a quote.
    fn quoted(&mut self) -> Option<String> {
        let mut rest = self.rest.trim_start().strip_prefix('\'')?;
        let mut text = String::new();
        loop {
            let (part, after) = rest.split_once('\'')?;
            text.push_str(part);
            match after.strip_prefix('\'') {
                Some(after) => {
                    text.push('\'');
                    rest = after;
                }
                None => {
                    self.rest = after;
                    return Some(text);
                }
            }
        }
    }

    /// `function().property`.
    fn function_property(&mut self) -> Option<(&'a str, &'a str)> {
        let function = self.ident()?;
        if !(self.eat('(') && self.eat(')') && self.eat('.')) {
            return None;
        }
        Some((function, self.ident()?))
    }

    /// The key after `tags`: `['name']` or `.name`.
    fn tag_key(&mut self) -> Option<String> {
        if self.eat('[') {
            let key = self.quoted()?;
            return self.eat(']').then_some(key);
        }
        if self.eat('.') {
            let key = self.rest.trim();
            let plain = !key.is_empty() && !key.contains(['[', ']', '(', ')', '\'', ' ']);
            self.rest = "";
            return plain.then(|| key.to_owned());
        }
        None
    }

    /// Whether only whitespace is left.
    fn at_end(&self) -> bool {
        self.rest.trim().is_empty()
    }
}
