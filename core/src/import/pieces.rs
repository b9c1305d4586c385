//! A JSON text parsed a piece at a time, for a page that parses a large file between its frames: the elements of
//! a top-level array, and of the arrays among a top-level object's members (a scenario document's `resources`, a
//! list's `value`, a query's `data`), are parsed one by one; any other member, whole. The text's value is
//! `serde_json::from_str`'s, error for error: the punctuation between the pieces is read here, each piece by
//! `serde_json` itself, and whatever does not read that way (a syntax error, text after the value, a piece nested
//! deeper than `serde_json` allows) is parsed again by `serde_json` from where it starts, behind a few bytes that
//! put the parser where the text had it ([`resumed`]), for its error: a large file cut short or broken near its end
//! is not parsed again whole, in one task. What still does not read that way has the whole text parsed at once.

use std::io::Read;

use serde::Deserialize;
use serde_json::{Deserializer, Map, Value};

use crate::scenario::FormatError;

/// How deeply `serde_json` nests arrays and objects before it refuses a text (its recursion limit). A piece
/// parsed alone sits one or two levels above where it sits in the whole text, so one that is too deep there is
/// parsed with the whole text instead, which gives the error.
const DEPTH_LIMIT: usize = 127;

/// How many values read before a syntax error [`Pieces::step`] drops at a time.
const DROPPED_PER_STEP: usize = 1024;

/// A text under way ([`Pieces::step`]).
#[derive(Debug)]
pub(super) struct Pieces {
    /// How far the text is read, in bytes.
    at: usize,
    /// Where what is being read began (a piece, the punctuation after one, a member's key), after whitespace.
    start: usize,
    /// The outcome of a text the pieces stopped in ([`Pieces::unusual`]), while [`Pieces::dropping`] is dropped.
    stopped: Option<Result<Value, FormatError>>,
    /// What was read before the error, being dropped a few values a step.
    dropping: Vec<Value>,
    /// Whether the whole text was parsed again for its error, for the tests.
    #[cfg(test)]
    parsed_whole: bool,
    /// What the text expects next.
    next: Next,
    /// The top-level value read so far.
    top: Top,
}

/// What a text under way expects next.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Next {
    /// Its value.
    Value,
    /// A member of the top-level object (or, when it is the first, the object's end).
    Member { first: bool },
    /// `,` or the top-level object's end.
    AfterMember,
    /// An element of the array being read (or, when it is the first, the array's end).
    Element { first: bool },
    /// `,` or the end of the array being read.
    AfterElement,
    /// Nothing but whitespace.
    End,
}

/// The top-level value read so far.
#[derive(Debug, Default)]
enum Top {
    /// Not started, or a value read whole.
    #[default]
    None,
    /// A top-level array's elements.
    Array(Vec<Value>),
    /// A top-level object's members, and the member whose array is being read with its elements.
    Object(Map<String, Value>, Option<(String, Vec<Value>)>),
    /// The whole value.
    Whole(Value),
}

impl Pieces {
    /// A text not read yet.
    pub(super) fn new() -> Self {
        Pieces {
            at: 0,
            start: 0,
            stopped: None,
            dropping: Vec::new(),
            #[cfg(test)]
            parsed_whole: false,
            next: Next::Value,
            top: Top::None,
        }
    }

    /// How many bytes of the text are read.
    pub(super) fn read(&self) -> usize {
        self.at
    }

    /// Reads the next piece of `text` (the same text at every step): `None` while there is more, then the text's
    /// value or error, as `serde_json::from_str` gives them. Before an error, what was read before it is dropped a
    /// few values a step ([`DROPPED_PER_STEP`]): a large file broken near its end has read hundreds of thousands.
    pub(super) fn step(&mut self, text: &str) -> Option<Result<Value, FormatError>> {
        if self.stopped.is_none() {
            match self.advance(text) {
                Ok(Some(value)) => return Some(Ok(value)),
                Ok(None) => return None,
                Err(Unusual) => {
                    self.at = text.len();
                    self.stopped = Some(self.unusual(text));
                    self.dropping = std::mem::take(&mut self.top).into_values();
                }
            }
        }
        self.drop_some().then(|| self.stopped.take())?
    }

    /// What `serde_json::from_str` gives for a text the pieces stopped in: its error, found from where they
    /// stopped ([`resumed`]), else the whole text parsed.
    fn unusual(&mut self, text: &str) -> Result<Value, FormatError> {
        if let Some(error) = self
            .context()
            .and_then(|prefix| resumed(text, self.start, prefix))
        {
            return Err(error);
        }
        #[cfg(test)]
        {
            self.parsed_whole = true;
        }
        serde_json::from_str(text).map_err(FormatError::from)
    }

