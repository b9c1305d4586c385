//! ARM template expressions: `[concat(parameters('prefix'), '-vnet')]`, parsed and evaluated.
//!
//! The grammar and the functions follow Microsoft's reference:
//! <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions> and
//! <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions>.
//! A string that starts with `[` and ends with `]` is an expression; `[[` starts a literal that keeps one `[`.
//! Function names are case-insensitive. What needs a live deployment (`reference()`, `listKeys()`,
//! `uniqueString()`, `guid()`, `utcNow()`) cannot be evaluated here: the evaluation fails with a reason that the
//! importer puts in its report.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

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
        Expr::Call(name, args) => call(name, args, cx),
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

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn as_str<'v>(value: &'v Value, function: &str) -> Eval<&'v str> {
    value.as_str().map_or_else(
        || fail(format!("`{function}` needs a string, not {}", kind(value))),
        Ok,
    )
}

fn as_int(value: &Value, function: &str) -> Eval<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .map_or_else(
        || {
            fail(format!(
                "`{function}` needs an integer, not {}",
                kind(value)
            ))
        },
        Ok,
    )
}

fn as_bool(value: &Value, function: &str) -> Eval<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => fail(format!("`{function}` needs a boolean, not {}", kind(value))),
    }
}

fn index_of(count: usize, i: i64) -> usize {
    usize::try_from(i.max(0)).unwrap_or(0).min(count)
}

/// `Microsoft.Network/virtualNetworks/subnets` and names `v`, `s`: `Microsoft.Network/virtualNetworks/v/subnets/s`.
pub(crate) fn type_and_names(kind: &str, names: &[String]) -> Eval<String> {
    let mut segments = kind.split('/');
    let namespace = segments.next().unwrap_or_default();
    let types: Vec<&str> = segments.collect();
    let names: Vec<&str> = names.iter().flat_map(|n| n.split('/')).collect();
    if types.len() != names.len() || types.is_empty() {
        return fail(format!(
            "the type `{kind}` needs {} names, not {}",
            types.len(),
            names.len()
        ));
    }
    let mut id = namespace.to_owned();
    for (t, n) in types.iter().zip(names) {
        id.push('/');
        id.push_str(t);
        id.push('/');
        id.push_str(n);
    }
    Ok(id)
}

/// A resource type followed by its names, as the `...ResourceId` functions take them.
fn typed(args: &[String]) -> Eval<String> {
    match args.split_first() {
        Some((kind, names)) => type_and_names(kind, names),
        None => fail("a resource id needs a resource type"),
    }
}

