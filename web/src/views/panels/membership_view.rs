//! Membership per network group, with the reason for each member: the static member, or the policy
//! assignment and the conditions that held; and, on demand, why each other VNet is not a member.
//!
//! Groups and their members are one list of fixed-height rows, rendered only where it is in view, so a design
//! of 500 groups and thousands of members opens at once: groups are collapsed to their member count when the
//! design has many members, a filter finds groups and VNets by name, and choosing a member shows why it is one
//! (the static member, or the policy assignment with the trace of its condition) below the list.

use std::collections::BTreeMap;

use avnm_core::Analysis;
use avnm_core::membership::{Member, Source};
use avnm_core::model::{NetworkGroupId, VnetId};
use yew::prelude::*;

use crate::app::Ctx;
use crate::components::Same;
use crate::components::condition::render_condition;
use crate::components::plural;
use crate::components::virtual_list::VirtualList;
use crate::components::why_not::WhyNotList;
use crate::platform;
use crate::state::{Action, Selection};

/// Up to this many memberships in the design, every group starts expanded.
const EXPANDED_LIMIT: usize = 100;
/// Height of a row, in CSS pixels.
const ROW: u32 = 30;

/// A row of the list.
#[derive(Clone, Debug, PartialEq)]
enum Row {
    /// A group, with how many of its members the filter keeps.
    Group(NetworkGroupId, usize),
    /// A member of a group: its position in the group's members.
    Member(NetworkGroupId, usize),
    /// An expanded group without members.
    Empty(NetworkGroupId),
    /// The way to why the other VNets are not members of an expanded group.
    WhyNot(NetworkGroupId, usize),
}

/// Whether `name` contains `needle` (already lowercase), ignoring case.
fn matches(name: &str, needle: &str) -> bool {
    needle.is_empty() || name.to_lowercase().contains(needle)
}

/// The rows for a filter and the groups' expansion: a group whose name matches keeps all its members, another
/// group keeps the members whose name matches and is left out when none does; a filter expands every group.
fn rows(analysis: &Analysis, filter: &str, expanded: &BTreeMap<NetworkGroupId, bool>) -> Vec<Row> {
    let needle = filter.trim().to_lowercase();
    let vnets = analysis.model.vnets.len();
    let open_by_default = !needle.is_empty()
        || analysis
            .membership
            .groups
            .values()
            .map(Vec::len)
            .sum::<usize>()
            <= EXPANDED_LIMIT;
    let mut out = Vec::new();
    for (group, members) in &analysis.membership.groups {
        let kept: Vec<usize> = if matches(group.name(), &needle) {
            (0..members.len()).collect()
        } else {
            members
                .iter()
                .enumerate()
                .filter(|(_, m)| matches(m.id.name(), &needle))
                .map(|(i, _)| i)
                .collect()
        };
        if kept.is_empty() && !needle.is_empty() {
            continue;
        }
        out.push(Row::Group(group.clone(), kept.len()));
        if !expanded.get(group).copied().unwrap_or(open_by_default) {
            continue;
        }
        if members.is_empty() {
            out.push(Row::Empty(group.clone()));
        }
        out.extend(kept.into_iter().map(|i| Row::Member(group.clone(), i)));
        let outside = vnets.saturating_sub(members.len());
        if outside > 0 && analysis.model.groups.contains_key(group) {
            out.push(Row::WhyNot(group.clone(), outside));
        }
    }
    out
}

/// One line about why a VNet is a member: its first source, and how many others there are.
fn source_line(member: &Member) -> Html {
    let first = member.sources.first().map(|s| match s {
        Source::Static(id) => {
            html! { <>{ "static member " }<code>{ id.name().to_owned() }</code></> }
        }
        Source::Policy {
            assignment,
            definition,
        } => html! {
            <>{ "policy " }<code>{ definition.name().to_owned() }</code>{ " assigned by " }<code>{ assignment.name().to_owned() }</code></>
        },
    });
    let more = member.sources.len().saturating_sub(1);
    html! {
        <span class="member-source">
            { for first }
            if more > 0 { { format!(" and {more} more") } }
        </span>
    }
}

/// Every reason of a member, policy conditions with their trace.
fn render_sources(analysis: &Analysis, member: &Member) -> Html {
    let vnet = VnetId::new(member.id.as_str());
    html! {
        <ul class="reasons">
        { for member.sources.iter().map(|s| match s {
            Source::Static(id) => html! { <li>{ "static member " }<code>{ id.name().to_owned() }</code></li> },
            Source::Policy { assignment, definition } => {
                let trace = analysis.explain_condition(definition, &vnet);
                html! {
                    <li>
                        { "policy " }<code>{ definition.name().to_owned() }</code>{ " assigned by " }<code>{ assignment.name().to_owned() }</code>
                        if let Some(t) = trace { <ul class="conditions">{ render_condition(&t) }</ul> }
                    </li>
                }
            }
        }) }
        </ul>
    }
}

