//! The editor of a network security group: where it is associated, its rules editable inline, and the six
//! default rules below them.

use avnm_core::model::{
    Direction, Nsg, NsgAccess, NsgId, NsgRule, Protocol, ResourceId, default_rules,
};
use avnm_core::scenario::change::RuleField;
use avnm_core::scenario::{Change, Target, edit::template, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{
    choose, diagnostics_of, diagnostics_under, first_message, on_click, on_click_then, on_select,
    render_diagnostics, render_head, render_rename, render_scope, set, text_of,
};
use crate::components::{Check, CommitField, Field, SelectField};
use crate::platform;
use crate::state::{Action, Selection};

/// The protocols of NSG rules: (value in the document, text).
const PROTOCOLS: [(&str, &str); 6] = [
    ("*", "Any (*)"),
    ("Tcp", "Tcp"),
    ("Udp", "Udp"),
    ("Icmp", "Icmp"),
    ("Esp", "Esp"),
    ("Ah", "Ah"),
];

fn options(values: &[(&str, &str)]) -> Vec<(AttrValue, AttrValue)> {
    values
        .iter()
        .map(|(v, t)| {
            (
                AttrValue::from((*v).to_owned()),
                AttrValue::from((*t).to_owned()),
            )
        })
        .collect()
}

fn direction_text(direction: Direction) -> &'static str {
    match direction {
        Direction::Inbound => "Inbound",
        Direction::Outbound => "Outbound",
    }
}

fn access_text(access: NsgAccess) -> &'static str {
    match access {
        NsgAccess::Allow => "Allow",
        NsgAccess::Deny => "Deny",
    }
}

fn protocol_text(protocol: Protocol) -> String {
    if protocol == Protocol::Any {
        "*".to_owned()
    } else {
        protocol.to_string()
    }
}

/// The rules in the order Azure evaluates them: by direction, then priority.
fn sorted(nsg: &Nsg) -> Vec<&NsgRule> {
    let mut rules: Vec<&NsgRule> = nsg.rules.iter().collect();
    rules.sort_by_key(|r| (r.direction, r.priority));
    rules
}

/// A list field of a rule: addresses or ports, written in the form the document uses.
fn render_list(
    ctx: &Ctx,
    rule: &NsgRule,
    (label, field, fallback): (&str, RuleField, String),
    check: Check,
    testid: String,
) -> Html {
    let target = Target::NsgRule {
        rule: rule.id.clone(),
        field,
    };
    let value = text_of(ctx, &target, || fallback);
    html! { <Field label={label.to_owned()} {value} {check} on_change={set(ctx, target)} {testid} /> }
}

