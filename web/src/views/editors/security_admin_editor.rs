//! The editors of security admin configurations and of their rule collections: the configuration's settings and
//! collections; a collection's groups and its rules as a table sorted by priority, edited in place, with the
//! "Block high-risk ports" preset.

use avnm_core::model::{
    Access, AddressItem, AdminRule, ConfigurationId, Direction, IntentPolicyMode, PortRange,
    ResourceId, RuleCollection, RuleCollectionId, SecurityAdminConfig,
};
use avnm_core::scenario::change::{RuleField, SecurityAdminField};
use avnm_core::scenario::{Change, Target, edit::template, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{
    choose, diagnostics_of, diagnostics_under, first_message, link, on_click, render_delete,
    render_deployed, render_diagnostics, render_missing, render_vnm_head, set, text_of,
};
use crate::components::{Check, CommitField, Field, Picker, SelectField, maybe, options, show_all};
use crate::state::{Action, Selection};

/// Properties of [`SecurityAdminEditor`].
#[derive(Properties, PartialEq)]
pub struct SecurityAdminEditorProps {
    /// The configuration.
    pub id: ConfigurationId,
}

/// The editor of a security admin configuration.
#[component]
pub fn SecurityAdminEditor(props: &SecurityAdminEditorProps) -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some(config) = model.security_admin_configs.get(&props.id) else {
        return render_missing("Security admin configuration", props.id.as_str());
    };
    let setting = |field| Target::SecurityAdmin {
        config: config.id.clone(),
        field,
    };
    let mode = match config.intent_policy_mode {
        IntentPolicyMode::None => "None",
        IntentPolicyMode::AllowRulesOnly => "AllowRulesOnly",
        IntentPolicyMode::All => "All",
    };
    let set_mode = choose(&ctx, setting(SecurityAdminField::IntentPolicyServices));
    let set_aggregation = choose(&ctx, setting(SecurityAdminField::AddressSpaceAggregation));
    let groups: Vec<_> = model
        .groups
        .values()
        .filter(|g| g.manager == config.manager)
        .collect();
    let add_collection = groups.first().map(|group| {
        on_click(
            &ctx,
            Change::AddRuleCollection {
                config: config.id.clone(),
                group: group.id.clone(),
            },
        )
    });
    let collections = config.collections.iter().map(|c| {
        let names: Vec<&str> = c.groups.iter().map(|g| g.name()).collect();
        html! {
            <li key={c.id.to_string()}>
                { link(&ctx, Selection::RuleCollection(c.id.clone()), c.id.name().to_owned(), format!("collection-{}", c.id.name())) }
                <span class="muted">{ format!(" {} rule{} · applies to {}", c.rules.len(), if c.rules.len() == 1 { "" } else { "s" },
                    if names.is_empty() { "no group".to_owned() } else { names.join(", ") }) }</span>
            </li>
        }
    });
    let manager = link(
        &ctx,
        Selection::Manager(config.manager.clone()),
        config.manager.name().to_owned(),
        "security-manager".to_owned(),
    );
    html! {
        <section class="editor-panel vnm-editor" data-testid="security-admin-editor">
            { render_vnm_head("Security admin configuration", config.id.name(), html! { <>{ "Of " }{ manager }{ ". Its rules are evaluated before any NSG; one such configuration per manager can be deployed to a region." }</> }) }
            <div class="vnm-actions">{ render_delete(&ctx, config.id.as_str(), "security admin configuration", "delete-security-admin") }</div>
            { render_deployed(&ctx, &config.id, "security-deployed") }
            { render_diagnostics(&diagnostics_under(&ctx.analysis.diagnostics, &config.path), "security-diagnostics".to_owned()) }
            <div class="grid">
                <SelectField label="Apply on network intent policy based services" value={mode} options={options(&["None", "AllowRulesOnly", "All"])}
                    on_change={set_mode} testid="security-intent-policy" />
                <SelectField label="Network group address aggregation" value={if config.manual_aggregation { "Manual" } else { "None" }}
                    options={options(&["None", "Manual"])} on_change={set_aggregation} testid="security-aggregation" />
            </div>
            <p class="hint">{ "Intent-policy services (SQL Managed Instance, Databricks): None skips their VNets, AllowRulesOnly applies only Allow rules there, All applies every rule. Manual aggregation is needed for rules that use network groups as sources or destinations." }</p>

            <h3>{ "Rule collections" }</h3>
            if config.collections.is_empty() {
                <p class="empty" data-testid="collections-empty">{ "No rule collection: the configuration has no rule yet. Add a collection, then its rules." }</p>
            }
            <ul class="vnm-list">{ for collections }</ul>
            if let Some(onclick) = add_collection {
                <button {onclick} data-testid="add-collection">{ "Add a rule collection" }</button>
            } else {
                <p class="hint">{ "A rule collection applies to network groups: add a group to the manager first." }</p>
            }
        </section>
    }
}

