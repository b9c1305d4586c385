//! The verdict panel: pick a flow, see Allowed, Denied or Unreachable, and the trace as readable steps.

use std::net::IpAddr;

use avnm_core::model::{Nic, NicId, Protocol};
use avnm_core::verdict::{Step, StepResult};
use avnm_core::{Decision, Flow, Verdict};
use yew::prelude::*;

use avnm_link::Query;

use crate::app::Ctx;
use crate::components::picker::holds;
use crate::components::rich;
use crate::components::{SameItems, kept};
use crate::platform;
use crate::state::Action;
use crate::views::io::CopyView;

/// Makes the verdict panel's endpoints of `model` ahead of the render that shows them (the import or an edit of a
/// large design, in a task of its own).
pub fn make_ahead(model: &avnm_core::Model) {
    kept("verdict: endpoints", &model.nics, endpoints);
}

/// Known endpoints to pick from: NIC addresses with their names (made once per NICs and kept, [`kept`]).
fn endpoints(nics: &std::collections::BTreeMap<NicId, Nic>) -> Vec<(String, String)> {
    platform::timed("verdict: endpoints", || endpoints_of(nics))
}

fn endpoints_of(nics: &std::collections::BTreeMap<NicId, Nic>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = nics
        .values()
        .flat_map(|nic| {
            nic.ip_configurations
                .iter()
                .filter_map(move |c| c.address.map(|a| (a.to_string(), nic.id.name().to_owned())))
        })
        .collect();
    out.sort();
    out
}

/// At most this many endpoints are suggested under a field: a design of thousands of NICs would otherwise put
/// thousands of options in the page at every keystroke.
const SUGGESTED: usize = 50;

/// The endpoints suggested for what a field holds: those whose address starts with it or whose NIC's name holds it
/// (all when it is empty), the first [`SUGGESTED`].
fn suggestions<'a>(list: &'a [(String, String)], typed: &str) -> Vec<&'a (String, String)> {
    let typed = typed.trim().to_ascii_lowercase();
    list.iter()
        .filter(|(ip, name)| typed.is_empty() || ip.starts_with(&typed) || holds(name, &typed))
        .take(SUGGESTED)
        .collect()
}

/// The suggestions of one field, as a `datalist`.
fn datalist(id: &str, list: &[(String, String)], typed: &str) -> Html {
    html! {
        <datalist id={id.to_owned()}>
            { for suggestions(list, typed).into_iter().map(|(ip, name)| html! { <option value={ip.clone()}>{ name.clone() }</option> }) }
        </datalist>
    }
}

/// The flow the panel opens on: the one remembered in the state (typed before, or from a share link), else the
/// first intent's, else port 443 over TCP.
fn start_query(ctx: &Ctx) -> Query {
    if !ctx.state.query.is_empty() {
        return ctx.state.query.clone();
    }
    match ctx.analysis.model.intents.first().map(|i| i.flow) {
        Some(flow) => Query {
            from: Some(flow.from),
            to: Some(flow.to),
            protocol: Some(flow.protocol),
            port: flow.port,
            source_port: flow.source_port,
        },
        None => Query {
            port: Some(443),
            ..Query::default()
        },
    }
}

/// Remembers the flow in the state as it is typed, so that a share link carries it and the panel shows it again.
#[hook]
fn use_remembered_query(
    dispatch: Option<Callback<Action>>,
    fields: [&UseStateHandle<String>; 4],
    protocol: Protocol,
) {
    let [from, to, port, source_port] = fields;
    let query = Query {
        from: from.trim().parse().ok(),
        to: to.trim().parse().ok(),
        protocol: Some(protocol),
        port: port.trim().parse().ok(),
        source_port: source_port.trim().parse().ok(),
    };
    use_effect_with(query, move |query| {
        if let Some(dispatch) = dispatch {
            dispatch.emit(Action::Query(query.clone()));
        }
    });
}

