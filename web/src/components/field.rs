//! Form fields that validate as the user types, with the error beside the field.
//!
//! A field keeps what the user typed; a valid value is sent as an edit, an invalid one is shown with its
//! reason and not sent, so the design always stays readable.

use avnm_core::scenario::{FieldError, FieldValue};
use yew::prelude::*;

use crate::platform;

/// Turns a field's text into the value to write, or says what is wrong with it: a check of
/// `avnm_core::scenario::field`.
pub type Check = fn(&str) -> Result<FieldValue, FieldError>;

/// Properties of [`Field`].
#[derive(Properties)]
pub struct FieldProps {
    /// The label.
    pub label: AttrValue,
    /// The value in the design.
    pub value: AttrValue,
    /// The check from `avnm_core::scenario::field`.
    pub check: Check,
    /// Called with a valid value.
    pub on_change: Callback<FieldValue>,
    /// A problem the engine found with this field.
    #[prop_or_default]
    pub diagnostic: Option<AttrValue>,
    /// A hint shown under the field.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// A stable id for tests.
    #[prop_or_default]
    pub testid: Option<AttrValue>,
}

impl PartialEq for FieldProps {
    /// The check is fixed for a field, so it takes no part in the comparison.
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label
            && self.value == other.value
            && self.on_change == other.on_change
            && self.diagnostic == other.diagnostic
            && self.hint == other.hint
            && self.testid == other.testid
    }
}

/// A text field validated as the user types.
#[component]
pub fn Field(props: &FieldProps) -> Html {
    let text = use_state(|| props.value.to_string());
    let error = use_state(|| None::<String>);
    {
        // A new value from the design (undo, another editor) replaces what is shown.
        let text = text.clone();
        let error = error.clone();
        use_effect_with(props.value.clone(), move |value| {
            text.set(value.to_string());
            error.set(None);
        });
    }
    let oninput = {
        let text = text.clone();
        let error = error.clone();
        let check = props.check;
        let on_change = props.on_change.clone();
        let current = props.value.clone();
        Callback::from(move |e: InputEvent| {
            let typed = platform::value(&e);
            match check(&typed) {
                Ok(value) => {
                    error.set(None);
                    if typed.trim() != current.trim() {
                        on_change.emit(value);
                    }
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
            text.set(typed);
        })
    };
    let problem = error
        .as_ref()
        .map(|e| AttrValue::from(e.clone()))
        .or_else(|| props.diagnostic.clone());
    let id = props.testid.clone().unwrap_or_else(|| props.label.clone());
    html! {
        <label class={classes!("field", problem.is_some().then_some("invalid"))}>
            <span class="label">{ props.label.clone() }</span>
            <input type="text" value={(*text).clone()} {oninput} data-testid={id.clone()}
                aria-invalid={problem.is_some().to_string()} spellcheck="false" />
            if let Some(p) = problem {
                <span class="error" role="alert" data-testid={format!("{id}-error")}>{ p }</span>
            } else if let Some(h) = props.hint.clone() {
                <span class="hint">{ h }</span>
            }
        </label>
    }
}

/// Choices for a select from fixed values, each shown as itself.
pub fn options(values: &[&str]) -> Vec<(AttrValue, AttrValue)> {
    values
        .iter()
        .map(|v| {
            (
                AttrValue::from((*v).to_owned()),
                AttrValue::from((*v).to_owned()),
            )
        })
        .collect()
}

/// A callback dispatching the action it builds, if any.
pub fn maybe<T: 'static>(
    dispatch: &Callback<crate::state::Action>,
    build: impl Fn(T) -> Option<crate::state::Action> + 'static,
) -> Callback<T> {
    let dispatch = dispatch.clone();
    Callback::from(move |value: T| {
        if let Some(action) = build(value) {
            dispatch.emit(action);
        }
    })
}

/// Properties of [`SelectField`].
#[derive(Properties, PartialEq)]
pub struct SelectFieldProps {
    /// The label.
    pub label: AttrValue,
    /// The current value.
    pub value: AttrValue,
    /// The choices: (value, text).
    pub options: Vec<(AttrValue, AttrValue)>,
    /// Called with the chosen value.
    pub on_change: Callback<String>,
    /// A stable id for tests.
    #[prop_or_default]
    pub testid: Option<AttrValue>,
}

/// A choice among fixed values.
#[component]
pub fn SelectField(props: &SelectFieldProps) -> Html {
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |e: Event| on_change.emit(platform::value(&e)));
    let id = props.testid.clone().unwrap_or_else(|| props.label.clone());
    let chosen = props
        .options
        .iter()
        .find(|(value, _)| value.eq_ignore_ascii_case(&props.value))
        .map(|(value, _)| value.clone());
    let select = platform::use_select_value(chosen);
    html! {
        <label class="field">
            <span class="label">{ props.label.clone() }</span>
            <select ref={select} {onchange} data-testid={id}>
                { for props.options.iter().map(|(value, text)| html! {
                    <option value={value.clone()} selected={value.eq_ignore_ascii_case(&props.value)}>{ text.clone() }</option>
                }) }
            </select>
        </label>
    }
}

/// Properties of [`CheckField`].
#[derive(Properties, PartialEq)]
pub struct CheckFieldProps {
    /// The label.
    pub label: AttrValue,
    /// Whether it is checked.
    pub checked: bool,
    /// Called with the new state.
    pub on_change: Callback<bool>,
    /// A stable id for tests.
    #[prop_or_default]
    pub testid: Option<AttrValue>,
}

/// A checkbox.
#[component]
pub fn CheckField(props: &CheckFieldProps) -> Html {
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |e: Event| on_change.emit(platform::checked(&e)));
    let id = props.testid.clone().unwrap_or_else(|| props.label.clone());
    html! {
        <label class="check">
            <input type="checkbox" checked={props.checked} {onchange} data-testid={id} />
            <span>{ props.label.clone() }</span>
        </label>
    }
}