/// Properties of [`RuleCollectionEditor`].
#[derive(Properties, PartialEq)]
pub struct RuleCollectionEditorProps {
    /// The collection.
    pub id: RuleCollectionId,
}

/// The collection and its configuration.
fn find<'m>(
    configs: impl Iterator<Item = &'m SecurityAdminConfig>,
    id: &RuleCollectionId,
) -> Option<(&'m SecurityAdminConfig, &'m RuleCollection)> {
    configs.into_iter().find_map(|c| {
        c.collections
            .iter()
            .find(|rc| &rc.id == id)
            .map(|rc| (c, rc))
    })
}

/// Addresses as the user writes them: `*`, prefixes, service tags and group ids, separated by commas.
fn addresses_text(items: &[AddressItem]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Port ranges as the user writes them.
fn ports_text(items: &[PortRange]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One rule as a row of the table.
fn render_rule(ctx: &Ctx, rule: &AdminRule, i: usize) -> Html {
    let field_of = |field| Target::AdminRule {
        rule: rule.id.clone(),
        field,
    };
    let remove = on_click(ctx, Change::Remove(ResourceId::new(rule.id.as_str())));
    let direction = match rule.direction {
        Direction::Inbound => "Inbound",
        Direction::Outbound => "Outbound",
    };
    let access = match rule.access {
        Access::Allow => "Allow",
        Access::AlwaysAllow => "AlwaysAllow",
        Access::Deny => "Deny",
    };
    let selected = ctx.state.selection == Selection::AdminRule(rule.id.clone());
    let at_priority = diagnostics_of(ctx, &field_of(RuleField::Priority));
    let others: Vec<_> = diagnostics_under(&ctx.analysis.diagnostics, &rule.path)
        .into_iter()
        .filter(|d| !at_priority.contains(d))
        .collect();
    let id = format!("rule-{i}");
    let raw = |field, shown: String| text_of(ctx, &field_of(field), || shown);
    html! {
        <tbody key={rule.id.to_string()} class={classes!(access.to_ascii_lowercase(), selected.then_some("selected"))} data-testid={id.clone()}>
            <tr class="rule-head">
                <th scope="rowgroup" colspan="3">
                    <span class="rule-name" title={rule.id.to_string()}>{ rule.id.name().to_owned() }</span>
                    { render_diagnostics(&others, format!("{id}-diagnostics")) }
                </th>
                <td class="rule-remove"><button class="danger small" onclick={remove} aria-label={format!("Remove the rule {}", rule.id.name())} data-testid={format!("{id}-remove")}>{ "Remove" }</button></td>
            </tr>
            <tr>
                <td><CommitField label="Priority" value={rule.priority.to_string()} check={Callback::from(|t: String| field::admin_priority(&t))}
                    on_commit={set(ctx, field_of(RuleField::Priority))} inputmode="numeric" diagnostic={first_message(&at_priority)} testid={format!("{id}-priority")} /></td>
                <td><SelectField label="Direction" value={direction} options={options(&["Inbound", "Outbound"])} on_change={choose(ctx, field_of(RuleField::Direction))} testid={format!("{id}-direction")} /></td>
                <td><SelectField label="Access" value={access} options={options(&["Allow", "Deny", "AlwaysAllow"])} on_change={choose(ctx, field_of(RuleField::Access))} testid={format!("{id}-access")} /></td>
                <td><SelectField label="Protocol" value={rule.protocol.to_string()} options={options(&["Tcp", "Udp", "Icmp", "Esp", "Ah", "Any"])} on_change={choose(ctx, field_of(RuleField::Protocol))} testid={format!("{id}-protocol")} /></td>
            </tr>
            <tr class="addresses">
                <td><Field label="Sources" value={raw(RuleField::Sources, addresses_text(&rule.sources))} check={field::admin_addresses as Check} on_change={set(ctx, field_of(RuleField::Sources))} testid={format!("{id}-sources")} /></td>
                <td><Field label="Source ports" value={raw(RuleField::SourcePorts, ports_text(&rule.source_ports))} check={field::ports as Check} on_change={set(ctx, field_of(RuleField::SourcePorts))} testid={format!("{id}-source-ports")} /></td>
                <td><Field label="Destinations" value={raw(RuleField::Destinations, addresses_text(&rule.destinations))} check={field::admin_addresses as Check} on_change={set(ctx, field_of(RuleField::Destinations))} testid={format!("{id}-destinations")} /></td>
                <td><Field label="Destination ports" value={raw(RuleField::DestinationPorts, ports_text(&rule.destination_ports))} check={field::ports as Check} on_change={set(ctx, field_of(RuleField::DestinationPorts))} testid={format!("{id}-destination-ports")} /></td>
            </tr>
        </tbody>
    }
}

/// The editor of a rule collection.
#[component]
pub fn RuleCollectionEditor(props: &RuleCollectionEditorProps) -> Html {
    let all_groups = use_state(|| false);
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some((config, collection)) = find(model.security_admin_configs.values(), &props.id) else {
        return render_missing("Rule collection", props.id.as_str());
    };
    // The groups it applies to.
    let (shown_groups, more_groups) = show_all(
        collection.groups.len(),
        &all_groups,
        "collection-groups-all",
    );
    let applied = collection.groups.iter().take(shown_groups).enumerate().map(|(i, g)| {
        let remove = on_click(&ctx, Change::RemoveCollectionGroup { collection: collection.id.clone(), index: i });
        let known = model.groups.contains_key(g);
        html! {
            <li key={format!("{i}-{g}")}>
                if known { { link(&ctx, Selection::Group(g.clone()), g.name().to_owned(), format!("collection-group-{i}")) } } else { <code>{ g.name().to_owned() }</code>{ " " }<span class="badge warning">{ "not in the design" }</span> }
                <span class="muted">{ format!(" {}", crate::components::plural(ctx.analysis.membership.members(g).len(), "member", "members")) }</span>
                <button class="danger small" onclick={remove} aria-label={format!("Stop applying to {}", g.name())} data-testid={format!("collection-group-{i}-remove")}>{ "Remove" }</button>
            </li>
        }
    });
    let unused: Vec<_> = model
        .groups
        .values()
        .filter(|g| g.manager == config.manager && !collection.groups.contains(&g.id))
        .collect();
    let mut add_choices = vec![(
        AttrValue::from(""),
        AttrValue::from("Apply to another group…"),
    )];
    add_choices.extend(unused.iter().map(|g| {
        (
            AttrValue::from(g.id.to_string()),
            AttrValue::from(g.id.name().to_owned()),
        )
    }));
    let add_group = {
        let collection = collection.id.clone();
        maybe(&ctx.dispatch, move |chosen: String| {
            (!chosen.is_empty()).then(|| {
                Action::Change(Change::AddCollectionGroup {
                    collection: collection.clone(),
                    group: chosen.as_str().into(),
                })
            })
        })
    };

    // The rules, by priority.
    let mut rules: Vec<&AdminRule> = collection.rules.iter().collect();
    rules.sort_by(|a, b| a.priority.cmp(&b.priority).then_with(|| a.id.cmp(&b.id)));
    let add_rule = template::next_admin_priority(collection)
        .map(|_| on_click(&ctx, Change::AddAdminRule(collection.id.clone())));
    let block = (!template::high_risk_ports(collection).is_empty())
        .then(|| on_click(&ctx, Change::AddHighRiskPortRules(collection.id.clone())));
    let ports = template::HIGH_RISK_PORTS
        .iter()
        .map(|(protocol, list)| {
            format!(
                "{} {}",
                protocol.replace('+', " and "),
                list.iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let own = diagnostics_under(&ctx.analysis.diagnostics, &collection.path)
        .into_iter()
        .filter(|d| !collection.rules.iter().any(|r| d.path.starts_with(&r.path)))
        .collect::<Vec<_>>();

    let parent = link(
        &ctx,
        Selection::SecurityAdmin(config.id.clone()),
        config.id.name().to_owned(),
        "collection-config".to_owned(),
    );
    html! {
        <section class="editor-panel vnm-editor" data-testid="rule-collection-editor">
            { render_vnm_head("Rule collection", collection.id.name(), html! { <>{ "Of " }{ parent }{ ". Its rules apply to the members of its groups; across the configuration's collections, the lowest priority number is evaluated first." }</> }) }
            <div class="vnm-actions">{ render_delete(&ctx, collection.id.as_str(), "rule collection", "delete-collection") }</div>
            { render_deployed(&ctx, &config.id, "collection-deployed") }
            { render_diagnostics(&own, "collection-diagnostics".to_owned()) }

            <h3>{ "Applies to" }</h3>
            if collection.groups.is_empty() {
                <p class="empty" data-testid="collection-groups-empty">{ "It applies to no group, so its rules reach no virtual network. Add a group." }</p>
            }
            <ul class="vnm-list">{ for applied }</ul>
            { more_groups }
            if unused.is_empty() {
                <p class="hint">{ "Every network group of the manager is already in the list." }</p>
            } else {
                <div class="narrow"><Picker label="Add a group" value="" options={add_choices} on_change={add_group} testid="collection-group-add" /></div>
            }

            <h3>{ format!("Rules ({})", rules.len()) }</h3>
            if rules.is_empty() {
                <p class="empty" data-testid="rules-empty">{ "No rule yet. Add one, or start from the high-risk ports preset." }</p>
            } else {
                <p class="hint">{ "Sorted by priority (1-4096, lower first). Addresses: `*`, IPs or prefixes, service tags, or network group ids, separated by commas; empty means any. A priority applies when you leave the field." }</p>
                <div class="vnm-table-scroll">
                    <table class="vnm-table vnm-rules" data-testid="rules">
                        <thead>
                            <tr><th>{ "Priority" }</th><th>{ "Direction" }</th><th>{ "Access" }</th><th>{ "Protocol" }</th></tr>
                            <tr><th>{ "Sources" }</th><th>{ "Source ports" }</th><th>{ "Destinations" }</th><th>{ "Destination ports" }</th></tr>
                        </thead>
                        { for rules.iter().enumerate().map(|(i, r)| render_rule(&ctx, r, i)) }
                    </table>
                </div>
            }
            <div class="vnm-actions">
                if let Some(onclick) = add_rule {
                    <button {onclick} data-testid="add-rule">{ "Add a rule" }</button>
                } else {
                    <button disabled=true data-testid="add-rule" title="Every priority from 1 to 4096 is used">{ "Add a rule" }</button>
                }
                if let Some(onclick) = block {
                    <button {onclick} data-testid="block-high-risk-ports" title={format!("Deny inbound: {ports}")}>{ "Block high-risk ports" }</button>
                }
            </div>
            <p class="hint">{ format!("The preset adds Deny Inbound rules for the ports Microsoft recommends blocking: {ports}.") }</p>
        </section>
    }
}
