//! The reader behind [`import`](super::import): what each JSON value is (a resource, a list, a wrapper, a
//! template, a REST API example file, a scenario document, a commit), and the resources, commits and intents it
//! gives, each checked alone by the scenario reader, with a report line for everything read, skipped, inferred
//! or duplicated.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{ReportKind, ReportLine, resource, template};
use crate::scenario::document::Document;
use crate::scenario::{FormatError, format};

/// How deep wrappers may nest (lists of lists of example files).
const MAX_DEPTH: usize = 8;

#[derive(Default)]
pub(super) struct Importer {
    pub(super) file: String,
    pub(super) report: Vec<ReportLine>,
    pub(super) resources: Vec<Value>,
    /// Lower-case id of every resource read: where it was read, and its index in `resources`.
    pub(super) seen: BTreeMap<String, (String, String, usize)>,
    pub(super) commits: Vec<Value>,
    /// Commits without their network manager: (file, path, body), resolved once every resource is read.
    pub(super) orphans: Vec<(String, String, Value)>,
    pub(super) intents: Vec<Value>,
    pub(super) extras: Map<String, Value>,
    pub(super) parameters: Map<String, Value>,
    /// The network manager that a REST example's parameters name, for its commit bodies.
    pub(super) manager_hint: Option<String>,
    /// Management group children given as resources of their own (a template's
    /// `managementGroups/subscriptions`, a group's `details.parent`): (file, path, parent id, child id).
    pub(super) links: Vec<(String, String, String, String)>,
    /// Fields of a subscription or resource group given by resources of their own (`Microsoft.Resources/tags`,
    /// `Microsoft.Subscription/aliases`): (file, path, the scope's id, `tags` or `properties`, fields to merge).
    pub(super) scope_fields: Vec<(String, String, String, &'static str, Value)>,
    /// Whether each resource is read on its own before it is taken (see [`super::import`]).
    pub(super) check_each: bool,
    /// Whether [`Importer::source`] reads a source as [`Importer::value`] reads any value (from the tree, copying
    /// its resources), for the tests that compare the two.
    #[cfg(test)]
    pub(super) copy_sources: bool,
}

fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else if key.is_empty() {
        path.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl Importer {
    pub(super) fn line(&mut self, kind: ReportKind, path: &str, message: impl Into<String>) {
        self.report.push(ReportLine {
            kind,
            file: self.file.clone(),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// Report lines for notes whose paths are below `base` (`""` for notes with whole paths).
    pub(super) fn notes(&mut self, base: &str, notes: Vec<resource::Note>) {
        for (kind, path, message) in notes {
            self.line(kind, &at(base, &path), message);
        }
    }

    /// Starts reading a source's whole tree, whose resources it may take: those of a scenario document (a
    /// `resources` list) are taken out and given back, to be read one by one ([`Importer::document_resource`])
    /// before [`Importer::end_source`], and so moved into the design rather than copied (an enterprise's document
    /// is hundreds of thousands of values); the source keeps its keys and an empty list, all that the report reads
    /// of it afterwards ([`why_nothing`]). Any other source is read at once ([`Importer::value`]; `None`).
    pub(super) fn begin_source(&mut self, value: &mut Value) -> Option<Vec<Value>> {
        #[cfg(test)]
        if self.copy_sources {
            self.value(value, "", 0);
            return None;
        }
        if let Value::Object(map) = value
            && !template::is_template(map)
            && !matches!(map.get("responses"), Some(Value::Object(_)))
            && !map.get("interactions").is_some_and(Value::is_array)
            && let Some(Value::Array(items)) = map.get_mut("resources")
        {
            return Some(std::mem::take(items));
        }
        self.value(value, "", 0);
        None
    }

    /// Ends reading a scenario document whose resources [`Importer::begin_source`] gave: its commits, intents and
    /// other members.
    pub(super) fn end_source(&mut self, value: &Value) {
        if let Value::Object(map) = value {
            self.document_rest(map, "", true);
        }
    }

    /// Reads any JSON value: a resource, a list, a wrapper, a template, an example file, a scenario document.
    pub(super) fn value(&mut self, value: &Value, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.line(
                ReportKind::Skipped,
                path,
                "nested too deep to be Azure output",
            );
            return;
        }
        let map = match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(item, &format!("{path}[{i}]"), depth + 1);
                }
                return;
            }
            Value::Object(map) => map,
            other => {
                self.line(
                    ReportKind::Skipped,
                    path,
                    format!("{} is not an Azure resource", format::node::kind(other)),
                );
                return;
            }
        };
        let array = |key: &str| map.get(key).and_then(Value::as_array);
        if template::is_template(map) {
            let (resources, notes) = template::read(map, &self.parameters, path);
            self.notes("", notes);
            for (res, res_path) in resources {
                self.resource(res, &res_path);
            }
            // What a template cannot deploy, `avnm export` writes in its `metadata`: the commits (and the
            // design's intents, title and description).
            if let Some(Value::Object(metadata)) = map.get("metadata") {
                let ours = metadata
                    .get("_generator")
                    .and_then(|g| g.get("name"))
                    .and_then(Value::as_str)
                    == Some("avnm export");
                self.document(metadata, [], &at(path, "metadata"), ours);
            }
        } else if let Some(Value::Object(responses)) = map.get("responses") {
            self.example(map, responses, path, depth);
        } else if let Some(interactions) = array("interactions") {
            for (i, interaction) in interactions.iter().enumerate() {
                let here = format!("{}[{i}]", at(path, "interactions"));
                let status = interaction
                    .get("status")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                match interaction.get("response_body") {
                    Some(body) if (200..300).contains(&status) && !body.is_null() => {
                        self.value(body, &at(&here, "response_body"), depth + 1);
                    }
                    _ => self.line(
                        ReportKind::Skipped,
                        &here,
                        format!("a response with status `{status}` and no body to read"),
                    ),
                }
            }
        } else if let Some(resources) = array("resources") {
            self.document(map, resources.iter().map(Cow::Borrowed), path, true);
        } else if let Some(key) = list_key(map)
            && let Some(items) = array(key)
        {
            self.next_link(map, path);
            for (i, item) in items.iter().enumerate() {
                self.value(item, &format!("{}[{i}]", at(path, key)), depth + 1);
            }
        } else if map.contains_key("commitType") {
            let manager = self.manager_hint.clone();
            self.commit(map, path, manager);
        } else if map.contains_key("configurationGroups")
            || map.contains_key("ruleCollectionAppliesToGroups")
        {
            self.line(
                ReportKind::Skipped,
                path,
                "an effective configuration of one virtual network (`list-effective-...` output) describes what applies to it, not the configuration itself: import the configurations and their rule collections instead",
            );
        } else if map.get("id").is_some_and(Value::is_string) {
            self.resource(value.clone(), path);
        } else if map.len() == 1
            && let Some((key, inner)) = map.iter().next()
            && inner.get("id").is_some_and(Value::is_string)
        {
            let here = at(path, key);
            self.line(
                ReportKind::Inferred,
                &here,
                format!("the resource under `{key}`, as `az ... create` prints it"),
            );
            self.value(inner, &here, depth + 1);
        } else {
            let why = why_nothing(value, &[]);
            self.line(ReportKind::Skipped, path, format!("it {why}"));
        }
    }

    /// Says that the list `map` has further pages, not read (its `nextLink`).
    pub(super) fn next_link(&mut self, map: &Map<String, Value>, path: &str) {
        if let Some(Value::String(next)) = map.get("nextLink")
            && !next.is_empty()
        {
            self.line(
                ReportKind::Skipped,
                &at(path, "nextLink"),
                "further pages of the list are not fetched: import them too",
            );
        }
    }

    /// A REST API example file: the bodies of its successful responses, and request bodies that are whole.
    fn example(
        &mut self,
        map: &Map<String, Value>,
        responses: &Map<String, Value>,
        path: &str,
        depth: usize,
    ) {
        let params = map.get("parameters").and_then(Value::as_object);
        let param = |k: &str| params.and_then(|p| p.get(k)).and_then(Value::as_str);
        self.manager_hint = match (
            param("subscriptionId"),
            param("resourceGroupName"),
            param("networkManagerName"),
        ) {
            (Some(s), Some(r), Some(n)) => Some(format!(
                "/subscriptions/{s}/resourceGroups/{r}/providers/Microsoft.Network/networkManagers/{n}"
            )),
            _ => None,
        };
        for (status, response) in responses {
            let here = at(&at(path, "responses"), status);
            match response.get("body") {
                Some(body) if status.starts_with('2') => {
                    self.value(body, &at(&here, "body"), depth + 1);
                }
                Some(_) => self.line(
                    ReportKind::Skipped,
                    &here,
                    format!("response `{status}` is not a success"),
                ),
                None => {}
            }
        }
        for (key, body) in params.into_iter().flatten() {
            let Value::Object(fields) = body else {
                continue;
            };
            let here = at(&at(path, "parameters"), key);
            if fields.contains_key("commitType") || fields.get("id").is_some_and(Value::is_string) {
                self.value(body, &here, depth + 1);
            } else if fields.contains_key("properties") {
                self.line(
                    ReportKind::Skipped,
                    &here,
                    "a request body without `id`: the response body is the resource",
                );
            }
        }
        self.manager_hint = None;
    }

    /// A scenario document, or resources pasted in a `resources` array; its other keys (title, description) are
    /// kept when `keep_other_keys`.
    fn document<'v>(
        &mut self,
        map: &Map<String, Value>,
        resources: impl IntoIterator<Item = Cow<'v, Value>>,
        path: &str,
        keep_other_keys: bool,
    ) {
        for (i, res) in resources.into_iter().enumerate() {
            self.document_resource(res, i, path);
        }
        self.document_rest(map, path, keep_other_keys);
    }

