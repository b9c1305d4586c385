//! Why a VNet is *not* in a network group (issue 7 item 5): for each VNet of the design that is not a member,
//! every way in and where it stops, from `avnm_core::membership::why_not`: no static member names it, the
//! condition test that failed with the field's value, an assignment that does not reach it, the manager's scope.

use std::collections::BTreeSet;
use std::rc::Rc;

use avnm_core::membership::why_not::{NonMembership, Reason, WhyNot, why_not};
use avnm_core::model::{NetworkGroupId, VnetId};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::condition::render_condition;
use crate::components::details::LazyDetails;
use crate::components::rich;
use crate::components::virtual_list::VirtualList;

/// Properties of [`WhyNotList`].
#[derive(Properties, PartialEq)]
pub struct WhyNotListProps {
    /// The group.
    pub group: NetworkGroupId,
    /// Prefix of the test ids (`why-not` gives `why-not-toggle`, `why-not-<vnet>`).
    #[prop_or(AttrValue::Static("why-not"))]
    pub testid: AttrValue,
    /// Whether the list starts open.
    #[prop_or(false)]
    pub open: bool,
}

/// Up to this many VNets outside the group, each is shown with all its reasons; past it, one line each in a
/// list that renders only the rows in view, and the reasons of the one chosen below it.
const WHOLE_LIMIT: usize = 30;
/// Height of a row of the long list, in CSS pixels.
const ROW: u32 = 30;

/// The reasons of one VNet, one line each; a false condition also shows its whole trace.
pub fn render_reasons(why: &NonMembership) -> Html {
    html! {
        <ul class="reasons why-not">
            { for why.reasons.iter().map(|reason| html! {
                <li class={classes!(matches!(reason, Reason::OutOfScope { .. }).then_some("warning"))}>
                    { rich(&reason.to_string()) }
                    if let Reason::ConditionFalse { condition, .. } = reason {
                        <LazyDetails summary={html! { "the whole condition" }} body={{
                            let condition = condition.clone();
                            Callback::from(move |()| html! { <ul class="conditions">{ render_condition(&condition) }</ul> })
                        }} />
                    }
                </li>
            }) }
        </ul>
    }
}

