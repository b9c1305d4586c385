//! The result panels, as tabs: verdict, intents, membership, topology, effective rules, matrix, diagnostics.

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

/// Results computed despite errors are an answer to a design Azure would refuse: above a result panel, this says
/// so when the design has errors (issue 9: the playground marks them as `avnm --allow-errors` does), with a way
/// to the list of errors. Nothing when there are none.
#[component]
pub fn BestEffortNote() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let errors = ctx.analysis.errors().count();
    if errors == 0 {
        return html! {};
    }
    let onclick = ctx
        .dispatch
        .reform(|_: MouseEvent| Action::Show(Tab::Diagnostics));
    let noun = if errors == 1 { "error" } else { "errors" };
    html! {
        <p class="best-effort" role="status" data-testid="best-effort">
            <strong>{ "Best-effort results. " }</strong>
            { format!("The design has {errors} {noun} that Azure would refuse; these results leave the values in error out. ") }
            <button class="link" {onclick}>{ "Show the errors" }</button>
        </p>
    }
}

/// The tabbed result panels.
#[component]
pub fn ResultsView() -> Html {
    let ctx = use_context::<Ctx>();
    let (_, failing) = crate::app::use_intent_counts(ctx.as_ref());
    let Some(ctx) = ctx else {
        return html! {};
    };
    let errors = ctx.analysis.errors().count();
    let warnings = ctx.analysis.diagnostics.len() - errors;
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
        Tab::Verdict => html! { <VerdictView key={ctx.state.loads} /> },
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
            <div class="tab-panel" role="tabpanel">
                if ctx.state.tab != Tab::Diagnostics { <BestEffortNote /> }
                { panel }
            </div>
        </>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[expect(
    clippy::expect_used,
    reason = "a test fixture that does not parse is a failed test"
)]
mod tests {
    //! The result panels rendered natively (server-side rendering) for the hub-and-spoke example, whose
    //! answers are derived by hand in the specification's `examples/README.md`.

    use std::rc::Rc;

    use avnm_core::{Scenario, analyze};
    use yew::LocalServerRenderer;
    use yew::prelude::*;

    use crate::app::Ctx;
    use crate::state::{AppState, Tab};

    const GUARDRAILS: &str = include_str!("../../../../static/examples/hub-spoke-guardrails.json");

    #[derive(Properties, PartialEq)]
    struct HostProps {
        tab: Tab,
        text: &'static str,
    }

    #[component]
    fn Host(props: &HostProps) -> Html {
        let text = props.text;
        let tab = props.tab;
        let state = use_reducer(move || {
            let mut state = AppState::new(Scenario::parse(text).expect("example"));
            state.tab = tab;
            state
        });
        let analysis = Rc::new(analyze(&state.scenario));
        let ctx = Ctx {
            state,
            analysis,
            dispatch: Callback::noop(),
            ahead: crate::app::Ahead::default(),
            updating: crate::edits::Status::default(),
        };
        html! { <ContextProvider<Ctx> context={ctx}><super::ResultsView /></ContextProvider<Ctx>> }
    }

    fn render(tab: Tab) -> String {
        render_text(tab, GUARDRAILS)
    }

    fn render_text(tab: Tab, text: &'static str) -> String {
        futures::executor::block_on(
            LocalServerRenderer::<Host>::with_props(HostProps { tab, text }).render(),
        )
    }

    #[test]
    fn results_computed_despite_errors_say_they_are_best_effort() {
        // The document of issue 9: one VNet whose prefix `10.0.0.300/16` is not an IP prefix, an error.
        const BROKEN: &str = r#"{"resources": [{
            "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a",
            "type": "Microsoft.Network/virtualNetworks", "name": "vnet-a", "location": "westeurope",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.300/16"]}}}]}"#;
        for tab in [Tab::Verdict, Tab::Membership, Tab::Topology] {
            let html = render_text(tab, BROKEN);
            assert!(html.contains("Best-effort results"), "{tab:?}: {html}");
            assert!(
                html.contains("The design has 1 error that Azure would refuse"),
                "{tab:?}: {html}"
            );
        }
        // The list of errors itself is not marked, and a design without errors never is.
        assert!(!render_text(Tab::Diagnostics, BROKEN).contains("Best-effort"));
        assert!(render_text(Tab::Diagnostics, BROKEN).contains("10.0.0.300/16"));
        for tab in [Tab::Verdict, Tab::Membership, Tab::Topology] {
            assert!(!render(tab).contains("Best-effort"), "{tab:?}");
        }
    }

    /// A design without intents opens the verdict panel with empty addresses: it asks for them, it does not call
    /// the empty text an invalid address.
    #[test]
    fn the_verdict_panel_asks_for_addresses_it_was_not_given() {
        let html = render_text(Tab::Verdict, r#"{"resources": []}"#);
        // (The apostrophe is escaped in the HTML.)
        assert!(html.contains("type the source"), "{html}");
        assert!(html.contains("type the destination"), "{html}");
        assert!(!html.contains("is not an IP address"), "{html}");
    }

    #[test]
    fn the_verdict_panel_explains_the_first_intent() {
        let html = render(Tab::Verdict);
        assert!(
            html.contains("Allowed"),
            "10.1.0.4 to 10.2.0.4 on 443 is allowed: {html}"
        );
        assert!(
            html.contains("connected group of <code>cc-hub-and-spoke</code>"),
            "the path is the connected group: {html}"
        );
    }

    #[test]
    fn the_intents_panel_shows_four_passing_intents() {
        let html = render(Tab::Intents);
        assert!(html.contains("4 passed, 0 failed"));
        assert!(
            html.contains("deny-ssh"),
            "the denied intent names its rule"
        );
    }

    #[test]
    fn the_membership_panel_gives_the_reasons() {
        let html = render(Tab::Membership);
        assert!(html.contains("ng-production") && html.contains("vnet-prod-1"));
        assert!(html.contains("sm-vnet-test-1"), "static members are named");
        assert!(
            html.contains("avnm-ng-production-assign-0"),
            "policy members name the assignment"
        );
        // Five VNets; ng-production holds the two tagged `env: prod`, ng-test its two static members.
        assert_eq!(
            html.matches("Why are 3 virtual networks not members?")
                .count(),
            2,
            "{html}"
        );
    }

    #[test]
    fn the_diagnostics_panel_says_when_all_is_well() {
        assert!(render(Tab::Diagnostics).contains("No problems found"));
    }
}
