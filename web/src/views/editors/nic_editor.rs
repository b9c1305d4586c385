//! The editor of a network interface: its IP configurations and NSG, and the rules that apply to it.

use avnm_core::model::{IpConfiguration, Model, Nic, NicId, ResourceId, SubnetId};
use avnm_core::scenario::{Change, FieldValue, Target, field};
use avnm_core::security::effective::{EffectiveRules, RuleStage};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::editor::{
    choose, diagnostics_under, first_message, nsg_options, on_click_then, on_select,
    render_diagnostics, render_head, render_readonly, render_rename, render_scope, set, text_of,
};
use crate::components::{Check, Field, Picker};
use crate::state::Selection;

/// Every subnet of the design as a choice, `vnet / subnet`, with the current one even when it is missing.
fn subnet_options(model: &Model, current: Option<&SubnetId>) -> Vec<(AttrValue, AttrValue)> {
    let mut options = Vec::new();
    if current.is_none() {
        options.push((AttrValue::from(""), AttrValue::from("(choose a subnet)")));
    }
    for vnet in model.vnets.values() {
        options.extend(vnet.subnets.iter().map(|s| {
            (
                AttrValue::from(s.id.to_string()),
                AttrValue::from(format!("{} / {}", vnet.name, s.name)),
            )
        }));
    }
    if let Some(id) = current.filter(|id| model.subnet(id).is_none()) {
        options.push((
            AttrValue::from(id.to_string()),
            AttrValue::from(format!("{} (not in the design)", id.name())),
        ));
    }
    options
}

/// Where an IP configuration lands: its VNet and subnet, and the subnet's NSG.
fn landing(model: &Model, config: &IpConfiguration) -> String {
    let Some(subnet) = config.subnet.as_ref() else {
        return "in no subnet: it is not an endpoint".to_owned();
    };
    let (Some(vnet), Some(s)) = (model.vnet_of_subnet(subnet), model.subnet(subnet)) else {
        return "its subnet is not in the design".to_owned();
    };
    let nsg = s.nsg.as_ref().map_or_else(
        || "no NSG on the subnet".to_owned(),
        |n| format!("subnet NSG {}", n.name()),
    );
    format!("in {} / {} ({nsg})", vnet.name, s.name)
}

fn render_configuration(ctx: &Ctx, nic: &NicId, i: usize, config: &IpConfiguration) -> Html {
    let model = ctx.state.scenario.model();
    let name = config
        .name
        .clone()
        .unwrap_or_else(|| format!("IP configuration {}", i + 1));
    let address_target = Target::IpAddress {
        nic: nic.clone(),
        index: i,
    };
    let address = text_of(ctx, &address_target, || {
        config.address.map(|a| a.to_string()).unwrap_or_default()
    });
    let problems = diagnostics_under(&ctx.analysis.diagnostics, &config.path);
    let on_subnet = {
        let set = set(
            ctx,
            Target::IpSubnet {
                nic: nic.clone(),
                index: i,
            },
        );
        Callback::from(move |chosen: String| {
            if !chosen.is_empty() {
                set.emit(FieldValue::Text(chosen));
            }
        })
    };
    html! {
        <li class="ip-configuration" key={config.path.to_string()} data-testid={format!("nic-ipconfig-{i}")}>
            <h4><code>{ name }</code><span class="muted">{ format!(" · {}", landing(model, config)) }</span></h4>
            <div class="grid">
                <Field label="Private IP address" value={address} check={field::address as Check}
                    on_change={set(ctx, address_target)} diagnostic={first_message(&problems)}
                    testid={format!("nic-ipconfig-{i}-address")} />
                <Picker label="Subnet" value={config.subnet.as_ref().map(ToString::to_string).unwrap_or_default()}
                    options={subnet_options(model, config.subnet.as_ref())} on_change={on_subnet}
                    testid={format!("nic-ipconfig-{i}-subnet")} />
            </div>
            if problems.len() > 1 { { render_diagnostics(&problems, format!("nic-ipconfig-{i}-diagnostics")) } }
            { render_readonly("Application security groups", if config.asgs.is_empty() {
                html! { <span class="muted">{ "none" }</span> }
            } else {
                html! { <>{ for config.asgs.iter().map(|a| html! { <code class="chip" title={a.to_string()}>{ a.name().to_owned() }</code> }) }</> }
            }, &format!("nic-ipconfig-{i}-asgs")) }
        </li>
    }
}

