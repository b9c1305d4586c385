//! Membership per network group, with the reason for each member: the static member, or the policy
//! assignment and the conditions that held; and, on demand, why each other VNet is not a member.

use avnm_core::membership::Source;
use avnm_core::model::VnetId;
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::condition::render_condition;
use crate::components::why_not::WhyNotList;
use crate::state::{Action, Selection};

/// The membership panel.
#[component]
pub fn MembershipView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let a = &ctx.analysis;
    if a.membership.groups.is_empty() {
        return html! { <p class="empty">{ "No network groups yet. Add one to a network manager, with static members or an Azure Policy condition." }</p> };
    }
    html! {
        <div class="panel membership" data-testid="membership">
        { for a.membership.groups.iter().map(|(group, members)| {
            let select = {
                let group = group.clone();
                ctx.dispatch.reform(move |_: MouseEvent| Action::Select(Selection::Group(group.clone())))
            };
            html! {
                <section class="group">
                    <h3><button class="link" onclick={select}>{ group.name().to_owned() }</button>
                        <span class="muted">{ format!(" {}", crate::components::plural(members.len(), "member", "members")) }</span></h3>
                    if members.is_empty() { <p class="empty">{ "No member: no static member, and no policy condition holds for a VNet in an assignment's scope." }</p> }
                    <ul>
                    { for members.iter().map(|m| {
                        let vnet = VnetId::new(m.id.as_str());
                        html! {
                            <li class="member">
                                <span class="name">{ m.id.name().to_owned() }</span>
                                if !m.in_scope { <span class="badge warning" title="Outside the manager's scope: the VNet stays in the group but receives no configuration">{ "out of scope" }</span> }
                                <ul class="reasons">
                                { for m.sources.iter().map(|s| match s {
                                    Source::Static(id) => html! { <li>{ "static member " }<code>{ id.name().to_owned() }</code></li> },
                                    Source::Policy { assignment, definition } => {
                                        let trace = a.explain_condition(definition, &vnet);
                                        html! {
                                            <li>
                                                <details>
                                                    <summary>{ "policy " }<code>{ definition.name().to_owned() }</code>{ " assigned by " }<code>{ assignment.name().to_owned() }</code></summary>
                                                    if let Some(t) = trace { <ul class="conditions">{ render_condition(&t) }</ul> }
                                                </details>
                                            </li>
                                        }
                                    }
                                }) }
                                </ul>
                            </li>
                        }
                    }) }
                    </ul>
                    <WhyNotList group={group.clone()} testid={format!("why-not-{}", group.name())} />
                </section>
            }
        }) }
        </div>
    }
}
