//! The editor of a network interface: its IP configurations and NSG, and the rules that apply to it.
//!
//! Also the helpers the resource editors share (`vnet_editor`, `nsg_editor`): reading a field of the document as
//! the user wrote it, the diagnostics under a path, removals in an order that keeps the paths valid, and the
//! heading, read-only values and drafts of their forms.

use std::rc::Rc;

use avnm_core::model::ids::scope_of;
use avnm_core::model::{IpConfiguration, Model, Nic, NicId, NsgId, SubnetId};
use avnm_core::scenario::{Edit, FieldValue, field};
use avnm_core::security::effective::{EffectiveRules, RuleStage};
use avnm_core::{Diagnostic, Scenario};
use serde_json::Value;
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::{Check, Field, SelectField};
use crate::platform;
use crate::state::{Action, Selection};

// ---------------------------------------------------------------------------------------------------------------
// Shared by the resource editors (this one, `vnet_editor` and `nsg_editor`).

/// The design compared by identity, so that its document is read again only when it changes.
#[derive(Clone)]
pub(super) struct Design(Rc<Scenario>);

impl PartialEq for Design {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The key under which an editor memoises the document: the design of the context, if any.
pub(super) fn design(ctx: Option<&Ctx>) -> Option<Design> {
    ctx.map(|c| Design(c.state.scenario.clone()))
}

/// The document of a design as JSON, so that fields show what the user wrote rather than its normal form.
pub(super) fn document(design: &Option<Design>) -> Value {
    design
        .as_ref()
        .and_then(|d| serde_json::from_str(&d.0.to_json()).ok())
        .unwrap_or(Value::Null)
}

/// A path of the edits (`resources[3].properties.subnets[1]`) as a JSON pointer.
pub(super) fn pointer(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push('/');
            out.push_str(&key.replace('~', "~0").replace('/', "~1"));
        }
        for index in pieces {
            out.push('/');
            out.push_str(index.trim_end_matches(']'));
        }
    }
    out
}

/// Whether the document has a value at a path.
pub(super) fn has(doc: &Value, path: &str) -> bool {
    doc.pointer(&pointer(path)).is_some_and(|v| !v.is_null())
}

/// The text of the value at a path: a string, a number, or a list joined with `, `.
pub(super) fn raw_text(doc: &Value, path: &str) -> Option<String> {
    match doc.pointer(&pointer(path))? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

/// Whether `path` is `base` or inside it.
pub(super) fn under(path: &str, base: &str) -> bool {
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// The diagnostics at or inside a path.
pub(super) fn diagnostics_under<'d>(all: &'d [Diagnostic], base: &str) -> Vec<&'d Diagnostic> {
    all.iter()
        .filter(|d| !base.is_empty() && under(&d.path, base))
        .collect()
}

/// The message of the first diagnostic, for the field it concerns.
pub(super) fn first_message(list: &[&Diagnostic]) -> Option<AttrValue> {
    list.first().map(|d| AttrValue::from(d.message.clone()))
}

pub(super) use crate::components::render_diagnostics;

/// The indexes of a path, outermost first.
fn indexes(path: &str) -> Vec<usize> {
    path.split('[')
        .skip(1)
        .filter_map(|p| p.split(']').next())
        .filter_map(|i| i.parse().ok())
        .collect()
}

/// Removals of several paths in one step: the later elements of an array go first, and a member inside an
/// element before the element, so that every path still names what it named.
pub(super) fn removals(mut paths: Vec<String>) -> Vec<Edit> {
    paths.sort_by(|a, b| indexes(b).cmp(&indexes(a)).then(b.len().cmp(&a.len())));
    paths.dedup();
    paths
        .into_iter()
        .map(|path| Edit::Remove { path })
        .collect()
}

/// Edits writing a list to `plural` under `props`, and removing the `singular` form when the document has it,
/// so that the document keeps one form.
pub(super) fn plural_edits(
    props: &str,
    plural: &str,
    singular: &str,
    value: FieldValue,
    had_singular: bool,
) -> Vec<Edit> {
    let mut edits = vec![Edit::Set {
        path: format!("{props}.{plural}"),
        value,
    }];
    if had_singular {
        edits.push(Edit::Remove {
            path: format!("{props}.{singular}"),
        });
    }
    edits
}

/// A name not yet taken: `base`, else `base-2`, `base-3`...
pub(super) fn fresh(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|n| !taken(n))
        .unwrap_or_default()
}

