//! Bicep: `main.bicep`, deploying one module per resource group, subscription and management group of the
//! design (a Bicep file deploys to one scope), and the module files after it, each opening with a
//! `// file: NAME.bicep` line.
//! Children are declared with `parent:`; a reference to a resource of the same file is its symbolic name
//! (`vnetHub.id`), and to a resource of another file an `existing` declaration scoped where it lives.
//! The commits, which Bicep cannot declare, close `main.bicep` as comments with their `az` commands.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::ExportReport;
use super::az::post_commit;
use super::literal::{Names, bicep_string, bicep_value};
use super::plan::{Item, Plan, Scope, Unit};

pub(super) fn write(plan: &Plan, report: &mut ExportReport) -> String {
    let units = plan.units(&mut report.lines);
    let tenant = units
        .iter()
        .any(|u| matches!(u.scope, Scope::Tenant | Scope::ManagementGroup(_)));
    if tenant {
        report.push(
            "",
            "the design has management groups or policies at management-group scope: `main.bicep` targets the tenant (`az deployment tenant create`)",
        );
    }

    let mut main = String::from("// file: main.bicep\n");
    if let Some(title) = &plan.title {
        let _ = writeln!(main, "// {}", super::one_line(title));
    }
    main.push_str("// Written by `avnm export --format bicep`: one module per scope of the design, in the files below.\n");
    let _ = writeln!(
        main,
        "targetScope = '{}'",
        if tenant { "tenant" } else { "resourceGroup" }
    );

    // Symbols of main.bicep: the modules, and the tenant's resources when there are some.
    let mut main_names = Names::default();
    let module_names: Vec<String> = units
        .iter()
        .map(|u| main_names.unique(&u.name, true))
        .collect();
    let mut tenant_symbols: BTreeMap<usize, String> = BTreeMap::new();
    let mut files = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        if unit.scope == Scope::Tenant {
            let body = declarations(plan, unit, &mut main_names, &mut tenant_symbols);
            main.push_str(&body);
            continue;
        }
        let file = format!("{}.bicep", unit.name);
        let module = module_names.get(u).cloned().unwrap_or_default();
        let _ = write!(
            main,
            "\nmodule {module} {} = {{\n  name: {}\n  scope: {}\n",
            bicep_string(&file),
            bicep_string(&unit.name),
            scope_call(&unit.scope)
        );
        let mut depends: Vec<String> = Vec::new();
        for &v in &unit.deps {
            let Some(other) = units.get(v) else { continue };
            if other.scope == Scope::Tenant {
                for &i in &unit.items {
                    for d in plan.item(i).map(|x| x.deps.clone()).unwrap_or_default() {
                        if let Some(sym) = tenant_symbols.get(&d)
                            && !depends.contains(sym)
                        {
                            depends.push(sym.clone());
                        }
                    }
                }
            } else if let Some(sym) = module_names.get(v) {
                depends.push(sym.clone());
            }
        }
        if !depends.is_empty() {
            main.push_str("  dependsOn: [\n");
            for d in &depends {
                let _ = writeln!(main, "    {d}");
            }
            main.push_str("  ]\n");
        }
        main.push_str("}\n");
        files.push(module_file(plan, unit, &file));
    }

    if !plan.commits.is_empty() {
        report.push(
            "commits",
            format!(
                "Bicep has no resource for a commit: the {} `main.bicep` as comments, in order, with the `az network manager post-commit` command to run after the deployment",
                super::plural(plan.commits.len(), "commit closes", "commits close")
            ),
        );
        main.push_str("\n// Commits, in order. Bicep cannot declare a commit (a POST on the network manager):\n// run these after the deployment.\n");
        for commit in &plan.commits {
            let _ = writeln!(
                main,
                "// {}: {}",
                commit.path,
                super::one_line(&post_commit(commit, " "))
            );
        }
    }

    let mut out = main;
    for file in files {
        out.push('\n');
        out.push_str(&file);
    }
    out
}

/// The scope function of a module.
fn scope_call(scope: &Scope) -> String {
    match scope {
        Scope::Tenant => "tenant()".to_owned(),
        Scope::ManagementGroup(m) => format!("managementGroup({})", bicep_string(m)),
        Scope::Subscription(s) => format!("subscription({})", bicep_string(s)),
        Scope::ResourceGroup {
            subscription,
            group,
        } => format!(
            "resourceGroup({}, {})",
            bicep_string(subscription),
            bicep_string(group)
        ),
    }
}

