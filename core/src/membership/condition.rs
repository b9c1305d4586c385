//! Evaluating an Azure Policy condition against a virtual network, and explaining the outcome (spec §2.4).
//!
//! [`evaluate`] runs for every virtual network and every policy definition, so it borrows everything and does
//! not allocate unless the outcome is an error; [`explain`] gives the same outcome with one
//! [`ConditionTrace`] node per condition.
//!
//! The rules, from the Azure Policy documentation and, where it is silent, the simulator's decisions:
//! - string comparisons ignore case (ASCII folding), except `match` and `notMatch`;
//! - `like` matches the whole value, `*` standing for any sequence (several `*` are accepted);
//! - `match` patterns match the whole value: `#` is a digit, `?` a letter, `.` any character;
//! - `location` values compare normalised (`East US 2` equals `eastus2`) for `equals`, `notEquals`, `in`,
//!   `notIn`, `like` and `notLike`;
//! - a missing field or value (an absent tag, the `tags` of an untagged resource, `kind` when unset, a property
//!   alias, which is not simulated, or a subscription or resource group property that the document does not
//!   describe) makes the positive operators false and the negated ones true, `exists: false` true and the
//!   comparisons false (decisions Q15);
//! - a wrong argument (`in` without an array, `exists` without `true` or `false`) is an error even when the
//!   value is missing;
//! - `equals` and `in` compare a string with a number as numbers when the string reads as one, and with a
//!   boolean by its text (`"True"` equals `true`);
//! - `less`, `greater`... compare numbers numerically and strings ignoring case, byte by byte; a string
//!   compared with a number is a type mismatch, an error, even when the string reads as a number (a tag value
//!   is always a string);
//! - `allOf: []` is true and `anyOf: []` false (decisions Q15);
//! - an unsupported construct, a wrong argument or a type mismatch is an [`Outcome::Error`], and an error
//!   condition keeps the VNet out of the group (spec §2.4.2).
//!
//! Errors in `allOf` and `anyOf`: the items are evaluated in document order and the first item that decides
//! the result stops the evaluation.
//! In `allOf` the first `False` gives `False` and the first `Error` gives that `Error`; in `anyOf` the first
//! `True` gives `True` and the first `Error` gives that `Error`.
//! So an error after the deciding item does not count: a test written first (a `type` test, say) guards the
//! tests after it, as in any left-to-right short-circuit.
//! [`explain`] still shows every item with its own outcome.
//! `not` of an error is the same error.
//!
//! Sources: <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule>,
//! <https://learn.microsoft.com/azure/virtual-network-manager/how-to-define-network-group-membership-azure-policy>.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

use crate::model::address::{Location, Tags};
use crate::model::ids::cmp_ignore_case;
use crate::model::policy::{
    Condition, Field, Literal, Operand, Operator, PolicyAssignment, PolicyDefinition,
    ResourceGroupProperty, SubscriptionProperty, Test, ValueExpr,
};
use crate::path::{Path, Segment};

/// What a condition is evaluated against: one virtual network and its subscription and resource group.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The VNet's resource id (field `id`).
    pub id: &'a str,
    /// The VNet's name (fields `name` and `fullName`).
    pub name: &'a str,
    /// The resource type (field `type`), `Microsoft.Network/virtualNetworks` for a VNet.
    pub resource_type: &'a str,
    /// The VNet's region (field `location`).
    pub location: &'a Location,
    /// The resource kind (field `kind`), usually absent.
    pub kind: Option<&'a str>,
    /// The VNet's tags (fields `tags` and `tags['name']`).
    pub tags: &'a Tags,
    /// The subscription id, `/subscriptions/<guid>` (`[subscription().id]`).
    pub subscription_id: &'a str,
    /// The subscription's display name, when the subscription resource is in the document
    /// (`[subscription().displayName]`).
    pub subscription_name: Option<&'a str>,
    /// The subscription's tags, when the subscription resource is in the document.
    pub subscription_tags: Option<&'a Tags>,
    /// The resource group id (`[resourceGroup().id]`).
    pub resource_group_id: &'a str,
    /// The resource group name (`[resourceGroup().name]`).
    pub resource_group_name: &'a str,
    /// The resource group's region, when the resource group is in the document.
    pub resource_group_location: Option<&'a Location>,
    /// The resource group's tags, when the resource group is in the document.
    pub resource_group_tags: Option<&'a Tags>,
}

/// The outcome of a condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// The condition cannot be evaluated (a type mismatch, an unsupported construct...); the VNet is not a
    /// member. The message follows the project's grammar: lowercase, user values in backticks.
    Error(String),
}

