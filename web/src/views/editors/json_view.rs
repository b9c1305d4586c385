//! The whole document as JSON, editable; an edit that cannot be read is refused with its line and path, and the
//! design stays as it was.

use avnm_core::scenario::{Change, ChangeError, FormatError};
use yew::prelude::*;

use crate::app::Ctx;
use crate::platform;
use crate::state::Action;

/// The JSON editor.
#[component]
pub fn JsonView() -> Html {
    let ctx = use_context::<Ctx>();
    let current = ctx
        .as_ref()
        .map(|c| c.state.scenario.to_json())
        .unwrap_or_default();
    let text = use_state(|| current.clone());
    let error = use_state(|| None::<String>);
    {
        let text = text.clone();
        let error = error.clone();
        use_effect_with(current.clone(), move |current| {
            text.set(current.clone());
            error.set(None);
        });
    }
    let Some(ctx) = ctx else { return html! {} };
    let oninput = {
        let text = text.clone();
        let error = error.clone();
        Callback::from(move |e: InputEvent| {
            let typed = platform::value(&e);
            error.set(
                avnm_core::Scenario::parse(&typed)
                    .err()
                    .map(|e| describe(&e)),
            );
            text.set(typed);
        })
    };
    let apply = {
        let text = text.clone();
        let dispatch = ctx.dispatch;
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::Change(Change::Replace((*text).clone())))
        })
    };
    let changed = *text != current;
    html! {
        <section class="editor-panel json-editor">
            <h2>{ "Document" }</h2>
            <p class="hint">{ "The whole design as one scenario document: Azure Resource Manager resources, commits and intents. Keys the playground does not use are kept." }</p>
            <textarea value={(*text).clone()} {oninput} spellcheck="false" aria-label="Scenario document" data-testid="json-editor" />
            <div class="row">
                if let Some(e) = (*error).clone() {
                    <span class="error" role="alert" data-testid="json-error">{ e }</span>
                }
                <button class="primary" onclick={apply} disabled={!changed || error.is_some()} data-testid="json-apply">{ "Apply" }</button>
            </div>
        </section>
    }
}

fn describe(error: &FormatError) -> String {
    match error {
        FormatError::Json {
            line,
            column,
            message,
        } => format!("line {line}, column {column}: {message}"),
        other => ChangeError::Format(other.clone()).to_string(),
    }
}