/// The verdict panel.
#[component]
pub fn VerdictView() -> Html {
    let ctx = use_context::<Ctx>();
    let start = ctx.as_ref().map(start_query).unwrap_or_default();
    let text = |value: Option<String>| value.unwrap_or_default();
    let from = use_state(|| text(start.from.map(|a| a.to_string())));
    let to = use_state(|| text(start.to.map(|a| a.to_string())));
    let protocol = use_state(|| start.protocol.unwrap_or(Protocol::Tcp));
    let port = use_state(|| text(start.port.map(|p| p.to_string())));
    let source_port = use_state(|| text(start.source_port.map(|p| p.to_string())));
    use_remembered_query(
        ctx.as_ref().map(|c| c.dispatch.clone()),
        [&from, &to, &port, &source_port],
        *protocol,
    );
    // Made again only when a change wrote a NIC (an edit of a rule keeps them).
    let list = use_memo(
        ctx.as_ref()
            .map(|c| SameItems(c.analysis.model.nics.clone())),
        |nics| {
            nics.as_ref()
                .map(|n| kept("verdict: endpoints", &n.0, endpoints))
                .unwrap_or_default()
        },
    );
    let Some(ctx) = ctx else { return html! {} };

    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(platform::value(&e)))
    };
    let on_protocol = {
        let protocol = protocol.clone();
        Callback::from(move |e: Event| {
            if let Ok(p) = platform::value(&e).parse() {
                protocol.set(p);
            }
        })
    };
    let from_ip = from.trim().parse::<IpAddr>();
    let to_ip = to.trim().parse::<IpAddr>();
    let port_value = port.trim().parse::<u16>();
    let source_value = if source_port.trim().is_empty() {
        Ok(None)
    } else {
        source_port.trim().parse::<u16>().map(Some)
    };
    let needs_port = protocol.has_ports();
    let mut problems = Vec::new();
    for (ip, typed, side) in [
        (&from_ip, from.trim(), "source"),
        (&to_ip, to.trim(), "destination"),
    ] {
        if ip.is_err() {
            problems.push(if typed.is_empty() {
                format!("type the {side}'s IP address")
            } else {
                format!("`{typed}` is not an IP address")
            });
        }
    }
    if needs_port && port_value.is_err() {
        problems.push("the port is a number from 0 to 65535".to_owned());
    }
    if source_value.is_err() {
        problems.push("the source port is a number from 0 to 65535".to_owned());
    }
    let flow = match (from_ip, to_ip, source_value) {
        (Ok(f), Ok(t), Ok(sp)) if !needs_port || port_value.is_ok() => Some(Flow {
            from: f,
            to: t,
            protocol: *protocol,
            port: port_value.ok(),
            source_port: sp,
        }),
        _ => None,
    };
    let verdict = flow.map(|f| (ctx.analysis.verdict(&f), f));
    html! {
        <div class="panel verdict-panel">
            <form class="flow-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label class="field"><span class="label">{ "Source" }</span>
                    <input list="endpoints-from" value={(*from).clone()} oninput={text_input(&from)} data-testid="verdict-from" spellcheck="false" /></label>
                <label class="field"><span class="label">{ "Destination" }</span>
                    <input list="endpoints-to" value={(*to).clone()} oninput={text_input(&to)} data-testid="verdict-to" spellcheck="false" /></label>
                <label class="field"><span class="label">{ "Protocol" }</span>
                    <select onchange={on_protocol} data-testid="verdict-protocol">
                        { for ["Tcp", "Udp", "Icmp", "Esp", "Ah", "Any"].iter().map(|p| html! {
                            <option value={*p} selected={protocol.to_string() == *p}>{ *p }</option>
                        }) }
                    </select></label>
                <label class="field"><span class="label">{ "Port" }</span>
                    <input value={(*port).clone()} oninput={text_input(&port)} disabled={!needs_port} data-testid="verdict-port" inputmode="numeric" /></label>
                <label class="field"><span class="label">{ "Source port" }</span>
                    <input value={(*source_port).clone()} oninput={text_input(&source_port)} placeholder="49152" disabled={!needs_port} inputmode="numeric" /></label>
                { datalist("endpoints-from", &list, &from) }
                { datalist("endpoints-to", &list, &to) }
            </form>
            { for problems.iter().map(|p| html! { <p class="error" role="alert">{ p.clone() }</p> }) }
            if let Some((v, f)) = verdict {
                { render_verdict(&v) }
                <CopyView text={avnm_core::export::verdict_markdown(&v, &f)} label="Copy as Markdown" testid="verdict-markdown" />
            }
        </div>
    }
}