impl Outcome {
    /// Whether the outcome is [`Outcome::True`]: the only outcome that makes a VNet a member.
    pub fn is_true(&self) -> bool {
        *self == Outcome::True
    }
}

impl From<bool> for Outcome {
    fn from(value: bool) -> Self {
        if value { Outcome::True } else { Outcome::False }
    }
}

/// The explanation of a condition's outcome: one node per condition, children in document order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionTrace {
    /// JSON path of the condition.
    ///
    /// For `allOf`, `anyOf` and `not` it is recovered from the paths of the leaves inside; a logical
    /// condition without any leaf (`{"allOf": []}`) gets the path its parent expects, and the empty path at the
    /// root.
    pub path: crate::path::Path,
    /// A readable form: `tags['env'] equals "prod"`, `allOf`, `not`.
    pub text: String,
    /// The value the operand had, for leaves; `None` when it is missing.
    pub actual: Option<String>,
    /// The outcome of this condition.
    pub outcome: Outcome,
    /// The nested conditions, in document order.
    ///
    /// Every item of an `allOf` or `anyOf` is shown with its own outcome, including the items after the one
    /// that decided, which [`evaluate`] skips.
    pub children: Vec<ConditionTrace>,
}

/// Evaluates a condition without building an explanation.
///
/// It does not allocate unless the outcome is an error.
///
/// ```
/// use avnm_core::membership::condition::{Outcome, Subject, evaluate};
/// use avnm_core::model::policy::{Condition, Field, Literal, Operand, Operator, Test};
/// use avnm_core::model::{Location, Tags};
///
/// let (location, tags) = (Location::new("East US 2"), Tags::default());
/// let subject = Subject {
///     id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub",
///     name: "hub",
///     resource_type: "Microsoft.Network/virtualNetworks",
///     location: &location,
///     kind: None,
///     tags: &tags,
///     subscription_id: "/subscriptions/s1",
///     subscription_name: None,
///     subscription_tags: None,
///     resource_group_id: "/subscriptions/s1/resourceGroups/rg",
///     resource_group_name: "rg",
///     resource_group_location: None,
///     resource_group_tags: None,
/// };
/// let test = |field, operator, value: &str| {
///     Condition::Test(Test {
///         operand: Operand::Field(field),
///         operator,
///         value: Literal::String(value.into()),
///         path: "if".into(),
///     })
/// };
/// assert_eq!(evaluate(&test(Field::Location, Operator::Equals, "eastus2"), &subject), Outcome::True);
/// // A missing tag: `notEquals` holds (decisions Q15).
/// assert_eq!(evaluate(&test(Field::Tag("env".into()), Operator::NotEquals, "prod"), &subject), Outcome::True);
/// ```
pub fn evaluate(condition: &Condition, subject: &Subject<'_>) -> Outcome {
    match eval(condition, subject) {
        Ok(value) => value.into(),
        Err(fault) => Outcome::Error(fault.to_string()),
    }
}

/// Evaluates a condition and explains it: one node per condition, in document order.
///
/// The outcome at the root is always the one [`evaluate`] returns.
pub fn explain(condition: &Condition, subject: &Subject<'_>) -> ConditionTrace {
    trace(condition, subject, Path::root())
}

/// A definition's condition for one assignment: every `[parameters('name')]` replaced by the assignment's
/// value for that parameter, else the definition's `defaultValue` (names compare ignoring case); a parameter
/// with neither stays, and evaluates as an error.
///
/// Without an assignment, only the defaults apply. A condition without parameters is borrowed as it is.
/// Source: <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-parameters>.
pub fn bind<'c>(
    definition: &'c PolicyDefinition,
    assignment: Option<&PolicyAssignment>,
) -> Cow<'c, Condition> {
    if definition.parameters.is_empty() {
        return Cow::Borrowed(&definition.condition);
    }
    let value = |name: &str| -> Option<Literal> {
        let assigned = assignment
            .into_iter()
            .flat_map(|a| &a.parameters)
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value);
        let default = || {
            definition
                .parameters
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
                .and_then(|p| p.default.as_ref())
        };
        assigned.or_else(default).cloned()
    };
    let mut condition = definition.condition.clone();
    substitute(&mut condition, &value);
    Cow::Owned(condition)
}

/// Replaces the parameters of a condition that have a value.
fn substitute(condition: &mut Condition, value: &impl Fn(&str) -> Option<Literal>) {
    match condition {
        Condition::AllOf(items) | Condition::AnyOf(items) => {
            items.iter_mut().for_each(|item| substitute(item, value));
        }
        Condition::Not(inner) => substitute(inner, value),
        Condition::Test(test) => {
            if let Literal::Parameter(name) = &test.value
                && let Some(bound) = value(name)
            {
                test.value = bound;
            }
            if let Operand::Value(ValueExpr::Parameter(name)) = &test.operand
                && let Some(bound) = value(name)
            {
                test.operand = Operand::Value(ValueExpr::Literal(bound));
            }
        }
        Condition::Unsupported { .. } => {}
    }
}

