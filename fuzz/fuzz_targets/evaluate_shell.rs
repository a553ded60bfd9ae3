//! Arbitrary bytes as a shell command line under the recommended and a catch-all policy, plus a
//! header-chosen context and small limits; nothing panics, and the fast path and full analysis
//! agree. Body: `../bodies.rs`.
#![no_main]

#[path = "../bodies.rs"]
#[expect(dead_code, reason = "the bodies of the other targets")]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::evaluate_shell(data));
