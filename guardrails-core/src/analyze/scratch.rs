//! Buffers kept per thread from one evaluation to the next.
//!
//! Scanning a request body takes a few buffers of kilobytes (the batch of its texts, their
//! pieces, the byte classes and the lowercase copy). Allocating and freeing them on every call
//! cost more than a tenth of a benign body's evaluation; a thread keeps up to [`KEPT`] of each
//! kind instead, none over [`MAX_KEPT_BYTES`], so what stays allocated is bounded. Taking one is
//! a pop, giving one back a push; a buffer taken while another of its kind is out (a payload
//! decoded inside a payload) is simply a new one.

use std::cell::RefCell;

use super::payload::Piece;
use super::secrets::Block;

/// Buffers of each kind a thread keeps.
const KEPT: usize = 4;
/// A buffer larger than this (a multi-megabyte body) is freed, not kept.
const MAX_KEPT_BYTES: usize = 256 * 1024;

#[derive(Default)]
struct Kept {
    bytes: Vec<Vec<u8>>,
    pieces: Vec<Vec<Piece>>,
    blocks: Vec<Vec<Block>>,
}

thread_local! {
    static KEPT_BUFFERS: RefCell<Kept> = RefCell::new(Kept::default());
}

/// An empty buffer with room for at least `capacity` items: a kept one if there is one.
fn take<T>(pick: fn(&mut Kept) -> &mut Vec<Vec<T>>, capacity: usize) -> Vec<T> {
    let kept = KEPT_BUFFERS.try_with(|k| k.try_borrow_mut().ok().and_then(|mut k| pick(&mut k).pop())).ok().flatten();
    let mut v = kept.unwrap_or_default();
    v.reserve(capacity);
    v
}

/// Keeps `v` (emptied) for the next [`take`], unless enough are kept or it is too large.
fn give<T>(pick: fn(&mut Kept) -> &mut Vec<Vec<T>>, mut v: Vec<T>) {
    if v.capacity() == 0 || v.capacity().saturating_mul(size_of::<T>()) > MAX_KEPT_BYTES {
        return;
    }
    v.clear();
    // During thread teardown the buffers are gone: `v` is then simply dropped.
    let _ = KEPT_BUFFERS.try_with(|k| {
        if let Ok(mut k) = k.try_borrow_mut() {
            let kept = pick(&mut k);
            if kept.len() < KEPT {
                kept.push(v);
            }
        }
    });
}

pub(crate) fn take_bytes(capacity: usize) -> Vec<u8> {
    take(|k| &mut k.bytes, capacity)
}

pub(crate) fn give_bytes(v: Vec<u8>) {
    give(|k| &mut k.bytes, v);
}

pub(crate) fn take_pieces(capacity: usize) -> Vec<Piece> {
    take(|k| &mut k.pieces, capacity)
}

pub(crate) fn give_pieces(v: Vec<Piece>) {
    give(|k| &mut k.pieces, v);
}

pub(crate) fn take_blocks(capacity: usize) -> Vec<Block> {
    take(|k| &mut k.blocks, capacity)
}

pub(crate) fn give_blocks(v: Vec<Block>) {
    give(|k| &mut k.blocks, v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_buffer_comes_back_empty_with_its_room() {
        let mut v = take_bytes(1000);
        v.extend_from_slice(b"secret");
        let room = v.capacity();
        give_bytes(v);
        let again = take_bytes(10);
        assert!(again.is_empty());
        assert_eq!(again.capacity(), room);
    }

    #[test]
    fn large_buffers_and_extra_ones_are_not_kept() {
        give_bytes(Vec::with_capacity(MAX_KEPT_BYTES + 1));
        let taken: Vec<Vec<u8>> = (0..KEPT + 2).map(|_| take_bytes(0)).collect();
        assert!(taken.iter().all(|v| v.capacity() <= MAX_KEPT_BYTES));
        for v in taken.into_iter().map(|_| Vec::<u8>::with_capacity(64)) {
            give_bytes(v);
        }
        KEPT_BUFFERS.with(|k| assert_eq!(k.borrow().bytes.len(), KEPT));
    }
}
