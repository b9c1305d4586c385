//! A button that copies a text (a verdict as Markdown) to the clipboard, and shows the text to copy by hand
//! when the browser does not allow it.

use yew::prelude::*;

use crate::platform;

/// Properties of [`CopyView`].
#[derive(Properties, PartialEq)]
pub struct CopyViewProps {
    /// What to copy.
    pub text: AttrValue,
    /// The button's label.
    pub label: AttrValue,
    /// The button's `data-testid`.
    pub testid: AttrValue,
}

/// The copy button.
#[component]
pub fn CopyView(props: &CopyViewProps) -> Html {
    let status = use_state(|| None::<Result<(), String>>);
    let onclick = {
        let (status, text) = (status.clone(), props.text.clone());
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            platform::copy_text(
                &text,
                Callback::from(move |r: Result<(), String>| status.set(Some(r))),
            );
        })
    };
    html! {
        <div class="verdict-copy">
            <div class="io-actions">
                <button {onclick} data-testid={props.testid.clone()}>{ props.label.clone() }</button>
                if let Some(Ok(())) = *status { <span class="io-status loaded" role="status">{ "Copied to the clipboard" }</span> }
            </div>
            if let Some(Err(why)) = &*status {
                <p class="error" role="alert">{ format!("{why}: copy it from here") }</p>
                <textarea readonly=true rows="8" value={props.text.clone()} />
            }
        </div>
    }
}
