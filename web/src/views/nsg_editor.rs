//! The editor of a network security group: where it is associated, its rules editable inline, and the six
//! default rules below them.

use avnm_core::model::{Direction, Nsg, NsgAccess, NsgId, NsgRule, Protocol, default_rules};
use avnm_core::scenario::{Edit, FieldValue, edit::template, field};
use serde_json::Value;
use yew::prelude::*;

use super::nic_editor::{
    chooser, design, diagnostics_under, document, first_message, fresh, has, on_click,
    plural_edits, raw_text, removals, render_diagnostics, render_head, render_scope, setter,
    typing, under,
};
use crate::app::Ctx;
use crate::components::{Check, Field, SelectField};
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

/// Properties of [`PriorityField`].
#[derive(Properties, PartialEq)]
struct PriorityFieldProps {
    /// The priority as the document writes it.
    value: AttrValue,
    /// Called with a valid new priority when the user leaves the field or presses Enter.
    on_commit: Callback<FieldValue>,
    /// A problem the engine found with it (a duplicate).
    diagnostic: Option<AttrValue>,
    /// A stable id for tests.
    testid: AttrValue,
}

/// A priority, validated as the user types and written when the field is left or Enter is pressed, so that the
/// rule does not move to its new place while the user is typing.
#[component]
fn PriorityField(props: &PriorityFieldProps) -> Html {
    let text = use_state(|| None::<String>);
    {
        let text = text.clone();
        use_effect_with(props.value.clone(), move |_| text.set(None));
    }
    let shown = text
        .as_ref()
        .cloned()
        .unwrap_or_else(|| props.value.to_string());
    let error = text.as_ref().and_then(|t| field::nsg_priority(t).err());
    let problem = error
        .map(AttrValue::from)
        .or_else(|| props.diagnostic.clone());
    let oninput = typing(&text);
    let onchange = {
        let (current, on_commit) = (props.value.clone(), props.on_commit.clone());
        Callback::from(move |e: Event| {
            let typed = platform::value(&e);
            if let Ok(value) = field::nsg_priority(&typed)
                && typed.trim() != current.trim()
            {
                on_commit.emit(value);
            }
        })
    };
    let id = props.testid.clone();
    html! {
        <label class={classes!("field", problem.is_some().then_some("invalid"))}>
            <span class="label">{ "Priority" }</span>
            <input type="text" inputmode="numeric" value={shown} {oninput} {onchange} data-testid={id.clone()}
                aria-invalid={problem.is_some().to_string()} title="100 to 4096; applied when you leave the field or press Enter" />
            if let Some(p) = problem {
                <span class="error" role="alert" data-testid={format!("{id}-error")}>{ p }</span>
            }
        </label>
    }
}

/// A list of a rule as the document writes it, in both forms (`sourceAddressPrefixes` and
/// `sourceAddressPrefix`), or `None` when it has neither.
fn listed(doc: &Value, props: &str, plural: &str, singular: &str) -> Option<String> {
    let items: Vec<String> = [plural, singular]
        .iter()
        .filter_map(|key| raw_text(doc, &format!("{props}.{key}")))
        .filter(|t| !t.is_empty())
        .collect();
    let present =
        has(doc, &format!("{props}.{plural}")) || has(doc, &format!("{props}.{singular}"));
    present.then(|| items.join(", "))
}

/// A list field of a rule: addresses or ports, written to the plural key.
fn render_list(
    ctx: &Ctx,
    doc: &Value,
    rule: &NsgRule,
    (label, plural, singular, fallback): (&str, &str, &str, String),
    check: Check,
    testid: String,
) -> Html {
    let props = format!("{}.properties", rule.path);
    let value = listed(doc, &props, plural, singular).unwrap_or(fallback);
    let had = has(doc, &format!("{props}.{singular}"));
    let (plural, singular) = (plural.to_owned(), singular.to_owned());
    let on_change = ctx.dispatch.reform(move |v: FieldValue| {
        Action::Edits(plural_edits(&props, &plural, &singular, v, had))
    });
    html! { <Field label={label.to_owned()} {value} {check} {on_change} {testid} /> }
}

