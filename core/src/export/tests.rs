//! Tests of the exports on small designs; the structural checks on every example are in `tests/export.rs`.

use super::*;
