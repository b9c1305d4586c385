//! The editor of one resource; being written.

use avnm_core::model::VnetId;
use yew::prelude::*;

/// Properties of [`VnetEditor`].
#[derive(Properties, PartialEq)]
pub struct VnetEditorProps {
    /// The resource.
    pub id: VnetId,
}

/// The editor.
#[component]
pub fn VnetEditor(props: &VnetEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}