fn render_rule(ctx: &Ctx, rule: &NsgRule) -> Html {
    let field = |field| Target::NsgRule {
        rule: rule.id.clone(),
        field,
    };
    let id = format!("nsg-rule-{}", rule.name);
    let problems = diagnostics_under(&ctx.analysis.diagnostics, &rule.path);
    let at_priority = diagnostics_of(ctx, &field(RuleField::Priority));
    let others: Vec<_> = problems
        .iter()
        .copied()
        .filter(|d| !at_priority.contains(d))
        .collect();
    let priority = text_of(ctx, &field(RuleField::Priority), || {
        rule.priority.to_string()
    });
    let direction = text_of(ctx, &field(RuleField::Direction), || {
        direction_text(rule.direction).to_owned()
    });
    let access = text_of(ctx, &field(RuleField::Access), || {
        access_text(rule.access).to_owned()
    });
    let protocol = protocol_text(rule.protocol);
    let any = |items: bool| if items { String::new() } else { "*".to_owned() };
    let sources = rule
        .sources
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let destinations = rule
        .destinations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let ports = |p: &[avnm_core::model::PortRange]| {
        p.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let asgs = |list: &[avnm_core::model::AsgId], side: &str| {
        if list.is_empty() {
            return html! {};
        }
        html! {
            <span class="hint">{ format!("{side} application security groups: ") }
                { for list.iter().map(|a| html! { <code class="chip" title={a.to_string()}>{ a.name().to_owned() }</code> }) }
            </span>
        }
    };
    let remove = on_click(ctx, Change::Remove(ResourceId::new(rule.id.as_str())));
    let class = classes!(
        "nsg-rule",
        access.to_ascii_lowercase(),
        (!problems.is_empty()).then_some("has-problem")
    );
    html! {
        <li {class} key={rule.id.to_string()} data-testid={id.clone()}>
            <div class="nsg-rule-head">
                <code class="rule-name" data-testid={format!("{id}-name")} title={rule.id.to_string()}>{ rule.name.clone() }</code>
                <button class="danger" onclick={remove} data-testid={format!("remove-{id}")}
                    aria-label={format!("Remove the rule {}", rule.name)}>{ "Remove" }</button>
            </div>
            <div class="nsg-rule-grid">
                <CommitField label="Priority" value={priority} check={Callback::from(|t: String| field::nsg_priority(&t))}
                    on_commit={set(ctx, field(RuleField::Priority))} inputmode="numeric"
                    title="100 to 4096; applied when you leave the field or press Enter"
                    diagnostic={first_message(&at_priority)} testid={format!("{id}-priority")} />
                <SelectField label="Direction" value={direction} options={options(&[("Inbound", "Inbound"), ("Outbound", "Outbound")])}
                    on_change={choose(ctx, field(RuleField::Direction))} testid={format!("{id}-direction")} />
                <SelectField label="Access" value={access} options={options(&[("Allow", "Allow"), ("Deny", "Deny")])}
                    on_change={choose(ctx, field(RuleField::Access))} testid={format!("{id}-access")} />
                <SelectField label="Protocol" value={protocol} options={options(&PROTOCOLS)}
                    on_change={choose(ctx, field(RuleField::Protocol))} testid={format!("{id}-protocol")} />
                { render_list(ctx, rule, ("Source", RuleField::Sources,
                    if sources.is_empty() { any(!rule.source_asgs.is_empty()) } else { sources }),
                    field::nsg_addresses as Check, format!("{id}-source")) }
                { render_list(ctx, rule, ("Source ports", RuleField::SourcePorts, ports(&rule.source_ports)),
                    field::ports as Check, format!("{id}-source-ports")) }
                { render_list(ctx, rule, ("Destination", RuleField::Destinations,
                    if destinations.is_empty() { any(!rule.destination_asgs.is_empty()) } else { destinations }),
                    field::nsg_addresses as Check, format!("{id}-destination")) }
                { render_list(ctx, rule, ("Destination ports", RuleField::DestinationPorts, ports(&rule.destination_ports)),
                    field::ports as Check, format!("{id}-destination-ports")) }
            </div>
            { asgs(&rule.source_asgs, "Source") }
            { asgs(&rule.destination_asgs, "Destination") }
            { render_diagnostics(&others, format!("{id}-diagnostics")) }
        </li>
    }
}

fn render_rules(ctx: &Ctx, nsg: &Nsg) -> Html {
    let rules = sorted(nsg);
    let direction = |d: Direction| {
        let list: Vec<&&NsgRule> = rules.iter().filter(|r| r.direction == d).collect();
        let name = direction_text(d);
        html! {
            <section class="nsg-direction" data-testid={format!("nsg-rules-{}", name.to_ascii_lowercase())}>
                <h4>{ format!("{name} rules") }</h4>
                if list.is_empty() {
                    <p class="empty">{ format!("No {} rules of its own: the default rules below decide. Add one below.", name.to_ascii_lowercase()) }</p>
                } else {
                    <ol class="nsg-rules">{ for list.into_iter().map(|r| render_rule(ctx, r)) }</ol>
                }
            </section>
        }
    };
    html! { <>{ direction(Direction::Inbound) }{ direction(Direction::Outbound) }</> }
}

fn render_add_rule(ctx: &Ctx, nsg: &Nsg, chosen: &UseStateHandle<Direction>) -> Html {
    let direction = **chosen;
    let priority = template::next_nsg_priority(nsg, direction);
    let text = direction_text(direction);
    let action = priority.map(|_| {
        Action::Change(Change::AddNsgRule {
            nsg: nsg.id.clone(),
            direction,
        })
    });
    let onsubmit = {
        let dispatch = ctx.dispatch.clone();
        let action = action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(a) = &action {
                dispatch.emit(a.clone());
            }
        })
    };
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(if platform::value(&e) == "Outbound" {
                Direction::Outbound
            } else {
                Direction::Inbound
            });
        })
    };
    html! {
        <form class="add-row" {onsubmit} aria-label="Add a rule">
            <label class="field">
                <span class="label">{ "Direction" }</span>
                <select {onchange} data-testid="add-nsg-rule-direction">
                    <option value="Inbound" selected={direction == Direction::Inbound}>{ "Inbound" }</option>
                    <option value="Outbound" selected={direction == Direction::Outbound}>{ "Outbound" }</option>
                </select>
            </label>
            <button type="submit" class="primary" disabled={action.is_none()} data-testid="add-nsg-rule">{ "Add rule" }</button>
            <span class="hint">{ match priority {
                Some(p) => format!("An Allow rule for Tcp from anywhere to anywhere, at priority {p}: then narrow it."),
                None => format!("Every priority from 100 to 4096 is taken by {} rules.", text.to_ascii_lowercase()),
            } }</span>
        </form>
    }
}