/// A module file: its target scope and its resources.
fn module_file(plan: &Plan, unit: &Unit, file: &str) -> String {
    let target = match unit.scope {
        Scope::Tenant => "tenant",
        Scope::ManagementGroup(_) => "managementGroup",
        Scope::Subscription(_) => "subscription",
        Scope::ResourceGroup { .. } => "resourceGroup",
    };
    let mut out = format!("// file: {file}\ntargetScope = '{target}'\n");
    let mut names = Names::default();
    let mut symbols = BTreeMap::new();
    out.push_str(&declarations(plan, unit, &mut names, &mut symbols));
    out
}

/// The `resource` declarations of a unit's items, and `existing` ones for what they refer to elsewhere.
fn declarations(
    plan: &Plan,
    unit: &Unit,
    names: &mut Names,
    symbols: &mut BTreeMap<usize, String>,
) -> String {
    for &i in &unit.items {
        if let Some(item) = plan.item(i) {
            // A subscription under a management group is named by its GUID: a shorter symbol reads better.
            let base = if item.kind_lower() == "microsoft.management/managementgroups/subscriptions"
            {
                let guid: String = item.name().chars().take(8).collect();
                format!("subscription-{guid}")
            } else {
                item.name().to_owned()
            };
            let sym = names.unique(&base, true);
            symbols.insert(i, sym);
        }
    }
    // Top-level resources of other scopes that this unit refers to: declared `existing` where they live.
    let mut existing = String::new();
    for &i in &unit.items {
        for d in plan.item(i).map(|x| x.deps.clone()).unwrap_or_default() {
            if symbols.contains_key(&d) {
                continue;
            }
            let Some(target) = plan.item(d) else { continue };
            if target.names.len() != 1 || matches!(target.scope, Scope::Tenant) {
                continue;
            }
            let sym = names.unique(target.name(), true);
            let _ = write!(
                existing,
                "\nresource {sym} {} existing = {{\n  name: {}\n  scope: {}\n}}\n",
                bicep_string(&format!("{}@{}", target.kind, target.api)),
                bicep_string(target.name()),
                scope_call(&target.scope)
            );
            symbols.insert(d, sym);
        }
    }
    let mut out = String::new();
    for &i in &unit.items {
        let Some(item) = plan.item(i) else { continue };
        out.push_str(&declaration(plan, item, symbols));
    }
    out.push_str(&existing);
    out
}

fn declaration(plan: &Plan, item: &Item, symbols: &BTreeMap<usize, String>) -> String {
    let sym = plan
        .find(&item.id)
        .and_then(|i| symbols.get(&i))
        .cloned()
        .unwrap_or_default();
    let resolve = |s: &str| -> Option<String> {
        let (target, rest) = plan.lookup(s)?;
        let sym = symbols.get(&target)?;
        if rest.is_empty() {
            Some(format!("{sym}.id"))
        } else {
            let rest = bicep_string(rest);
            let inner = rest.get(1..rest.len() - 1).unwrap_or_default();
            Some(format!("'${{{sym}.id}}{inner}'"))
        }
    };
    let mut out = format!(
        "\nresource {sym} {} = {{\n",
        bicep_string(&format!("{}@{}", item.kind, item.api))
    );
    let parent = item.parent.and_then(|p| symbols.get(&p));
    match parent {
        Some(parent) => {
            let _ = writeln!(out, "  parent: {parent}");
            let _ = writeln!(out, "  name: {}", bicep_string(item.name()));
        }
        None => {
            let _ = writeln!(out, "  name: {}", bicep_string(&item.names.join("/")));
        }
    }
    if let Some(kind) = &item.arm_kind {
        let _ = writeln!(out, "  kind: {}", bicep_string(kind));
    }
    if let Some(location) = &item.location {
        let _ = writeln!(out, "  location: {}", bicep_string(location));
    }
    if let Some(tags) = &item.tags {
        let _ = writeln!(
            out,
            "  tags: {}",
            bicep_value(&Value::Object(tags.clone()), 1, &|_| None)
        );
    }
    let _ = writeln!(
        out,
        "  properties: {}",
        bicep_value(&Value::Object(item.properties.clone()), 1, &resolve)
    );
    out.push_str("}\n");
    out
}
