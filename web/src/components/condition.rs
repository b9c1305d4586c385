//! A condition trace of Azure Policy as a nested list: what each condition tested, the value it saw, and the
//! outcome.

use avnm_core::membership::condition::{ConditionTrace, Outcome};
use yew::prelude::*;

/// A condition trace as a nested list: what each condition tested, the value it saw, and the outcome.
pub fn render_condition(trace: &ConditionTrace) -> Html {
    let class = match trace.outcome {
        Outcome::True => "yes",
        Outcome::False => "no",
        Outcome::Error(_) => "error",
    };
    html! {
        <li class={class}>
            <code>{ trace.text.clone() }</code>
            if let Some(actual) = &trace.actual { <span class="actual">{ format!(" (is {actual})") }</span> }
            if let Outcome::Error(e) = &trace.outcome { <span class="error">{ format!(" {e}") }</span> }
            if !trace.children.is_empty() { <ul>{ for trace.children.iter().map(render_condition) }</ul> }
        </li>
    }
}