fn render_stage(stage: &RuleStage) -> Html {
    let evaluated = stage
        .evaluated
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    html! {
        <div class="rule-stage">
            <h5>{ stage.stage.label() }{ " " }<code title={stage.evaluated.clone()}>{ evaluated }</code></h5>
            if stage.rules.is_empty() {
                <p class="empty">{ "No rule in this direction." }</p>
            } else {
                <table class="rules compact">
                    <thead><tr><th>{ "Priority" }</th><th>{ "Name" }</th><th>{ "Action" }</th>
                        <th>{ "Source → destination" }</th><th>{ "Protocol and ports" }</th></tr></thead>
                    <tbody>
                    { for stage.rules.iter().map(|r| {
                        let id = r.id.to_string();
                        let ports = r.destination_ports.join(", ");
                        let service = if r.protocol.has_ports() && ports != "*" { format!("{} {ports}", r.protocol) } else { r.protocol.to_string() };
                        html! {
                            <tr class={r.access.to_string().to_lowercase()}>
                                <td>{ r.priority }</td>
                                <td class="name" title={id.clone()}>{ id.rsplit('/').next().unwrap_or_default().to_owned() }</td>
                                <td>{ r.access.to_string() }</td>
                                <td>{ r.sources.join(", ") }<span class="muted">{ " → " }</span>{ r.destinations.join(", ") }</td>
                                <td class="ports">{ service }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

fn render_effective(rules: &EffectiveRules) -> Html {
    let direction = |title: &str, stages: &[RuleStage], testid: &str| {
        html! {
            <section class="effective-direction" data-testid={testid.to_owned()}>
                <h4>{ title.to_owned() }</h4>
                if stages.is_empty() {
                    <p class="empty">{ "No admin rule or NSG applies: everything is allowed." }</p>
                }
                { for stages.iter().map(render_stage) }
            </section>
        }
    };
    html! {
        <div class="effective-rules" data-testid="nic-effective-rules">
            { direction("Inbound", &rules.inbound, "nic-effective-inbound") }
            { direction("Outbound", &rules.outbound, "nic-effective-outbound") }
            { for rules.notes.iter().map(|n| html! { <p class="note">{ n.clone() }</p> }) }
        </div>
    }
}

fn render_nsg(ctx: &Ctx, nic: &Nic) -> Html {
    let model = ctx.state.scenario.model();
    let on_nsg = choose(ctx, Target::NicNsg(nic.id.clone()));
    let open = nic
        .nsg
        .as_ref()
        .filter(|id| model.nsgs.contains_key(*id))
        .map(|id| on_select(ctx, Selection::Nsg(id.clone())));
    html! {
        <div class="inline-field">
            <Picker label="Network security group" value={nic.nsg.as_ref().map(ToString::to_string).unwrap_or_default()}
                options={nsg_options(model, nic.nsg.as_ref())} on_change={on_nsg} testid="nic-nsg" />
            if let Some(onclick) = open {
                <button class="link" {onclick} data-testid="nic-open-nsg">{ "Open this NSG" }</button>
            }
        </div>
    }
}

/// Properties of [`NicEditor`].
#[derive(Properties, PartialEq)]
pub struct NicEditorProps {
    /// The resource.
    pub id: NicId,
}

/// The editor of a network interface.
#[component]
pub fn NicEditor(props: &NicEditorProps) -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = ctx.state.scenario.model();
    let Some(nic) = model.nics.get(&props.id) else {
        return html! {
            <section class="editor-panel resource-editor">
                <h2>{ props.id.name().to_owned() }</h2>
                <p class="empty">{ "This network interface is no longer in the design. Pick another resource in the navigator." }</p>
            </section>
        };
    };

    let delete = on_click_then(
        &ctx,
        Change::Remove(ResourceId::new(nic.id.as_str())),
        Selection::Overview,
    );
    let general: Vec<_> = diagnostics_under(&ctx.analysis.diagnostics, &nic.path)
        .into_iter()
        .filter(|d| {
            !nic.ip_configurations
                .iter()
                .any(|c| d.path.starts_with(&c.path))
        })
        .collect();
    let effective = ctx.analysis.effective_nic_rules(&nic.id);
    html! {
        <section class="editor-panel resource-editor" data-testid="nic-editor">
            { render_head("Network interface", nic.id.name(), nic.id.as_str(), delete, "delete-nic", "NIC") }
            { render_diagnostics(&general, "nic-diagnostics".into()) }
            <div class="grid">
                { render_rename(&ctx, nic.id.as_str(), nic.id.name(), "nic-name") }
                { render_scope(model, nic.id.as_str()) }
                { render_readonly("Private endpoint", html! {
                    if nic.private_endpoint {
                        <span title="Security admin rules do not apply to private endpoints">{ "yes: admin rules skip it" }</span>
                    } else { { "no" } }
                }, "nic-private-endpoint") }
            </div>
            { render_nsg(&ctx, nic) }

            <h3>{ "IP configurations" }</h3>
            if nic.ip_configurations.is_empty() {
                <p class="empty" data-testid="nic-ipconfigs-empty">{ "No IP configuration, so this interface is no endpoint. Add one in the Document view." }</p>
            } else {
                <ul class="ip-configurations">
                { for nic.ip_configurations.iter().enumerate().map(|(i, c)| render_configuration(&ctx, &nic.id, i, c)) }
                </ul>
            }

            <h3>{ "Effective rules" }</h3>
            <p class="hint">{ "What applies to this interface, in evaluation order: admin rules of its VNet, then the subnet and NIC NSGs." }</p>
            if let Some(rules) = effective { { render_effective(&rules) } } else {
                <p class="empty">{ "No effective rules: give the interface an IP configuration in a subnet of the design." }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;
    use avnm_core::Scenario;

    #[test]
    fn the_editor_shows_an_endpoint_and_its_rules() {
        let text = include_str!("../../../../static/examples/hub-spoke-guardrails.json");
        let id = NicId::new(
            "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-spokes/providers/Microsoft.Network/networkInterfaces/nic-prod-1",
        );
        let html = testing::render(text, html! { <NicEditor id={id} /> });
        for testid in [
            "nic-ipconfig-0-address",
            "nic-ipconfig-0-subnet",
            "nic-nsg",
            "nic-private-endpoint",
            "nic-effective-rules",
            "delete-nic",
        ] {
            assert!(
                html.contains(&format!("data-testid=\"{testid}\"")),
                "{testid} in {html}"
            );
        }
        assert!(html.contains("value=\"10.1.0.4\""));
        assert!(html.contains("vnet-prod-1 / workload"));
        assert!(
            html.contains("deny-ssh"),
            "the admin rule of its VNet is effective"
        );
    }

    #[test]
    fn subnets_are_offered_by_vnet_and_name() {
        let text = include_str!("../../../../static/examples/hub-spoke-guardrails.json");
        let s = Scenario::parse(text).unwrap();
        let options = subnet_options(s.model(), None);
        let subnets: usize = s.model().vnets.values().map(|v| v.subnets.len()).sum();
        assert_eq!(options.len(), subnets + 1, "every subnet, after the prompt");
        assert!(
            options
                .iter()
                .any(|(_, text)| text.as_str() == "vnet-prod-1 / workload")
        );
        let missing = SubnetId::new(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/b/subnets/x",
        );
        let with_missing = subnet_options(s.model(), Some(&missing));
        assert_eq!(
            with_missing.len(),
            subnets + 1,
            "no prompt, and the missing subnet is offered"
        );
        assert!(
            with_missing
                .iter()
                .any(|(_, text)| text.contains("not in the design"))
        );
    }
}