    /// Drops up to [`DROPPED_PER_STEP`] of the values read before an error (an array's elements one by one);
    /// whether none is left.
    fn drop_some(&mut self) -> bool {
        for _ in 0..DROPPED_PER_STEP {
            match self.dropping.pop() {
                Some(Value::Array(elements)) => self.dropping.extend(elements),
                Some(_) => {}
                None => return true,
            }
        }
        self.dropping.is_empty()
    }

    /// The text that puts `serde_json` where the whole text had it when what is being read began: inside the
    /// top-level array or object, or inside a member's array, before its first element or member, after a comma,
    /// or after an element or member (a space after it, so that the next byte cannot continue a number). `None`
    /// for the top-level value itself, which is the whole text.
    fn context(&self) -> Option<&'static str> {
        Some(match (&self.top, self.next) {
            (Top::Array(_), Next::Element { first: true }) => "[",
            (Top::Array(_), Next::Element { first: false }) => "[0,",
            (Top::Array(_), Next::AfterElement) => "[0 ",
            (Top::Object(_, None), Next::Member { first: true }) => "{",
            (Top::Object(_, None), Next::Member { first: false }) => "{\"\":0,",
            (Top::Object(_, None), Next::AfterMember) => "{\"\":0 ",
            (Top::Object(_, Some(_)), Next::Element { first: true }) => "{\"\":[",
            (Top::Object(_, Some(_)), Next::Element { first: false }) => "{\"\":[0,",
            (Top::Object(_, Some(_)), Next::AfterElement) => "{\"\":[0 ",
            (_, Next::End) => "0 ",
            _ => return None,
        })
    }

    /// Reads up to the end of the next piece; the value once the text is read.
    fn advance(&mut self, text: &str) -> Result<Option<Value>, Unusual> {
        let bytes = text.as_bytes();
        loop {
            self.whitespace(bytes);
            self.start = self.at;
            let byte = bytes.get(self.at).copied();
            match (self.next, byte) {
                (Next::Value, Some(b'{')) => {
                    self.at += 1;
                    self.top = Top::Object(Map::new(), None);
                    self.next = Next::Member { first: true };
                }
                (Next::Value, Some(b'[')) => {
                    self.at += 1;
                    self.top = Top::Array(Vec::new());
                    self.next = Next::Element { first: true };
                }
                (Next::Value, _) => {
                    self.top = Top::Whole(self.piece(text, 0)?);
                    self.next = Next::End;
                    return Ok(None);
                }
                (Next::Member { first: true }, Some(b'}')) | (Next::AfterMember, Some(b'}')) => {
                    self.at += 1;
                    self.next = Next::End;
                }
                (Next::Member { .. }, Some(b'"')) => {
                    let key: String = self.piece(text, 0)?;
                    self.whitespace(bytes);
                    if bytes.get(self.at) != Some(&b':') {
                        return Err(Unusual);
                    }
                    self.at += 1;
                    self.whitespace(bytes);
                    if bytes.get(self.at) == Some(&b'[') {
                        self.at += 1;
                        let Top::Object(_, open) = &mut self.top else {
                            return Err(Unusual);
                        };
                        *open = Some((key, Vec::new()));
                        self.next = Next::Element { first: true };
                        continue;
                    }
                    let value = self.piece(text, 1)?;
                    let Top::Object(members, _) = &mut self.top else {
                        return Err(Unusual);
                    };
                    members.insert(key, value);
                    self.next = Next::AfterMember;
                    return Ok(None);
                }
                (Next::AfterMember, Some(b',')) => {
                    self.at += 1;
                    self.next = Next::Member { first: false };
                }
                (Next::Element { first: true }, Some(b']')) | (Next::AfterElement, Some(b']')) => {
                    self.at += 1;
                    self.next = match &mut self.top {
                        Top::Object(members, open) => {
                            let (key, elements) = open.take().ok_or(Unusual)?;
                            members.insert(key, Value::Array(elements));
                            Next::AfterMember
                        }
                        _ => Next::End,
                    };
                }
                (Next::Element { .. }, Some(_)) => {
                    let depth = if matches!(self.top, Top::Object(..)) {
                        2
                    } else {
                        1
                    };
                    let element = self.piece(text, depth)?;
                    match &mut self.top {
                        Top::Array(elements) | Top::Object(_, Some((_, elements))) => {
                            elements.push(element);
                        }
                        _ => return Err(Unusual),
                    }
                    self.next = Next::AfterElement;
                    return Ok(None);
                }
                (Next::AfterElement, Some(b',')) => {
                    self.at += 1;
                    self.next = Next::Element { first: false };
                }
                (Next::End, None) => {
                    return Ok(Some(match std::mem::take(&mut self.top) {
                        Top::Array(elements) => Value::Array(elements),
                        Top::Object(members, None) => Value::Object(members),
                        Top::Whole(value) => value,
                        Top::Object(_, Some(_)) | Top::None => return Err(Unusual),
                    }));
                }
                _ => return Err(Unusual),
            }
        }
    }

    /// Skips JSON's whitespace.
    fn whitespace(&mut self, bytes: &[u8]) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// One value at the place reached, `above` levels of arrays and objects below the text's top, parsed by
    /// `serde_json`.
    fn piece<T: for<'de> Deserialize<'de> + Nested>(
        &mut self,
        text: &str,
        above: usize,
    ) -> Result<T, Unusual> {
        let rest = text.get(self.at..).ok_or(Unusual)?;
        let mut stream = Deserializer::from_str(rest).into_iter::<T>();
        match stream.next() {
            Some(Ok(value)) if !value.deeper_than(DEPTH_LIMIT - above) => {
                self.at += stream.byte_offset();
                Ok(value)
            }
            _ => Err(Unusual),
        }
    }
}

