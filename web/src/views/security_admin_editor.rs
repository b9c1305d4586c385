//! The editors of security admin configurations and rule collections; being written.

use avnm_core::model::{ConfigurationId, RuleCollectionId};
use yew::prelude::*;

/// Properties of [`SecurityAdminEditor`].
#[derive(Properties, PartialEq)]
pub struct SecurityAdminEditorProps {
    /// The configuration.
    pub id: ConfigurationId,
}

/// The editor of a security admin configuration.
#[component]
pub fn SecurityAdminEditor(props: &SecurityAdminEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}

/// Properties of [`RuleCollectionEditor`].
#[derive(Properties, PartialEq)]
pub struct RuleCollectionEditorProps {
    /// The collection.
    pub id: RuleCollectionId,
}

/// The editor of a rule collection.
#[component]
pub fn RuleCollectionEditor(props: &RuleCollectionEditorProps) -> Html {
    html! { <section class="editor-panel"><h2>{ props.id.name().to_owned() }</h2></section> }
}