/// What is shown below the list.
#[derive(Clone, Debug, PartialEq)]
enum Detail {
    /// Why a VNet is a member of a group.
    Member(NetworkGroupId, usize),
    /// Why the other VNets are not members of a group.
    WhyNot(NetworkGroupId),
}

/// The membership panel.
#[component]
pub fn MembershipView() -> Html {
    let ctx = use_context::<Ctx>();
    let filter = use_state(String::new);
    let expanded = use_state(BTreeMap::<NetworkGroupId, bool>::new);
    let detail = use_state(|| None::<Detail>);
    let list = use_memo(
        (
            ctx.as_ref().map(|c| Same(c.analysis.clone())),
            (*filter).clone(),
            (*expanded).clone(),
        ),
        |(analysis, filter, expanded)| {
            analysis
                .as_ref()
                .map_or_else(Vec::new, |a| rows(&a.0, filter, expanded))
        },
    );
    let Some(ctx) = ctx else {
        return html! {};
    };
    let a = ctx.analysis.clone();
    if a.membership.groups.is_empty() {
        return html! { <p class="empty">{ "No network groups yet. Add one to a network manager, with static members or an Azure Policy condition." }</p> };
    }
    let memberships: usize = a.membership.groups.values().map(Vec::len).sum();
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| filter.set(platform::value(&e)))
    };
    let row = {
        let (a, list, detail, dispatch) = (
            a.clone(),
            list.clone(),
            detail.clone(),
            ctx.dispatch.clone(),
        );
        let open_by_default = !filter.trim().is_empty() || memberships <= EXPANDED_LIMIT;
        Callback::from(move |i: usize| {
            let Some(row) = list.get(i) else {
                return html! {};
            };
            render_row(&a, row, &expanded, open_by_default, &detail, &dispatch)
        })
    };
    let shown_groups = list.iter().filter(|r| matches!(r, Row::Group(..))).count();
    let summary = if filter.trim().is_empty() {
        format!(
            "{} · {}",
            plural(a.membership.groups.len(), "network group", "network groups"),
            plural(memberships, "membership", "memberships")
        )
    } else {
        format!(
            "{} of {} match",
            shown_groups,
            plural(a.membership.groups.len(), "group", "groups")
        )
    };
    let detail_view = (*detail).clone().map(|d| match d {
        Detail::Member(group, i) => {
            let Some(member) = a.membership.members(&group).get(i) else {
                return html! {};
            };
            let vnet = VnetId::new(member.id.as_str());
            let show = ctx
                .dispatch
                .reform(move |_: MouseEvent| Action::Select(Selection::Vnet(vnet.clone())));
            html! {
                <section class="member-detail" data-testid="membership-detail">
                    <h3>
                        <span class="name">{ member.id.name().to_owned() }</span>
                        <span class="muted">{ " is a member of " }</span><code>{ group.name().to_owned() }</code>
                        <button class="link" onclick={show}>{ "show the VNet" }</button>
                    </h3>
                    if !member.in_scope { <p class="note">{ "Outside the manager's scope: the VNet stays in the group but receives no configuration." }</p> }
                    { render_sources(&a, member) }
                </section>
            }
        }
        Detail::WhyNot(group) => html! {
            <section class="member-detail">
                <WhyNotList group={group.clone()} testid={format!("why-not-{}", group.name())} open={true} />
            </section>
        },
    });
    html! {
        <div class="panel membership" data-testid="membership">
            <div class="list-toolbar">
                <input type="search" class="filter" placeholder="Filter groups and VNets by name" aria-label="Filter groups and VNets by name"
                    value={(*filter).clone()} oninput={on_filter} data-testid="membership-filter" />
                <span class="muted" data-testid="membership-summary">{ summary }</span>
            </div>
            if list.is_empty() { <p class="empty">{ "No group or VNet matches the filter." }</p> }
            <VirtualList count={list.len()} row_height={ROW} height={440} {row} class="membership-list"
                testid="membership-list" label="Network groups and their members" />
            { for detail_view }
        </div>
    }
}

