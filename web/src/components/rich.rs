//! Text from the engine, where user values stand in backticks, rendered with those values as code.

use yew::prelude::*;

/// Renders `` a `b` c `` as `a <code>b</code> c`.
pub fn rich(text: &str) -> Html {
    html! {
        <>
        { for text.split('`').enumerate().map(|(i, part)| {
            if i % 2 == 1 { html! { <code>{ part.to_owned() }</code> } } else { html! { { part.to_owned() } } }
        }) }
        </>
    }
}
