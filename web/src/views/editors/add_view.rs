//! Adding resources to the design: a virtual network, a network security group, a network interface or a
//! network manager, made from the engine's templates with Azure's defaults.

use avnm_core::model::SubnetId;
use avnm_core::model::ids::scope_of;
use avnm_core::scenario::edit::template;
use avnm_core::scenario::{Change, NewResource, field};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::Same;
use crate::platform;
use crate::state::Action;

/// What can be added.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Vnet,
    Nsg,
    Nic,
    Manager,
}

/// The "add a resource" form.
#[component]
pub fn AddView() -> Html {
    let ctx = use_context::<Ctx>();
    let kind = use_state(|| Kind::Vnet);
    let name = use_state(String::new);
    let prefix = use_state(String::new);
    let address = use_state(String::new);
    let subnet = use_state(String::new);
    let error = use_state(|| None::<String>);
    // Once per design, not at every render (the editor renders with every change of the page's state); the
    // subnets a new NIC can go in only while a NIC is being added (a 10,000-VNet design has 30,000).
    let design = ctx.as_ref().map(|c| Same(c.state.scenario.clone()));
    let suggested_prefix = use_memo(design.clone(), |design| {
        design
            .as_ref()
            .map(|d| template::free_vnet_prefix(d.0.model()))
            .unwrap_or_default()
    });
    let subnets = use_memo((design, *kind == Kind::Nic), |(design, nic)| {
        let (Some(design), true) = (design, nic) else {
            return Vec::new();
        };
        design
            .0
            .model()
            .vnets
            .values()
            .flat_map(|v| {
                v.subnets
                    .iter()
                    .map(move |s| (s.id.to_string(), format!("{} / {}", v.name, s.name)))
            })
            .collect::<Vec<(String, String)>>()
    });
    let Some(ctx) = ctx else { return html! {} };
    let model = ctx.state.scenario.model().clone();

    // Where new resources go by default: the design's first subscription, resource group and region.
    let first = model.vnets.values().next();
    let subscription = first.and_then(|v| scope_of(v.id.as_str()).0).map_or_else(
        || "00000000-0000-0000-0000-000000000001".to_owned(),
        |s| s.name().to_owned(),
    );
    let resource_group = first.map_or_else(
        || "rg-network".to_owned(),
        |v| v.resource_group.name().to_owned(),
    );
    let region = first.map_or_else(|| "westeurope".to_owned(), |v| v.location.to_string());
    let suggested_prefix = (*suggested_prefix).clone();

    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(platform::value(&e)))
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(match platform::value(&e).as_str() {
                "nsg" => Kind::Nsg,
                "nic" => Kind::Nic,
                "manager" => Kind::Manager,
                _ => Kind::Vnet,
            })
        })
    };
    let on_subnet = {
        let subnet = subnet.clone();
        Callback::from(move |e: Event| subnet.set(platform::value(&e)))
    };

    let submit = {
        let (kind, name, prefix, address, subnet, error) = (
            kind.clone(),
            name.clone(),
            prefix.clone(),
            address.clone(),
            subnet.clone(),
            error.clone(),
        );
        let dispatch = ctx.dispatch;
        let subnets = subnets.clone();
        let suggested_prefix = suggested_prefix.clone();
        let (subscription, resource_group, location) =
            (subscription.clone(), resource_group.clone(), region.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let chosen = if name.trim().is_empty() {
                default_name(*kind)
            } else {
                name.trim().to_owned()
            };
            if let Err(problem) = field::name(&chosen) {
                error.set(Some(problem.to_string()));
                return;
            }
            let (subscription, resource_group, location, name_of) = (
                subscription.clone(),
                resource_group.clone(),
                location.clone(),
                chosen,
            );
            let new = match *kind {
                Kind::Vnet => {
                    let p = if prefix.trim().is_empty() {
                        suggested_prefix.clone()
                    } else {
                        prefix.trim().to_owned()
                    };
                    if let Err(problem) = field::prefix(&p) {
                        error.set(Some(problem.to_string()));
                        return;
                    }
                    NewResource::Vnet {
                        subscription,
                        resource_group,
                        name: name_of,
                        location,
                        prefix: p,
                    }
                }
                Kind::Nsg => NewResource::Nsg {
                    subscription,
                    resource_group,
                    name: name_of,
                    location,
                },
                Kind::Nic => {
                    let subnet_id = if subnet.is_empty() {
                        subnets.first().map(|s| s.0.clone()).unwrap_or_default()
                    } else {
                        (*subnet).clone()
                    };
                    if subnet_id.is_empty() {
                        error.set(Some("add a virtual network with a subnet first".to_owned()));
                        return;
                    }
                    if let Err(problem) = field::address(&address) {
                        error.set(Some(problem.to_string()));
                        return;
                    }
                    NewResource::Nic {
                        subscription,
                        resource_group,
                        name: name_of,
                        location,
                        subnet: SubnetId::new(subnet_id),
                        address: address.trim().to_owned(),
                    }
                }
                Kind::Manager => NewResource::NetworkManager {
                    subscription,
                    resource_group,
                    name: name_of,
                    location,
                },
            };
            error.set(None);
            name.set(String::new());
            dispatch.emit(Action::Change(Change::Add(new)));
        })
    };
    html! {
        <section class="add-resource">
            <h3>{ "Add to the design" }</h3>
            <form class="grid" onsubmit={submit} data-testid="add-form">
                <label class="field"><span class="label">{ "Kind" }</span>
                    <select onchange={on_kind} data-testid="add-kind">
                        <option value="vnet" selected={*kind == Kind::Vnet}>{ "Virtual network" }</option>
                        <option value="nsg" selected={*kind == Kind::Nsg}>{ "Network security group" }</option>
                        <option value="nic" selected={*kind == Kind::Nic}>{ "Network interface" }</option>
                        <option value="manager" selected={*kind == Kind::Manager}>{ "Network manager" }</option>
                    </select></label>
                <label class="field"><span class="label">{ "Name" }</span>
                    <input value={(*name).clone()} oninput={text(&name)} placeholder={default_name(*kind)} data-testid="add-name" /></label>
                if *kind == Kind::Vnet {
                    <label class="field"><span class="label">{ "Address space" }</span>
                        <input value={(*prefix).clone()} oninput={text(&prefix)} placeholder={suggested_prefix.clone()} data-testid="add-prefix" /></label>
                }
                if *kind == Kind::Nic {
                    <label class="field"><span class="label">{ "Subnet" }</span>
                        <select onchange={on_subnet} data-testid="add-subnet">
                            { for subnets.iter().map(|(id, label)| html! { <option value={id.clone()} selected={*subnet == *id}>{ label.clone() }</option> }) }
                        </select></label>
                    <label class="field"><span class="label">{ "Private IP" }</span>
                        <input value={(*address).clone()} oninput={text(&address)} placeholder="10.0.0.4" data-testid="add-address" /></label>
                }
                <div class="field"><span class="label">{ "\u{00a0}" }</span>
                    <button class="primary" type="submit" data-testid="add-submit">{ "Add" }</button></div>
            </form>
            <p class="hint">{ format!("New resources go to subscription {subscription}, resource group {resource_group}, region {region}; change them in the editor or the document.") }</p>
            if let Some(e) = (*error).clone() { <p class="error" role="alert" data-testid="add-error">{ e }</p> }
        </section>
    }
}

fn default_name(kind: Kind) -> String {
    match kind {
        Kind::Vnet => "vnet-new",
        Kind::Nsg => "nsg-new",
        Kind::Nic => "nic-new",
        Kind::Manager => "nm-new",
    }
    .to_owned()
}
