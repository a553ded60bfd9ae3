//! Arbitrary bytes as a JSON request `{"action": …, "context": …}`; whatever parses is evaluated
//! and must never panic. Body: `../bodies.rs`.
#![no_main]

#[path = "../bodies.rs"]
#[expect(dead_code, reason = "the bodies of the other targets")]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::evaluate_any(data));