fn call(name: &str, args: &[Expr], cx: &mut Context) -> Eval<Value> {
    let lower = name.to_ascii_lowercase();
    // Functions whose arguments are not all evaluated first.
    match lower.as_str() {
        "if" => {
            let [condition, yes, no] = args else {
                return fail("`if` takes three arguments");
            };
            let condition = eval(condition, cx)?;
            return if as_bool(&condition, "if")? {
                eval(yes, cx)
            } else {
                eval(no, cx)
            };
        }
        "map" | "filter" => return map_or_filter(&lower, args, cx),
        "lambda" => return fail("`lambda` outside `map` or `filter` is not supported"),
        _ => {}
    }
    let values = args
        .iter()
        .map(|a| eval(a, cx))
        .collect::<Eval<Vec<Value>>>()?;
    let arg = |i: usize| values.get(i).unwrap_or(&Value::Null);
    let str_arg = |i: usize| as_str(arg(i), name);
    let strings = || {
        values
            .iter()
            .map(|v| as_str(v, name).map(str::to_owned))
            .collect::<Eval<Vec<String>>>()
    };
    Ok(match lower.as_str() {
        "parameters" => {
            let p = str_arg(0)?;
            if let Some(v) = cx.parameters.get(p) {
                v.clone()
            } else if let Some(why) = cx.missing.get(p) {
                return fail(why.clone());
            } else {
                return fail(format!("the template has no parameter `{p}`"));
            }
        }
        "variables" => {
            let v = str_arg(0)?;
            let Some(written) = cx.variables.get(v).cloned() else {
                return fail(format!("the template has no variable `{v}`"));
            };
            if cx.evaluating.iter().any(|e| e == v) {
                return fail(format!("the variable `{v}` refers to itself"));
            }
            cx.evaluating.push(v.to_owned());
            let value = eval_value(&written, cx);
            cx.evaluating.pop();
            value?
        }
        "lambdavariables" => {
            let v = str_arg(0)?;
            match cx.lambdas.iter().rev().find(|(n, _)| n == v) {
                Some((_, value)) => value.clone(),
                None => return fail(format!("no lambda variable `{v}`")),
            }
        }
        "copyindex" => {
            let (loop_name, offset) = match values.as_slice() {
                [] => (String::new(), 0),
                [Value::String(n)] => (n.clone(), 0),
                [offset] => (String::new(), as_int(offset, name)?),
                [n, offset, ..] => (as_str(n, name)?.to_owned(), as_int(offset, name)?),
            };
            let Some(i) = cx.copy.get(&loop_name) else {
                return fail("`copyIndex` outside a `copy` loop");
            };
            json!(i + offset)
        }
        "resourcegroup" => json!({
            "id": format!("/subscriptions/{}/resourceGroups/{}", cx.subscription, cx.resource_group),
            "name": cx.resource_group,
            "type": "Microsoft.Resources/resourceGroups",
            "location": cx.location,
            "properties": {"provisioningState": "Succeeded"},
        }),
        "subscription" => json!({
            "id": format!("/subscriptions/{}", cx.subscription),
            "subscriptionId": cx.subscription,
            "displayName": cx.subscription,
        }),
        "deployment" => json!({"name": "deployment", "properties": {}}),
        "resourceid" => {
            let all = strings()?;
            let Some(at) = all.iter().position(|s| s.contains('/')) else {
                return fail("`resourceId` needs a resource type");
            };
            let (scope, rest) = all.split_at(at);
            let (sub, rg) = match scope {
                [] => (cx.subscription.clone(), cx.resource_group.clone()),
                [rg] => (cx.subscription.clone(), rg.clone()),
                [sub, rg, ..] => (sub.clone(), rg.clone()),
            };
            json!(format!(
                "/subscriptions/{sub}/resourceGroups/{rg}/providers/{}",
                typed(rest)?
            ))
        }
        "subscriptionresourceid" => {
            let all = strings()?;
            let Some(at) = all.iter().position(|s| s.contains('/')) else {
                return fail("`subscriptionResourceId` needs a resource type");
            };
            let sub = match all.get(..at) {
                Some([sub, ..]) => sub.clone(),
                _ => cx.subscription.clone(),
            };
            let rest = all.get(at..).unwrap_or_default();
            json!(format!("/subscriptions/{sub}/providers/{}", typed(rest)?))
        }
        "tenantresourceid" => {
            let all = strings()?;
            json!(format!("/providers/{}", typed(&all)?))
        }
        "managementgroupresourceid" => {
            let all = strings()?;
            let Some(at) = all.iter().position(|s| s.contains('/')) else {
                return fail("`managementGroupResourceId` needs a resource type");
            };
            let Some([group, ..]) = all.get(..at) else {
                return fail(
                    "`managementGroupResourceId` without a management group needs a deployment at a management group",
                );
            };
            let rest = all.get(at..).unwrap_or_default();
            json!(format!(
                "/providers/Microsoft.Management/managementGroups/{group}/providers/{}",
                typed(rest)?
            ))
        }
        "extensionresourceid" => {
            let all = strings()?;
            let Some((scope, rest)) = all.split_first() else {
                return fail("`extensionResourceId` needs a scope");
            };
            json!(format!("{scope}/providers/{}", typed(rest)?))
        }
        "concat" => {
            if values.iter().all(Value::is_array) {
                Value::Array(
                    values
                        .iter()
                        .filter_map(Value::as_array)
                        .flatten()
                        .cloned()
                        .collect(),
                )
            } else {
                json!(values.iter().map(text).collect::<String>())
            }
        }
        "format" => json!(composite_format(
            str_arg(0)?,
            values.get(1..).unwrap_or_default()
        )?),
        "string" => json!(match arg(0) {
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            other => text(other),
        }),
        "int" => json!(as_int(arg(0), name)?),
        "bool" => json!(as_bool(arg(0), name)?),
        "json" => serde_json::from_str(str_arg(0)?)
            .or_else(|e| fail(format!("`json` cannot read its argument: {e}")))?,
        "tolower" => json!(str_arg(0)?.to_lowercase()),
        "toupper" => json!(str_arg(0)?.to_uppercase()),
        "trim" => json!(str_arg(0)?.trim()),
        "replace" => json!(str_arg(0)?.replace(str_arg(1)?, str_arg(2)?)),
        "split" => {
            let s = str_arg(0)?;
            let parts: Vec<&str> = match arg(1) {
                Value::Array(seps) => {
                    let seps: Vec<char> = seps
                        .iter()
                        .filter_map(Value::as_str)
                        .flat_map(str::chars)
                        .collect();
                    s.split(&seps[..]).collect()
                }
                sep => s.split(as_str(sep, name)?).collect(),
            };
            json!(parts)
        }
        "join" => {
            let Value::Array(items) = arg(0) else {
                return fail("`join` needs an array");
            };
            json!(items.iter().map(text).collect::<Vec<_>>().join(str_arg(1)?))
        }
        "startswith" => json!(
            str_arg(0)?
                .to_lowercase()
                .starts_with(&str_arg(1)?.to_lowercase())
        ),
        "endswith" => json!(
            str_arg(0)?
                .to_lowercase()
                .ends_with(&str_arg(1)?.to_lowercase())
        ),
        "indexof" | "lastindexof" => {
            let s = str_arg(0)?.to_lowercase();
            let needle = str_arg(1)?.to_lowercase();
            let found = if lower == "indexof" {
                s.find(&needle)
            } else {
                s.rfind(&needle)
            };
            found.map_or(json!(-1), |i| {
                json!(s.get(..i).unwrap_or("").chars().count())
            })
        }
        "substring" => {
            let chars: Vec<char> = str_arg(0)?.chars().collect();
            let start = index_of(chars.len(), as_int(arg(1), name)?);
            let end = match values.get(2) {
                Some(length) => index_of(chars.len(), as_int(length, name)?)
                    .saturating_add(start)
                    .min(chars.len()),
                None => chars.len(),
            };
            json!(
                chars
                    .get(start..end)
                    .unwrap_or_default()
                    .iter()
                    .collect::<String>()
            )
        }
        "padleft" => {
            let s = text(arg(0));
            let width = index_of(10_000, as_int(arg(1), name)?);
            let pad = values
                .get(2)
                .and_then(Value::as_str)
                .and_then(|p| p.chars().next())
                .unwrap_or(' ');
            let count = s.chars().count();
            let mut out: String = std::iter::repeat_n(pad, width.saturating_sub(count)).collect();
            out.push_str(&s);
            json!(out)
        }
        "length" => json!(match arg(0) {
            Value::String(s) => s.chars().count(),
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            other => return fail(format!("`length` of {}", kind(other))),
        }),
        "empty" => json!(match arg(0) {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        }),
        "contains" => json!(match arg(0) {
            Value::String(s) => s.contains(&text(arg(1))),
            Value::Array(a) => a.contains(arg(1)),
            Value::Object(o) => o.contains_key(&text(arg(1))),
            other => return fail(format!("`contains` in {}", kind(other))),
        }),
        "equals" => json!(arg(0) == arg(1)),
        "not" => json!(!as_bool(arg(0), name)?),
        "and" => json!(
            values
                .iter()
                .map(|v| as_bool(v, name))
                .collect::<Eval<Vec<bool>>>()?
                .into_iter()
                .all(|b| b)
        ),
        "or" => json!(
            values
                .iter()
                .map(|v| as_bool(v, name))
                .collect::<Eval<Vec<bool>>>()?
                .into_iter()
                .any(|b| b)
        ),
        "true" => json!(true),
        "false" => json!(false),
        "null" => Value::Null,
        "coalesce" => values
            .iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null),
        "createarray" => Value::Array(values),
        "array" => match arg(0) {
            Value::Array(a) => Value::Array(a.clone()),
            other => json!([other]),
        },
        "createobject" => {
            let mut map = Map::new();
            for pair in values.chunks(2) {
                if let [k, v] = pair {
                    map.insert(as_str(k, name)?.to_owned(), v.clone());
                } else {
                    return fail("`createObject` needs pairs of a name and a value");
                }
            }
            Value::Object(map)
        }
        "union" => {
            if values.iter().all(Value::is_object) {
                let mut map = Map::new();
                for v in values.iter().filter_map(Value::as_object) {
                    map.extend(v.clone());
                }
                Value::Object(map)
            } else {
                let mut out: Vec<Value> = Vec::new();
                for v in values.iter().filter_map(Value::as_array).flatten() {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
                Value::Array(out)
            }
        }
        "first" | "last" => match arg(0) {
            Value::Array(a) if lower == "first" => a.first().cloned().unwrap_or(Value::Null),
            Value::Array(a) => a.last().cloned().unwrap_or(Value::Null),
            Value::String(s) if lower == "first" => json!(s.chars().take(1).collect::<String>()),
            Value::String(s) => json!(s.chars().last().map(String::from).unwrap_or_default()),
            other => return fail(format!("`{name}` of {}", kind(other))),
        },
        "take" | "skip" => {
            let n = as_int(arg(1), name)?;
            match arg(0) {
                Value::Array(a) => {
                    let n = index_of(a.len(), n);
                    let part = if lower == "take" {
                        a.get(..n)
                    } else {
                        a.get(n..)
                    };
                    Value::Array(part.unwrap_or_default().to_vec())
                }
                Value::String(s) => {
                    let chars: Vec<char> = s.chars().collect();
                    let n = index_of(chars.len(), n);
                    let part = if lower == "take" {
                        chars.get(..n)
                    } else {
                        chars.get(n..)
                    };
                    json!(part.unwrap_or_default().iter().collect::<String>())
                }
                other => return fail(format!("`{name}` of {}", kind(other))),
            }
        }
        "range" => {
            let start = as_int(arg(0), name)?;
            let count = as_int(arg(1), name)?.clamp(0, 10_000);
            json!((start..start + count).collect::<Vec<i64>>())
        }
        "add" => json!(as_int(arg(0), name)?.saturating_add(as_int(arg(1), name)?)),
        "sub" => json!(as_int(arg(0), name)?.saturating_sub(as_int(arg(1), name)?)),
        "mul" => json!(as_int(arg(0), name)?.saturating_mul(as_int(arg(1), name)?)),
        "div" | "mod" => {
            let (a, b) = (as_int(arg(0), name)?, as_int(arg(1), name)?);
            if b == 0 {
                return fail(format!("`{name}` by zero"));
            }
            json!(if lower == "div" { a / b } else { a % b })
        }
        "min" | "max" => {
            let numbers: Vec<i64> = match values.as_slice() {
                [Value::Array(a)] => a.iter().map(|v| as_int(v, name)).collect::<Eval<_>>()?,
                _ => values
                    .iter()
                    .map(|v| as_int(v, name))
                    .collect::<Eval<_>>()?,
            };
            let found = if lower == "min" {
                numbers.iter().min()
            } else {
                numbers.iter().max()
            };
            found.map_or(Value::Null, |n| json!(n))
        }
        "greater" => json!(as_int(arg(0), name)? > as_int(arg(1), name)?),
        "greaterorequals" => json!(as_int(arg(0), name)? >= as_int(arg(1), name)?),
        "less" => json!(as_int(arg(0), name)? < as_int(arg(1), name)?),
        "lessorequals" => json!(as_int(arg(0), name)? <= as_int(arg(1), name)?),
        "tryget" => match (arg(0), arg(1)) {
            (Value::Object(o), Value::String(k)) => o.get(k).cloned().unwrap_or(Value::Null),
            (Value::Array(a), Value::Number(n)) => n
                .as_u64()
                .and_then(|i| a.get(usize::try_from(i).ok()?))
                .cloned()
                .unwrap_or(Value::Null),
            _ => Value::Null,
        },
        "items" => {
            let Value::Object(o) = arg(0) else {
                return fail("`items` needs an object");
            };
            json!(
                o.iter()
                    .map(|(k, v)| json!({"key": k, "value": v}))
                    .collect::<Vec<_>>()
            )
        }
        "reference" | "list" | "listkeys" | "listsecrets" | "uniquestring" | "guid" | "newguid"
        | "utcnow" | "environment" | "tenant" | "managementgroup" | "pickzones" | "providers"
        | "datauri" | "base64" => {
            return fail(format!(
                "`{name}()` needs a live Azure deployment and is not evaluated here"
            ));
        }
        _ if name.contains('.') => {
            return fail(format!(
                "`{name}` is a user-defined function of the template, which is not evaluated here"
            ));
        }
        _ => return fail(format!("the function `{name}` is not supported")),
    })
}