impl Top {
    /// The values read so far.
    fn into_values(self) -> Vec<Value> {
        match self {
            Top::None => Vec::new(),
            Top::Array(elements) => elements,
            Top::Object(members, open) => {
                let mut values = open.map(|(_, elements)| elements).unwrap_or_default();
                values.extend(members.into_iter().map(|(_, value)| value));
                values
            }
            Top::Whole(value) => vec![value],
        }
    }
}

/// Something the pieces do not read: it is parsed again for its error ([`resumed`]).
struct Unusual;

/// The error `serde_json::from_str` gives for `text`, found by parsing it from `start` behind `prefix`, which puts
/// the parser where the text had it there (the same nesting, the same punctuation expected next), with the line
/// and column moved back to the whole text's. `None` when that parse ends without an error (the whole text is parsed
/// then).
fn resumed(text: &str, start: usize, prefix: &str) -> Option<FormatError> {
    let (before, rest) = (text.as_bytes().get(..start)?, text.get(start..)?);
    let error =
        serde_json::from_reader::<_, Value>(prefix.as_bytes().chain(rest.as_bytes())).err()?;
    let FormatError::Json {
        line,
        column,
        message,
    } = FormatError::from(error)
    else {
        return None;
    };
    // The whole text's line of `start`, and how far into it `start` is.
    let line_of_start = 1 + bytecount::count(before, b'\n');
    let into_line = before.iter().rev().take_while(|b| **b != b'\n').count();
    let (line, column) = if line == 1 {
        (
            line_of_start,
            (column + into_line).checked_sub(prefix.len())?,
        )
    } else {
        (line_of_start + line - 1, column)
    };
    Some(FormatError::Json {
        line,
        column,
        message,
    })
}

/// What has a depth of arrays and objects.
trait Nested {
    /// Whether arrays and objects nest more than `levels` deep in it.
    fn deeper_than(&self, levels: usize) -> bool;
}

impl Nested for String {
    fn deeper_than(&self, _: usize) -> bool {
        false
    }
}

