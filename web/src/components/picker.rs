//! A choice among the items of a design, which can be thousands (a hub among 10,000 VNets, a subnet among 30,000):
//! a select that offers at most [`PICK_LIMIT`] of them, the chosen one always, narrowed by a filter.
//!
//! A select of every VNet of a 10,000-VNet design made opening a connectivity configuration's editor one task of
//! 274 ms, and a network group's 260 ms (12,000 elements each).

use yew::prelude::*;

use crate::components::SelectField;
use crate::components::field::SelectFieldProps;
use crate::platform;

/// At most this many choices are offered at once past the empty one and the chosen one; the filter narrows them.
pub const PICK_LIMIT: usize = 50;

/// Whether `text` holds `needle`, ignoring ASCII case, without a lowercase copy (a list of a large design's items
/// is read at each keystroke); an empty needle is in every text.
pub(crate) fn holds(text: &str, needle: &str) -> bool {
    needle.is_empty()
        || text
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The choices offered for a filter, in their order: the empty one, the chosen one, and the first [`PICK_LIMIT`]
/// others whose text or value holds the filter (ignoring case).
pub fn offered(
    options: &[(AttrValue, AttrValue)],
    value: &str,
    filter: &str,
) -> Vec<(AttrValue, AttrValue)> {
    let needle = filter.trim().to_ascii_lowercase();
    let mut others = 0;
    options
        .iter()
        .filter(|(v, text)| {
            if v.is_empty() || v.eq_ignore_ascii_case(value) {
                return true;
            }
            let keep = others < PICK_LIMIT && (holds(text, &needle) || holds(v, &needle));
            others += usize::from(keep);
            keep
        })
        .cloned()
        .collect()
}

/// A [`SelectField`] of at most [`PICK_LIMIT`] of its choices, with a filter to find the others (its test id is the
/// select's with `-filter`); a short list is a plain [`SelectField`]. A choice with an empty value ("Choose…") is
/// always offered.
#[component]
pub fn Picker(props: &SelectFieldProps) -> Html {
    let filter = use_state(String::new);
    let total = props.options.iter().filter(|(v, _)| !v.is_empty()).count();
    if total <= PICK_LIMIT {
        return html! {
            <SelectField label={props.label.clone()} value={props.value.clone()} options={props.options.clone()}
                on_change={props.on_change.clone()} testid={props.testid.clone()} />
        };
    }
    let shown = offered(&props.options, &props.value, &filter);
    let count = shown.iter().filter(|(v, _)| !v.is_empty()).count();
    let on_filter = {
        let filter = filter.setter();
        Callback::from(move |e: InputEvent| filter.set(platform::value(&e)))
    };
    let id = props.testid.clone().unwrap_or_else(|| props.label.clone());
    html! {
        <div class="picker">
            <SelectField label={props.label.clone()} value={props.value.clone()} options={shown}
                on_change={props.on_change.clone()} testid={props.testid.clone()} />
            <label class="field"><span class="label">{ format!("Find one of {total}") }</span>
                <input type="search" class="filter" placeholder="Filter by name" value={(*filter).clone()}
                    oninput={on_filter} data-testid={format!("{id}-filter")} />
            </label>
            if count < total {
                <p class="muted">{ format!("{count} of {total} offered: type in the filter to find the others.") }</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(n: usize) -> Vec<(AttrValue, AttrValue)> {
        std::iter::once((AttrValue::from(""), AttrValue::from("Choose…")))
            .chain((0..n).map(|k| {
                (
                    AttrValue::from(format!("/vnets/vnet-{k:04}")),
                    AttrValue::from(format!("vnet-{k:04} (westeurope)")),
                )
            }))
            .collect()
    }

    #[test]
    fn a_long_list_offers_the_empty_choice_the_chosen_one_and_the_first_that_match() {
        let all = choices(10_000);
        let shown = offered(&all, "/VNETS/vnet-9999", "");
        assert_eq!(
            shown.len(),
            1 + PICK_LIMIT + 1,
            "the empty, 50 others, the chosen"
        );
        assert_eq!(shown.first().map(|c| c.1.as_str()), Some("Choose…"));
        assert_eq!(shown.get(1).map(|c| c.0.as_str()), Some("/vnets/vnet-0000"));
        assert_eq!(
            shown.last().map(|c| c.0.as_str()),
            Some("/vnets/vnet-9999"),
            "the chosen one, in its place"
        );
        let narrowed = offered(&all, "", " VNET-12 ");
        let texts: Vec<&str> = narrowed.iter().skip(1).map(|c| c.1.as_str()).collect();
        assert_eq!(texts.len(), 50, "vnet-1200 to vnet-1249");
        assert!(texts.iter().all(|t| t.contains("vnet-12")), "{texts:?}");
        assert_eq!(offered(&all, "", "eastus").len(), 1, "nothing matches");
    }
}
