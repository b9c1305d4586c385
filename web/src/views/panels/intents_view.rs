//! The intents of the design with pass or fail, each with its verdict and trace.
//!
//! In a design of more than `layout::AGGREGATE_LIMIT` VNets a trace can hold hundreds of NSG rules, so each
//! intent's verdict is drawn when it is opened rather than for every intent at once.

use std::collections::BTreeSet;

use avnm_core::layout::AGGREGATE_LIMIT;
use yew::prelude::*;

use super::verdict_view::render_verdict;
use crate::app::Ctx;

/// The intents panel.
#[component]
pub fn IntentsView() -> Html {
    let ctx = use_context::<Ctx>();
    let opened = use_state(BTreeSet::<usize>::new);
    let Some(ctx) = ctx else {
        return html! {};
    };
    let results = ctx.analysis.check();
    let eager = ctx.analysis.model.vnets.len() <= AGGREGATE_LIMIT;
    if results.is_empty() {
        return html! { <p class="empty">{ "No intents: add them under Intents in the navigator to state what traffic must do." }</p> };
    }
    let failed = results.iter().filter(|r| !r.passed).count();
    html! {
        <div class="panel" data-testid="intents">
            <p class={classes!("summary", if failed == 0 { "pass" } else { "fail" })}>
                { format!("{} passed, {failed} failed", results.len() - failed) }
            </p>
            <ul class="intent-results">
            { for results.iter().enumerate().map(|(i, r)| {
                // Drawn once opened; the browser keeps the open state of the details.
                let is_open = opened.contains(&i);
                let ontoggle = {
                    let opened = opened.clone();
                    Callback::from(move |_: Event| {
                        if !opened.contains(&i) {
                            let mut next = (*opened).clone();
                            next.insert(i);
                            opened.set(next);
                        }
                    })
                };
                html! {
                <li class={if r.passed { "pass" } else { "fail" }}>
                    <details {ontoggle}>
                        <summary>
                            <span class={classes!("badge", if r.passed { "pass" } else { "fail" })}>{ if r.passed { "PASS" } else { "FAIL" } }</span>
                            { format!(" {} — {}: expected {}, got {}", r.name, r.flow, r.expect, r.verdict.verdict) }
                        </summary>
                        if eager || is_open { { render_verdict(&r.verdict) } }
                    </details>
                </li>
            }}) }
            </ul>
        </div>
    }
}
