//! ARM template expressions: `[concat(parameters('prefix'), '-vnet')]`, parsed and evaluated.
//!
//! The grammar and the functions follow Microsoft's reference:
//! <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions> and
//! <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions>.
//! A string that starts with `[` and ends with `]` is an expression; `[[` starts a literal that keeps one `[`.
//! Function names are case-insensitive. What needs a live deployment (`reference()`, `listKeys()`,
//! `uniqueString()`, `guid()`, `utcNow()`) cannot be evaluated here: the evaluation fails with a reason that the
//! importer puts in its report.

mod functions;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{Map, Value, json};

use self::functions::call;
pub(crate) use self::functions::type_and_names;

/// An expression that could not be evaluated, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unevaluated(pub(crate) String);

type Eval<T> = Result<T, Unevaluated>;

fn fail<T>(reason: impl Into<String>) -> Eval<T> {
    Err(Unevaluated(reason.into()))
}

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    /// `'text'`
    Str(String),
    /// `42`, `-1`
    Int(i64),
    /// `true`, `false`, `null` written without parentheses.
    Literal(Value),
    /// `name(args)`
    Call(String, Vec<Expr>),
    /// `expr.name`
    Member(Box<Expr>, String),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
}

/// Whether a JSON string is an expression; `[[...]` is a literal.
pub(crate) fn is_expression(text: &str) -> bool {
    let t = text.trim();
    t.starts_with('[') && t.ends_with(']') && !t.starts_with("[[")
}

/// The literal a `[[...]` string stands for, or the string itself.
pub(crate) fn unescape(text: &str) -> &str {
    if text.trim_start().starts_with("[[") {
        text.trim_start().get(1..).unwrap_or(text)
    } else {
        text
    }
}

