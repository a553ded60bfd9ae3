//! Buffers kept per thread from one evaluation to the next.
//!
//! Scanning a request body takes a few buffers of kilobytes (the batch of its texts, their
//! pieces, the byte classes and the lowercase copy). Allocating and freeing them on every call
//! cost more than a tenth of a benign body's evaluation; a thread keeps one of each instead, none
//! over [`MAX_KEPT_BYTES`], so what stays allocated is bounded. Taking one leaves an empty buffer
//! in its place, so a buffer taken while its kind is out (a payload decoded inside a payload) is
//! simply a new one; of two given back, the later is kept.

use std::cell::Cell;

use super::payload::Piece;
use super::secrets::Block;

/// A buffer larger than this (a multi-megabyte body) is freed, not kept.
const MAX_KEPT_BYTES: usize = 256 * 1024;

/// One slot per kind of buffer.
struct Kept {
    text: Cell<Vec<u8>>,
    lowercase: Cell<Vec<u8>>,
    pieces: Cell<Vec<Piece>>,
    blocks: Cell<Vec<Block>>,
}

thread_local! {
    static KEPT: Kept = const {
        Kept {
            text: Cell::new(Vec::new()),
            lowercase: Cell::new(Vec::new()),
            pieces: Cell::new(Vec::new()),
            blocks: Cell::new(Vec::new()),
        }
    };
}

/// The kinds of buffer kept.
#[derive(Clone, Copy)]
pub(crate) enum Bytes {
    /// A batch's texts.
    Text,
    /// A text in lowercase.
    Lowercase,
}

fn slot(kept: &Kept, kind: Bytes) -> &Cell<Vec<u8>> {
    match kind {
        Bytes::Text => &kept.text,
        Bytes::Lowercase => &kept.lowercase,
    }
}

/// The kept buffer (emptied) with room for at least `capacity` items, or a new one.
fn take<T>(pick: impl Fn(&Kept) -> &Cell<Vec<T>>, capacity: usize) -> Vec<T> {
    // During thread teardown nothing is kept: a new buffer.
    let mut v = KEPT.try_with(|k| pick(k).take()).unwrap_or_default();
    v.reserve(capacity);
    v
}

/// Keeps `v` (emptied) for the next [`take`], unless it is too large.
fn give<T>(pick: impl Fn(&Kept) -> &Cell<Vec<T>>, mut v: Vec<T>) {
    if v.capacity() == 0 || v.capacity().saturating_mul(size_of::<T>()) > MAX_KEPT_BYTES {
        return;
    }
    v.clear();
    // Whatever the slot held (a buffer given back first) is freed.
    let _ = KEPT.try_with(|k| drop(pick(k).replace(v)));
}

pub(crate) fn take_bytes(kind: Bytes, capacity: usize) -> Vec<u8> {
    take(|k| slot(k, kind), capacity)
}

pub(crate) fn give_bytes(kind: Bytes, v: Vec<u8>) {
    give(|k| slot(k, kind), v);
}

pub(crate) fn take_pieces(capacity: usize) -> Vec<Piece> {
    take(|k| &k.pieces, capacity)
}

pub(crate) fn give_pieces(v: Vec<Piece>) {
    give(|k| &k.pieces, v);
}

pub(crate) fn take_blocks(capacity: usize) -> Vec<Block> {
    take(|k| &k.blocks, capacity)
}

pub(crate) fn give_blocks(v: Vec<Block>) {
    give(|k| &k.blocks, v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_buffer_comes_back_empty_with_its_room() {
        let mut v = take_bytes(Bytes::Text, 1000);
        v.extend_from_slice(b"secret");
        let room = v.capacity();
        give_bytes(Bytes::Text, v);
        let again = take_bytes(Bytes::Text, 10);
        assert!(again.is_empty());
        assert_eq!(again.capacity(), room);
    }

    #[test]
    fn a_buffer_taken_while_its_kind_is_out_is_new() {
        give_bytes(Bytes::Lowercase, Vec::with_capacity(100));
        let first = take_bytes(Bytes::Lowercase, 10);
        let second = take_bytes(Bytes::Lowercase, 10);
        assert!(first.capacity() >= 100);
        assert!(second.capacity() < 100);
    }

    #[test]
    fn large_buffers_are_not_kept() {
        give_bytes(Bytes::Text, Vec::with_capacity(MAX_KEPT_BYTES + 1));
        assert!(take_bytes(Bytes::Text, 0).capacity() <= MAX_KEPT_BYTES);
    }
}
