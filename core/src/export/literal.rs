//! Values written in each format's own syntax, with the escaping each needs: JSON with its keys in the
//! order written, ARM's `[` escape, Bicep's and HCL's strings and interpolation escapes, shell quoting, and
//! symbolic names.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

/// A JSON value whose objects keep the order their keys were written in.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    /// Any value from the document (its objects in key order).
    Value(Value),
    /// An object in the order written.
    Object(Vec<(String, Json)>),
    /// An array.
    Array(Vec<Json>),
}

impl Json {
    /// A string.
    pub fn str(s: impl Into<String>) -> Json {
        Json::Value(Value::String(s.into()))
    }

    /// Pretty-printed, two spaces per level.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, level: usize) {
        match self {
            Json::Value(Value::Object(map)) if !map.is_empty() => {
                let entries: Vec<(String, Json)> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::Value(v.clone())))
                    .collect();
                Json::Object(entries).write(out, level);
            }
            Json::Value(Value::Array(items)) if !items.is_empty() => {
                Json::Array(items.iter().cloned().map(Json::Value).collect()).write(out, level);
            }
            Json::Value(v) => out.push_str(&v.to_string()),
            Json::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Json::Object(entries) => {
                out.push_str("{\n");
                for (n, (k, v)) in entries.iter().enumerate() {
                    indent(out, level + 1);
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    v.write(out, level + 1);
                    if n + 1 < entries.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                indent(out, level);
                out.push('}');
            }
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Array(items) => {
                out.push_str("[\n");
                for (n, v) in items.iter().enumerate() {
                    indent(out, level + 1);
                    v.write(out, level + 1);
                    if n + 1 < items.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                indent(out, level);
                out.push(']');
            }
        }
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// A document value made literal for an ARM template: a string that starts with `[` would be read as an
/// expression, so it is written `[[`.
pub(crate) fn arm_literal(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(arm_text(s)),
        Value::Array(items) => Value::Array(items.iter().map(arm_literal).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), arm_literal(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A literal string of an ARM template.
pub(crate) fn arm_text(s: &str) -> String {
    if s.starts_with('[') {
        format!("[{s}")
    } else {
        s.to_owned()
    }
}

/// A string inside an ARM template expression: `'...'` with `'` doubled.
pub(crate) fn arm_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A Bicep string literal: `'...'` with `\`, `'`, `${` and control characters escaped.
pub(crate) fn bicep_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A Bicep value for a document value, indented at `level` (two spaces each); a string for which `resolve`
/// gives an expression (a symbolic reference such as `vnetHub.id`) is written as that expression.
pub(crate) fn bicep_value(
    value: &Value,
    level: usize,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> String {
    let pad = "  ".repeat(level + 1);
    let end = "  ".repeat(level);
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => bicep_number(n),
        Value::String(s) => resolve(s).unwrap_or_else(|| bicep_string(s)),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Array(items) => {
            let mut out = String::from("[\n");
            for v in items {
                let _ = writeln!(out, "{pad}{}", bicep_value(v, level + 1, resolve));
            }
            out.push_str(&end);
            out.push(']');
            out
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let mut out = String::from("{\n");
            for (k, v) in map {
                let _ = writeln!(
                    out,
                    "{pad}{}: {}",
                    bicep_key(k),
                    bicep_value(v, level + 1, resolve)
                );
            }
            out.push_str(&end);
            out.push('}');
            out
        }
    }
}

/// Bicep has integers only: other numbers are written with `json('...')`.
fn bicep_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        n.to_string()
    } else {
        format!("json('{n}')")
    }
}

/// An object key: bare when it is an identifier, quoted otherwise.
pub(crate) fn bicep_key(k: &str) -> String {
    if is_identifier(k) {
        k.to_owned()
    } else {
        bicep_string(k)
    }
}

fn is_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An HCL string literal: `"..."` with `\`, `"`, `${` and `%{` escaped.
pub(crate) fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("$$"),
            '%' if chars.peek() == Some(&'{') => out.push_str("%%"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An HCL value for a document value (objects as maps with quoted keys), indented at `level`; a string for
/// which `resolve` gives an expression (a reference such as `azurerm_x.y.id`) is written as that expression.
pub(crate) fn hcl_value(
    value: &Value,
    level: usize,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> String {
    let pad = "  ".repeat(level + 1);
    let end = "  ".repeat(level);
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => resolve(s).unwrap_or_else(|| hcl_string(s)),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Array(items) => {
            let mut out = String::from("[\n");
            for v in items {
                let _ = writeln!(out, "{pad}{},", hcl_value(v, level + 1, resolve));
            }
            out.push_str(&end);
            out.push(']');
            out
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let mut out = String::from("{\n");
            for (k, v) in map {
                let _ = writeln!(
                    out,
                    "{pad}{} = {}",
                    hcl_string(k),
                    hcl_value(v, level + 1, resolve)
                );
            }
            out.push_str(&end);
            out.push('}');
            out
        }
    }
}

/// A word for a POSIX shell: bare when it is safe, single-quoted otherwise.
pub(crate) fn shell(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Unique symbolic names (Bicep identifiers, Terraform resource names) made from Azure names.
#[derive(Debug, Default)]
pub(crate) struct Names {
    used: BTreeSet<String>,
}

impl Names {
    /// A new name like `base` in the given case style, unique among those given out.
    pub fn unique(&mut self, base: &str, camel: bool) -> String {
        let mut words: Vec<String> = base
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        if words.is_empty() {
            words.push("resource".to_owned());
        }
        let mut name = if camel {
            let mut s = String::new();
            for (i, w) in words.iter().enumerate() {
                if i == 0 {
                    s.push_str(w);
                } else {
                    let mut cs = w.chars();
                    if let Some(f) = cs.next() {
                        s.push(f.to_ascii_uppercase());
                        s.push_str(cs.as_str());
                    }
                }
            }
            s
        } else {
            words.join("_")
        };
        if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            name.insert(0, if camel { 'r' } else { '_' });
        }
        let mut candidate = name.clone();
        let mut n = 2;
        while !self.used.insert(candidate.to_ascii_lowercase()) {
            candidate = format!("{name}{}{n}", if camel { "" } else { "_" });
            n += 1;
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_for_each_language() {
        assert_eq!(bicep_string("it's ${x} \\"), r"'it\'s \${x} \\'");
        assert_eq!(hcl_string("say \"${x}\" %{y}"), r#""say \"$${x}\" %%{y}""#);
        assert_eq!(shell("rg-spokes"), "rg-spokes");
        assert_eq!(shell("it's"), r"'it'\''s'");
        assert_eq!(shell("a b"), "'a b'");
        assert_eq!(arm_text("[not an expression]"), "[[not an expression]");
        assert_eq!(arm_quote("o'neil"), "'o''neil'");
    }

    #[test]
    fn symbolic_names_are_identifiers_and_unique() {
        let mut names = Names::default();
        assert_eq!(names.unique("vnet-hub", true), "vnetHub");
        assert_eq!(names.unique("vnet-hub", true), "vnetHub2");
        assert_eq!(names.unique("10.0 net", false), "_10_0_net");
        assert_eq!(names.unique("\"'", false), "resource");
    }

    #[test]
    fn ordered_json_keeps_its_order() {
        let j = Json::Object(vec![
            ("b".into(), Json::str("x")),
            ("a".into(), Json::Array(vec![])),
        ]);
        assert_eq!(j.pretty(), "{\n  \"b\": \"x\",\n  \"a\": []\n}\n");
    }
}