fn decision_class(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "allowed",
        Decision::Denied => "denied",
        Decision::Unreachable => "unreachable",
    }
}

fn short(id: &str) -> String {
    let mut parts = id.rsplit('/');
    let name = parts.next().unwrap_or_default();
    let _kind = parts.next();
    let parent = parts.next().unwrap_or_default();
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent} / {name}")
    }
}

/// A verdict with its trace, as readable steps.
pub fn render_verdict(v: &Verdict) -> Html {
    html! {
        <div class="verdict" data-testid="verdict">
            <div class={classes!("decision", decision_class(v.verdict))} data-testid="verdict-decision">
                { v.verdict.to_string() }
            </div>
            if let Some(rule) = &v.decided_by {
                <p class="decided-by">{ "Decided by " }<code title={rule.to_string()} data-testid="verdict-rule">{ short(&rule.to_string()) }</code></p>
            } else {
                <p class="decided-by">{ match v.verdict {
                    Decision::Unreachable => "No path or no endpoint: no rule decided.",
                    _ => "No rule matched on the deciding side: nothing stopped the flow.",
                } }</p>
            }
            <ol class="trace">{ for v.trace.0.iter().map(render_step) }</ol>
            if !v.assumptions.is_empty() {
                <div class="assumptions">
                    <h4>{ "Assumptions" }</h4>
                    <ul>{ for v.assumptions.iter().map(|a| html! { <li><span class="tag">{ a.decision.clone() }</span>{ " " }{ rich(&a.text) }</li> }) }</ul>
                </div>
            }
        </div>
    }
}

fn render_step(step: &Step) -> Html {
    let class = match step.result {
        StepResult::Denied | StepResult::Unreachable => "stop",
        StepResult::Allowed | StepResult::AlwaysAllowed => "allow",
        StepResult::Skipped => "skip",
        _ => "info",
    };
    let stage = step.stage.label();
    let matched = step.matched_rule.as_ref().map(ToString::to_string);
    html! {
        <li class={classes!("step", class)}>
            <div class="step-head"><span class="stage">{ stage }</span><span class="summary">{ rich(&step.summary) }</span></div>
            if !step.rules.is_empty() {
                <table class="rules">
                    <thead><tr><th>{ "Priority" }</th><th>{ "Rule" }</th><th>{ "Action" }</th><th>{ "Protocol" }</th><th>{ "Source" }</th><th>{ "Src port" }</th><th>{ "Destination" }</th><th>{ "Dst port" }</th></tr></thead>
                    <tbody>
                    { for step.rules.iter().map(|r| {
                        let id = r.rule.to_string();
                        let hit = matched.as_deref() == Some(id.as_str());
                        let mark = |b: bool| html! { <td class={if b { "yes" } else { "no" }}>{ if b { "✓" } else { "✗" } }</td> };
                        html! {
                            <tr class={classes!(hit.then_some("matched"))}>
                                <td>{ r.priority }</td><td title={id.clone()}>{ id.rsplit('/').next().unwrap_or_default().to_owned() }</td><td>{ r.access.to_string() }</td>
                                { mark(r.protocol_matched) }{ mark(r.source_matched) }{ mark(r.source_port_matched) }{ mark(r.destination_matched) }{ mark(r.destination_port_matched) }
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field suggests the endpoints its text starts (an address) or names (a NIC), at most [`SUGGESTED`].
    #[test]
    fn a_field_suggests_what_matches_its_text() {
        let list: Vec<(String, String)> = (0..300)
            .map(|i| (format!("10.{}.0.{}", i / 100, i % 100), format!("nic-{i}")))
            .collect();
        assert_eq!(suggestions(&list, "").len(), SUGGESTED);
        let exact = suggestions(&list, " 10.2.0.57 ");
        assert_eq!(exact, [&("10.2.0.57".to_owned(), "nic-257".to_owned())]);
        let by_name: Vec<&str> = suggestions(&list, "NIC-29")
            .iter()
            .map(|(_, name)| name.as_str())
            .collect();
        assert_eq!(
            by_name,
            [
                "nic-29", "nic-290", "nic-291", "nic-292", "nic-293", "nic-294", "nic-295",
                "nic-296", "nic-297", "nic-298", "nic-299"
            ]
        );
        assert!(suggestions(&list, "192.").is_empty());
    }
}