/// The NSGs of the design as choices, with "none" first, and the current one even when it is missing.
pub(super) fn nsg_options(model: &Model, current: Option<&NsgId>) -> Vec<(AttrValue, AttrValue)> {
    let mut options = vec![(AttrValue::from(""), AttrValue::from("(none)"))];
    options.extend(model.nsgs.keys().map(|id| {
        (
            AttrValue::from(id.to_string()),
            AttrValue::from(id.name().to_owned()),
        )
    }));
    if let Some(id) = current.filter(|id| !model.nsgs.contains_key(*id)) {
        options.push((
            AttrValue::from(id.to_string()),
            AttrValue::from(format!("{} (not in the design)", id.name())),
        ));
    }
    options
}

/// The edit associating an NSG (or none, for `""`) with the subnet or NIC at `owner`.
/// `had` says whether the document has the association key.
pub(super) fn associate_nsg(
    owner: &str,
    had: bool,
    current: Option<&NsgId>,
    chosen: &str,
) -> Option<Action> {
    let key = format!("{owner}.properties.networkSecurityGroup");
    if chosen.is_empty() {
        return had.then_some(Action::Edit(Edit::Remove { path: key }));
    }
    if current.is_some_and(|c| c.as_str().eq_ignore_ascii_case(chosen)) {
        return None;
    }
    Some(Action::Edit(Edit::Set {
        path: format!("{key}.id"),
        value: FieldValue::Text(chosen.to_owned()),
    }))
}

pub(super) use crate::components::maybe;

/// A callback setting the field at `path`.
pub(super) fn setter(dispatch: &Callback<Action>, path: String) -> Callback<FieldValue> {
    dispatch.reform(move |value: FieldValue| {
        Action::Edit(Edit::Set {
            path: path.clone(),
            value,
        })
    })
}

/// A callback setting the text field at `path` to the chosen value.
pub(super) fn chooser(dispatch: &Callback<Action>, path: String) -> Callback<String> {
    dispatch.reform(move |value: String| {
        Action::Edit(Edit::Set {
            path: path.clone(),
            value: FieldValue::Text(value),
        })
    })
}

/// A button's callback dispatching fixed actions in order.
pub(super) fn on_click(dispatch: &Callback<Action>, actions: Vec<Action>) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| {
        for action in actions.iter().cloned() {
            dispatch.emit(action);
        }
    })
}

/// A read-only value with its label.
pub(super) fn render_readonly(label: &str, value: Html, testid: &str) -> Html {
    html! {
        <div class="field readonly">
            <span class="label">{ label.to_owned() }</span>
            <span class="value" data-testid={testid.to_owned()}>{ value }</span>
        </div>
    }
}

/// The subscription (with its display name when the document has one) and resource group of a resource id.
pub(super) fn render_scope(model: &Model, id: &str) -> Html {
    let (subscription, group) = scope_of(id);
    let sub = match &subscription {
        Some(s) => match model
            .subscriptions
            .get(s)
            .and_then(|m| m.display_name.clone())
        {
            Some(display) => html! { <>{ display }{ " " }<code>{ s.name().to_owned() }</code></> },
            None => html! { <code>{ s.name().to_owned() }</code> },
        },
        None => html! { <span class="muted">{ "none in the id" }</span> },
    };
    let rg = match &group {
        Some(g) => html! { <code>{ g.name().to_owned() }</code> },
        None => html! { <span class="muted">{ "none in the id" }</span> },
    };
    html! {
        <>
            { render_readonly("Subscription", sub, "resource-subscription") }
            { render_readonly("Resource group", rg, "resource-group") }
        </>
    }
}

/// The heading of a resource editor: its kind, name and id, and the delete button.
pub(super) fn render_head(
    kind: &str,
    name: &str,
    id: &str,
    delete: Callback<MouseEvent>,
    testid: &str,
    what: &str,
) -> Html {
    html! {
        <header class="resource-head">
            <div class="resource-title">
                <span class="resource-kind">{ kind.to_owned() }</span>
                <h2>{ name.to_owned() }</h2>
                <code class="resource-id" title="The resource id; renaming a resource changes its id, so the name is fixed here">{ id.to_owned() }</code>
            </div>
            <button class="danger" onclick={delete} data-testid={testid.to_owned()}
                title="Undo brings it back">{ format!("Delete this {what}") }</button>
        </header>
    }
}

/// An input of a form that adds something, validated as the user types.
pub(super) fn render_draft(
    label: &str,
    text: &str,
    error: Option<String>,
    oninput: Callback<InputEvent>,
    testid: &str,
) -> Html {
    html! {
        <label class={classes!("field", error.is_some().then_some("invalid"))}>
            <span class="label">{ label.to_owned() }</span>
            <input type="text" value={text.to_owned()} {oninput} data-testid={testid.to_owned()}
                aria-invalid={error.is_some().to_string()} spellcheck="false" />
            if let Some(e) = error {
                <span class="error" role="alert" data-testid={format!("{testid}-error")}>{ e }</span>
            }
        </label>
    }
}

