//! A list that renders only the rows in view: thousands of members, VNets, rules or diagnostics open at once.
//!
//! Every row has the same height, so the row at a scroll position is a division: the list renders the rows in
//! view plus [`MARGIN`] rows on each side, inside a box as tall as all the rows would be, so the scroll bar is
//! the whole list's.
//! The scroll position comes from the scroll event (`platform::scroll_of`); the list renders again only when
//! the first row in view changes, not at every pixel.
//! A short list is rendered whole and takes the height of its rows.

use yew::prelude::*;

use crate::platform;

/// Rows rendered above and below the ones in view, so that a fast scroll does not show a blank band.
pub const MARGIN: usize = 12;

/// Properties of [`VirtualList`].
#[derive(Properties, PartialEq)]
pub struct VirtualListProps {
    /// How many rows the list has.
    pub count: usize,
    /// The height of every row, in CSS pixels.
    pub row_height: u32,
    /// The most the list takes on screen before it scrolls, in CSS pixels.
    #[prop_or(480)]
    pub height: u32,
    /// Renders the row at a position (`0..count`).
    pub row: Callback<usize, Html>,
    /// Classes of the scrolling box.
    #[prop_or_default]
    pub class: Classes,
    /// The `data-testid` of the scrolling box.
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// What the list is, for screen readers.
    #[prop_or_default]
    pub label: Option<AttrValue>,
}

/// The rows to render for a scroll position: `start..end`, with the margin, within `0..count`.
pub fn window(count: usize, row_height: u32, top: f64, viewport: f64) -> (usize, usize) {
    let h = f64::from(row_height.max(1));
    let first = (top.max(0.0) / h).floor() as usize;
    let shown = (viewport.max(h) / h).ceil() as usize + 1;
    // A position past the end (the list got shorter) shows its last rows.
    let first = first.min(count.saturating_sub(shown.saturating_sub(1)));
    let start = first.saturating_sub(MARGIN).min(count);
    let end = first
        .saturating_add(shown)
        .saturating_add(MARGIN)
        .min(count);
    (start, end.max(start))
}

/// A scrolling list of fixed-height rows that renders only those in view.
#[component]
pub fn VirtualList(props: &VirtualListProps) -> Html {
    // The scroll position and the height on screen, as the last scroll event told them.
    let scroll = use_state(|| (0.0_f64, f64::from(props.height)));
    let (top, viewport) = *scroll;
    let h = props.row_height.max(1);
    let (start, end) = window(props.count, h, top, viewport);
    let onscroll = {
        let (count, height) = (props.count, props.height);
        Callback::from(move |e: Event| {
            let Some((top, viewport)) = platform::scroll_of(&e) else {
                return;
            };
            let viewport = if viewport > 0.0 {
                viewport
            } else {
                f64::from(height)
            };
            let (old_top, old_viewport) = *scroll;
            // Render again only when other rows come into view.
            if window(count, h, top, viewport) != window(count, h, old_top, old_viewport) {
                scroll.set((top, viewport));
            }
        })
    };
    let total = u64::from(h) * props.count as u64;
    let offset = u64::from(h) * start as u64;
    let rows = (start..end).map(|i| {
        html! {
            <div class="vrow" role="listitem" key={i} style={format!("height: {h}px;")}>{ props.row.emit(i) }</div>
        }
    });
    html! {
        <div class={classes!("virtual-list", props.class.clone())} {onscroll} role="list"
            aria-label={props.label.clone()} data-testid={props.testid.clone()}
            data-rows={props.count.to_string()}
            style={format!("max-height: {}px;", props.height)}>
            <div class="vlist-space" style={format!("height: {total}px;")}>
                <div class="vlist-window" style={format!("transform: translateY({offset}px);")}>
                    { for rows }
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_rows_in_view_and_a_margin() {
        // 10,000 rows of 20 px, scrolled to row 500, 400 px on screen: rows 500 to 520 are in view.
        let (start, end) = window(10_000, 20, 500.0 * 20.0, 400.0);
        assert_eq!((start, end), (500 - MARGIN, 500 + 21 + MARGIN));
        // At the top and at the bottom, the window stays within the list.
        assert_eq!(window(10_000, 20, 0.0, 400.0), (0, 21 + MARGIN));
        assert_eq!(window(30, 20, 10_000.0, 400.0), (0, 30));
        assert_eq!(window(100, 20, 10_000.0, 400.0), (80 - MARGIN, 100));
        assert_eq!(window(0, 20, 0.0, 400.0), (0, 0));
        // A short list is rendered whole.
        assert_eq!(window(5, 20, 0.0, 400.0), (0, 5));
    }
}
