//! The editor of one resource; being written.

use avnm_core::model::NetworkManagerId;
use yew::prelude::*;

/// Properties of [`ManagerEditor`].
#[derive(Properties, PartialEq)]
pub struct ManagerEditorProps {
    /// The resource.
    pub id: NetworkManagerId,
}

/// The editor.
#[component]
pub fn ManagerEditor(props: &ManagerEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}
