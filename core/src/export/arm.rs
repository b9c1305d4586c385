//! The ARM deployment template: one nested deployment (`Microsoft.Resources/deployments`) per resource group,
//! subscription and management group of the design, each with its own inner template, waiting for the
//! deployments it refers to; management groups and subscription aliases (display names) at the top of a tenant
//! template; the commits in `metadata`.

use serde_json::Value;

use super::ExportReport;
use super::az::post_commit;
use super::literal::{Json, arm_literal, arm_quote, arm_text};
use super::plan::{Item, Plan, Scope, Unit, distinct};

const RESOURCE_GROUP_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const SUBSCRIPTION_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";
const MANAGEMENT_GROUP_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#";
const TENANT_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#";
const DEPLOYMENTS_API: &str = "2021-04-01";
const ALIASES_API: &str = "2021-10-01";

pub(super) fn write(plan: &Plan, report: &mut ExportReport) -> String {
    let units = plan.units(&mut report.lines);
    let tenant = units
        .iter()
        .any(|u| matches!(u.scope, Scope::Tenant | Scope::ManagementGroup(_)));
    if tenant {
        report.push(
            "",
            "the design has management groups or policies at management-group scope, which only a tenant deployment creates: the template is a tenant deployment template (`az deployment tenant create`)",
        );
    }
    let groups = resource_groups(plan, &units);
    if !groups.is_empty() {
        report.push(
            "",
            format!(
                "a template deploys into resource groups that exist: create {} first (the `az` export does)",
                groups.join(", ")
            ),
        );
    }
    let location = plan
        .items
        .iter()
        .find_map(|i| i.location.clone())
        .unwrap_or_else(|| "westeurope".to_owned());

    let mut resources = aliases(plan, tenant, report);
    for (u, unit) in units.iter().enumerate() {
        if unit.scope == Scope::Tenant {
            for &i in &unit.items {
                if let Some(item) = plan.item(i) {
                    resources.push(resource(plan, item, unit));
                }
            }
        } else {
            resources.push(nested(plan, &units, u, &location));
        }
    }

    let mut metadata = vec![(
        "_generator".to_owned(),
        Json::Object(vec![("name".to_owned(), Json::str("avnm export"))]),
    )];
    if let Some(title) = &plan.title {
        metadata.push(("title".to_owned(), Json::str(title.clone())));
    }
    if let Some(description) = &plan.description {
        metadata.push(("description".to_owned(), Json::str(description.clone())));
    }
    if !plan.commits.is_empty() {
        report.push(
            "commits",
            format!(
                "ARM has no resource for a commit: the {} in `metadata.commits` in order, each with the `az network manager post-commit` command to run after the deployment",
                super::plural(plan.commits.len(), "commit is", "commits are")
            ),
        );
        let commits = plan
            .commits
            .iter()
            .map(|c| {
                Json::Object(vec![
                    ("networkManagerId".to_owned(), Json::str(c.manager.clone())),
                    ("commitType".to_owned(), Json::str(c.type_name())),
                    (
                        "configurationIds".to_owned(),
                        Json::Array(c.configurations.iter().cloned().map(Json::str).collect()),
                    ),
                    (
                        "targetLocations".to_owned(),
                        Json::Array(c.regions.iter().cloned().map(Json::str).collect()),
                    ),
                    ("command".to_owned(), Json::str(post_commit(c, " "))),
                ])
            })
            .collect();
        metadata.push(("commits".to_owned(), Json::Array(commits)));
    }
    let template = Json::Object(vec![
        (
            "$schema".to_owned(),
            Json::str(if tenant {
                TENANT_SCHEMA
            } else {
                RESOURCE_GROUP_SCHEMA
            }),
        ),
        ("contentVersion".to_owned(), Json::str("1.0.0.0")),
        ("metadata".to_owned(), Json::Object(metadata)),
        ("resources".to_owned(), Json::Array(resources)),
    ]);
    template.pretty()
}

/// The display names of the design's subscriptions, which policy conditions read
/// (`[subscription().displayName]`).
///
/// A tenant template names each subscription with a `Microsoft.Subscription/aliases` resource, the template's
/// way to give a subscription a display name, which the import reads back.
/// Azure keeps an alias's display name only when the alias creates the subscription
/// (<https://learn.microsoft.com/azure/templates/microsoft.subscription/aliases>): for one that exists, the alias
/// records the name without renaming it, and the report says so.
/// A template of a narrower scope leaves the names out, as the other formats do: an alias there would need a
/// tenant deployment, and with it rights at the tenant root, only to record a name.
fn aliases(plan: &Plan, tenant: bool, report: &mut ExportReport) -> Vec<Json> {
    let mut out = Vec::new();
    for subscription in &plan.subscription_names {
        if !tenant {
            report.lines.push(subscription.left_out());
            continue;
        }
        report.push(
            subscription.path.clone(),
            format!(
                "the display name `{}` of subscription `{}` is written as a `Microsoft.Subscription/aliases` resource, which records it but does not rename an existing subscription: rename it with `az account subscription rename` if its name differs",
                subscription.name, subscription.guid
            ),
        );
        out.push(Json::Object(vec![
            (
                "type".to_owned(),
                Json::str("Microsoft.Subscription/aliases"),
            ),
            ("apiVersion".to_owned(), Json::str(ALIASES_API)),
            ("name".to_owned(), Json::str(arm_text(&subscription.guid))),
            (
                "properties".to_owned(),
                Json::Value(arm_literal(&serde_json::json!({
                    "subscriptionId": subscription.guid,
                    "displayName": subscription.name,
                }))),
            ),
        ]));
    }
    out
}

