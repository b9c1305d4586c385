//! The result panels, as tabs: verdict, intents, membership, topology, effective rules, matrix, diagnostics.

use avnm_core::Severity;
use yew::prelude::*;

use super::diagnostics_view::DiagnosticsView;
use super::intents_view::IntentsView;
use super::matrix_view::MatrixView;
use super::membership_view::MembershipView;
use super::rules_view::RulesView;
use super::topology_view::TopologyView;
use super::verdict_view::VerdictView;
use crate::app::Ctx;
use crate::state::{Action, Tab};

const TABS: [(Tab, &str); 7] = [
    (Tab::Verdict, "Verdict"),
    (Tab::Intents, "Intents"),
    (Tab::Membership, "Membership"),
    (Tab::Topology, "Topology"),
    (Tab::Rules, "Rules"),
    (Tab::Matrix, "Matrix"),
    (Tab::Diagnostics, "Diagnostics"),
];

/// The tabbed result panels.
#[component]
pub fn ResultsView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else { return html! {} };
    let errors = ctx.analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = ctx.analysis.diagnostics.len() - errors;
    let failing = ctx.analysis.check().iter().filter(|r| !r.passed).count();
    let tabs = TABS.iter().map(|(tab, name)| {
        let selected = ctx.state.tab == *tab;
        let onclick = ctx.dispatch.reform(move |_: MouseEvent| Action::Show(*tab));
        let badge = match tab {
            Tab::Diagnostics if errors > 0 => Some(html! { <span class="count error">{ errors }</span> }),
            Tab::Diagnostics if warnings > 0 => Some(html! { <span class="count warning">{ warnings }</span> }),
            Tab::Intents if failing > 0 => Some(html! { <span class="count error">{ failing }</span> }),
            _ => None,
        };
        html! {
            <button role="tab" aria-selected={selected.to_string()} class={classes!("tab", selected.then_some("selected"))}
                {onclick} data-testid={format!("tab-{}", name.to_lowercase())}>
                { *name } { for badge }
            </button>
        }
    });
    let panel = match ctx.state.tab {
        Tab::Verdict => html! { <VerdictView /> },
        Tab::Intents => html! { <IntentsView /> },
        Tab::Membership => html! { <MembershipView /> },
        Tab::Topology => html! { <TopologyView /> },
        Tab::Rules => html! { <RulesView /> },
        Tab::Matrix => html! { <MatrixView /> },
        Tab::Diagnostics => html! { <DiagnosticsView /> },
    };
    html! {
        <>
            <div class="tabs" role="tablist" aria-label="Results">{ for tabs }</div>
            <div class="tab-panel" role="tabpanel">{ panel }</div>
        </>
    }
}