impl Nested for Value {
    fn deeper_than(&self, levels: usize) -> bool {
        match self {
            Value::Array(elements) => {
                levels == 0 || elements.iter().any(|e| e.deeper_than(levels - 1))
            }
            Value::Object(members) => {
                levels == 0 || members.values().any(|m| m.deeper_than(levels - 1))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` one piece per step and checks it gives what `serde_json::from_str` gives, and that each step
    /// reads further; whether the whole text was parsed again for its error.
    fn check(text: &str) -> bool {
        let mut pieces = Pieces::new();
        let mut read = 0;
        let stepped = loop {
            if let Some(value) = pieces.step(text) {
                break value;
            }
            assert!(pieces.read() > read, "a step reads further in {text:?}");
            read = pieces.read();
        };
        let whole = serde_json::from_str::<Value>(text).map_err(FormatError::from);
        assert_eq!(stepped, whole, "{text:?}");
        assert_eq!(pieces.read(), text.len());
        pieces.parsed_whole
    }

    /// A document with every shape the pieces read: members before and after arrays, arrays of every kind of
    /// element, empty ones, escapes, whitespace of every kind, a duplicated member each way round.
    const DOCUMENT: &str = "\r\n{ \"$schema\" : \"x\",\t\"resources\":[ {\"id\": \"/a\", \"tags\": {\"k\\u00e9\": \"\\\"v\\\"\"}},\n\
        \"s\", -1.5e3, true, null, [], [[1]], {} ] , \"commits\": [], \"n\": 7, \"o\": {\"p\": [1, 2]},\
        \"d\": [1], \"d\": \"later\", \"e\": 1, \"e\": [\"later\"], \"r\\u0065sources\": [2] }\n ";

    #[test]
    fn documents_read_as_serde_json_reads_them() {
        check(DOCUMENT);
        for text in [
            "{}",
            "[]",
            " { } ",
            "[ ]",
            "1",
            " \"x\" ",
            "null",
            "[1, [2, {\"a\": [3]}], {}]",
            "{\"a\": []}",
            "{\"a\": [[], {}], \"b\": {}}",
            "{\"value\": [{\"id\": 1}], \"nextLink\": null}",
            "[\"\\ud83d\\ude00\"]",
        ] {
            check(text);
        }
    }

    #[test]
    fn broken_texts_give_serde_json_s_error() {
        // Every cut of the document, and the document with each byte replaced by one that breaks it.
        for end in 0..=DOCUMENT.len() {
            if let Some(cut) = DOCUMENT.get(..end) {
                let whole = check(cut);
                // Once inside the top-level object, its error is found from where the pieces stopped.
                assert_eq!(whole, end < 3, "{cut:?}");
            }
        }
        for at in 0..DOCUMENT.len() {
            for by in [",", "]", "}", ":", "x", "\"", " 1", "[", "{"] {
                if let (Some(before), Some(after)) = (DOCUMENT.get(..at), DOCUMENT.get(at + 1..)) {
                    check(&format!("{before}{by}{after}"));
                }
            }
        }
        for text in [
            "{\"a\": [1,]}",
            "{\"a\": [1 2]}",
            "{\"a\": 1,}",
            "{\"a\" 1}",
            "{1: 2}",
            "[1,]",
            "[,1]",
            "{} x",
            "[] []",
            "1 2",
            "{\"a\": [1]]",
            "[truefalse]",
            "{\"a\": [1-2]}",
            "{\"a\": [1:2]}",
            "\u{feff}{}",
            "{\"a\": [1], }",
        ] {
            check(text);
        }
    }

    #[test]
    fn a_large_text_broken_near_its_end_says_why_without_being_parsed_again_nor_dropped_at_once() {
        // A design's resources cut short on the 20th line, where a multi-line element is broken, after 5,000.
        let mut text = String::from("{\"title\": \"cut\",\n \"resources\": [\n");
        for i in 0..5_000 {
            text.push_str(&format!(
                "  {{\"id\": \"/v{i}\", \"location\": \"westeurope\"}},\n"
            ));
        }
        text.push_str("  {\"id\": \"/last\",\n   \"location\": westeurope}\n");
        let whole = serde_json::from_str::<Value>(&text).map_err(FormatError::from);
        let Err(FormatError::Json { line, .. }) = &whole else {
            panic!("the text is broken: {whole:?}");
        };
        assert_eq!(*line, 5_004, "where the text is broken, as serde_json says");

        let mut pieces = Pieces::new();
        let mut steps_after_the_error = 0;
        let stepped = loop {
            let outcome = pieces.step(&text);
            if pieces.read() == text.len() {
                steps_after_the_error += 1;
            }
            if let Some(outcome) = outcome {
                break outcome;
            }
        };
        assert_eq!(stepped, whole);
        assert!(!pieces.parsed_whole, "found from where the pieces stopped");
        // The 5,000 resources and the title read before the error, dropped a few at a time.
        assert_eq!(
            steps_after_the_error,
            5_001_usize.div_ceil(DROPPED_PER_STEP)
        );
    }

    #[test]
    fn pieces_as_deep_as_serde_json_allows_and_one_deeper() {
        let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        for levels in 120..132 {
            let deep = nested(levels);
            check(&deep);
            check(&format!("[0, {deep}]"));
            check(&format!("{{\"a\": {deep}}}"));
            check(&format!("{{\"a\": [0, {deep}]}}"));
            check(&format!("{{\"a\": {{\"b\": {deep}}}}}"));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// Any text of JSON's punctuation, whitespace and a few scalars reads in pieces as it reads at once.
        #[test]
        fn any_text_reads_in_pieces_as_at_once(text in r#"[\[\]{}",: \n0-9a-z\\-]{0,48}"#) {
            check(&text);
        }
    }
}
