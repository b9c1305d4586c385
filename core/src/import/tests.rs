//! Tests of the import: one per input shape.

use super::*;