    /// Element `i` of the `resources` of a scenario document at `path`.
    pub(super) fn document_resource(&mut self, res: Cow<'_, Value>, i: usize, path: &str) {
        let here = format!("{}[{i}]", at(path, "resources"));
        if res.get("id").is_some_and(Value::is_string) {
            self.resource(res.into_owned(), &here);
        } else {
            self.value(&res, &here, 1);
        }
    }

    /// The commits, intents and (with `keep_other_keys`) other members of a scenario document at `path`.
    fn document_rest(&mut self, map: &Map<String, Value>, path: &str, keep_other_keys: bool) {
        for (i, commit) in map
            .get("commits")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let here = format!("{}[{i}]", at(path, "commits"));
            match commit.as_object() {
                Some(c) => self.commit(c, &here, None),
                None => self.line(ReportKind::Skipped, &here, "a commit is an object"),
            }
        }
        for (i, intent) in map
            .get("intents")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let here = format!("{}[{i}]", at(path, "intents"));
            match format::read_value(json!({"intents": [intent]})) {
                Ok(_) => {
                    self.intents.push(intent.clone());
                    self.line(ReportKind::Read, &here, "an intent");
                }
                Err(e) => self.line(
                    ReportKind::Skipped,
                    &here,
                    relocate(&e, "intents[0]", &here),
                ),
            }
        }
        for (key, value) in map.iter().filter(|_| keep_other_keys) {
            if !["resources", "commits", "intents", "_generator"].contains(&key.as_str()) {
                self.extras
                    .entry(key.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }

    /// One resource: normalised, checked alone by the scenario reader, and added unless already read.
    fn resource(&mut self, value: Value, path: &str) {
        let (res, notes) = match resource::normalise(value) {
            Ok(r) => r,
            Err(why) => {
                self.line(ReportKind::Skipped, path, why);
                return;
            }
        };
        self.notes(path, notes);
        let kind = res
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let id = res
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let lower = kind.to_ascii_lowercase();
        if self.scope_resource(&lower, &id, &res, path) {
            return;
        }
        if let Some(why) = unsupported(&lower, &res) {
            self.line(ReportKind::Skipped, path, format!("`{kind}` `{id}`: {why}"));
            return;
        }
        // Read alone, so that what cannot be read is skipped with its own path; moved into the document read
        // and out again, not copied.
        let res = if self.check_each {
            let alone = Document::new(Value::Object(Map::from_iter([(
                "resources".to_owned(),
                Value::Array(vec![res]),
            )])));
            let read = format::read(&alone);
            let Some(res) = taken_back(alone.into_value()) else {
                return;
            };
            if let Err(e) = read {
                self.line(
                    ReportKind::Skipped,
                    path,
                    format!("cannot be read: {}", relocate(&e, "resources[0]", path)),
                );
                return;
            }
            res
        } else {
            res
        };
        let key = id.to_ascii_lowercase();
        if let Some((file, first, index)) = self.seen.get(&key) {
            let same = self.resources.get(*index) == Some(&res);
            let message = format!(
                "`{id}` was already read from `{file}` at `{first}`; {}",
                if same {
                    "the two are the same"
                } else {
                    "the two differ and the first is kept"
                }
            );
            self.line(ReportKind::Duplicate, path, message);
            return;
        }
        if let Some(Value::Array(defaults)) = res
            .get("properties")
            .and_then(|p| p.get("defaultSecurityRules"))
            && !defaults.is_empty()
        {
            self.line(
                ReportKind::Skipped,
                &at(path, "properties.defaultSecurityRules"),
                format!(
                    "{} default security rule{}: every NSG has the six default rules implicitly",
                    defaults.len(),
                    if defaults.len() == 1 { "" } else { "s" }
                ),
            );
        }
        let mut message = format!("`{kind}` `{id}`");
        let children: Vec<String> = [
            ("subnets", "subnet"),
            ("virtualNetworkPeerings", "peering"),
            ("securityRules", "security rule"),
            ("ipConfigurations", "IP configuration"),
        ]
        .iter()
        .filter_map(|(key, what)| {
            let n = res.get("properties")?.get(key)?.as_array()?.len();
            (n > 0).then(|| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
        })
        .collect();
        if !children.is_empty() {
            message.push_str(&format!(" with {}", children.join(", ")));
        }
        if lower.starts_with("microsoft.network/networkmanagers/") && !reads(&lower) {
            message.push_str(", kept but not simulated");
        }
        self.line(ReportKind::Read, path, message);
        self.seen.insert(
            key,
            (self.file.clone(), path.to_owned(), self.resources.len()),
        );
        let members = (lower == "microsoft.network/networkmanagers/networkgroups")
            .then(|| res.pointer("/properties/groupMembers").cloned())
            .flatten();
        let conditional = (lower == "microsoft.network/networkmanagers/networkgroups")
            .then(|| res.pointer("/properties/conditionalMembership").cloned())
            .flatten();
        // A template names a management group's parent in `details.parent`; the scenario reads the tree from
        // the parent's `children`.
        if lower == "microsoft.management/managementgroups"
            && let Some(parent) = res
                .pointer("/properties/details/parent/id")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())
        {
            let parent = resource::normalise_id(parent).into_owned();
            self.line(
                ReportKind::Read,
                &at(path, "properties.details.parent"),
                format!("the management group `{id}` is a child of `{parent}`"),
            );
            self.links
                .push((self.file.clone(), path.to_owned(), parent, id.clone()));
        }
        self.resources.push(res);
        self.preview_members(&id, members, conditional, path);
    }

    /// The 2021 preview API kept static members inline in the group (`groupMembers`) and a condition as text
    /// (`conditionalMembership`): the members become static member resources; the condition, which Azure Policy
    /// replaced, is reported.
    fn preview_members(
        &mut self,
        group: &str,
        members: Option<Value>,
        conditional: Option<Value>,
        path: &str,
    ) {
        if let Some(Value::String(condition)) = conditional
            && !condition.trim().is_empty()
        {
            self.line(
                ReportKind::Skipped,
                &at(path, "properties.conditionalMembership"),
                "the 2021 preview's `conditionalMembership` is not read: Azure Policy definitions replaced it",
            );
        }
        let Some(Value::Array(members)) = members else {
            return;
        };
        for (i, member) in members.iter().enumerate() {
            let here = format!("{}[{i}]", at(path, "properties.groupMembers"));
            let Some(target) = member.get("resourceId").and_then(Value::as_str) else {
                self.line(
                    ReportKind::Skipped,
                    &here,
                    "a group member without `resourceId`",
                );
                continue;
            };
            let name = target.rsplit('/').next().unwrap_or_default();
            let id = format!("{group}/staticMembers/{name}");
            self.line(
                ReportKind::Inferred,
                &here,
                format!(
                    "the 2021 preview's `groupMembers` entry is read as the static member `{id}`"
                ),
            );
            let static_member = json!({
                "id": id,
                "name": name,
                "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
                "properties": {"resourceId": resource::normalise_id(target).into_owned()},
            });
            self.resource(static_member, &here);
        }
    }

    /// Resources that describe another resource's scope: a subscription in a management group, tags of a
    /// subscription or resource group. Returns whether `res` was one.
    fn scope_resource(&mut self, lower: &str, id: &str, res: &Value, path: &str) -> bool {
        let id_lower = id.to_ascii_lowercase();
        match lower {
            "microsoft.management/managementgroups/subscriptions" => {
                let Some(cut) = id_lower.rfind("/subscriptions/") else {
                    return false;
                };
                let group = id.get(..cut).unwrap_or_default().to_owned();
                let subscription = id.get(cut..).unwrap_or_default().to_owned();
                self.line(
                    ReportKind::Read,
                    path,
                    format!("the subscription `{subscription}` is a child of the management group `{group}`"),
                );
                self.links
                    .push((self.file.clone(), path.to_owned(), group, subscription));
                true
            }
            "microsoft.resources/tags" => {
                let Some(cut) = id_lower.find("/providers/microsoft.resources/tags") else {
                    return false;
                };
                let scope = id.get(..cut).unwrap_or_default().to_owned();
                let Some(tags) = res.pointer("/properties/tags").filter(|t| t.is_object()) else {
                    return false;
                };
                if !matches!(
                    format::shape::type_from_id(&scope).as_deref(),
                    Some(
                        "Microsoft.Resources/subscriptions" | "Microsoft.Resources/resourceGroups"
                    )
                ) {
                    return false;
                }
                self.line(ReportKind::Read, path, format!("the tags of `{scope}`"));
                self.scope_fields.push((
                    self.file.clone(),
                    path.to_owned(),
                    scope,
                    "tags",
                    tags.clone(),
                ));
                true
            }
            "microsoft.subscription/aliases" => {
                // The way a template names a subscription: `properties.subscriptionId` and `displayName`.
                let Some(subscription) = res
                    .pointer("/properties/subscriptionId")
                    .and_then(Value::as_str)
                else {
                    return false;
                };
                let Some(name) = res
                    .pointer("/properties/displayName")
                    .and_then(Value::as_str)
                else {
                    return false;
                };
                let scope = format!("/subscriptions/{subscription}");
                self.line(
                    ReportKind::Read,
                    path,
                    format!("the display name `{name}` of `{scope}`"),
                );
                self.scope_fields.push((
                    self.file.clone(),
                    path.to_owned(),
                    scope,
                    "properties",
                    json!({"displayName": name}),
                ));
                true
            }
            _ => false,
        }
    }

    /// The resource with this id, added (with a report line) when no source had it.
    fn resource_index(&mut self, id: &str, file: &str, path: &str, why: &str) -> usize {
        let key = id.to_ascii_lowercase();
        if let Some((_, _, index)) = self.seen.get(&key) {
            return *index;
        }
        let kind = format::shape::type_from_id(id).unwrap_or_default();
        let name = id.rsplit('/').next().unwrap_or_default();
        self.file = file.to_owned();
        self.line(
            ReportKind::Inferred,
            path,
            format!("`{kind}` `{id}` added {why}"),
        );
        self.seen.insert(
            key,
            (file.to_owned(), path.to_owned(), self.resources.len()),
        );
        self.resources
            .push(json!({"id": id, "name": name, "type": kind, "properties": {}}));
        self.resources.len() - 1
    }

    /// Puts the links and tags of [`Importer::scope_resource`] in the resources they describe.
    pub(super) fn apply_links(&mut self) {
        for (file, path, parent, child) in std::mem::take(&mut self.links) {
            let index = self.resource_index(&parent, &file, &path, "to hold its children");
            let Some(Value::Object(group)) = self.resources.get_mut(index) else {
                continue;
            };
            let props = group.entry("properties").or_insert_with(|| json!({}));
            if !props.is_object() {
                *props = json!({});
            }
            let Some(props) = props.as_object_mut() else {
                continue;
            };
            let children = props.entry("children").or_insert_with(|| json!([]));
            if let Value::Array(children) = children {
                let known = children.iter().any(|c| {
                    c.get("id")
                        .and_then(Value::as_str)
                        .is_some_and(|c| c.eq_ignore_ascii_case(&child))
                });
                if !known {
                    children.push(json!({"id": child}));
                }
            }
        }
        for (file, path, scope, key, fields) in std::mem::take(&mut self.scope_fields) {
            let index = self.resource_index(&scope, &file, &path, &format!("to hold its {key}"));
            let Some(Value::Object(target)) = self.resources.get_mut(index) else {
                continue;
            };
            let merged = target.entry(key).or_insert_with(|| json!({}));
            if let (Value::Object(merged), Value::Object(fields)) = (merged, fields) {
                merged.extend(fields);
            }
        }
    }

    /// A commit body (`commitType`, `configurationIds`, `targetLocations`), with its network manager.
    fn commit(&mut self, body: &Map<String, Value>, path: &str, manager: Option<String>) {
        let manager = body
            .get("networkManagerId")
            .and_then(Value::as_str)
            .map(|id| resource::normalise_id(id).into_owned())
            .or(manager)
            .or_else(|| {
                // `commitId` is `<manager id>/commit/<guid>` in the live service's answers.
                let commit_id = body.get("commitId")?.as_str()?;
                let lower = commit_id.to_ascii_lowercase();
                let cut = lower.find("/commit/")?;
                commit_id
                    .get(..cut)
                    .map(|id| resource::normalise_id(id).into_owned())
            });
        let mut commit = Map::new();
        for key in ["commitType", "configurationIds", "targetLocations"] {
            if let Some(v) = body.get(key) {
                commit.insert(key.to_owned(), v.clone());
            }
        }
        if !commit.contains_key("configurationIds") {
            commit.insert("configurationIds".to_owned(), json!([]));
        }
        match manager {
            Some(m) => {
                let mut c = Map::new();
                c.insert("networkManagerId".to_owned(), json!(m));
                c.extend(commit);
                self.add_commit(Value::Object(c), path);
            }
            None => {
                self.orphans
                    .push((self.file.clone(), path.to_owned(), Value::Object(commit)));
            }
        }
    }

    fn add_commit(&mut self, commit: Value, path: &str) {
        if let Err(e) = format::read_value(json!({"commits": [commit]})) {
            self.line(
                ReportKind::Skipped,
                path,
                format!(
                    "a commit that cannot be read: {}",
                    relocate(&e, "commits[0]", path)
                ),
            );
            return;
        }
        if self.commits.contains(&commit) {
            self.line(
                ReportKind::Duplicate,
                path,
                "the same commit was already read; it is kept once",
            );
            return;
        }
        let kind = commit
            .get("commitType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let count = commit
            .get("configurationIds")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let regions: Vec<String> = commit
            .get("targetLocations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|r| format!("`{r}`"))
            .collect();
        self.line(
            ReportKind::Read,
            path,
            format!(
                "a `{kind}` commit of {count} configuration{} to {}",
                if count == 1 { "" } else { "s" },
                regions.join(", ")
            ),
        );
        self.commits.push(commit);
    }

    /// Commits read without their network manager take the only manager imported, if there is exactly one.
    pub(super) fn pending_commits(&mut self) {
        let managers: Vec<String> = self
            .resources
            .iter()
            .filter(|r| {
                r.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Network/networkManagers"))
            })
            .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect();
        for (file, path, commit) in std::mem::take(&mut self.orphans) {
            self.file = file;
            match managers.as_slice() {
                [manager] => {
                    self.line(
                        ReportKind::Inferred,
                        &path,
                        format!("a commit without its network manager: `{manager}`, the only one imported"),
                    );
                    let mut c = Map::new();
                    c.insert("networkManagerId".to_owned(), json!(manager));
                    if let Value::Object(fields) = commit {
                        c.extend(fields);
                    }
                    self.add_commit(Value::Object(c), &path);
                }
                _ => self.line(
                    ReportKind::Skipped,
                    &path,
                    format!(
                        "a commit without its network manager (`networkManagerId`), and {} network managers imported to take it from",
                        managers.len()
                    ),
                ),
            }
        }
    }
}

/// The key of the elements of a list (`{"value": [...]}`, or a Resource Graph query's `data`) when
/// [`Importer::value`] reads `map` as one: not a template, an example file, a recording or a scenario document.
pub(super) fn list_key(map: &Map<String, Value>) -> Option<&'static str> {
    let array = |key: &str| map.get(key).is_some_and(Value::is_array);
    if template::is_template(map)
        || matches!(map.get("responses"), Some(Value::Object(_)))
        || array("interactions")
        || array("resources")
    {
        return None;
    }
    ["value", "data"].into_iter().find(|key| array(key))
}

/// Whether an element of an array looks like a policy rule condition ([`why_nothing`]).
pub(super) fn looks_like_condition(item: &Value) -> bool {
    item.get("field").is_some() || item.get("allOf").is_some()
}

/// Why a value gave nothing: what it looks like.
pub(super) fn why_nothing(value: &Value, lines: &[ReportLine]) -> String {
    match value {
        Value::Object(map) if map.is_empty() => "is an empty JSON object".to_owned(),
        Value::Array(items) if items.is_empty() => "is an empty list".to_owned(),
        Value::Object(map)
            if ["field", "allOf", "anyOf", "not"]
                .iter()
                .any(|k| map.keys().any(|m| m.eq_ignore_ascii_case(k))) =>
        {
            "is a policy rule condition, not a resource: put it in the `if` of a policy definition's `policyRule`".to_owned()
        }
        Value::Array(items) if items.iter().any(looks_like_condition) => {
            "is a list of policy rule conditions, not resources: put them in an `allOf` or `anyOf` of a policy definition's `policyRule`".to_owned()
        }
        Value::Object(map) => {
            let first = lines
                .iter()
                .find(|l| matches!(l.kind, ReportKind::Skipped | ReportKind::Unevaluated));
            match first {
                // A note that says what the whole value is (`it is not an Azure resource...`) stands alone.
                Some(line) => match line.message.strip_prefix("it ") {
                    Some(what) => what.to_owned(),
                    None => format!("gave no resource: {}", line.message),
                },
                None => {
                    let keys: Vec<String> =
                        map.keys().take(4).map(|k| format!("`{k}`")).collect();
                    format!(
                        "is not an Azure resource, list, ARM template or REST API example file (its keys: {})",
                        keys.join(", ")
                    )
                }
            }
        }
        _ => "gave no resource".to_owned(),
    }
}

/// The types the engine reads (decisions §1), lower-case.
const READ: &[&str] = &[
    "microsoft.network/virtualnetworks",
    "microsoft.network/virtualnetworks/subnets",
    "microsoft.network/virtualnetworks/virtualnetworkpeerings",
    "microsoft.network/networkinterfaces",
    "microsoft.network/networksecuritygroups",
    "microsoft.network/networksecuritygroups/securityrules",
    "microsoft.network/networkmanagers",
    "microsoft.network/networkmanagers/networkgroups",
    "microsoft.network/networkmanagers/networkgroups/staticmembers",
    "microsoft.network/networkmanagers/connectivityconfigurations",
    "microsoft.network/networkmanagers/securityadminconfigurations",
    "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections",
    "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules",
    "microsoft.authorization/policydefinitions",
    "microsoft.authorization/policyassignments",
    "microsoft.management/managementgroups",
    "microsoft.resources/subscriptions",
    "microsoft.resources/resourcegroups",
];

fn reads(lower: &str) -> bool {
    READ.contains(&lower)
}

/// Why a resource is not put in the design, `None` when it is.
fn unsupported(lower: &str, res: &Value) -> Option<String> {
    if lower == "microsoft.network/networksecuritygroups/defaultsecurityrules" {
        return Some("every NSG has the six default security rules implicitly".to_owned());
    }
    if lower == "microsoft.authorization/policydefinitions" {
        let effect = res
            .pointer("/properties/policyRule/then/effect")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !effect.eq_ignore_ascii_case("addToNetworkGroup") {
            return Some(format!(
                "a policy definition with the effect `{effect}` does not add virtual networks to a network group"
            ));
        }
    }
    if reads(lower) || lower.starts_with("microsoft.network/networkmanagers/") {
        None
    } else {
        Some("this type is not simulated".to_owned())
    }
}

/// A format error of a one-resource document, with its path moved to where the resource was in the source.
fn relocate(error: &FormatError, from: &str, to: &str) -> String {
    error
        .to_string()
        .replacen(&format!("`{from}"), &format!("`{to}"), 1)
}

/// The one resource of a document made by [`Importer::resource`] to read it alone.
fn taken_back(alone: Value) -> Option<Value> {
    match alone {
        Value::Object(mut document) => match document.remove("resources") {
            Some(Value::Array(mut resources)) => resources.pop(),
            _ => None,
        },
        _ => None,
    }
}
