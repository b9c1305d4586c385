//! A part of a view rendered in the task after the one that mounts it: a view whose parts together would make a
//! task of 50 ms or more on a large design shows its first part at once and the next one a task later.

use yew::prelude::*;

use crate::platform;

/// Properties of [`Later`].
#[derive(Properties, PartialEq)]
pub struct LaterProps {
    /// What is shown until then (a line saying what comes).
    pub placeholder: Html,
    /// Makes the part, called at each render once its task has come.
    pub body: Callback<(), Html>,
}

/// Shows `placeholder`, then, from the next task on (`platform::next_task`), what `body` makes. Give it a `key`
/// that changes with what the part is of, so that another target waits its own task.
#[component]
pub fn Later(props: &LaterProps) -> Html {
    let ready = use_state(|| false);
    {
        let ready = ready.clone();
        use_effect_with((), move |()| platform::next_task(move || ready.set(true)));
    }
    if *ready {
        props.body.emit(())
    } else {
        props.placeholder.clone()
    }
}