fn render_rule(ctx: &Ctx, doc: &Value, rule: &NsgRule) -> Html {
    let props = format!("{}.properties", rule.path);
    let id = format!("nsg-rule-{}", rule.name);
    let problems = diagnostics_under(&ctx.analysis.diagnostics, &rule.path);
    let priority_path = format!("{props}.priority");
    let (at_priority, others): (Vec<_>, Vec<_>) = problems
        .iter()
        .copied()
        .partition(|d| under(&d.path, &priority_path));
    let priority = raw_text(doc, &priority_path).unwrap_or_else(|| rule.priority.to_string());
    let direction = raw_text(doc, &format!("{props}.direction"))
        .unwrap_or_else(|| direction_text(rule.direction).to_owned());
    let access = raw_text(doc, &format!("{props}.access"))
        .unwrap_or_else(|| access_text(rule.access).to_owned());
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
    let remove = on_click(
        &ctx.dispatch,
        vec![Action::Edit(Edit::Remove {
            path: rule.path.clone(),
        })],
    );
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
                <PriorityField value={priority} on_commit={setter(&ctx.dispatch, priority_path.clone())}
                    diagnostic={first_message(&at_priority)} testid={format!("{id}-priority")} />
                <SelectField label="Direction" value={direction} options={options(&[("Inbound", "Inbound"), ("Outbound", "Outbound")])}
                    on_change={chooser(&ctx.dispatch, format!("{props}.direction"))} testid={format!("{id}-direction")} />
                <SelectField label="Access" value={access} options={options(&[("Allow", "Allow"), ("Deny", "Deny")])}
                    on_change={chooser(&ctx.dispatch, format!("{props}.access"))} testid={format!("{id}-access")} />
                <SelectField label="Protocol" value={protocol} options={options(&PROTOCOLS)}
                    on_change={chooser(&ctx.dispatch, format!("{props}.protocol"))} testid={format!("{id}-protocol")} />
                { render_list(ctx, doc, rule, ("Source", "sourceAddressPrefixes", "sourceAddressPrefix",
                    if sources.is_empty() { any(!rule.source_asgs.is_empty()) } else { sources }),
                    field::nsg_addresses as Check, format!("{id}-source")) }
                { render_list(ctx, doc, rule, ("Source ports", "sourcePortRanges", "sourcePortRange", ports(&rule.source_ports)),
                    field::ports as Check, format!("{id}-source-ports")) }
                { render_list(ctx, doc, rule, ("Destination", "destinationAddressPrefixes", "destinationAddressPrefix",
                    if destinations.is_empty() { any(!rule.destination_asgs.is_empty()) } else { destinations }),
                    field::nsg_addresses as Check, format!("{id}-destination")) }
                { render_list(ctx, doc, rule, ("Destination ports", "destinationPortRanges", "destinationPortRange", ports(&rule.destination_ports)),
                    field::ports as Check, format!("{id}-destination-ports")) }
            </div>
            { asgs(&rule.source_asgs, "Source") }
            { asgs(&rule.destination_asgs, "Destination") }
            { render_diagnostics(&others, format!("{id}-diagnostics")) }
        </li>
    }
}