fn render_defaults(nsg: &NsgId) -> Html {
    let rules = default_rules(nsg);
    let direction = |d: Direction| {
        html! {
            <>
                <tr class="group"><th colspan="4">{ direction_text(d) }</th></tr>
                { for rules.iter().filter(|r| r.direction == d).map(|r| html! {
                    <tr class={access_text(r.access).to_ascii_lowercase()} key={r.name.clone()}>
                        <td>{ r.priority }</td><td class="name"><code>{ r.name.clone() }</code></td>
                        <td>{ access_text(r.access) }</td>
                        <td>
                            { r.sources.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }
                            <span class="muted">{ " → " }</span>
                            { r.destinations.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }
                        </td>
                    </tr>
                }) }
            </>
        }
    };
    html! {
        <table class="rules defaults" data-testid="nsg-default-rules">
            <thead><tr><th>{ "Priority" }</th><th>{ "Name" }</th><th>{ "Action" }</th><th>{ "Source → destination" }</th></tr></thead>
            <tbody>{ direction(Direction::Inbound) }{ direction(Direction::Outbound) }</tbody>
        </table>
    }
}

/// The subnets and NICs associated with an NSG, as `(key, text, selection)`.
fn associations(ctx: &Ctx, nsg: &NsgId) -> Vec<(String, String, Selection)> {
    let model = ctx.state.scenario.model();
    let mut out = Vec::new();
    for vnet in model.vnets.values() {
        for subnet in vnet.subnets.iter().filter(|s| s.nsg.as_ref() == Some(nsg)) {
            out.push((
                subnet.id.to_string(),
                format!("subnet {} / {}", vnet.name, subnet.name),
                Selection::Vnet(vnet.id.clone()),
            ));
        }
    }
    for nic in model.nics.values().filter(|n| n.nsg.as_ref() == Some(nsg)) {
        out.push((
            nic.id.to_string(),
            format!("network interface {}", nic.id.name()),
            Selection::Nic(nic.id.clone()),
        ));
    }
    out
}

fn render_associations(ctx: &Ctx, list: &[(String, String, Selection)]) -> Html {
    if list.is_empty() {
        return html! {
            <p class="empty" data-testid="nsg-associations-empty">{ "Not associated, so its rules apply nowhere. Associate it in the subnet table of a virtual network, or in a network interface." }</p>
        };
    }
    html! {
        <ul class="explain-list" data-testid="nsg-associations">
        { for list.iter().enumerate().map(|(i, (path, text, selection))| {
            let onclick = on_select(ctx, selection.clone());
            html! { <li key={path.clone()}><button class="link" {onclick} data-testid={format!("nsg-association-{i}")}>{ text.clone() }</button></li> }
        }) }
        </ul>
    }
}