/// Why a condition cannot be evaluated.
#[derive(Clone, Copy, Debug)]
enum Fault<'a> {
    /// A [`Condition::Unsupported`] construct.
    Unsupported(&'a str),
    /// A [`ValueExpr::Unsupported`] template expression.
    Expression(&'a str),
    /// An operator argument of the wrong kind.
    Argument {
        operator: Operator,
        expected: &'static str,
        found: &'a Literal,
    },
    /// An operator applied to an operand value it does not take.
    Operand {
        operator: Operator,
        found: &'static str,
    },
    /// A `[parameters('name')]` with no value: neither the assignment nor a `defaultValue` sets it.
    Parameter(&'a str),
    /// A comparison between values of different types.
    Mismatch {
        operator: Operator,
        actual: Actual<'a>,
        argument: &'a Literal,
    },
}

impl fmt::Display for Fault<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Unsupported(what) => write!(f, "{what} is not supported"),
            Fault::Expression(expression) => {
                write!(f, "template expression `{expression}` is not supported")
            }
            Fault::Argument {
                operator,
                expected,
                found,
            } => {
                write!(
                    f,
                    "`{}` expects {expected}, found `{}`",
                    name(*operator),
                    LiteralText(found)
                )
            }
            Fault::Parameter(name) => write!(
                f,
                "the parameter `{name}` has no value: the assignment does not set it and the definition gives no `defaultValue`"
            ),
            Fault::Operand { operator, found } => {
                write!(f, "`{}` cannot be applied to {found}", name(*operator))
            }
            Fault::Mismatch {
                operator,
                actual,
                argument,
            } => {
                write!(
                    f,
                    "`{}` cannot compare `{actual}` with `{}`",
                    name(*operator),
                    LiteralText(argument)
                )
            }
        }
    }
}

/// The value of an operand.
#[derive(Clone, Copy, Debug)]
enum Actual<'a> {
    /// A missing field or value.
    Missing,
    /// A string.
    Str(&'a str),
    /// A normalised location.
    Location(&'a str),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// An array (a literal `value`).
    List(&'a [Literal]),
    /// A tag object (the `tags` field).
    Tags(&'a Tags),
}

impl Actual<'_> {
    /// The kind of value, for error messages.
    fn kind(self) -> &'static str {
        match self {
            Actual::Missing => "a missing value",
            Actual::Str(_) | Actual::Location(_) => "a string",
            Actual::Number(_) => "a number",
            Actual::Bool(_) => "a boolean",
            Actual::List(_) => "an array",
            Actual::Tags(_) => "an object",
        }
    }
}

impl fmt::Display for Actual<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actual::Missing => f.write_str("null"),
            Actual::Str(text) | Actual::Location(text) => f.write_str(text),
            Actual::Number(number) => write!(f, "{number}"),
            Actual::Bool(flag) => write!(f, "{flag}"),
            Actual::List(items) => write_list(f, items),
            Actual::Tags(tags) => {
                f.write_str("{")?;
                for (i, (name, value)) in tags.iter().enumerate() {
                    let separator = if i == 0 { "" } else { ", " };
                    write!(f, "{separator}{name:?}: {value:?}")?;
                }
                f.write_str("}")
            }
        }
    }
}

// --- evaluation ---------------------------------------------------------------------------------------------