fn map_or_filter(function: &str, args: &[Expr], cx: &mut Context) -> Eval<Value> {
    let [items, Expr::Call(lambda, lambda_args)] = args else {
        return fail(format!("`{function}` takes an array and a `lambda`"));
    };
    let [Expr::Str(variable), body] = lambda_args.as_slice() else {
        return fail("`lambda` takes one variable name and a body");
    };
    if !lambda.eq_ignore_ascii_case("lambda") {
        return fail(format!("`{function}` takes a `lambda`"));
    }
    let Value::Array(items) = eval(items, cx)? else {
        return fail(format!("`{function}` needs an array"));
    };
    let mut out = Vec::new();
    for item in items {
        cx.lambdas.push((variable.clone(), item.clone()));
        let result = eval(body, cx);
        cx.lambdas.pop();
        let result = result?;
        if function == "map" {
            out.push(result);
        } else if as_bool(&result, function)? {
            out.push(item);
        }
    }
    Ok(Value::Array(out))
}

/// .NET composite formatting as `format()` uses it: `{0}`, `{1}`, with `{{` and `}}` for braces; a format
/// specifier after `:` is ignored.
fn composite_format(pattern: &str, args: &[Value]) -> Eval<String> {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut hole = String::new();
                for h in chars.by_ref() {
                    if h == '}' {
                        break;
                    }
                    hole.push(h);
                }
                let index = hole.split([':', ',']).next().unwrap_or_default().trim();
                let Some(value) = index.parse::<usize>().ok().and_then(|i| args.get(i)) else {
                    return fail(format!("`format` has no argument for `{{{hole}}}`"));
                };
                out.push_str(&match value {
                    Value::Bool(true) => "True".to_owned(),
                    Value::Bool(false) => "False".to_owned(),
                    other => text(other),
                });
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        let mut cx = Context {
            subscription: "sub".to_owned(),
            resource_group: "rg".to_owned(),
            location: "westeurope".to_owned(),
            ..Context::default()
        };
        cx.parameters.insert("prefix".to_owned(), json!("hub"));
        cx.parameters.insert("count".to_owned(), json!(3));
        cx.parameters.insert(
            "groups".to_owned(),
            json!([{"id": "/g1", "isGlobal": true}, {"id": "/g2"}]),
        );
        cx.missing.insert(
            "name".to_owned(),
            "the parameter `name` has no default value and none was given".to_owned(),
        );
        cx.copy.insert("x".to_owned(), 0);
        cx.variables.insert(
            "vnetName".to_owned(),
            json!("[concat(parameters('prefix'), '-vnet')]"),
        );
        cx.variables
            .insert("loop".to_owned(), json!("[concat('a', variables('loop'))]"));
        cx.variables
            .insert("spaces".to_owned(), json!(["10.0.0.0/16", "[[literal]"]));
        cx
    }

    #[track_caller]
    fn check(text: &str, expected: Value) {
        let mut cx = context();
        assert_eq!(eval_str(text, &mut cx), Ok(expected), "{text}");
    }

    #[track_caller]
    fn check_fails(text: &str, reason: &str) {
        let mut cx = context();
        match eval_str(text, &mut cx) {
            Err(Unevaluated(r)) => assert!(r.contains(reason), "`{r}` should contain `{reason}`"),
            Ok(v) => panic!("`{text}` should not evaluate, gave {v}"),
        }
    }

    #[test]
    fn parameters_variables_and_strings() {
        check("[parameters('prefix')]", json!("hub"));
        check("[variables('vnetName')]", json!("hub-vnet"));
        check("[variables('spaces')[1]]", json!("[literal]"));
        check(
            "[concat('it''s', ' ', parameters('count'))]",
            json!("it's 3"),
        );
        check(
            "[concat(createArray(1), createArray(2, 3))]",
            json!([1, 2, 3]),
        );
        check(
            "[format('{0}/{1}-{{x}}', 'nm', parameters('count'))]",
            json!("nm/3-{x}"),
        );
        check("[toLower('ABC')]", json!("abc"));
        check("[replace('-..--..-', '.', '-')]", json!("--------"));
        check("[substring('abcdef', 1, 3)]", json!("bcd"));
        check("[split('a/b/c', '/')[2]]", json!("c"));
        check("[string(true)]", json!("True"));
        check("[length(parameters('groups'))]", json!(2));
        check("[last(split('x/y', '/'))]", json!("y"));
        check("[PARAMETERS('groups')[0].id]", json!("/g1"));
    }

    #[test]
    fn resource_ids() {
        check(
            "[resourceId('Microsoft.Network/virtualNetworks', 'v')]",
            json!(
                "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
            ),
        );
        check(
            "[resourceId('other', 'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]",
            json!(
                "/subscriptions/sub/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
            ),
        );
        check(
            "[resourceId('s2', 'other', 'Microsoft.Network/networkManagers/networkGroups', 'nm/g')]",
            json!(
                "/subscriptions/s2/resourceGroups/other/providers/Microsoft.Network/networkManagers/nm/networkGroups/g"
            ),
        );
        check(
            "[subscriptionResourceId('Microsoft.Authorization/policyDefinitions', 'd')]",
            json!("/subscriptions/sub/providers/Microsoft.Authorization/policyDefinitions/d"),
        );
        check(
            "[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]",
            json!("/providers/Microsoft.Management/managementGroups/mg"),
        );
        check("[resourceGroup().location]", json!("westeurope"));
        check("[subscription().subscriptionId]", json!("sub"));
        check_fails(
            "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v')]",
            "needs 2 names, not 1",
        );
    }

    #[test]
    fn logic_lambdas_and_objects() {
        check(
            "[if(equals(parameters('count'), 3), 'yes', parameters('name'))]",
            json!("yes"),
        );
        check("[and(true(), not(false))]", json!(true));
        check("[coalesce(null(), 'x')]", json!("x"));
        check(
            "[map(parameters('groups'), lambda('g', createObject('networkGroupId', lambdaVariables('g').id, 'isGlobal', string(coalesce(tryGet(lambdaVariables('g'), 'isGlobal'), false())))))]",
            json!([{"networkGroupId": "/g1", "isGlobal": "True"}, {"networkGroupId": "/g2", "isGlobal": "False"}]),
        );
        check(
            "[filter(parameters('groups'), lambda('g', contains(lambdaVariables('g'), 'isGlobal')))]",
            json!([{"id": "/g1", "isGlobal": true}]),
        );
        check(
            "[union(createObject('a', 1), createObject('b', 2))]",
            json!({"a": 1, "b": 2}),
        );
        check("[range(1, 3)]", json!([1, 2, 3]));
        check("[add(copyIndex('x', 1), 0)]", json!(1));
    }

    #[test]
    fn what_cannot_be_evaluated_says_why() {
        check_fails("[parameters('name')]", "has no default value");
        check_fails("[parameters('nope')]", "no parameter `nope`");
        check_fails(
            "[uniqueString(resourceGroup().id)]",
            "needs a live Azure deployment",
        );
        check_fails("[reference('x').outputs]", "needs a live Azure deployment");
        check_fails(
            "[frobnicate(1)]",
            "the function `frobnicate` is not supported",
        );
        check_fails("[concat('a', ]", "ends too early");
        check_fails("[concat('a') x]", "unexpected `x`");
        check_fails("[concat('a'", "expected `,` or `)`");
        check_fails("[copyIndex()]", "outside a `copy` loop");
        check_fails("[variables('spaces')[5]]", "outside the array");
        check_fails(
            "[variables('loop')]",
            "the variable `loop` refers to itself",
        );
        let deep = format!("[{}'x'{}]", "string(".repeat(100), ")".repeat(100));
        check_fails(&deep, "nested more than 64 deep");
    }

    #[test]
    fn literals_and_escapes() {
        assert!(is_expression("[parameters('a')]"));
        assert!(!is_expression("[[parameters('a')]"));
        assert!(!is_expression("10.0.0.0/16"));
        assert_eq!(unescape("[[x]"), "[x]");
    }
}
