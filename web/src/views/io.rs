//! Azure in and out: the import dialog (paste, choose or drop Azure JSON, see the report, load) and the export
//! dialog (scenario JSON, ARM, Bicep, Terraform, `az`, the topology as SVG or PNG), both opened from the header;
//! and the button that copies the verdict panel's answer as Markdown.

mod copy_view;
mod export_view;
mod import_view;

pub use copy_view::CopyView;
pub use export_view::ExportView;
pub use import_view::ImportView;

use yew::prelude::*;

/// A modal dialog: a title bar with a close button, Escape closes it too.
fn render_dialog(title: &str, testid: &str, on_close: Callback<()>, body: Html) -> Html {
    let close = on_close.reform(|_: MouseEvent| ());
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.stop_propagation();
            on_close.emit(());
        }
    });
    let heading = format!("{testid}-title");
    html! {
        <div class="io-backdrop">
            <div class="io-dialog" role="dialog" aria-modal="true" aria-labelledby={heading.clone()} {onkeydown} data-testid={testid.to_owned()}>
                <div class="io-title">
                    <h2 id={heading}>{ title.to_owned() }</h2>
                    <button onclick={close} aria-label="Close" data-testid={format!("{testid}-close")}>{ "✕" }</button>
                </div>
                <div class="io-body">{ body }</div>
            </div>
        </div>
    }
}
