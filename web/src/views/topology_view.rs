//! A result panel; being written.

use yew::prelude::*;

/// The panel.
#[component]
pub fn TopologyView() -> Html {
    html! { <div class="panel"></div> }
}
