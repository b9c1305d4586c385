//! The intents of the design with pass or fail, each with its verdict and trace.

use yew::prelude::*;

use super::verdict_view::render_verdict;
use crate::app::Ctx;

/// The intents panel.
#[component]
pub fn IntentsView() -> Html {
    let Some(ctx) = use_context::<Ctx>() else {
        return html! {};
    };
    let results = ctx.analysis.check();
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
            { for results.iter().map(|r| html! {
                <li class={if r.passed { "pass" } else { "fail" }}>
                    <details>
                        <summary>
                            <span class={classes!("badge", if r.passed { "pass" } else { "fail" })}>{ if r.passed { "PASS" } else { "FAIL" } }</span>
                            { format!(" {} — {}: expected {}, got {}", r.name, r.flow, r.expect, r.verdict.verdict) }
                        </summary>
                        { render_verdict(&r.verdict) }
                    </details>
                </li>
            }) }
            </ul>
        </div>
    }
}
