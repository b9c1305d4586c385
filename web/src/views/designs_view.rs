//! "My designs": the designs saved in this browser, to open, rename, duplicate or delete; the one on screen is
//! autosaved.

use std::rc::Rc;

use avnm_core::Scenario;
use avnm_link::Query;
use yew::prelude::*;

use crate::app::Ctx;
use crate::library::{self, Saved};
use crate::platform::{self, keep};
use crate::state::{Action, History, Opened, Selection};

/// Properties of [`DesignsView`].
#[derive(Properties, PartialEq)]
pub struct DesignsViewProps {
    /// Closes the dialog.
    pub on_close: Callback<()>,
}

/// The "My designs" dialog.
#[component]
pub fn DesignsView(props: &DesignsViewProps) -> Html {
    let ctx = use_context::<Ctx>();
    let library = use_state(library::load);
    let renaming = use_state(|| None::<(u32, String)>);
    let message = use_state(|| None::<String>);
    let Some(ctx) = ctx else { return html! {} };
    let refresh = {
        let library = library.clone();
        let message = message.clone();
        Callback::from(move |outcome: Result<(), String>| {
            library.set(library::load());
            message.set(outcome.err());
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    let on_key = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let row = |saved: &Saved| {
        let id = saved.id;
        let current = library.current == Some(id);
        let open = {
            let dispatch = ctx.dispatch.clone();
            let on_close = props.on_close.clone();
            let refresh = refresh.clone();
            Callback::from(move |_: MouseEvent| {
                let dispatch = dispatch.clone();
                let on_close = on_close.clone();
                let refresh = refresh.clone();
                library::open(
                    id,
                    Callback::from(
                        move |opened: Result<(Scenario, History), String>| match opened {
                            Ok((scenario, history)) => {
                                dispatch.emit(Action::Open(Rc::new(Opened {
                                    scenario: Rc::new(scenario),
                                    history,
                                    selection: Selection::Overview,
                                    tab: crate::state::Tab::Verdict,
                                    query: Query::default(),
                                })));
                                on_close.emit(());
                            }
                            Err(e) => refresh.emit(Err(e)),
                        },
                    ),
                );
            })
        };
        let duplicate = {
            let refresh = refresh.clone();
            Callback::from(move |_: MouseEvent| {
                let refresh = refresh.clone();
                library::duplicate(
                    id,
                    Callback::from(move |r: Result<u32, String>| refresh.emit(r.map(|_| ()))),
                );
            })
        };
        let delete = {
            let refresh = refresh.clone();
            Callback::from(move |_: MouseEvent| refresh.emit(library::delete(id)))
        };
        let name = match &*renaming {
            Some((at, text)) if *at == id => {
                let typed = {
                    let renaming = renaming.clone();
                    Callback::from(move |e: InputEvent| {
                        renaming.set(Some((id, platform::value(&e))))
                    })
                };
                let save = {
                    let renaming = renaming.clone();
                    let refresh = refresh.clone();
                    let text = text.clone();
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        let outcome = library::rename(id, &text);
                        if outcome.is_ok() {
                            renaming.set(None);
                        }
                        refresh.emit(outcome);
                    })
                };
                html! {
                    <form class="rename" onsubmit={save}>
                        <input value={text.clone()} oninput={typed} aria-label="New name" data-testid={format!("design-{id}-name-input")} />
                        <button type="submit" data-testid={format!("design-{id}-name-save")}>{ "Save" }</button>
                    </form>
                }
            }
            _ => {
                html! { <span class="design-name" data-testid={format!("design-{id}-name")}>{ saved.name.clone() }</span> }
            }
        };
        let rename = {
            let renaming = renaming.clone();
            let name = saved.name.clone();
            Callback::from(move |_: MouseEvent| renaming.set(Some((id, name.clone()))))
        };
        html! {
            <li key={id} class={classes!("design-row", current.then_some("current"))} data-testid="saved-design">
                <div class="design-about">
                    { name }
                    <span class="hint">
                        { format!("{} · changed {}", platform::size_text(u64::try_from(saved.size).unwrap_or(u64::MAX)), keep::date(saved.changed)) }
                        if current { <strong>{ " · on screen" }</strong> }
                    </span>
                </div>
                <div class="design-actions">
                    <button onclick={open} disabled={current} data-testid={format!("design-{id}-open")}>{ "Open" }</button>
                    <button onclick={rename} data-testid={format!("design-{id}-rename")}>{ "Rename" }</button>
                    <button onclick={duplicate} data-testid={format!("design-{id}-duplicate")}>{ "Duplicate" }</button>
                    <button class="danger" onclick={delete} disabled={current}
                        title={if current { "Open another design to delete this one" } else { "Delete this saved design" }}
                        data-testid={format!("design-{id}-delete")}>{ "Delete" }</button>
                </div>
            </li>
        }
    };
    let count = library.designs.len();
    html! {
        <div class="dialog-backdrop" onclick={close.clone()}>
            <div class="dialog designs-dialog" role="dialog" aria-modal="true" aria-labelledby="designs-title"
                data-testid="designs-dialog" onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} onkeydown={on_key}>
                <h2 id="designs-title">{ "My designs" }</h2>
                <p class="lead">
                    { format!("{count} {} kept in this browser. The design on screen is saved as you edit, with its last 20 steps of undo (fewer for a large design: up to 2 MiB of them).",
                        if count == 1 { "design is" } else { "designs are" }) }
                </p>
                if let Some(m) = &*message { <p class="error" role="alert" data-testid="designs-error">{ m.clone() }</p> }
                <ul class="designs">{ for library.designs.iter().rev().map(row) }</ul>
                <div class="dialog-actions">
                    <button onclick={close} data-testid="designs-close">{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
