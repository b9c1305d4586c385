//! Scenario tests of avnm-core live in `tests/`; this library is empty.