/// The names of the resource groups the units deploy into and the template does not create, in backticks.
fn resource_groups(plan: &Plan, units: &[Unit]) -> Vec<String> {
    distinct(units.iter().filter_map(|u| {
        match &u.scope {
            Scope::ResourceGroup {
                subscription,
                group,
            } if plan
                .find(&format!(
                    "/subscriptions/{subscription}/resourceGroups/{group}"
                ))
                .is_none() =>
            {
                Some(format!("`{group}`"))
            }
            _ => None,
        }
    }))
}

/// A nested deployment holding one unit's resources.
fn nested(plan: &Plan, units: &[Unit], u: usize, location: &str) -> Json {
    let Some(unit) = units.get(u) else {
        return Json::Object(Vec::new());
    };
    let mut fields = vec![
        (
            "type".to_owned(),
            Json::str("Microsoft.Resources/deployments"),
        ),
        ("apiVersion".to_owned(), Json::str(DEPLOYMENTS_API)),
        ("name".to_owned(), Json::str(unit.name.clone())),
    ];
    let schema = match &unit.scope {
        Scope::ResourceGroup {
            subscription,
            group,
        } => {
            fields.push(("subscriptionId".to_owned(), Json::str(subscription.clone())));
            fields.push(("resourceGroup".to_owned(), Json::str(arm_text(group))));
            RESOURCE_GROUP_SCHEMA
        }
        Scope::Subscription(subscription) => {
            fields.push(("subscriptionId".to_owned(), Json::str(subscription.clone())));
            fields.push(("location".to_owned(), Json::str(location)));
            SUBSCRIPTION_SCHEMA
        }
        Scope::ManagementGroup(group) => {
            fields.push((
                "scope".to_owned(),
                Json::str(arm_text(&format!(
                    "Microsoft.Management/managementGroups/{group}"
                ))),
            ));
            fields.push(("location".to_owned(), Json::str(location)));
            MANAGEMENT_GROUP_SCHEMA
        }
        Scope::Tenant => TENANT_SCHEMA,
    };
    let mut depends = Vec::new();
    for &v in &unit.deps {
        let Some(other) = units.get(v) else { continue };
        if other.scope == Scope::Tenant {
            // The tenant's resources are at the top of the template: wait for the ones referred to.
            for &i in &unit.items {
                for d in plan.item(i).map(|x| x.deps.clone()).unwrap_or_default() {
                    if other.items.contains(&d)
                        && let Some(target) = plan.item(d)
                    {
                        depends.push(reference(target, &Scope::Tenant));
                    }
                }
            }
        } else {
            depends.push(other.name.clone());
        }
    }
    let depends = distinct(depends);
    if !depends.is_empty() {
        fields.push((
            "dependsOn".to_owned(),
            Json::Array(depends.into_iter().map(Json::str).collect()),
        ));
    }
    let inner: Vec<Json> = unit
        .items
        .iter()
        .filter_map(|&i| plan.item(i))
        .map(|item| resource(plan, item, unit))
        .collect();
    fields.push((
        "properties".to_owned(),
        Json::Object(vec![
            (
                "expressionEvaluationOptions".to_owned(),
                Json::Object(vec![("scope".to_owned(), Json::str("inner"))]),
            ),
            ("mode".to_owned(), Json::str("Incremental")),
            (
                "template".to_owned(),
                Json::Object(vec![
                    ("$schema".to_owned(), Json::str(schema)),
                    ("contentVersion".to_owned(), Json::str("1.0.0.0")),
                    ("resources".to_owned(), Json::Array(inner)),
                ]),
            ),
        ]),
    ));
    Json::Object(fields)
}

/// One resource, in the template of its unit.
fn resource(plan: &Plan, item: &Item, unit: &Unit) -> Json {
    let name: Vec<String> = item.names.iter().map(|n| arm_text(n)).collect();
    let mut fields = vec![
        ("type".to_owned(), Json::str(item.kind.clone())),
        ("apiVersion".to_owned(), Json::str(item.api)),
        ("name".to_owned(), Json::str(name.join("/"))),
    ];
    if let Some(kind) = &item.arm_kind {
        fields.push(("kind".to_owned(), Json::str(arm_text(kind))));
    }
    if let Some(location) = &item.location {
        fields.push(("location".to_owned(), Json::str(arm_text(location))));
    }
    if let Some(tags) = &item.tags {
        fields.push((
            "tags".to_owned(),
            Json::Value(arm_literal(&Value::Object(tags.clone()))),
        ));
    }
    fields.push((
        "properties".to_owned(),
        Json::Value(arm_literal(&Value::Object(item.properties.clone()))),
    ));
    let depends: Vec<Json> = item
        .deps
        .iter()
        .filter(|d| unit.items.contains(d))
        .filter_map(|&d| plan.item(d))
        .map(|d| Json::str(reference(d, &unit.scope)))
        .collect();
    if !depends.is_empty() {
        fields.push(("dependsOn".to_owned(), Json::Array(depends)));
    }
    Json::Object(fields)
}

/// The expression of a resource's id, from a template at the given scope.
fn reference(item: &Item, scope: &Scope) -> String {
    let mut args = vec![arm_quote(&item.kind)];
    args.extend(item.names.iter().map(|n| arm_quote(n)));
    let args = args.join(", ");
    match scope {
        Scope::ResourceGroup { .. } => format!("[resourceId({args})]"),
        Scope::Subscription(_) => format!("[subscriptionResourceId({args})]"),
        Scope::ManagementGroup(_) => {
            format!("[extensionResourceId(managementGroup().id, {args})]")
        }
        Scope::Tenant => format!("[tenantResourceId({args})]"),
    }
}