/// A callback storing what the user typed in a draft.
pub(super) fn typing(state: &UseStateHandle<Option<String>>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(Some(platform::value(&e))))
}

// ---------------------------------------------------------------------------------------------------------------
// The NIC editor.

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

fn render_configuration(ctx: &Ctx, doc: &Value, i: usize, config: &IpConfiguration) -> Html {
    let model = ctx.state.scenario.model();
    let name = raw_text(doc, &format!("{}.name", config.path))
        .unwrap_or_else(|| format!("IP configuration {}", i + 1));
    let address_path = format!("{}.properties.privateIPAddress", config.path);
    let address = raw_text(doc, &address_path)
        .or_else(|| config.address.map(|a| a.to_string()))
        .unwrap_or_default();
    let problems = diagnostics_under(&ctx.analysis.diagnostics, &config.path);
    let on_subnet = {
        let (path, current) = (
            format!("{}.properties.subnet.id", config.path),
            config.subnet.clone(),
        );
        maybe(&ctx.dispatch, move |chosen: String| {
            let same = current
                .as_ref()
                .is_some_and(|c| c.as_str().eq_ignore_ascii_case(&chosen));
            (!chosen.is_empty() && !same).then(|| {
                Action::Edit(Edit::Set {
                    path: path.clone(),
                    value: FieldValue::Text(chosen),
                })
            })
        })
    };
    html! {
        <li class="ip-configuration" key={config.path.clone()} data-testid={format!("nic-ipconfig-{i}")}>
            <h4><code>{ name }</code><span class="muted">{ format!(" · {}", landing(model, config)) }</span></h4>
            <div class="grid">
                <Field label="Private IP address" value={address} check={field::address as Check}
                    on_change={setter(&ctx.dispatch, address_path)} diagnostic={first_message(&problems)}
                    testid={format!("nic-ipconfig-{i}-address")} />
                <SelectField label="Subnet" value={config.subnet.as_ref().map(ToString::to_string).unwrap_or_default()}
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

fn stage_name(stage: &str) -> &str {
    match stage {
        "AdminRules" => "Security admin rules",
        "SubnetNsg" => "Subnet NSG",
        "NicNsg" => "NIC NSG",
        other => other,
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
            <h5>{ stage_name(stage.stage) }{ " " }<code title={stage.evaluated.clone()}>{ evaluated }</code></h5>
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
                            <tr class={r.access.to_lowercase()}>
                                <td>{ r.priority }</td>
                                <td class="name" title={id.clone()}>{ id.rsplit('/').next().unwrap_or_default().to_owned() }</td>
                                <td>{ r.access.clone() }</td>
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

fn render_nsg(ctx: &Ctx, doc: &Value, nic: &Nic) -> Html {
    let model = ctx.state.scenario.model();
    let on_nsg = {
        let (owner, current) = (nic.path.clone(), nic.nsg.clone());
        let had = has(
            doc,
            &format!("{}.properties.networkSecurityGroup", nic.path),
        );
        maybe(&ctx.dispatch, move |chosen: String| {
            associate_nsg(&owner, had, current.as_ref(), &chosen)
        })
    };
    let open = nic
        .nsg
        .as_ref()
        .filter(|id| model.nsgs.contains_key(*id))
        .map(|id| {
            on_click(
                &ctx.dispatch,
                vec![Action::Select(Selection::Nsg(id.clone()))],
            )
        });
    html! {
        <div class="inline-field">
            <SelectField label="Network security group" value={nic.nsg.as_ref().map(ToString::to_string).unwrap_or_default()}
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
    let ctx = use_context::<Ctx>();
    let doc = use_memo(design(ctx.as_ref()), document);
    let Some(ctx) = ctx else { return html! {} };
    let model = ctx.state.scenario.model();
    let Some(nic) = model.nics.get(&props.id) else {
        return html! {
            <section class="editor-panel resource-editor">
                <h2>{ props.id.name().to_owned() }</h2>
                <p class="empty">{ "This network interface is no longer in the design. Pick another resource in the navigator." }</p>
            </section>
        };
    };
    let name =
        raw_text(&doc, &format!("{}.name", nic.path)).unwrap_or_else(|| nic.id.name().to_owned());
    let delete = on_click(
        &ctx.dispatch,
        vec![
            Action::Edits(removals(vec![nic.path.clone()])),
            Action::Select(Selection::Overview),
        ],
    );
    let children: Vec<&str> = nic
        .ip_configurations
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    let general: Vec<_> = diagnostics_under(&ctx.analysis.diagnostics, &nic.path)
        .into_iter()
        .filter(|d| !children.iter().any(|c| under(&d.path, c)))
        .collect();
    let effective = ctx.analysis.effective_nic_rules(&nic.id);
    html! {
        <section class="editor-panel resource-editor" data-testid="nic-editor">
            { render_head("Network interface", &name, nic.id.as_str(), delete, "delete-nic", "NIC") }
            { render_diagnostics(&general, "nic-diagnostics".into()) }
            <div class="grid">
                { render_scope(model, nic.id.as_str()) }
                { render_readonly("Private endpoint", html! {
                    if nic.private_endpoint {
                        <span title="Security admin rules do not apply to private endpoints">{ "yes: admin rules skip it" }</span>
                    } else { { "no" } }
                }, "nic-private-endpoint") }
            </div>
            { render_nsg(&ctx, &doc, nic) }

            <h3>{ "IP configurations" }</h3>
            if nic.ip_configurations.is_empty() {
                <p class="empty" data-testid="nic-ipconfigs-empty">{ "No IP configuration, so this interface is no endpoint. Add one in the Document view, under `properties.ipConfigurations`." }</p>
            } else {
                <ul class="ip-configurations">
                { for nic.ip_configurations.iter().enumerate().map(|(i, c)| render_configuration(&ctx, &doc, i, c)) }
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

/// Renders an editor natively (server-side rendering) inside the context of an example design, for the tests of
/// the resource editors.
#[cfg(test)]
pub(super) mod testing {
    use std::rc::Rc;

    use avnm_core::{Scenario, analyze};
    use yew::LocalServerRenderer;
    use yew::prelude::*;

    use crate::app::Ctx;
    use crate::state::AppState;

    #[derive(Properties, PartialEq)]
    pub(in crate::views) struct HostProps {
        pub(in crate::views) text: &'static str,
        pub(in crate::views) children: Html,
    }

    #[component]
    pub(in crate::views) fn Host(props: &HostProps) -> Html {
        let scenario = Scenario::parse(props.text).expect("example");
        let analysis = Rc::new(analyze(&scenario));
        let ctx = Ctx {
            state: Rc::new(AppState::new(scenario)),
            analysis,
            dispatch: Callback::noop(),
        };
        html! { <ContextProvider<Ctx> context={ctx}>{ props.children.clone() }</ContextProvider<Ctx>> }
    }

    /// The HTML of `editor` in the context of the design `text`.
    pub(in crate::views) fn render(text: &'static str, editor: Html) -> String {
        futures::executor::block_on(
            LocalServerRenderer::<Host>::with_props(HostProps {
                text,
                children: editor,
            })
            .render(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use avnm_core::Scenario;

    #[test]
    fn the_editor_shows_an_endpoint_and_its_rules() {
        let text = include_str!("../../../static/examples/hub-spoke-guardrails.json");
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
    fn paths_read_the_document_as_written() {
        let s = Scenario::parse(
            r#"{"resources": [
            {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a",
             "type": "Microsoft.Network/virtualNetworks", "location": "westeurope", "tags": {"env": "prod"},
             "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "s", "properties": {"addressPrefixes": ["10.0.0.0/24", "10.0.1.0/24"]}}]}},
            {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/b",
             "type": "Microsoft.Network/virtualNetworks", "location": "westeurope"}]}"#,
        )
        .unwrap();
        let doc: Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(
            raw_text(
                &doc,
                "resources[0].properties.subnets[0].properties.addressPrefixes"
            )
            .as_deref(),
            Some("10.0.0.0/24, 10.0.1.0/24")
        );
        assert!(has(&doc, "resources[0].tags.env"));
        assert!(!has(&doc, "resources[1].tags"));
        assert!(
            under("resources[1].properties", "resources[1]")
                && !under("resources[10]", "resources[1]")
        );
    }

    #[test]
    fn removals_go_from_the_last_element_to_the_first() {
        let edits = removals(vec![
            "resources[2]".into(),
            "resources[5].properties.subnets[0].properties.networkSecurityGroup".into(),
            "resources[5].properties.subnets[1]".into(),
        ]);
        let paths: Vec<String> = edits
            .into_iter()
            .map(|e| match e {
                Edit::Remove { path } => path,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            paths,
            [
                "resources[5].properties.subnets[1]",
                "resources[5].properties.subnets[0].properties.networkSecurityGroup",
                "resources[2]"
            ]
        );
    }

    #[test]
    fn subnets_are_offered_by_vnet_and_name() {
        let s = Scenario::parse(r#"{"resources": [
            {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a", "name": "a",
             "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
             "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "web", "properties": {"addressPrefix": "10.0.0.0/24"}}]}}]}"#)
        .unwrap();
        let options = subnet_options(s.model(), None);
        assert_eq!(options.len(), 2);
        assert_eq!(options[1].1.as_str(), "a / web");
        let missing = SubnetId::new(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/b/subnets/x",
        );
        assert_eq!(subnet_options(s.model(), Some(&missing)).len(), 2);
    }
}