fn render_rules(ctx: &Ctx, doc: &Value, nsg: &Nsg) -> Html {
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
                    <ol class="nsg-rules">{ for list.into_iter().map(|r| render_rule(ctx, doc, r)) }</ol>
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
    let action = priority.map(|p| {
        let name = fresh(&format!("{}-{p}", text.to_ascii_lowercase()), |n| {
            nsg.rules.iter().any(|r| r.name.eq_ignore_ascii_case(n))
        });
        Action::Edit(Edit::Append {
            path: format!("{}.properties.securityRules", nsg.path),
            fragment: template::nsg_rule(nsg.id.as_str(), &name, p, text, "Allow"),
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

/// The paths of the subnets and NICs associated with an NSG, as `(owner path, text, selection)`.
fn associations(ctx: &Ctx, nsg: &NsgId) -> Vec<(String, String, Selection)> {
    let model = ctx.state.scenario.model();
    let mut out = Vec::new();
    for vnet in model.vnets.values() {
        for subnet in vnet.subnets.iter().filter(|s| s.nsg.as_ref() == Some(nsg)) {
            out.push((
                subnet.path.clone(),
                format!("subnet {} / {}", vnet.name, subnet.name),
                Selection::Vnet(vnet.id.clone()),
            ));
        }
    }
    for nic in model.nics.values().filter(|n| n.nsg.as_ref() == Some(nsg)) {
        out.push((
            nic.path.clone(),
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
            let onclick = on_click(&ctx.dispatch, vec![Action::Select(selection.clone())]);
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
    let doc = use_memo(design(ctx.as_ref()), document);
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
    let name =
        raw_text(&doc, &format!("{}.name", nsg.path)).unwrap_or_else(|| nsg.id.name().to_owned());
    let linked = associations(&ctx, &nsg.id);
    let delete = {
        let mut paths = vec![nsg.path.clone()];
        paths.extend(
            nsg.rules
                .iter()
                .filter(|r| !under(&r.path, &nsg.path))
                .map(|r| r.path.clone()),
        );
        paths.extend(
            linked
                .iter()
                .map(|(owner, _, _)| format!("{owner}.properties.networkSecurityGroup"))
                .filter(|key| has(&doc, key)),
        );
        on_click(
            &ctx.dispatch,
            vec![
                Action::Edits(removals(paths)),
                Action::Select(Selection::Overview),
            ],
        )
    };
    let general: Vec<_> = diagnostics_under(&ctx.analysis.diagnostics, &nsg.path)
        .into_iter()
        .filter(|d| !nsg.rules.iter().any(|r| under(&d.path, &r.path)))
        .collect();
    html! {
        <section class="editor-panel resource-editor" data-testid="nsg-editor">
            { render_head("Network security group", &name, nsg.id.as_str(), delete, "delete-nsg", "NSG") }
            { render_diagnostics(&general, "nsg-diagnostics".into()) }
            <div class="grid">{ render_scope(model, nsg.id.as_str()) }</div>

            <h3>{ "Associated with" }</h3>
            { render_associations(&ctx, &linked) }

            <h3>{ "Rules" }</h3>
            <p class="hint">{ "Evaluated by priority, lowest first, per direction; the first rule that matches decides. Addresses take prefixes, IPs, `*` or service tags like `VirtualNetwork`, comma-separated." }</p>
            { render_rules(&ctx, &doc, nsg) }
            { render_add_rule(&ctx, nsg, &add_direction) }

            <h3>{ "Default rules" }</h3>
            <p class="hint">{ "Every NSG has these six rules after its own; they cannot be changed, only overridden by a rule with a lower priority." }</p>
            { render_defaults(&nsg.id) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use avnm_core::Scenario;
    use avnm_core::scenario::apply;

    const NSG: &str = r#"{"resources": [
        {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n", "name": "n",
         "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
         "properties": {"securityRules": [{"name": "ssh", "properties": {"priority": 300, "direction": "Inbound",
            "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "10.0.0.0/8", "sourcePortRange": "*",
            "destinationAddressPrefix": "*", "destinationPortRange": "22"}}]}}]}"#;

    #[test]
    fn the_editor_shows_rules_defaults_and_associations() {
        let text = include_str!("../../../static/examples/ssh-exception-for-one-team.json");
        let id = NsgId::new(
            "/subscriptions/0c7d9e21-4b3a-4f5e-8a6d-1f2e3d4c5b02/resourceGroups/rg-payments-api/providers/Microsoft.Network/networkSecurityGroups/nsg-payments-api-app",
        );
        let html = super::super::nic_editor::testing::render(text, html! { <NsgEditor id={id} /> });
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

    #[test]
    fn a_list_replaces_the_singular_form() {
        let s = Scenario::parse(NSG).unwrap();
        let doc: Value = serde_json::from_str(&s.to_json()).unwrap();
        let props = "resources[0].properties.securityRules[0].properties";
        assert_eq!(
            listed(&doc, props, "sourceAddressPrefixes", "sourceAddressPrefix").as_deref(),
            Some("10.0.0.0/8")
        );
        let value = field::nsg_addresses("10.0.0.0/8, VirtualNetwork").unwrap();
        let had = has(&doc, &format!("{props}.sourceAddressPrefix"));
        let s = plural_edits(
            props,
            "sourceAddressPrefixes",
            "sourceAddressPrefix",
            value,
            had,
        )
        .iter()
        .fold(s, |s, e| apply(&s, e).unwrap());
        let rule = &s.model().nsgs.values().next().unwrap().rules[0];
        assert_eq!(rule.sources.len(), 2);
        let doc: Value = serde_json::from_str(&s.to_json()).unwrap();
        assert!(!has(&doc, &format!("{props}.sourceAddressPrefix")));
        assert_eq!(
            template::next_nsg_priority(
                s.model().nsgs.values().next().unwrap(),
                Direction::Inbound
            ),
            Some(400)
        );
    }
}