/// Evaluates a condition; see the module documentation for the order of `allOf` and `anyOf`.
fn eval<'a>(condition: &'a Condition, subject: &Subject<'a>) -> Result<bool, Fault<'a>> {
    match condition {
        Condition::AllOf(items) => {
            for item in items {
                if !eval(item, subject)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::AnyOf(items) => {
            for item in items {
                if eval(item, subject)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(inner) => eval(inner, subject).map(|value| !value),
        Condition::Test(test) => apply(
            test.operator,
            operand(&test.operand, subject)?,
            argument(test)?,
        ),
        Condition::Unsupported { what, .. } => Err(Fault::Unsupported(what)),
    }
}

/// The argument of a leaf; a parameter still unbound is an error.
fn argument(test: &Test) -> Result<&Literal, Fault<'_>> {
    match &test.value {
        Literal::Parameter(name) => Err(Fault::Parameter(name)),
        value => Ok(value),
    }
}

/// The value of a field or `value` expression for the subject.
fn operand<'a>(operand: &'a Operand, subject: &Subject<'a>) -> Result<Actual<'a>, Fault<'a>> {
    let text = |value: Option<&'a str>| value.map_or(Actual::Missing, Actual::Str);
    Ok(match operand {
        Operand::Field(field) => match field {
            Field::Name | Field::FullName => Actual::Str(subject.name),
            Field::Id => Actual::Str(subject.id),
            Field::Type => Actual::Str(subject.resource_type),
            Field::Location => Actual::Location(subject.location.as_str()),
            Field::Kind => text(subject.kind),
            Field::Tags if subject.tags.is_empty() => Actual::Missing,
            Field::Tags => Actual::Tags(subject.tags),
            Field::Tag(name) => text(tag(subject.tags, name)),
            Field::Alias(_) => Actual::Missing,
        },
        Operand::Value(expression) => match expression {
            ValueExpr::Literal(literal) => match literal {
                Literal::String(value) => Actual::Str(value),
                Literal::Number(value) => Actual::Number(*value),
                Literal::Bool(value) => Actual::Bool(*value),
                Literal::List(items) => Actual::List(items),
                Literal::Null => Actual::Missing,
                Literal::Parameter(name) => return Err(Fault::Parameter(name)),
            },
            ValueExpr::Subscription(property) => match property {
                SubscriptionProperty::DisplayName => text(subject.subscription_name),
                SubscriptionProperty::Id => Actual::Str(subject.subscription_id),
                SubscriptionProperty::SubscriptionId => {
                    Actual::Str(last_segment(subject.subscription_id))
                }
                SubscriptionProperty::Tag(name) => {
                    text(subject.subscription_tags.and_then(|tags| tag(tags, name)))
                }
            },
            ValueExpr::ResourceGroup(property) => match property {
                ResourceGroupProperty::Name => Actual::Str(subject.resource_group_name),
                ResourceGroupProperty::Id => Actual::Str(subject.resource_group_id),
                ResourceGroupProperty::Location => subject
                    .resource_group_location
                    .map_or(Actual::Missing, |l| Actual::Location(l.as_str())),
                ResourceGroupProperty::Tag(name) => {
                    text(subject.resource_group_tags.and_then(|tags| tag(tags, name)))
                }
            },
            ValueExpr::Parameter(name) => return Err(Fault::Parameter(name)),
            ValueExpr::Unsupported(expression) => return Err(Fault::Expression(expression)),
        },
    })
}

/// A tag's value, its name compared ignoring case, without allocating.
fn tag<'a>(tags: &'a Tags, name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The last segment of an id: the guid of `/subscriptions/<guid>`.
fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// Applies an operator to an operand value and the operator's argument.
fn apply<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<bool, Fault<'a>> {
    use Operator as O;
    let ordering = |accept: fn(Ordering) -> bool| {
        compare(operator, actual, argument).map(|o| o.is_some_and(accept))
    };
    match operator {
        O::Equals => equals(operator, actual, argument),
        O::NotEquals => equals(operator, actual, argument).map(|value| !value),
        O::Like => like(operator, actual, argument),
        O::NotLike => like(operator, actual, argument).map(|value| !value),
        O::Match => matches(operator, actual, argument, true),
        O::NotMatch => matches(operator, actual, argument, true).map(|value| !value),
        O::MatchInsensitively => matches(operator, actual, argument, false),
        O::NotMatchInsensitively => matches(operator, actual, argument, false).map(|value| !value),
        O::Contains => contains(operator, actual, argument),
        O::NotContains => contains(operator, actual, argument).map(|value| !value),
        O::In => within(operator, actual, argument),
        O::NotIn => within(operator, actual, argument).map(|value| !value),
        O::ContainsKey => contains_key(operator, actual, argument),
        O::NotContainsKey => contains_key(operator, actual, argument).map(|value| !value),
        O::Less => ordering(Ordering::is_lt),
        O::LessOrEquals => ordering(Ordering::is_le),
        O::Greater => ordering(Ordering::is_gt),
        O::GreaterOrEquals => ordering(Ordering::is_ge),
        O::Exists => exists(operator, actual, argument),
    }
}

/// `equals`: case-insensitive for strings, normalised for locations.
fn equals<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<bool, Fault<'a>> {
    if !is_scalar(argument) {
        return Err(Fault::Argument {
            operator,
            expected: "a string, a number or a boolean",
            found: argument,
        });
    }
    scalar_equals(operator, actual, argument)
}

/// Whether a literal is a string, a number or a boolean.
fn is_scalar(literal: &Literal) -> bool {
    matches!(
        literal,
        Literal::String(_) | Literal::Number(_) | Literal::Bool(_)
    )
}

