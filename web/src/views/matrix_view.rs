//! A result panel; being written.

use yew::prelude::*;

/// The panel.
#[component]
pub fn MatrixView() -> Html {
    html! { <div class="panel"></div> }
}
