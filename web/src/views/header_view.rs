//! The header: title, undo and redo, deploy everything, import, export, new, and the theme toggle.

use avnm_core::scenario::{Change, deploy_everything};
use yew::prelude::*;

use super::io::{ExportView, ImportView};
use crate::app::Ctx;
use crate::platform;
use crate::state::{Action, Selection};

/// The header bar.
#[component]
pub fn HeaderView() -> Html {
    let theme = use_state(platform::theme);
    let Some(ctx) = use_context::<Ctx>() else {
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
    let nothing_deployable = deploy_everything(ctx.state.scenario.model()).is_empty();
    html! {
        <header class="header">
            <button class="brand" onclick={home} data-testid="app-title">
                <span class="logo" aria-hidden="true">{ "⬡" }</span>
                <h1>{ "AVNM Playground" }</h1>
            </button>
            <div class="actions" role="toolbar" aria-label="Design">
                <button onclick={undo} disabled={state.history.undoable() == 0} title="Undo the last change" data-testid="undo">{ "↶ Undo" }</button>
                <button onclick={redo} disabled={state.history.redoable() == 0} title="Redo" data-testid="redo">{ "↷ Redo" }</button>
                <button onclick={deploy} disabled={nothing_deployable} title="Commit every configuration to every region that has a VNet" data-testid="deploy-all">{ "Deploy everything" }</button>
                <button onclick={new} title="Start an empty design">{ "New" }</button>
                <ImportView />
                <ExportView />
                <button onclick={toggle} title="Switch between light and dark" aria-label="Toggle theme" data-testid="theme">
                    { if *theme == "dark" { "☀ Light" } else { "☾ Dark" } }
                </button>
            </div>
        </header>
    }
}