/// Equality of an operand value and a literal (`false` for a missing value or a non-scalar literal).
///
/// A string and a number are equal when the string reads as that number; a string and a boolean when the
/// string is `true` or `false` in any case.
fn scalar_equals<'a>(
    operator: Operator,
    actual: Actual<'a>,
    literal: &'a Literal,
) -> Result<bool, Fault<'a>> {
    Ok(match (actual, literal) {
        (Actual::Missing, _) => false,
        (Actual::List(_) | Actual::Tags(_), _) => {
            return Err(Fault::Operand {
                operator,
                found: actual.kind(),
            });
        }
        (Actual::Str(text), Literal::String(other)) => text.eq_ignore_ascii_case(other),
        (Actual::Location(location), Literal::String(other)) => {
            folded_eq(location.as_bytes(), other, true)
        }
        (Actual::Str(text) | Actual::Location(text), Literal::Number(number)) => {
            parse_number(text) == Some(*number)
        }
        (Actual::Str(text) | Actual::Location(text), Literal::Bool(flag)) => {
            text.eq_ignore_ascii_case(bool_text(*flag))
        }
        (Actual::Number(number), Literal::Number(other)) => number == *other,
        (Actual::Number(number), Literal::String(other)) => parse_number(other) == Some(number),
        (Actual::Bool(flag), Literal::Bool(other)) => flag == *other,
        (Actual::Bool(flag), Literal::String(other)) => other.eq_ignore_ascii_case(bool_text(flag)),
        (Actual::Number(_), Literal::Bool(_))
        | (Actual::Bool(_), Literal::Number(_))
        | (_, Literal::List(_) | Literal::Null | Literal::Parameter(_)) => false,
    })
}

/// A string as a number, if it reads as one.
fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

/// `true` or `false`.
fn bool_text(flag: bool) -> &'static str {
    if flag { "true" } else { "false" }
}

/// The string an operator works on, or the error for an operand that is not a string.
///
/// `Ok(None)` is a missing value; the `bool` tells a location, compared normalised.
fn text_operand(
    operator: Operator,
    actual: Actual<'_>,
) -> Result<Option<(&str, bool)>, Fault<'static>> {
    match actual {
        Actual::Missing => Ok(None),
        Actual::Str(text) => Ok(Some((text, false))),
        Actual::Location(text) => Ok(Some((text, true))),
        other => Err(Fault::Operand {
            operator,
            found: other.kind(),
        }),
    }
}

/// The string argument of an operator.
fn text_argument(operator: Operator, argument: &Literal) -> Result<&str, Fault<'_>> {
    match argument {
        Literal::String(text) => Ok(text),
        found => Err(Fault::Argument {
            operator,
            expected: "a string",
            found,
        }),
    }
}

/// `like`: a whole-value wildcard match ignoring case.
fn like<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<bool, Fault<'a>> {
    let pattern = text_argument(operator, argument)?;
    Ok(text_operand(operator, actual)?
        .is_some_and(|(text, location)| wildcard(text.as_bytes(), pattern, location)))
}

/// `match` and `matchInsensitively`: `#` a digit, `?` a letter, `.` any character, the rest literal.
fn matches<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
    case_sensitive: bool,
) -> Result<bool, Fault<'a>> {
    let pattern = text_argument(operator, argument)?;
    Ok(text_operand(operator, actual)?
        .is_some_and(|(text, _)| match_pattern(text, pattern, case_sensitive)))
}

/// `contains`: a substring ignoring case, or an element of an array `value`.
fn contains<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<bool, Fault<'a>> {
    if let Actual::List(items) = actual {
        return Ok(items.iter().any(|item| literal_equals(item, argument)));
    }
    let needle = text_argument(operator, argument)?;
    Ok(text_operand(operator, actual)?
        .is_some_and(|(text, _)| find(text.as_bytes(), needle, false).is_some()))
}

/// Equality of two literals, for the elements of an array `value`.
fn literal_equals(item: &Literal, other: &Literal) -> bool {
    match item {
        Literal::String(text) => {
            scalar_equals(Operator::Contains, Actual::Str(text), other).unwrap_or(false)
        }
        Literal::Number(number) => {
            scalar_equals(Operator::Contains, Actual::Number(*number), other).unwrap_or(false)
        }
        Literal::Bool(flag) => {
            scalar_equals(Operator::Contains, Actual::Bool(*flag), other).unwrap_or(false)
        }
        Literal::List(_) | Literal::Null | Literal::Parameter(_) => false,
    }
}

