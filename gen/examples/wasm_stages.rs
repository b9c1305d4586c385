//! The engine's stages as wasm, for the wasm column of `cargo xtask bench`: built for `wasm32-unknown-unknown`
//! with the playground's `web-release` profile, bound with wasm-bindgen and driven in headless Chromium.
//!
//! JavaScript makes a [`Design`] of a tier (generated here by the same deterministic generator as natively, so
//! the text is the same), then calls [`Design::run`] once per run: every stage of [`stages::run`] timed with the
//! page's `performance.now()`, parsing included, from the text. Natively this example is empty.

#![cfg(target_arch = "wasm32")]

use avnm_gen::Tier;
use avnm_gen::stages;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds since the page started (coarsened by the browser to 0.1 ms or so).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The text of one tier's design, kept in wasm memory between runs.
#[wasm_bindgen]
pub struct Design {
    text: String,
}

impl std::fmt::Debug for Design {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Design")
            .field("bytes", &self.text.len())
            .finish()
    }
}

#[wasm_bindgen]
impl Design {
    /// Generates the design of the tier named `t1`, `t2` or `t3`.
    ///
    /// # Errors
    /// The name is not a tier's.
    #[wasm_bindgen(constructor)]
    pub fn new(tier: &str) -> Result<Design, JsError> {
        let tier = Tier::from_name(tier)
            .ok_or_else(|| JsError::new(&format!("`{tier}` is not a tier")))?;
        Ok(Design {
            text: avnm_gen::design(&tier.params()),
        })
    }

    /// The length of the design's text in bytes (the native run prints the same for the same tier).
    pub fn bytes(&self) -> usize {
        self.text.len()
    }

    /// Runs every stage once and returns `[[stage name, milliseconds], ...]` as JSON text.
    ///
    /// # Errors
    /// The design does not load (it always does: the generator writes valid designs).
    pub fn run(&self) -> Result<String, JsError> {
        let mut now = performance_now;
        let timings =
            stages::run(&self.text, &mut now).map_err(|e| JsError::new(&e.to_string()))?;
        let pairs: Vec<(&str, f64)> = timings
            .iter()
            .map(|(stage, ms)| (stage.name(), *ms))
            .collect();
        serde_json::to_string(&pairs).map_err(|e| JsError::new(&e.to_string()))
    }

    /// The bytes the wasm memory holds now (it only grows), to say what fits in wasm32's 4 GiB.
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes() -> f64 {
        #[expect(
            clippy::cast_precision_loss,
            reason = "at most 65,536 pages, far below 2^53"
        )]
        let pages = core::arch::wasm32::memory_size(0) as f64;
        pages * 65_536.0
    }
}
