//! A field that is validated as the user types and written only when the user leaves it or presses Enter: for
//! values whose every keystroke would move things around (a rule's priority re-sorts the rules; a tag or resource
//! name changes what the row is).

use avnm_core::scenario::{FieldError, FieldValue};
use yew::prelude::*;

use crate::platform;

/// Properties of [`CommitField`].
#[derive(Properties, PartialEq)]
pub struct CommitFieldProps {
    /// The label.
    pub label: AttrValue,
    /// The value in the design.
    pub value: AttrValue,
    /// The check of what the user types, from `avnm_core::scenario::field`.
    pub check: Callback<String, Result<FieldValue, FieldError>>,
    /// Called with a valid new value when the field is left or Enter is pressed.
    pub on_commit: Callback<FieldValue>,
    /// A problem the engine found with the value in the design.
    #[prop_or_default]
    pub diagnostic: Option<AttrValue>,
    /// A title shown on hover.
    #[prop_or_default]
    pub title: Option<AttrValue>,
    /// `numeric` for a number.
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    /// A stable id for tests.
    pub testid: AttrValue,
}

/// A text field validated as the user types and committed when left.
#[component]
pub fn CommitField(props: &CommitFieldProps) -> Html {
    let text = use_state(|| None::<String>);
    {
        // A new value from the design (undo, another editor) replaces what is being typed.
        let text = text.clone();
        use_effect_with(props.value.clone(), move |_| text.set(None));
    }
    let shown = text
        .as_ref()
        .cloned()
        .unwrap_or_else(|| props.value.to_string());
    let error = text
        .as_ref()
        .and_then(|t| props.check.emit(t.clone()).err())
        .map(|e| AttrValue::from(e.to_string()));
    let problem = error.or_else(|| props.diagnostic.clone());
    let oninput = Callback::from(move |e: InputEvent| text.set(Some(platform::value(&e))));
    let onchange = {
        let (current, check, on_commit) = (
            props.value.clone(),
            props.check.clone(),
            props.on_commit.clone(),
        );
        Callback::from(move |e: Event| {
            let typed = platform::value(&e);
            if typed.trim() != current.trim()
                && let Ok(value) = check.emit(typed)
            {
                on_commit.emit(value);
            }
        })
    };
    let id = props.testid.clone();
    html! {
        <label class={classes!("field", problem.is_some().then_some("invalid"))}>
            <span class="label">{ props.label.clone() }</span>
            <input type="text" inputmode={props.inputmode.clone()} value={shown} {oninput} {onchange}
                data-testid={id.clone()} aria-invalid={problem.is_some().to_string()} spellcheck="false"
                title={props.title.clone()} />
            if let Some(p) = problem {
                <span class="error" role="alert" data-testid={format!("{id}-error")}>{ p }</span>
            }
        </label>
    }
}