/// `in`: equal to an element of the array argument.
fn within<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<bool, Fault<'a>> {
    let Literal::List(items) = argument else {
        return Err(Fault::Argument {
            operator,
            expected: "an array",
            found: argument,
        });
    };
    for item in items {
        if scalar_equals(operator, actual, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `containsKey`: a tag name, ignoring case.
fn contains_key<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<bool, Fault<'a>> {
    let key = text_argument(operator, argument)?;
    match actual {
        Actual::Missing => Ok(false),
        Actual::Tags(tags) => Ok(tag(tags, key).is_some()),
        other => Err(Fault::Operand {
            operator,
            found: other.kind(),
        }),
    }
}

/// `less`, `greater`...: `None` for a missing value.
///
/// Numbers compare numerically, strings ignoring case; a string and a number are a type mismatch, even when the
/// string reads as a number (spec §2.4.2: "type mismatch throws an error").
fn compare<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<Option<Ordering>, Fault<'a>> {
    if !matches!(argument, Literal::String(_) | Literal::Number(_)) {
        return Err(Fault::Argument {
            operator,
            expected: "a string or a number",
            found: argument,
        });
    }
    let mismatch = Fault::Mismatch {
        operator,
        actual,
        argument,
    };
    match (actual, argument) {
        (Actual::Missing, _) => Ok(None),
        (Actual::Str(text) | Actual::Location(text), Literal::String(other)) => {
            Ok(Some(cmp_ignore_case(text, other)))
        }
        (Actual::Number(number), Literal::Number(other)) => Ok(number.partial_cmp(other)),
        (Actual::Str(_) | Actual::Location(_), Literal::Number(_))
        | (Actual::Number(_), Literal::String(_))
        | (Actual::Bool(_), _) => Err(mismatch),
        (other, _) => Err(Fault::Operand {
            operator,
            found: other.kind(),
        }),
    }
}

/// `exists`: whether the value is present.
fn exists<'a>(
    operator: Operator,
    actual: Actual<'a>,
    argument: &'a Literal,
) -> Result<bool, Fault<'a>> {
    let wanted = match argument {
        Literal::Bool(flag) => *flag,
        Literal::String(text) if text.eq_ignore_ascii_case("true") => true,
        Literal::String(text) if text.eq_ignore_ascii_case("false") => false,
        found => {
            return Err(Fault::Argument {
                operator,
                expected: "`true` or `false`",
                found,
            });
        }
    };
    Ok(!matches!(actual, Actual::Missing) == wanted)
}

// --- string matching without allocation ---------------------------------------------------------------------

/// The bytes of a pattern as compared: ASCII-lowercased, and without whitespace for a location.
fn folded(pattern: &str, location: bool) -> impl Iterator<Item = u8> + '_ {
    pattern
        .bytes()
        .filter(move |b| !(location && b.is_ascii_whitespace()))
        .map(|b| b.to_ascii_lowercase())
}

/// Whether `text` equals `pattern`, ignoring ASCII case (and whitespace of the pattern for a location).
fn folded_eq(text: &[u8], pattern: &str, location: bool) -> bool {
    text.iter()
        .map(u8::to_ascii_lowercase)
        .eq(folded(pattern, location))
}

/// Whether `text` starts with `pattern`, folded.
fn folded_starts_with(text: &[u8], pattern: &str, location: bool) -> bool {
    let mut bytes = text.iter();
    folded(pattern, location).all(|p| bytes.next().is_some_and(|b| b.to_ascii_lowercase() == p))
}

/// Where `pattern` first occurs in `text`, folded.
fn find(text: &[u8], pattern: &str, location: bool) -> Option<usize> {
    (0..=text.len()).find(|&at| {
        text.get(at..)
            .is_some_and(|rest| folded_starts_with(rest, pattern, location))
    })
}

/// Whole-value wildcard matching: `*` is any sequence, the rest compares folded.
///
/// The first and last segments are anchored, and each middle segment is found leftmost, which is exact for
/// patterns whose only wildcard is `*`.
fn wildcard(text: &[u8], pattern: &str, location: bool) -> bool {
    let Some((first, rest)) = pattern.split_once('*') else {
        return folded_eq(text, pattern, location);
    };
    let (middle, last) = rest.rsplit_once('*').unwrap_or(("", rest));
    if !folded_starts_with(text, first, location) {
        return false;
    }
    let after_first = text
        .get(folded(first, location).count()..)
        .unwrap_or_default();
    let Some(split) = after_first
        .len()
        .checked_sub(folded(last, location).count())
    else {
        return false;
    };
    let Some((mut between, tail)) = after_first.split_at_checked(split) else {
        return false;
    };
    if !folded_eq(tail, last, location) {
        return false;
    }
    for segment in middle.split('*') {
        let Some(at) = find(between, segment, location) else {
            return false;
        };
        between = between
            .get(at + folded(segment, location).count()..)
            .unwrap_or_default();
    }
    true
}

