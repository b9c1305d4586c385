//! ARM deployment templates: the resources a deployment would create, with their expressions evaluated.
//!
//! Follows <https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax>: `parameters` (values
//! given in a parameters file, else `defaultValue`), `variables` (with `copy`), `resources` as an array or, with
//! `languageVersion` 2.0, an object of symbolic names; nested child `resources` (short type and name, completed
//! from the parent), `copy` loops at resource and property level, `condition`, `existing` resources (referred to,
//! not deployed), and nested deployments with an inline `template`.
//! The deployment scope comes from `$schema`; the template is read as deployed to
//! [`SUBSCRIPTION`]/[`RESOURCE_GROUP`] in [`LOCATION`], and the report says so.

use serde_json::{Map, Value, json};

use super::ReportKind;
use super::expr::{self, Context, Unevaluated};
use super::resource::Note;
use crate::scenario::field::{escaped, shown};

/// The subscription a template is read as deployed to.
pub(crate) const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";
/// The resource group a template is read as deployed to.
pub(crate) const RESOURCE_GROUP: &str = "rg";
/// The management group a management-group template is read as deployed to.
const MANAGEMENT_GROUP: &str = "mg";
/// The location of that resource group, for `resourceGroup().location`.
pub(crate) const LOCATION: &str = "westeurope";

/// Loops larger than this are cut (a design of that size is a generator's job).
const MAX_COPIES: i64 = 800;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    ResourceGroup,
    Subscription,
    ManagementGroup,
    Tenant,
}

/// Whether a JSON object is an ARM deployment template.
pub(crate) fn is_template(map: &Map<String, Value>) -> bool {
    let schema = schema(map);
    schema.contains("deploymenttemplate")
        || (map.contains_key("contentVersion") && map.contains_key("resources"))
        || (map.contains_key("languageVersion") && map.contains_key("resources"))
}

/// Whether a JSON object is an ARM parameters file.
pub(crate) fn is_parameters(map: &Map<String, Value>) -> bool {
    schema(map).contains("deploymentparameters")
}