/// Properties of [`NsgEditor`].
#[derive(Properties, PartialEq)]
pub struct NsgEditorProps {
    /// The resource.
    pub id: NsgId,
}

/// The editor of a network security group.
#[component]
pub fn NsgEditor(props: &NsgEditorProps) -> Html {
    let ctx = use_context::<Ctx>();
    let add_direction = use_state(|| Direction::Inbound);
    let Some(ctx) = ctx else { return html! {} };
    let model = ctx.state.scenario.model();
    let Some(nsg) = model.nsgs.get(&props.id) else {
        return html! {
            <section class="editor-panel resource-editor">
                <h2>{ props.id.name().to_owned() }</h2>
                <p class="empty">{ "This network security group is no longer in the design. Pick another resource in the navigator." }</p>
            </section>
        };
    };
    let linked = associations(&ctx, &nsg.id);

    let delete = on_click_then(
        &ctx,
        Change::Remove(ResourceId::new(nsg.id.as_str())),
        Selection::Overview,
    );
    let general: Vec<_> = diagnostics_under(&ctx.analysis.diagnostics, &nsg.path)
        .into_iter()
        .filter(|d| !nsg.rules.iter().any(|r| d.path.starts_with(&r.path)))
        .collect();
    html! {
        <section class="editor-panel resource-editor" data-testid="nsg-editor">
            { render_head("Network security group", nsg.id.name(), nsg.id.as_str(), delete, "delete-nsg", "NSG") }
            { render_diagnostics(&general, "nsg-diagnostics".into()) }
            <div class="grid">
                { render_rename(&ctx, nsg.id.as_str(), nsg.id.name(), "nsg-name") }
                { render_scope(model, nsg.id.as_str()) }
            </div>

            <h3>{ "Associated with" }</h3>
            { render_associations(&ctx, &linked) }

            <h3>{ "Rules" }</h3>
            <p class="hint">{ "Evaluated by priority, lowest first, per direction; the first rule that matches decides. Addresses take prefixes, IPs, `*` or service tags like `VirtualNetwork`, comma-separated." }</p>
            { render_rules(&ctx, nsg) }
            { render_add_rule(&ctx, nsg, &add_direction) }

            <h3>{ "Default rules" }</h3>
            <p class="hint">{ "Every NSG has these six rules after its own; they cannot be changed, only overridden by a rule with a lower priority." }</p>
            { render_defaults(&nsg.id) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    #[test]
    fn the_editor_shows_rules_defaults_and_associations() {
        let text = include_str!("../../../../static/examples/ssh-exception-for-one-team.json");
        let id = NsgId::new(
            "/subscriptions/0c7d9e21-4b3a-4f5e-8a6d-1f2e3d4c5b02/resourceGroups/rg-payments-api/providers/Microsoft.Network/networkSecurityGroups/nsg-payments-api-app",
        );
        let html = testing::render(text, html! { <NsgEditor id={id} /> });
        for testid in [
            "nsg-rule-allow-ssh-from-jumphosts-priority",
            "nsg-rule-allow-ssh-from-jumphosts-source",
            "nsg-rule-allow-ssh-from-jumphosts-destination-ports",
            "remove-nsg-rule-allow-https-from-vnet",
            "add-nsg-rule",
            "nsg-default-rules",
            "nsg-association-0",
            "delete-nsg",
        ] {
            assert!(
                html.contains(&format!("data-testid=\"{testid}\"")),
                "{testid} in {html}"
            );
        }
        assert!(html.contains("vnet-payments-api-eus2 / snet-app"));
        assert!(
            html.contains("value=\"10.0.10.0/26\""),
            "the source as written"
        );
        assert!(html.contains("DenyAllInBound"));
        let first = html.find("allow-ssh-from-jumphosts").unwrap();
        let later = html.find("allow-https-from-vnet").unwrap();
        assert!(first < later, "rules by priority");
    }
}