/// Whole-value `match` pattern: `#` a digit, `?` a letter, `.` any character, any other character itself.
fn match_pattern(text: &str, pattern: &str, case_sensitive: bool) -> bool {
    let mut chars = text.chars();
    for p in pattern.chars() {
        let Some(c) = chars.next() else {
            return false;
        };
        let ok = match p {
            '#' => c.is_ascii_digit(),
            '?' => c.is_alphabetic(),
            '.' => true,
            _ if case_sensitive => c == p,
            _ => c.to_lowercase().eq(p.to_lowercase()),
        };
        if !ok {
            return false;
        }
    }
    chars.next().is_none()
}

// --- explanation --------------------------------------------------------------------------------------------

/// Explains a condition; `hint` is its path as the parent expects it, used when the condition has no leaf.
fn trace(condition: &Condition, subject: &Subject<'_>, hint: Path) -> ConditionTrace {
    let path = own_path(condition).unwrap_or(hint);
    match condition {
        Condition::AllOf(items) | Condition::AnyOf(items) => {
            let all = matches!(condition, Condition::AllOf(_));
            let key = if all { "allOf" } else { "anyOf" };
            let list = items
                .iter()
                .enumerate()
                .find_map(|(i, item)| Some(strip_index(&own_path(item)?, i)))
                .unwrap_or_else(|| join(&path, key));
            let children: Vec<ConditionTrace> = items
                .iter()
                .enumerate()
                .map(|(i, item)| trace(item, subject, list.index(i)))
                .collect();
            let outcome = combine(all, &children);
            ConditionTrace {
                path,
                text: key.to_owned(),
                actual: None,
                outcome,
                children,
            }
        }
        Condition::Not(inner) => {
            let child = trace(inner, subject, join(&path, "not"));
            let outcome = match &child.outcome {
                Outcome::True => Outcome::False,
                Outcome::False => Outcome::True,
                Outcome::Error(message) => Outcome::Error(message.clone()),
            };
            ConditionTrace {
                path,
                text: "not".to_owned(),
                actual: None,
                outcome,
                children: vec![child],
            }
        }
        Condition::Test(test) => {
            let (actual, outcome) = match operand(&test.operand, subject) {
                Ok(actual) => {
                    let applied =
                        argument(test).and_then(|value| apply(test.operator, actual, value));
                    let outcome = match applied {
                        Ok(value) => value.into(),
                        Err(fault) => Outcome::Error(fault.to_string()),
                    };
                    let shown = (!matches!(actual, Actual::Missing)).then(|| actual.to_string());
                    (shown, outcome)
                }
                Err(fault) => (None, Outcome::Error(fault.to_string())),
            };
            ConditionTrace {
                path,
                text: TestText(test).to_string(),
                actual,
                outcome,
                children: Vec::new(),
            }
        }
        Condition::Unsupported { what, .. } => ConditionTrace {
            path,
            text: what.clone(),
            actual: None,
            outcome: Outcome::Error(Fault::Unsupported(what).to_string()),
            children: Vec::new(),
        },
    }
}

/// The outcome of `allOf` (`all`) or `anyOf` from its items' outcomes, by the rule of [`eval`].
fn combine(all: bool, children: &[ConditionTrace]) -> Outcome {
    for child in children {
        match &child.outcome {
            Outcome::Error(message) => return Outcome::Error(message.clone()),
            Outcome::False if all => return Outcome::False,
            Outcome::True if !all => return Outcome::True,
            Outcome::True | Outcome::False => {}
        }
    }
    all.into()
}

/// The JSON path of a condition, recovered from the leaves inside it.
fn own_path(condition: &Condition) -> Option<Path> {
    match condition {
        Condition::Test(test) => Some(test.path.clone()),
        Condition::Unsupported { path, .. } => Some(path.clone()),
        Condition::Not(inner) => own_path(inner).map(|path| parent(&path)),
        Condition::AllOf(items) | Condition::AnyOf(items) => {
            let key = if matches!(condition, Condition::AllOf(_)) {
                "allOf"
            } else {
                "anyOf"
            };
            let list = items
                .iter()
                .enumerate()
                .find_map(|(i, item)| Some(strip_index(&own_path(item)?, i)))?;
            // `…if.allOf[0]` belongs to the object `…if`; `…if[0]` to the bare array `…if`.
            Some(match list.split_last() {
                Some((object, Segment::Key(last))) if last.eq_ignore_ascii_case(key) => object,
                _ => list,
            })
        }
    }
}

/// `path` without its trailing `[index]`.
fn strip_index(path: &Path, index: usize) -> Path {
    match path.split_last() {
        Some((parent, Segment::Index(i))) if i == index => parent,
        _ => path.clone(),
    }
}

