//! The engine's diagnostics about one part of the design, shown beside the fields they concern.

use avnm_core::{Diagnostic, Severity};
use yew::prelude::*;

use super::rich;

/// A list of diagnostics with their severity; nothing when there is none.
pub fn render_diagnostics(list: &[&Diagnostic], testid: String) -> Html {
    if list.is_empty() {
        return html! {};
    }
    html! {
        <ul class="diagnostic-list" data-testid={testid}>
        { for list.iter().map(|d| {
            let class = if d.severity == Severity::Error { "error" } else { "warning" };
            html! {
                <li class={class}>
                    <span class={classes!("badge", class)}>{ class }</span>
                    <span>{ rich(&d.message) }</span>
                </li>
            }
        }) }
        </ul>
    }
}
