//! Arbitrary bytes as a payload: the secret scanner alone, then HTTP bodies, headers, query
//! strings and tool arguments carrying it. Body: `../bodies.rs`.
#![no_main]

#[path = "../bodies.rs"]
#[expect(dead_code, reason = "the bodies of the other targets")]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::scan_payload(data));