/// `path` without its last segment.
fn parent(path: &Path) -> Path {
    path.split_last()
        .map(|(parent, _)| parent)
        .unwrap_or_default()
}

/// `path.key`, or `key` at the root.
fn join(path: &Path, key: &str) -> Path {
    path.key(key)
}

/// The document spelling of an operator.
fn name(operator: Operator) -> &'static str {
    match operator {
        Operator::Equals => "equals",
        Operator::NotEquals => "notEquals",
        Operator::Like => "like",
        Operator::NotLike => "notLike",
        Operator::Match => "match",
        Operator::NotMatch => "notMatch",
        Operator::MatchInsensitively => "matchInsensitively",
        Operator::NotMatchInsensitively => "notMatchInsensitively",
        Operator::Contains => "contains",
        Operator::NotContains => "notContains",
        Operator::In => "in",
        Operator::NotIn => "notIn",
        Operator::ContainsKey => "containsKey",
        Operator::NotContainsKey => "notContainsKey",
        Operator::Less => "less",
        Operator::LessOrEquals => "lessOrEquals",
        Operator::Greater => "greater",
        Operator::GreaterOrEquals => "greaterOrEquals",
        Operator::Exists => "exists",
    }
}

/// A leaf written readably: `tags['env'] equals "prod"`.
struct TestText<'a>(&'a Test);

impl fmt::Display for TestText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let test = self.0;
        match &test.operand {
            Operand::Field(field) => write_field(f, field)?,
            Operand::Value(expression) => write_value(f, expression)?,
        }
        write!(f, " {} {}", name(test.operator), LiteralText(&test.value))
    }
}

/// A field as written in a policy.
fn write_field(f: &mut fmt::Formatter<'_>, field: &Field) -> fmt::Result {
    match field {
        Field::Name => f.write_str("name"),
        Field::Id => f.write_str("id"),
        Field::Type => f.write_str("type"),
        Field::Location => f.write_str("location"),
        Field::Kind => f.write_str("kind"),
        Field::FullName => f.write_str("fullName"),
        Field::Tags => f.write_str("tags"),
        Field::Tag(name) => write!(f, "tags[{}]", Quoted(name)),
        Field::Alias(alias) => f.write_str(alias),
    }
}

/// A `value` expression as written in a policy.
fn write_value(f: &mut fmt::Formatter<'_>, expression: &ValueExpr) -> fmt::Result {
    match expression {
        ValueExpr::Literal(literal) => write!(f, "{}", LiteralText(literal)),
        ValueExpr::Subscription(property) => match property {
            SubscriptionProperty::DisplayName => f.write_str("[subscription().displayName]"),
            SubscriptionProperty::Id => f.write_str("[subscription().id]"),
            SubscriptionProperty::SubscriptionId => f.write_str("[subscription().subscriptionId]"),
            SubscriptionProperty::Tag(name) => write!(f, "[subscription().tags[{}]]", Quoted(name)),
        },
        ValueExpr::ResourceGroup(property) => match property {
            ResourceGroupProperty::Name => f.write_str("[resourceGroup().name]"),
            ResourceGroupProperty::Id => f.write_str("[resourceGroup().id]"),
            ResourceGroupProperty::Location => f.write_str("[resourceGroup().location]"),
            ResourceGroupProperty::Tag(name) => {
                write!(f, "[resourceGroup().tags[{}]]", Quoted(name))
            }
        },
        ValueExpr::Parameter(name) => write!(f, "[parameters({})]", Quoted(name)),
        ValueExpr::Unsupported(expression) => f.write_str(expression),
    }
}

/// A name in single quotes, with `''` for a quote.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'")?;
        for (i, part) in self.0.split('\'').enumerate() {
            if i > 0 {
                f.write_str("''")?;
            }
            f.write_str(part)?;
        }
        f.write_str("'")
    }
}

/// A literal as JSON-like text: `"prod"`, `5`, `["a", "b"]`.
struct LiteralText<'a>(&'a Literal);

impl fmt::Display for LiteralText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Literal::String(text) => write!(f, "{text:?}"),
            Literal::Number(number) => write!(f, "{number}"),
            Literal::Bool(flag) => write!(f, "{flag}"),
            Literal::List(items) => write_list(f, items),
            Literal::Null => f.write_str("null"),
            Literal::Parameter(name) => write!(f, "[parameters({})]", Quoted(name)),
        }
    }
}

/// An array of literals: `["a", "b"]`.
fn write_list(f: &mut fmt::Formatter<'_>, items: &[Literal]) -> fmt::Result {
    f.write_str("[")?;
    for (i, item) in items.iter().enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        write!(f, "{separator}{}", LiteralText(item))?;
    }
    f.write_str("]")
}

#[cfg(test)]
mod tests;
