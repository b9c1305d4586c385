//! The editor of one resource; being written.

use avnm_core::model::NicId;
use yew::prelude::*;

/// Properties of [`NicEditor`].
#[derive(Properties, PartialEq)]
pub struct NicEditorProps {
    /// The resource.
    pub id: NicId,
}

/// The editor.
#[component]
pub fn NicEditor(props: &NicEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}