fn schema(map: &Map<String, Value>) -> String {
    map.get("$schema")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The values of a parameters file (`{"parameters": {"name": {"value": ...}}}`), with notes for values it
/// cannot give (Key Vault references).
pub(crate) fn parameter_values(
    map: &Map<String, Value>,
    notes: &mut Vec<Note>,
) -> Map<String, Value> {
    let mut values = Map::new();
    if let Some(Value::Object(params)) = map.get("parameters") {
        for (name, p) in params {
            match p.get("value") {
                Some(v) => {
                    values.insert(name.clone(), v.clone());
                    notes.push((
                        ReportKind::Read,
                        format!("parameters.{name}"),
                        format!("the value of parameter `{name}`"),
                    ));
                }
                None => notes.push((
                    ReportKind::Skipped,
                    format!("parameters.{name}"),
                    format!(
                        "parameter `{name}` has no `value` (a Key Vault reference is not read)"
                    ),
                )),
            }
        }
    }
    values
}

/// The resources a template deploys, each with the JSON path it comes from, and notes of what was skipped,
/// inferred or could not be evaluated.
pub(crate) fn read(
    template: &Map<String, Value>,
    given: &Map<String, Value>,
    path: &str,
) -> (Vec<(Value, String)>, Vec<Note>) {
    let mut reader = Reader {
        resources: Vec::new(),
        notes: Vec::new(),
        scope: scope(template),
        management_group: MANAGEMENT_GROUP.to_owned(),
    };
    let mut cx = Context {
        subscription: SUBSCRIPTION.to_owned(),
        resource_group: RESOURCE_GROUP.to_owned(),
        location: LOCATION.to_owned(),
        ..Context::default()
    };
    let at = match reader.scope {
        Scope::ResourceGroup => format!(
            "resource group `{RESOURCE_GROUP}` of subscription `{SUBSCRIPTION}` in `{LOCATION}`"
        ),
        Scope::Subscription => format!("subscription `{SUBSCRIPTION}`"),
        Scope::ManagementGroup => format!("management group `{MANAGEMENT_GROUP}`"),
        Scope::Tenant => "the tenant".to_owned(),
    };
    reader.notes.push((
        ReportKind::Inferred,
        path.to_owned(),
        format!("an ARM template, read as deployed to {at}"),
    ));
    reader.template(template, given, path, &mut cx, true);
    (reader.resources, reader.notes)
}

fn scope(template: &Map<String, Value>) -> Scope {
    let schema = schema(template);
    if schema.contains("subscriptiondeploymenttemplate") {
        Scope::Subscription
    } else if schema.contains("managementgroupdeploymenttemplate") {
        Scope::ManagementGroup
    } else if schema.contains("tenantdeploymenttemplate") {
        Scope::Tenant
    } else {
        Scope::ResourceGroup
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

struct Reader {
    resources: Vec<(Value, String)>,
    notes: Vec<Note>,
    scope: Scope,
    /// The management group deployed to, at management group scope.
    management_group: String,
}

/// The type and full name of the parent of nested resources.
struct Parent {
    kind: String,
    name: String,
}

impl Reader {
    fn unevaluated(&mut self, path: &str, written: &Value, why: &Unevaluated, consequence: &str) {
        let text = match written {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.notes.push((
            ReportKind::Unevaluated,
            path.to_owned(),
            format!(
                "`{}`: {}; {consequence}",
                shown(&text),
                escaped(why.0.chars())
            ),
        ));
    }

    fn template(
        &mut self,
        template: &Map<String, Value>,
        given: &Map<String, Value>,
        path: &str,
        cx: &mut Context,
        fresh: bool,
    ) {
        cx.scope_prefix = match self.scope {
            Scope::ResourceGroup => None,
            Scope::Subscription => Some(format!("/subscriptions/{}", cx.subscription)),
            Scope::ManagementGroup => Some(format!(
                "/providers/Microsoft.Management/managementGroups/{}",
                self.management_group
            )),
            Scope::Tenant => Some(String::new()),
        };
        if fresh {
            cx.parameters.clear();
            cx.missing.clear();
            cx.variables.clear();
        }
        if let Some(Value::Object(params)) = template.get("parameters") {
            for (name, declared) in params {
                let at = join(path, &format!("parameters.{name}"));
                if let Some(value) = given.get(name) {
                    cx.parameters.insert(name.clone(), value.clone());
                } else if let Some(default) = declared.get("defaultValue") {
                    match expr::eval_value(default, cx) {
                        Ok(value) => {
                            cx.parameters.insert(name.clone(), value);
                        }
                        Err(why) => {
                            cx.missing.insert(
                                name.clone(),
                                format!("the default of parameter `{name}` cannot be evaluated"),
                            );
                            self.unevaluated(&at, default, &why, "the parameter has no value");
                        }
                    }
                } else if declared.get("nullable").and_then(Value::as_bool) == Some(true) {
                    cx.parameters.insert(name.clone(), Value::Null);
                } else {
                    let why = format!("parameter `{name}` has no default value and none was given");
                    self.notes.push((ReportKind::Unevaluated, at, why.clone()));
                    cx.missing.insert(name.clone(), why);
                }
            }
        }
        for name in given.keys() {
            let declared = template
                .get("parameters")
                .and_then(Value::as_object)
                .is_some_and(|p| p.contains_key(name));
            if !declared {
                self.notes.push((
                    ReportKind::Skipped,
                    join(path, "parameters"),
                    format!("the template has no parameter `{name}`: its value is not used"),
                ));
            }
        }
        if let Some(Value::Object(variables)) = template.get("variables") {
            cx.variables.extend(variables.clone());
        }
        self.variable_copies(path, cx);
        match template.get("resources") {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.resource(item, &format!("{}[{i}]", join(path, "resources")), None, cx);
                }
            }
            Some(Value::Object(symbols)) => {
                for (symbol, item) in symbols {
                    self.resource(item, &join(path, &format!("resources.{symbol}")), None, cx);
                }
            }
            _ => {}
        }
    }

    /// `variables.copy`: arrays built by loops, evaluated once.
    fn variable_copies(&mut self, path: &str, cx: &mut Context) {
        let Some(Value::Array(loops)) = cx.variables.remove("copy") else {
            return;
        };
        for (i, spec) in loops.iter().enumerate() {
            let at = format!("{}[{i}]", join(path, "variables.copy"));
            match self.copy_array(spec, cx) {
                Ok((name, items)) => {
                    cx.variables.insert(name, Value::Array(items));
                }
                Err(why) => self.unevaluated(&at, spec, &why, "the variable has no value"),
            }
        }
    }

    /// A property or variable loop `{"name", "count", "input"}`: the array it makes.
    fn copy_array(
        &mut self,
        spec: &Value,
        cx: &mut Context,
    ) -> Result<(String, Vec<Value>), Unevaluated> {
        let name = spec
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| Unevaluated("a `copy` without a `name`".to_owned()))?
            .to_owned();
        let count = count(spec.get("count"), cx)?;
        let input = spec.get("input").cloned().unwrap_or(Value::Null);
        let mut items = Vec::new();
        for i in 0..count {
            cx.work.copy()?;
            cx.copy.insert(name.clone(), i);
            let item = expr::eval_value(&input, cx);
            cx.copy.remove(&name);
            items.push(item?);
        }
        Ok((name, items))
    }

    fn resource(&mut self, item: &Value, path: &str, parent: Option<&Parent>, cx: &mut Context) {
        let Value::Object(res) = item else {
            self.notes.push((
                ReportKind::Skipped,
                path.to_owned(),
                "a template resource is an object".to_owned(),
            ));
            return;
        };
        if res.get("existing").and_then(Value::as_bool) == Some(true) {
            self.notes.push((
                ReportKind::Skipped,
                path.to_owned(),
                "an `existing` resource: the template refers to it and does not deploy it"
                    .to_owned(),
            ));
            return;
        }
        let Some(copy) = res.get("copy") else {
            self.instance(res, path, parent, cx);
            return;
        };
        let loop_name = copy
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match count(copy.get("count"), cx) {
            Ok(n) => {
                for i in 0..n {
                    if let Err(why) = cx.work.copy() {
                        let written = copy.get("count").cloned().unwrap_or(Value::Null);
                        self.unevaluated(
                            &join(path, "copy.count"),
                            &written,
                            &why,
                            &format!("the copies from {i} on are skipped"),
                        );
                        break;
                    }
                    cx.copy.insert(String::new(), i);
                    cx.copy.insert(loop_name.clone(), i);
                    self.instance(res, path, parent, cx);
                }
                cx.copy.remove("");
                cx.copy.remove(&loop_name);
            }
            Err(why) => {
                let written = copy.get("count").cloned().unwrap_or(Value::Null);
                self.unevaluated(
                    &join(path, "copy.count"),
                    &written,
                    &why,
                    "the resource is skipped",
                );
            }
        }
    }

    fn instance(
        &mut self,
        res: &Map<String, Value>,
        path: &str,
        parent: Option<&Parent>,
        cx: &mut Context,
    ) {
        if let Some(condition) = res.get("condition") {
            match expr::eval_value(condition, cx) {
                Ok(Value::Bool(false)) => {
                    self.notes.push((
                        ReportKind::Skipped,
                        path.to_owned(),
                        format!("its `condition` `{}` is false", text(condition)),
                    ));
                    return;
                }
                Ok(_) => {}
                Err(why) => {
                    self.unevaluated(
                        &join(path, "condition"),
                        condition,
                        &why,
                        "the resource is skipped",
                    );
                    return;
                }
            }
        }
        let Some(kind) = self.string(res, "type", path, cx) else {
            return;
        };
        let kind = match parent {
            Some(p) if !kind.contains('.') => format!("{}/{kind}", p.kind),
            _ => kind,
        };
        if kind.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
            self.deployment(res, path, cx);
            return;
        }
        let Some(name) = self.string(res, "name", path, cx) else {
            return;
        };
        let name = match parent {
            // A nested child may give its own name only (`subnet1`) or its full name (`vnet/subnet1`).
            Some(p) if name.matches('/').count() < kind.matches('/').count().saturating_sub(1) => {
                format!("{}/{name}", p.name)
            }
            _ => name,
        };
        let id = match self.id(res, &kind, &name, cx) {
            Ok(id) => id,
            Err(why) => {
                let written = Value::String(name.clone());
                self.unevaluated(
                    &join(path, "name"),
                    &written,
                    &why,
                    "the resource is skipped",
                );
                return;
            }
        };
        let mut out = Map::new();
        out.insert("id".to_owned(), json!(id));
        out.insert(
            "name".to_owned(),
            json!(name.rsplit('/').next().unwrap_or(&name)),
        );
        out.insert("type".to_owned(), json!(kind));
        for key in ["location", "tags", "kind", "sku", "zones"] {
            if let Some(v) = res.get(key)
                && let Some(v) = self.tree(v, &join(path, key), cx)
            {
                out.insert(key.to_owned(), v);
            }
        }
        if let Some(props) = res.get("properties")
            && let Some(v) = self.tree(props, &join(path, "properties"), cx)
        {
            out.insert("properties".to_owned(), v);
        }
        self.resources.push((Value::Object(out), path.to_owned()));
        let nested = match res.get("resources") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (v, format!("{}[{i}]", join(path, "resources"))))
                .collect(),
            Some(Value::Object(symbols)) => symbols
                .iter()
                .map(|(s, v)| (v, join(path, &format!("resources.{s}"))))
                .collect(),
            _ => Vec::new(),
        };
        let me = Parent { kind, name };
        for (child, child_path) in nested {
            self.resource(child, &child_path, Some(&me), cx);
        }
    }

    /// A string field of a resource (`type`, `name`), evaluated; `None` (with a note) when it cannot be.
    fn string(
        &mut self,
        res: &Map<String, Value>,
        key: &str,
        path: &str,
        cx: &mut Context,
    ) -> Option<String> {
        let Some(written) = res.get(key) else {
            self.notes.push((
                ReportKind::Skipped,
                path.to_owned(),
                format!("a template resource without `{key}`"),
            ));
            return None;
        };
        match expr::eval_value(written, cx) {
            Ok(Value::String(s)) => Some(s),
            Ok(other) => {
                self.notes.push((
                    ReportKind::Skipped,
                    join(path, key),
                    format!(
                        "`{key}` is {}, not a string",
                        crate::scenario::format::node::kind(&other)
                    ),
                ));
                None
            }
            Err(why) => {
                self.unevaluated(&join(path, key), written, &why, "the resource is skipped");
                None
            }
        }
    }

    fn id(
        &self,
        res: &Map<String, Value>,
        kind: &str,
        name: &str,
        cx: &mut Context,
    ) -> Result<String, Unevaluated> {
        if let Some(scope) = res.get("scope") {
            let scope = expr::eval_value(scope, cx)?;
            let scope = scope.as_str().unwrap_or_default().trim_end_matches('/');
            return Ok(format!("{scope}/providers/{}", names(kind, name)?));
        }
        let sub = match res.get("subscriptionId") {
            Some(s) => text(&expr::eval_value(s, cx)?),
            None => cx.subscription.clone(),
        };
        let rg = match res.get("resourceGroup") {
            Some(r) => Some(text(&expr::eval_value(r, cx)?)),
            None => None,
        };
        let lower = kind.to_ascii_lowercase();
        Ok(match (self.scope, rg) {
            (_, Some(rg)) => format!(
                "/subscriptions/{sub}/resourceGroups/{rg}/providers/{}",
                names(kind, name)?
            ),
            (Scope::Subscription | Scope::ResourceGroup, None)
                if lower == "microsoft.resources/resourcegroups" =>
            {
                format!("/subscriptions/{sub}/resourceGroups/{name}")
            }
            (Scope::ResourceGroup, None) => format!(
                "/subscriptions/{sub}/resourceGroups/{}/providers/{}",
                cx.resource_group,
                names(kind, name)?
            ),
            (Scope::Subscription, None) => {
                format!("/subscriptions/{sub}/providers/{}", names(kind, name)?)
            }
            (Scope::ManagementGroup, None) if lower == "microsoft.management/managementgroups" => {
                format!("/providers/Microsoft.Management/managementGroups/{name}")
            }
            (Scope::ManagementGroup, None) => format!(
                "/providers/Microsoft.Management/managementGroups/{}/providers/{}",
                self.management_group,
                names(kind, name)?
            ),
            (Scope::Tenant, None) => format!("/providers/{}", names(kind, name)?),
        })
    }

    /// A nested deployment: its inline template is read with the parameter values it is given.
    fn deployment(&mut self, res: &Map<String, Value>, path: &str, cx: &mut Context) {
        let props = res.get("properties").and_then(Value::as_object);
        let Some(template) = props
            .and_then(|p| p.get("template"))
            .and_then(Value::as_object)
        else {
            self.notes.push((
                ReportKind::Skipped,
                path.to_owned(),
                "a nested deployment without an inline `template` (a linked template is not fetched)".to_owned(),
            ));
            return;
        };
        let deploys_nothing = match template.get("resources") {
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Object(o)) => o.is_empty(),
            _ => true,
        };
        if deploys_nothing {
            self.notes.push((
                ReportKind::Skipped,
                path.to_owned(),
                "a nested deployment that deploys no resource (as the telemetry deployment of Azure Verified Modules)".to_owned(),
            ));
            return;
        }
        let mut given = Map::new();
        if let Some(Value::Object(params)) = props.and_then(|p| p.get("parameters")) {
            for (name, p) in params {
                let Some(written) = p.get("value") else {
                    continue;
                };
                match expr::eval_value(written, cx) {
                    Ok(v) => {
                        given.insert(name.clone(), v);
                    }
                    Err(why) => self.unevaluated(
                        &join(path, &format!("properties.parameters.{name}.value")),
                        written,
                        &why,
                        "the nested template gets no value for it",
                    ),
                }
            }
        }
        // With the default `outer` evaluation scope the nested template reads the parent's parameters and
        // variables; with `inner` it has its own, given by the deployment's `parameters`.
        let inner_scope = props
            .and_then(|p| p.get("expressionEvaluationOptions"))
            .and_then(|o| o.get("scope"))
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        let mut inner = if inner_scope {
            Context {
                subscription: cx.subscription.clone(),
                resource_group: cx.resource_group.clone(),
                location: cx.location.clone(),
                work: cx.work.clone(),
                ..Context::default()
            }
        } else {
            cx.clone()
        };
        // The deployment's target: a resource group when it names one, else a subscription when it names one,
        // else what the nested template's `$schema` says, else the parent's scope.
        let outer = self.scope;
        let outer_group = self.management_group.clone();
        let nested = scope(template);
        if nested != Scope::ResourceGroup {
            self.scope = nested;
        }
        // `"scope": "Microsoft.Management/managementGroups/mg"` (or its id) deploys to that management group.
        if let Some(target) = res.get("scope")
            && let Ok(Value::String(target)) = expr::eval_value(target, cx)
        {
            let segments: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
            if let Some(at) = segments
                .iter()
                .position(|s| s.eq_ignore_ascii_case("managementGroups"))
                && let Some(group) = segments.get(at + 1)
            {
                self.scope = Scope::ManagementGroup;
                self.management_group = (*group).to_owned();
            }
        }
        if let Some(sub) = res.get("subscriptionId")
            && let Ok(Value::String(sub)) = expr::eval_value(sub, cx)
        {
            inner.subscription = sub;
            self.scope = Scope::Subscription;
        }
        if let Some(rg) = res.get("resourceGroup")
            && let Ok(Value::String(rg)) = expr::eval_value(rg, cx)
        {
            inner.resource_group = rg;
            self.scope = Scope::ResourceGroup;
        }
        self.template(
            template,
            &given,
            &join(path, "properties.template"),
            &mut inner,
            inner_scope,
        );
        self.scope = outer;
        self.management_group = outer_group;
    }

    /// A JSON value with its expressions evaluated; what cannot be evaluated is left out, with a note.
    fn tree(&mut self, value: &Value, path: &str, cx: &mut Context) -> Option<Value> {
        match value {
            Value::String(s) if expr::is_expression(s) => match expr::eval_str(s, cx) {
                Ok(v) => Some(v),
                Err(why) => {
                    self.unevaluated(path, value, &why, "the field is left out");
                    None
                }
            },
            Value::String(s) => Some(Value::String(expr::unescape(s).to_owned())),
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| self.tree(v, &format!("{path}[{i}]"), cx))
                    .collect(),
            )),
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    if k == "copy"
                        && let Value::Array(loops) = v
                    {
                        for (i, spec) in loops.iter().enumerate() {
                            match self.copy_array(spec, cx) {
                                Ok((name, items)) => {
                                    out.insert(name, Value::Array(items));
                                }
                                Err(why) => self.unevaluated(
                                    &format!("{path}.copy[{i}]"),
                                    spec,
                                    &why,
                                    "the property is left out",
                                ),
                            }
                        }
                        continue;
                    }
                    if let Some(v) = self.tree(v, &join(path, k), cx) {
                        out.insert(k.clone(), v);
                    }
                }
                Some(Value::Object(out))
            }
            other => Some(other.clone()),
        }
    }
}

fn count(written: Option<&Value>, cx: &mut Context) -> Result<i64, Unevaluated> {
    let value = expr::eval_value(written.unwrap_or(&Value::Null), cx)?;
    let n = match &value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| Unevaluated(format!("a `copy` count is a number, not `{value}`")))?;
    Ok(n.clamp(0, MAX_COPIES))
}

fn names(kind: &str, name: &str) -> Result<String, Unevaluated> {
    expr::type_and_names(kind, &[name.to_owned()])
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
