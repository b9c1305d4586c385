//! The header: title, undo and redo, deploy everything, import, export, new, share, my designs, and the theme
//! toggle.

use avnm_core::scenario::{Change, deploy_everything};
use yew::prelude::*;

use super::designs_view::DesignsView;
use super::io::{ExportView, ImportView};
use super::share_view::ShareView;
use crate::app::Ctx;
use crate::components::Same;
use crate::platform;
use crate::state::{Action, Selection};

/// A dialog opened from the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialog {
    /// The Share dialog.
    Share,
    /// My designs.
    Designs,
}

/// The Share and My designs buttons, and the dialog that is open.
fn sharing(dialog: &UseStateHandle<Option<Dialog>>) -> (Html, Html) {
    let show = |which: Dialog| {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(Some(which)))
    };
    let buttons = html! {
        <>
            <button onclick={show(Dialog::Designs)} title="The designs kept in this browser" data-testid="my-designs">{ "My designs" }</button>
            <button class="primary" onclick={show(Dialog::Share)} title="A link that opens this design and view" data-testid="share">{ "Share" }</button>
        </>
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(None))
    };
    let open = match **dialog {
        Some(Dialog::Share) => html! { <ShareView on_close={close} /> },
        Some(Dialog::Designs) => html! { <DesignsView on_close={close} /> },
        None => html! {},
    };
    (buttons, open)
}

/// The header bar.
#[component]
pub fn HeaderView() -> Html {
    let theme = use_state(platform::theme);
    let dialog = use_state(|| None::<Dialog>);
    let ctx = use_context::<Ctx>();
    // Once per design, not at every render (the header renders with every change of the page's state, and on a
    // 10,000-VNet design this lists every VNet's region for each manager).
    let nothing_deployable = use_memo(
        ctx.as_ref().map(|c| Same(c.state.scenario.clone())),
        |design| {
            design
                .as_ref()
                .is_none_or(|d| deploy_everything(d.0.model()).is_empty())
        },
    );
    let Some(ctx) = ctx else {
        return html! {};
    };
    let state = &ctx.state;
    let undo = ctx.dispatch.reform(|_: MouseEvent| Action::Undo);
    let redo = ctx.dispatch.reform(|_: MouseEvent| Action::Redo);
    let deploy = ctx
        .dispatch
        .reform(|_: MouseEvent| Action::Change(Change::DeployEverything));
    let new = ctx.dispatch.reform(|_: MouseEvent| Action::Load {
        text: r#"{"resources": [], "commits": [], "intents": []}"#.into(),
        source: "the new design".into(),
    });
    let toggle = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if *theme == "dark" { "light" } else { "dark" };
            platform::set_theme(next);
            theme.set(next);
        })
    };
    let home = ctx
        .dispatch
        .reform(|_: MouseEvent| Action::Select(Selection::Overview));
    let undo_title = undo_title(
        state.history.keeps(&state.scenario),
        state.history.undoable(),
    );
    let (sharing, dialog) = sharing(&dialog);
    html! {
        <header class="header">
            <button class="brand" onclick={home} data-testid="app-title">
                <span class="logo" aria-hidden="true">{ "⬡" }</span>
                <h1>{ "AVNM Playground" }</h1>
            </button>
            <div class="actions" role="toolbar" aria-label="Design">
                <button onclick={undo} disabled={state.history.undoable() == 0} title={undo_title} data-testid="undo">{ "↶ Undo" }</button>
                <button onclick={redo} disabled={state.history.redoable() == 0} title="Redo" data-testid="redo">{ "↷ Redo" }</button>
                <button onclick={deploy} disabled={*nothing_deployable} title="Commit every configuration to every region that has a VNet" data-testid="deploy-all">{ "Deploy everything" }</button>
                <button onclick={new} title="Start an empty design">{ "New" }</button>
                <ImportView />
                <ExportView />
                { sharing }
                <UpdatingNote />
                <button onclick={toggle} title="Switch between light and dark" aria-label="Toggle theme" data-testid="theme">
                    { if *theme == "dark" { "☀ Light" } else { "☾ Dark" } }
                </button>
            </div>
            { dialog }
        </header>
    }
}

/// "Updating…" while an edit of a large design is being made in tasks of its own (its results follow): the
/// only part of the page that renders again when it starts and ends.
#[component]
fn UpdatingNote() -> Html {
    let ctx = use_context::<Ctx>();
    let shown = use_state(|| false);
    {
        let setter = shown.setter();
        let status = ctx.map(|c| c.updating);
        use_effect_with((), move |()| {
            if let Some(status) = status {
                status.listen(Callback::from(move |busy| setter.set(busy)));
            }
        });
    }
    html! {
        if *shown {
            <span class="updating" role="status" data-testid="updating">{ "Updating…" }</span>
        }
    }
}

/// What the Undo button says when hovered, given how many steps the history keeps for the design on screen.
fn undo_title(keeps: usize, undoable: usize) -> String {
    if keeps >= crate::state::HISTORY {
        return "Undo the last change".to_owned();
    }
    let budget = "a design this large keeps its undo steps within a memory budget: many edits of a few \
                  resources, fewer of edits that rewrite much of it";
    match undoable {
        0 => format!("Nothing to undo ({budget})"),
        1 => format!("Undo the last change (one step kept; {budget})"),
        n => format!("Undo the last change ({n} steps kept; {budget})"),
    }
}