/// The VNets of the design that are not in a group, each with why; computed when opened and, in a large
/// design, only for the rows in view.
#[component]
pub fn WhyNotList(props: &WhyNotListProps) -> Html {
    let open = use_state(|| props.open);
    let chosen = use_state(|| None::<VnetId>);
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let model = &ctx.analysis.model;
    let members = ctx.analysis.membership.members(&props.group);
    let outside = model.vnets.len().saturating_sub(members.len());
    if outside == 0 || !model.groups.contains_key(&props.group) {
        return html! {};
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let t = &props.testid;
    let list = (*open).then(|| {
        let member_ids: BTreeSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
        let outside_ids: Rc<Vec<VnetId>> = Rc::new(
            model
                .vnets
                .keys()
                .filter(|v| !member_ids.contains(v.as_str()))
                .cloned()
                .collect(),
        );
        if outside_ids.len() <= WHOLE_LIMIT {
            let explainer = WhyNot::new(model, &ctx.analysis.membership);
            let rows: Vec<(VnetId, NonMembership)> = outside_ids
                .iter()
                .filter_map(|vnet| {
                    explainer
                        .why_not(vnet, &props.group)
                        .map(|why| (vnet.clone(), why))
                })
                .collect();
            return html! {
                <ul class="vnm-list not-members" data-testid={format!("{t}-list")}>
                    { for rows.iter().map(|(vnet, why)| html! {
                        <li key={vnet.to_string()} data-testid={format!("{t}-{}", vnet.name())}>
                            <span class="name">{ vnet.name().to_owned() }</span>
                            { render_reasons(why) }
                        </li>
                    }) }
                </ul>
            };
        }
        let row = {
            let (analysis, ids, group, chosen, t) = (
                ctx.analysis.clone(),
                outside_ids.clone(),
                props.group.clone(),
                chosen.clone(),
                t.clone(),
            );
            Callback::from(move |i: usize| {
                let Some(vnet) = ids.get(i) else {
                    return html! {};
                };
                let first = why_not(&analysis.model, &analysis.membership, vnet, &group)
                    .and_then(|why| why.reasons.first().map(ToString::to_string))
                    .unwrap_or_default();
                let is_chosen = chosen.as_ref() == Some(vnet);
                let choose = {
                    let (chosen, vnet) = (chosen.clone(), vnet.clone());
                    Callback::from(move |_: MouseEvent| {
                        chosen.set(if is_chosen { None } else { Some(vnet.clone()) });
                    })
                };
                html! {
                    <button class={classes!("member-row", is_chosen.then_some("chosen"))} onclick={choose}
                        aria-pressed={is_chosen.to_string()} data-testid={format!("{t}-{}", vnet.name())}>
                        <span class="name">{ vnet.name().to_owned() }</span>
                        <span class="member-source">{ rich(&first) }</span>
                    </button>
                }
            })
        };
        let reasons = chosen.as_ref().and_then(|vnet| {
            let why = why_not(model, &ctx.analysis.membership, vnet, &props.group)?;
            Some(html! {
                <div class="why-not-chosen" data-testid={format!("{t}-chosen")}>
                    <span class="name">{ vnet.name().to_owned() }</span>
                    { render_reasons(&why) }
                </div>
            })
        });
        html! {
            <>
                <VirtualList count={outside_ids.len()} row_height={ROW} height={300} {row}
                    class="not-members" testid={format!("{t}-list")} label="Virtual networks that are not members" />
                { for reasons }
            </>
        }
    });
    let label = if outside == 1 {
        "Why is 1 virtual network not a member?".to_owned()
    } else {
        format!("Why are {outside} virtual networks not members?")
    };
    html! {
        <div class="why-not-block">
            <button class="link" onclick={toggle} aria-expanded={open.to_string()} data-testid={format!("{t}-toggle")}>
                { if *open { "Hide why the others are not members".to_owned() } else { label } }
            </button>
            { for list }
        </div>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[expect(
    clippy::expect_used,
    reason = "a test fixture that does not parse is a failed test"
)]
mod tests {
    use avnm_core::membership::why_not::why_not;
    use avnm_core::model::{NetworkGroupId, VnetId};
    use avnm_core::{Scenario, analyze};
    use yew::LocalServerRenderer;
    use yew::prelude::*;

    #[derive(Properties, PartialEq)]
    struct HostProps {
        vnet: &'static str,
        group: &'static str,
    }

    #[component]
    fn Host(props: &HostProps) -> Html {
        let text = include_str!("../../../static/examples/hub-spoke-guardrails.json");
        let analysis = analyze(&Scenario::parse(text).expect("example"));
        let find = |name: &str| {
            analysis
                .model
                .vnets
                .keys()
                .find(|v| v.name() == name)
                .cloned()
                .expect("vnet")
        };
        let vnet: VnetId = find(props.vnet);
        let group: NetworkGroupId = analysis
            .model
            .groups
            .keys()
            .find(|g| g.name() == props.group)
            .cloned()
            .expect("group");
        match why_not(&analysis.model, &analysis.membership, &vnet, &group) {
            Some(why) => super::render_reasons(&why),
            None => html! { "member" },
        }
    }

    fn render(vnet: &'static str, group: &'static str) -> String {
        futures::executor::block_on(
            LocalServerRenderer::<Host>::with_props(HostProps { vnet, group }).render(),
        )
    }

    #[test]
    fn a_failed_condition_names_its_field_and_the_value_found() {
        // ng-production's policy requires `tags['env']` to equal `prod`; vnet-test-1 is tagged `env: test`
        // (static/examples/hub-spoke-guardrails.json).
        let html = render("vnet-test-1", "ng-production");
        assert!(html.contains("the group has no static member"), "{html}");
        assert!(html.contains("<code>avnm-ng-production</code>"), "{html}");
        assert!(
            html.contains("tags[&#x27;env&#x27;]") || html.contains("tags['env']"),
            "{html}"
        );
        assert!(
            html.contains("<code>test</code>"),
            "the value found: {html}"
        );
        assert!(render("vnet-prod-1", "ng-production").contains("-->member<!--"));
    }

    #[test]
    fn a_static_group_names_its_members() {
        // ng-test has the static members vnet-test-1 and vnet-test-2, and no policy.
        let html = render("vnet-hub", "ng-test");
        assert!(html.contains("no static member names it; they name <code>vnet-test-1</code>, <code>vnet-test-2</code>"), "{html}");
        assert!(
            html.contains("no Azure Policy definition adds virtual networks to the group"),
            "{html}"
        );
    }
}
