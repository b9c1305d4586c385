//! The widgets the editors and panels share: validated fields, a field that commits when left, selects and
//! checkboxes, a tag table, the editor kit (typed-change callbacks, headings, drafts), diagnostics lists, rich
//! text, lesson Markdown, why a VNet is not in a network group, a choice among thousands of items, and a list that
//! renders only the rows in view; and
//! [`Same`], the key of a memo that is computed again only when the design or its analysis is replaced, and [`kept`],
//! a value made once per analysis and kept after the panel that asked for it closes.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

pub mod commit_field;
pub mod condition;
pub mod details;
pub mod diagnostic_list;
pub mod editor;
pub mod field;
pub mod later;
pub mod markdown;
pub mod picker;
pub mod rich;
pub mod tag_table;
pub mod virtual_list;
pub mod why_not;

pub use commit_field::CommitField;
pub use diagnostic_list::render_diagnostics;
pub use field::{Check, CheckField, Field, SelectField, maybe, options};
pub use picker::Picker;
pub use rich::rich;
pub use tag_table::TagTable;

/// At most this many items of a long list in an editor are rendered until the user asks for all of them
/// ([`show_all`]): a rule collection of a 10,000-VNet design applies to 450 groups, and a condition selects
/// hundreds of VNets, each with why it is or is not added.
pub const LIST_LIMIT: usize = 50;

/// How many of `total` items to render, and the button that renders them all (nothing when they all are), which
/// sets `all`.
pub fn show_all(total: usize, all: &yew::UseStateHandle<bool>, testid: &str) -> (usize, yew::Html) {
    use yew::prelude::*;
    if **all || total <= LIST_LIMIT {
        return (total, Html::default());
    }
    let onclick = {
        let all = all.clone();
        Callback::from(move |_: MouseEvent| all.set(true))
    };
    let button = html! {
        <p class="hint">{ format!("The first {LIST_LIMIT} of {total}. ") }
            <button class="small" {onclick} data-testid={testid.to_owned()}>{ format!("Show all {total}") }</button></p>
    };
    (LIST_LIMIT, button)
}

/// A count with the right form of its noun: `1 member`, `2 members`, `0 members`.
///
/// ```text
/// plural(1, "rule", "rules") == "1 rule"
/// ```
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A shared value compared by identity, not by content: the key of a memo or an effect that runs again only when the
/// design or its analysis is replaced (comparing tens of thousands of entries at each render would cost what the
/// memo saves).
pub struct Same<T>(pub Rc<T>);

impl<T> Clone for Same<T> {
    fn clone(&self) -> Self {
        Same(self.0.clone())
    }
}

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The items of one kind of a model compared by identity, not by content: the key of a memo that runs again only
/// when a change wrote one of them (the designs a change makes share the kinds of items it did not write). It holds
/// them, so the address compared is never another's.
pub struct SameItems<T>(pub std::sync::Arc<T>);

impl<T> PartialEq for SameItems<T> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A value [`kept`] made: where the item it was made from is, whether it still lives (it is not kept alive), and
/// the value.
type Made = (*const (), Box<dyn Fn() -> bool>, Rc<dyn Any>);

thread_local! {
    /// What [`kept`] made last under each name.
    static KEPT: RefCell<HashMap<&'static str, Made>> = RefCell::default();
}

/// An item [`kept`] keys its values on: shared, compared by identity, watched without being kept alive.
pub trait Shared: std::ops::Deref<Target: 'static> {
    /// Where the item is.
    fn address(&self) -> *const ();
    /// Whether the item still lives, asked later.
    fn alive(&self) -> Box<dyn Fn() -> bool>;
}

impl<D: 'static> Shared for Rc<D> {
    fn address(&self) -> *const () {
        Rc::as_ptr(self).cast()
    }
    fn alive(&self) -> Box<dyn Fn() -> bool> {
        let weak: Weak<D> = Rc::downgrade(self);
        Box::new(move || weak.strong_count() > 0)
    }
}

impl<D: 'static> Shared for std::sync::Arc<D> {
    fn address(&self) -> *const () {
        std::sync::Arc::as_ptr(self).cast()
    }
    fn alive(&self) -> Box<dyn Fn() -> bool> {
        let weak = std::sync::Arc::downgrade(self);
        Box::new(move || weak.strong_count() > 0)
    }
}

/// The value `make` gives for `item`, made once for each item and kept after the component that asked goes (one
/// value per `name`, for the last item): a panel opened again on the same analysis finds what it made the last
/// time it was open, where a memo would make it again, and a value made ahead of a render (by the import or an
/// edit of a large design, in a task of its own) is found by it. Call it from a memo keyed on the item ([`Same`]).
pub fn kept<K: Shared, T: 'static>(
    name: &'static str,
    item: &K,
    make: impl FnOnce(&K::Target) -> T,
) -> Rc<T> {
    let address = item.address();
    let found = KEPT.with_borrow(|kept| {
        kept.get(name)
            .filter(|(at, alive, _)| std::ptr::eq(*at, address) && alive())
            .and_then(|(_, _, value)| value.clone().downcast::<T>().ok())
    });
    if let Some(value) = found {
        return value;
    }
    let value = Rc::new(make(item));
    KEPT.with_borrow_mut(|kept| {
        kept.insert(name, (address, item.alive(), value.clone() as Rc<dyn Any>));
    });
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value is made once for an item, kept while the item lives, and made again for another item (even one at
    /// the address of a dropped one).
    #[test]
    fn a_kept_value_is_made_once_per_item() {
        let made = std::cell::Cell::new(0);
        let make = |n: &u32| {
            made.set(made.get() + 1);
            n * 2
        };
        let first = Rc::new(21_u32);
        assert_eq!(*kept("test", &first, make), 42);
        assert_eq!(*kept("test", &first, make), 42);
        assert_eq!(made.get(), 1, "the same item: kept");
        let second = Rc::new(5_u32);
        assert_eq!(*kept("test", &second, make), 10);
        assert_eq!(*kept("other", &second, make), 10);
        assert_eq!(made.get(), 3, "another item, another name");
        drop(second);
        let third = Rc::new(7_u32);
        assert_eq!(*kept("test", &third, make), 14);
        assert_eq!(made.get(), 4);
        // Items shared across threads' kind of pointer alike.
        let shared = std::sync::Arc::new(8_u32);
        assert_eq!(*kept("test", &shared, make), 16);
        assert_eq!(*kept("test", &shared, make), 16);
        assert_eq!(made.get(), 5);
        drop(shared);
        let again = std::sync::Arc::new(9_u32);
        assert_eq!(*kept("test", &again, make), 18);
        assert_eq!(made.get(), 6);
    }
}