fn render_row(
    a: &Analysis,
    row: &Row,
    expanded: &UseStateHandle<BTreeMap<NetworkGroupId, bool>>,
    open_by_default: bool,
    detail: &UseStateHandle<Option<Detail>>,
    dispatch: &Callback<Action>,
) -> Html {
    match row {
        Row::Group(group, kept) => {
            let open = expanded.get(group).copied().unwrap_or(open_by_default);
            let toggle = {
                let (expanded, group) = (expanded.clone(), group.clone());
                Callback::from(move |_: MouseEvent| {
                    let mut next = (*expanded).clone();
                    next.insert(group.clone(), !open);
                    expanded.set(next);
                })
            };
            let select = {
                let group = group.clone();
                dispatch
                    .reform(move |_: MouseEvent| Action::Select(Selection::Group(group.clone())))
            };
            let total = a.membership.members(group).len();
            let count = if *kept == total {
                plural(total, "member", "members")
            } else {
                format!("{kept} of {}", plural(total, "member", "members"))
            };
            html! {
                <div class="group-row" data-testid={format!("membership-group-{}", group.name())}>
                    <button class="toggle" onclick={toggle} aria-expanded={open.to_string()}
                        data-testid={format!("membership-toggle-{}", group.name())}>
                        <span class="chevron" aria-hidden="true">{ if open { "▾" } else { "▸" } }</span>
                        <span class="group-name">{ group.name().to_owned() }</span>
                        <span class="count">{ count }</span>
                    </button>
                    <button class="link edit" onclick={select} title="Show the group in the editor">{ "edit" }</button>
                </div>
            }
        }
        Row::Member(group, i) => {
            let Some(member) = a.membership.members(group).get(*i) else {
                return html! {};
            };
            let chosen = **detail == Some(Detail::Member(group.clone(), *i));
            let choose = {
                let (detail, group, i) = (detail.clone(), group.clone(), *i);
                Callback::from(move |_: MouseEvent| {
                    let d = Detail::Member(group.clone(), i);
                    detail.set(if *detail == Some(d.clone()) {
                        None
                    } else {
                        Some(d)
                    });
                })
            };
            html! {
                <button class={classes!("member-row", chosen.then_some("chosen"))} onclick={choose} aria-pressed={chosen.to_string()}
                    title="Why is it a member?" data-testid={format!("membership-member-{}-{}", group.name(), member.id.name())}>
                    <span class="name">{ member.id.name().to_owned() }</span>
                    if !member.in_scope { <span class="badge warning" title="Outside the manager's scope: the VNet stays in the group but receives no configuration">{ "out of scope" }</span> }
                    { source_line(member) }
                </button>
            }
        }
        Row::Empty(_) => html! {
            <p class="empty member-empty">{ "No member: no static member, and no policy condition holds for a VNet in an assignment's scope." }</p>
        },
        Row::WhyNot(group, outside) => {
            let open = **detail == Some(Detail::WhyNot(group.clone()));
            let toggle = {
                let (detail, group) = (detail.clone(), group.clone());
                Callback::from(move |_: MouseEvent| {
                    detail.set(if open {
                        None
                    } else {
                        Some(Detail::WhyNot(group.clone()))
                    });
                })
            };
            let label = if *outside == 1 {
                "Why is 1 virtual network not a member?".to_owned()
            } else {
                format!("Why are {outside} virtual networks not members?")
            };
            html! {
                <button class="link why-not-row" onclick={toggle} aria-expanded={open.to_string()}
                    data-testid={format!("why-not-{}-toggle", group.name())}>
                    { if open { "Hide why the others are not members".to_owned() } else { label } }
                </button>
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use avnm_core::{Scenario, analyze};

    fn analysed() -> Analysis {
        let text = include_str!("../../../../static/examples/hub-spoke-guardrails.json");
        analyze(&Scenario::parse(text).unwrap())
    }

    fn names(rows: &[Row], a: &Analysis) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Row::Group(g, n) => format!("{} ({n})", g.name()),
                Row::Member(g, i) => format!("  {}", a.membership.members(g)[*i].id.name()),
                Row::Empty(g) => format!("  {} is empty", g.name()),
                Row::WhyNot(g, n) => format!("  {n} not in {}", g.name()),
            })
            .collect()
    }

    #[test]
    fn a_small_design_starts_expanded_and_a_filter_keeps_what_matches() {
        // ng-production holds the VNets tagged `env: prod` (vnet-prod-1, vnet-prod-2), ng-test its two static
        // members (vnet-test-1, vnet-test-2); the example has five VNets.
        let a = analysed();
        let all = names(&rows(&a, "", &BTreeMap::new()), &a);
        assert!(
            all.windows(4).any(|w| w
                == [
                    "ng-production (2)",
                    "  vnet-prod-1",
                    "  vnet-prod-2",
                    "  3 not in ng-production"
                ]),
            "{all:?}"
        );
        let test = names(&rows(&a, "TEST-1", &BTreeMap::new()), &a);
        assert_eq!(test, ["ng-test (1)", "  vnet-test-1", "  3 not in ng-test"]);
        // A group's own name keeps all its members.
        let group = names(&rows(&a, "ng-test", &BTreeMap::new()), &a);
        assert_eq!(
            group,
            [
                "ng-test (2)",
                "  vnet-test-1",
                "  vnet-test-2",
                "  3 not in ng-test"
            ]
        );
        assert!(rows(&a, "nothing-like-this", &BTreeMap::new()).is_empty());
    }

    #[test]
    fn a_collapsed_group_is_one_row_with_its_count() {
        let a = analysed();
        let production = a
            .membership
            .groups
            .keys()
            .find(|g| g.name() == "ng-production")
            .unwrap()
            .clone();
        let collapsed = BTreeMap::from([(production, false)]);
        let shown = names(&rows(&a, "", &collapsed), &a);
        let at = shown.iter().position(|r| r == "ng-production (2)").unwrap();
        assert!(
            !shown[at + 1].starts_with("  "),
            "the group's members are hidden: {shown:?}"
        );
    }
}
