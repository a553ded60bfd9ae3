//! Arbitrary bytes as SQL in every dialect, plus a header-chosen dialect, context and small
//! limits; the fast path and full analysis must agree. Body: `../bodies.rs`.
#![no_main]

#[path = "../bodies.rs"]
#[expect(dead_code, reason = "the bodies of the other targets")]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::evaluate_sql(data));
