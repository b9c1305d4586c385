//! The template functions: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions>.
//! Each takes its evaluated arguments (but `if`, `map` and `filter`, which evaluate their own) and gives a JSON
//! value, or the reason it cannot.

use serde_json::{Map, Value, json};

use super::{Context, Eval, Expr, eval, eval_value, fail, kind};

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

pub(super) fn call(name: &str, args: &[Expr], cx: &mut Context) -> Eval<Value> {
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
            json!(i.saturating_add(offset))
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
            // Without a resource group, the id is at the deployment's own scope.
            if let ([], Some(prefix)) = (scope, &cx.scope_prefix) {
                return Ok(json!(format!("{prefix}/providers/{}", typed(rest)?)));
            }
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
            let Some(end) = start.checked_add(count) else {
                return fail(format!(
                    "`range` from {start} with {count} items goes past the largest integer"
                ));
            };
            json!((start..end).collect::<Vec<i64>>())
        }
        "add" => json!(as_int(arg(0), name)?.saturating_add(as_int(arg(1), name)?)),
        "sub" => json!(as_int(arg(0), name)?.saturating_sub(as_int(arg(1), name)?)),
        "mul" => json!(as_int(arg(0), name)?.saturating_mul(as_int(arg(1), name)?)),
        "div" | "mod" => {
            let (a, b) = (as_int(arg(0), name)?, as_int(arg(1), name)?);
            if b == 0 {
                return fail(format!("`{name}` by zero"));
            }
            let result = if lower == "div" {
                a.checked_div(b)
            } else {
                a.checked_rem(b)
            };
            let Some(result) = result else {
                return fail(format!(
                    "`{name}` of {a} by {b} is past the largest integer"
                ));
            };
            json!(result)
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