/// Parses the inside of `[...]`.
pub(crate) fn parse(text: &str) -> Eval<Expr> {
    let t = text.trim();
    let inner = t.strip_prefix('[').unwrap_or(t);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    let mut parser = Parser {
        chars: inner.chars().collect(),
        at: 0,
        depth: 0,
    };
    let expr = parser.expr()?;
    parser.blank();
    if parser.at < parser.chars.len() {
        return fail(format!("unexpected `{}`", parser.rest()));
    }
    Ok(expr)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

/// How deep calls may nest in one expression (templates nest a handful).
const MAX_NESTING: usize = 64;

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn rest(&self) -> String {
        self.chars
            .get(self.at..)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    fn blank(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.blank();
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Eval<Expr> {
        self.depth += 1;
        let expr = if self.depth > MAX_NESTING {
            fail(format!("calls nested more than {MAX_NESTING} deep"))
        } else {
            self.term()
        };
        self.depth -= 1;
        expr
    }

    fn term(&mut self) -> Eval<Expr> {
        self.blank();
        let mut expr = match self.peek() {
            Some('\'') => Expr::Str(self.string()?),
            Some(c) if c.is_ascii_digit() || c == '-' => self.number()?,
            Some(c) if c.is_alphabetic() || c == '_' => {
                let mut name = self.name();
                // `namespace.function(...)`: a user-defined function of the template.
                let back = self.at;
                if self.peek() == Some('.') {
                    self.at += 1;
                    let member = self.name();
                    self.blank();
                    if !member.is_empty() && self.peek() == Some('(') {
                        name = format!("{name}.{member}");
                    } else {
                        self.at = back;
                    }
                }
                if self.eat('(') {
                    let mut args = Vec::new();
                    if !self.eat(')') {
                        loop {
                            args.push(self.expr()?);
                            if self.eat(')') {
                                break;
                            }
                            if !self.eat(',') {
                                return fail(format!(
                                    "expected `,` or `)` before `{}`",
                                    self.rest()
                                ));
                            }
                        }
                    }
                    Expr::Call(name, args)
                } else {
                    match name.to_ascii_lowercase().as_str() {
                        "true" => Expr::Literal(Value::Bool(true)),
                        "false" => Expr::Literal(Value::Bool(false)),
                        "null" => Expr::Literal(Value::Null),
                        _ => return fail(format!("`{name}` is not a function call")),
                    }
                }
            }
            Some(c) => return fail(format!("unexpected `{c}`")),
            None => return fail("the expression ends too early"),
        };
        loop {
            if self.eat('.') {
                self.blank();
                let name = self.name();
                if name.is_empty() {
                    return fail("expected a property name after `.`");
                }
                expr = Expr::Member(Box::new(expr), name);
            } else if self.eat('[') {
                let index = self.expr()?;
                if !self.eat(']') {
                    return fail("expected `]`");
                }
                expr = Expr::Index(Box::new(expr), Box::new(index));
            } else {
                return Ok(expr);
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        {
            name.push(c);
            self.at += 1;
        }
        name
    }

    fn string(&mut self) -> Eval<String> {
        self.at += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return fail("a string is not closed with `'`"),
                Some('\'') => {
                    self.at += 1;
                    if self.peek() == Some('\'') {
                        text.push('\'');
                        self.at += 1;
                    } else {
                        return Ok(text);
                    }
                }
                Some(c) => {
                    text.push(c);
                    self.at += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Eval<Expr> {
        let mut text = String::new();
        if self.peek() == Some('-') {
            text.push('-');
            self.at += 1;
        }
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            text.push(c);
            self.at += 1;
        }
        text.parse()
            .map(Expr::Int)
            .or_else(|_| fail(format!("`{text}` is not a number")))
    }
}

/// The most work the expressions of one import may do, in units: one per function call, and one per character
/// of a string, item of an array or member of an object that a call returns.
///
/// Variables that refer to each other can double a value at each step (`concat(variables('v'), variables('v'))`),
/// so without a limit a small template could take exponential time and memory.
pub(crate) const MAX_WORK: usize = 1 << 24;

/// The most copies that the `copy` loops of one import may make in all (resources, properties and variables).
///
/// One loop makes at most 800 (Azure's limit), but loops multiply through nested deployments: four levels of
/// 800 would be 409,600,000,000 resources.
pub(crate) const MAX_COPIES: usize = 20_000;

/// The work done and the copies made so far, shared by every [`Context`] of one import (a nested
/// deployment's included).
#[derive(Clone, Debug, Default)]
pub(crate) struct Work(Rc<Cell<(usize, usize)>>);

impl Work {
    /// Counts `units` more; fails once the total is past [`MAX_WORK`], and from then on at every call.
    pub(crate) fn add(&self, units: usize) -> Eval<()> {
        let (work, copies) = self.0.get();
        let work = work.saturating_add(units);
        self.0.set((work, copies));
        if work > MAX_WORK {
            fail(format!(
                "the template's expressions do more than {MAX_WORK} units of work (calls, and characters or items of the values they make), the import's limit"
            ))
        } else {
            Ok(())
        }
    }

    /// Counts one more copy of a `copy` loop; fails once the total is past [`MAX_COPIES`].
    pub(crate) fn copy(&self) -> Eval<()> {
        let (work, copies) = self.0.get();
        let copies = copies.saturating_add(1);
        self.0.set((work, copies));
        if copies > MAX_COPIES {
            fail(format!(
                "the template's `copy` loops make more than {MAX_COPIES} copies in all, the import's limit"
            ))
        } else {
            Ok(())
        }
    }
}

/// Where the template is deployed, and the values its expressions read.
#[derive(Clone, Debug, Default)]
pub(crate) struct Context {
    /// Parameter values: given, else defaults (already evaluated).
    pub(crate) parameters: BTreeMap<String, Value>,
    /// Why a parameter has no value (no default and none given, or a default that could not be evaluated).
    pub(crate) missing: BTreeMap<String, String>,
    /// Variables, as written (evaluated when read).
    pub(crate) variables: Map<String, Value>,
    /// The subscription id (a GUID, without `/subscriptions/`).
    pub(crate) subscription: String,
    /// The resource group name.
    pub(crate) resource_group: String,
    /// The location of the resource group.
    pub(crate) location: String,
    /// The index of each `copy` loop being expanded, and of the innermost one under the empty name.
    pub(crate) copy: BTreeMap<String, i64>,
    /// Lambda variables in scope.
    pub(crate) lambdas: Vec<(String, Value)>,
    /// Variables being evaluated, to refuse a variable that refers to itself.
    pub(crate) evaluating: Vec<String>,
    /// The deployment's scope when it is not a resource group (`/subscriptions/s`, a management group's id, or
    /// empty for the tenant): where `resourceId()` without a resource group points.
    pub(crate) scope_prefix: Option<String>,
    /// The work done so far by the import's expressions and loops.
    pub(crate) work: Work,
}

/// Evaluates every expression in a JSON value: strings that are expressions are replaced by their value.
pub(crate) fn eval_value(value: &Value, cx: &mut Context) -> Eval<Value> {
    match value {
        Value::String(s) if is_expression(s) => eval_str(s, cx),
        Value::String(s) => Ok(Value::String(unescape(s).to_owned())),
        Value::Array(items) => items
            .iter()
            .map(|v| eval_value(v, cx))
            .collect::<Eval<_>>()
            .map(Value::Array),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| Ok((k.clone(), eval_value(v, cx)?)))
            .collect::<Eval<_>>()
            .map(Value::Object),
        other => Ok(other.clone()),
    }
}

/// Parses and evaluates one expression string.
pub(crate) fn eval_str(text: &str, cx: &mut Context) -> Eval<Value> {
    let expr = parse(text)?;
    eval(&expr, cx)
}

/// Evaluates a parsed expression.
pub(crate) fn eval(expr: &Expr, cx: &mut Context) -> Eval<Value> {
    match expr {
        Expr::Str(s) => Ok(Value::String(s.clone())),
        Expr::Int(i) => Ok(json!(i)),
        Expr::Literal(v) => Ok(v.clone()),
        Expr::Member(target, name) => {
            let value = eval(target, cx)?;
            member(&value, name)
        }
        Expr::Index(target, index) => {
            let value = eval(target, cx)?;
            let index = eval(index, cx)?;
            match (&value, &index) {
                (Value::Array(items), Value::Number(n)) => n
                    .as_u64()
                    .and_then(|i| items.get(usize::try_from(i).ok()?))
                    .cloned()
                    .map_or_else(|| fail(format!("index `{n}` is outside the array")), Ok),
                (_, Value::String(name)) => member(&value, name),
                _ => fail(format!(
                    "cannot index {} with {}",
                    kind(&value),
                    kind(&index)
                )),
            }
        }
        Expr::Call(name, args) => {
            cx.work.add(1)?;
            let value = call(name, args, cx)?;
            cx.work.add(match &value {
                Value::String(s) => s.len(),
                Value::Array(items) => items.len(),
                Value::Object(map) => map.len(),
                _ => 0,
            })?;
            Ok(value)
        }
    }
}

fn member(value: &Value, name: &str) -> Eval<Value> {
    let Value::Object(map) = value else {
        return fail(format!("cannot read `.{name}` of {}", kind(value)));
    };
    map.get(name)
        .or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
        .cloned()
        .map_or_else(|| fail(format!("the object has no property `{name}`")), Ok)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
