//! Counting tests from the summary lines that libtest prints.
//!
//! Every test binary that `cargo test` runs (unit tests, integration tests, doc tests, custom libtest-style harnesses)
//! ends with one line such as
//! `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 3 filtered out; finished in 0.02s`,
//! or the same line with `FAILED.` instead of `ok.`.
//! wasm-bindgen-test prints the same line without the `measured` field.
//! [`Tally`] watches a byte stream for these lines and adds up the passed and failed counts.

use std::borrow::Cow;
use std::ops::AddAssign;

/// The number of passed and failed tests, from one or more `test result:` lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Reads a libtest summary line; any other line gives `None`.
///
/// The line must start with `test result: `, so lines that merely mention those words are ignored.
/// Colour escapes (as printed with `--color always`) and a trailing carriage return are ignored.
pub fn parse_result_line(line: &str) -> Option<Counts> {
    let line = strip_ansi(line);
    let rest = line
        .trim_end_matches(['\r', '\n'])
        .strip_prefix("test result: ")?;
    let rest = rest
        .strip_prefix("ok. ")
        .or_else(|| rest.strip_prefix("FAILED. "))?;
    let mut fields = rest.split(';').map(str::trim);
    let passed = count(fields.next()?, "passed")?;
    let failed = count(fields.next()?, "failed")?;
    Some(Counts { passed, failed })
}

/// Reads a field such as `12 passed`, given its label `passed`.
fn count(field: &str, label: &str) -> Option<u64> {
    field.strip_suffix(label)?.strip_suffix(' ')?.parse().ok()
}

/// Removes ANSI escape sequences (`ESC [ … final-byte`), which libtest uses to colour `ok` and `FAILED`.
fn strip_ansi(line: &str) -> Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return Cow::Borrowed(line);
    }
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            plain.push(c);
        } else if chars.next() == Some('[') {
            // Parameter and intermediate bytes run up to a final byte in `@`..=`~`.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    Cow::Owned(plain)
}

/// Adds up the `test result:` lines of a byte stream that arrives in chunks of any size.
#[derive(Debug, Default)]
pub struct Tally {
    /// The counts of the complete lines seen so far.
    counts: Counts,
    /// The bytes of the current line, up to but excluding its newline.
    line: Vec<u8>,
}

impl Tally {
    /// Takes the next bytes of the stream; a line may be split across any number of chunks.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut pieces = bytes.split(|&byte| byte == b'\n');
        // `split` yields one piece more than there are newlines: every piece but the last ends a line.
        if let Some(mut piece) = pieces.next() {
            for next in pieces {
                self.line.extend_from_slice(piece);
                self.end_line();
                piece = next;
            }
            self.line.extend_from_slice(piece);
        }
    }

    /// Ends the stream, counting a last line that has no newline, and returns the totals.
    pub fn finish(mut self) -> Counts {
        if !self.line.is_empty() {
            self.end_line();
        }
        self.counts
    }

    /// Counts the buffered line if it is a summary line, then starts a new line.
    fn end_line(&mut self) {
        if let Some(counts) = parse_result_line(&String::from_utf8_lossy(&self.line)) {
            self.counts += counts;
        }
        self.line.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::{Counts, Tally, parse_result_line};

    #[track_caller]
    fn check(line: &str, expected: Option<(u64, u64)>) {
        let expected = expected.map(|(passed, failed)| Counts { passed, failed });
        assert_eq!(parse_result_line(line), expected, "line {line:?}");
    }

    #[test]
    fn ok_lines() {
        check(
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.02s",
            Some((12, 0)),
        );
        check(
            "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            Some((0, 0)),
        );
    }

    #[test]
    fn failed_lines() {
        check(
            "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.50s",
            Some((3, 2)),
        );
    }

    #[test]
    fn filtered_out_lines() {
        check(
            "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 41 filtered out; finished in 0.00s",
            Some((1, 0)),
        );
    }

    #[test]
    fn doc_test_lines() {
        // Doc tests end with the same summary; merged doc tests (edition 2024) add a timing line after it.
        check(
            "test result: ok. 7 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.31s",
            Some((7, 0)),
        );
        check(
            "all doctests ran in 0.39s; merged doctests compilation took 0.38s",
            None,
        );
    }

    #[test]
    fn wasm_bindgen_test_lines() {
        check(
            "test result: ok. 3 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.09s",
            Some((3, 0)),
        );
    }

    #[test]
    fn coloured_and_crlf_lines() {
        check(
            "test result: \u{1b}[32mok\u{1b}[0m. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            Some((4, 0)),
        );
        check(
            "test result: \u{1b}[31mFAILED\u{1b}[0m. 4 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            Some((4, 1)),
        );
        check(
            "test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\r",
            Some((5, 0)),
        );
    }

    #[test]
    fn lines_that_merely_contain_the_words() {
        check("", None);
        check("test result: ok.", None);
        check("test result: ok. many passed; 0 failed", None);
        check("test result: pending. 1 passed; 0 failed", None);
        check("test result: ok. 1 failed; 1 passed", None);
        check("test result: ok. -1 passed; 0 failed", None);
        check(
            "the test result: ok. 1 passed; 0 failed; is quoted here",
            None,
        );
        check(
            "    test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            None,
        );
        check("test tally::tests::ok_lines ... ok", None);
        check(
            "error: test failed, to rerun pass `-p avnm-core --lib`",
            None,
        );
    }

    #[test]
    fn tally_adds_lines_split_across_chunks() {
        let output = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\n\
            test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n\
            running 1 test\n\
            test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s";
        for chunk_size in [1, 2, 7, 64, output.len()] {
            let mut tally = Tally::default();
            for chunk in output.as_bytes().chunks(chunk_size) {
                tally.feed(chunk);
            }
            assert_eq!(
                tally.finish(),
                Counts {
                    passed: 2,
                    failed: 1
                },
                "chunk size {chunk_size}"
            );
        }
    }

    #[test]
    fn tally_of_no_summary_is_zero() {
        let mut tally = Tally::default();
        tally.feed(b"error[E0425]: cannot find value `x` in this scope\n");
        assert_eq!(tally.finish(), Counts::default());
    }
}
