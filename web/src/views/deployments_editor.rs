//! The deployments editor; being written.

use yew::prelude::*;

/// The deployments editor.
#[component]
pub fn DeploymentsEditor() -> Html {
    html! { <section class="editor-panel"><h2>{ "Deployments" }</h2></section> }
}
