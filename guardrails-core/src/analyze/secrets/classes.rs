//! Byte classes of a text as bitmasks, 64 bytes to a block: bit `i` of a block's mask is set when
//! byte `i` of the block is in the class. One SIMD pass classifies the whole text; the personal
//! data detectors then find their candidate positions with shifts and ands over the masks (two
//! capitals then two digits; eleven bytes of digit groups) and never read a block where their
//! shape cannot start.
//!
//! Why `wide`: `memchr` finds one to three given bytes, not ranges, and the compiler does not turn
//! a byte loop into vector compares plus a movemask. `wide` gives those instructions with a safe
//! API (SSE2 on x86-64, NEON on aarch64, portable code elsewhere), so this crate keeps
//! `forbid(unsafe_code)`.

use smallvec::SmallVec;
use wide::u8x16;

/// Bytes per block: one `u64` mask per class.
pub(crate) const BLOCK: usize = 64;

/// The class masks of one block of 64 bytes; bytes past the end of the text are in no class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Block {
    /// `[0-9]`.
    pub(crate) digit: u64,
    /// `[A-Z]`.
    pub(crate) upper: u64,
    /// ` `, `-` and `.`: what separates the digit groups of a card, SSN or phone number.
    pub(crate) number_sep: u64,
    /// `[A-Za-z0-9+/=_-]`: base64 and base64url.
    pub(crate) base64: u64,
}

static EMPTY: Block = Block { digit: 0, upper: 0, number_sep: 0, base64: 0 };

/// A text's blocks, in order.
#[derive(Debug, Default)]
pub(crate) struct ByteClasses {
    // Inline for short texts (headers, URLs, most strings); a long text's blocks go on the heap,
    // one allocation being cheaper than moving kilobytes of inline blocks around.
    blocks: SmallVec<[Block; 4]>,
}

impl ByteClasses {
    /// Classifies every byte of `b`.
    pub(crate) fn of(b: &[u8]) -> ByteClasses {
        let mut blocks = SmallVec::with_capacity(b.len().div_ceil(BLOCK));
        let (chunks, tail) = b.as_chunks::<BLOCK>();
        for chunk in chunks {
            blocks.push(classify(chunk));
        }
        if !tail.is_empty() {
            let mut padded = [0u8; BLOCK];
            for (p, &c) in padded.iter_mut().zip(tail) {
                *p = c;
            }
            blocks.push(classify(&padded));
        }
        ByteClasses { blocks }
    }

    pub(crate) fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Block `k`, or an empty block past the end.
    pub(crate) fn block(&self, k: usize) -> &Block {
        self.blocks.get(k).unwrap_or(&EMPTY)
    }

    /// The run of consecutive positions around `i` whose bit is set in `mask`, as `start..end`
    /// (empty at `i` when its own bit is clear).
    pub(crate) fn run_around(&self, i: usize, mask: impl Fn(&Block) -> u64) -> (usize, usize) {
        let bits = |k: usize| mask(self.block(k));
        let mut end = i;
        loop {
            // Set bits from `end` on, counted up to the first clear one or the block's end.
            let ones = (!(bits(end / BLOCK) >> (end % BLOCK))).trailing_zeros() as usize;
            end += ones;
            if ones == 0 || !end.is_multiple_of(BLOCK) {
                break;
            }
        }
        if end == i {
            return (i, i);
        }
        let mut start = i;
        while start > 0 {
            // Set bits from `start - 1` down, counted up to the first clear one or the block's start.
            let last = start - 1;
            let ones = (!(bits(last / BLOCK) << (BLOCK - 1 - last % BLOCK))).leading_zeros() as usize;
            start -= ones;
            if ones == 0 || !start.is_multiple_of(BLOCK) {
                break;
            }
        }
        (start, end)
    }

    /// The positions whose bit is set in `mask(self, k)` for their block `k`, in order.
    pub(crate) fn positions<F: Fn(&ByteClasses, usize) -> u64>(&self, mask: F) -> Positions<'_, F> {
        let first = if self.blocks.is_empty() { 0 } else { mask(self, 0) };
        Positions { classes: self, mask, block: 0, bits: first }
    }
}

/// `[0-9]` and `[A-Za-z0-9_]` of 16 bytes.
fn digit_and_word(v: u8x16) -> (u8x16, u8x16) {
    // `x - lo < n`, wrapping: one subtraction and one unsigned compare per range.
    let digit = (v - u8x16::splat(b'0')).simd_lt(u8x16::splat(10));
    let letter = ((v | u8x16::splat(0x20)) - u8x16::splat(b'a')).simd_lt(u8x16::splat(26));
    (digit, digit | letter | v.simd_eq(u8x16::splat(b'_')))
}

/// Masks of 16 bytes at `shift` in the block.
fn classify16(bytes: [u8; 16], shift: usize, block: &mut Block) {
    let v = u8x16::new(bytes);
    let eq = |c: u8| v.simd_eq(u8x16::splat(c));
    let (digit, word) = digit_and_word(v);
    let upper = (v - u8x16::splat(b'A')).simd_lt(u8x16::splat(26));
    let bits = |m: u8x16| u64::from(m.to_bitmask()) << shift;
    let dash = eq(b'-');
    block.digit |= bits(digit);
    block.upper |= bits(upper);
    block.number_sep |= bits(eq(b' ') | dash | eq(b'.'));
    block.base64 |= bits(word | dash | eq(b'+') | eq(b'/') | eq(b'='));
}

fn classify(chunk: &[u8; BLOCK]) -> Block {
    let mut block = Block::default();
    for (i, part) in chunk.as_chunks::<16>().0.iter().enumerate() {
        classify16(*part, 16 * i, &mut block);
    }
    block
}

/// A class only a few blocks need, computed for one block when asked instead of for every block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rare {
    /// `[A-Za-z0-9_]`.
    Word,
    /// `+` and `(`.
    PlusParen,
}

/// The mask of `class` over block `k` of `b` (bytes past the end are in no class).
pub(crate) fn rare_mask(b: &[u8], k: usize, class: Rare) -> u64 {
    let mut mask = 0;
    let start = k.saturating_mul(BLOCK);
    let block = b.get(start..).unwrap_or_default();
    for (i, part) in block.chunks(16).take(BLOCK / 16).enumerate() {
        let mut lanes = [0u8; 16];
        for (l, &c) in lanes.iter_mut().zip(part) {
            *l = c;
        }
        let v = u8x16::new(lanes);
        let m = match class {
            Rare::Word => digit_and_word(v).1,
            Rare::PlusParen => v.simd_eq(u8x16::splat(b'+')) | v.simd_eq(u8x16::splat(b'(')),
        };
        mask |= u64::from(m.to_bitmask()) << (16 * i);
    }
    mask
}

/// Iterator over the set bits of a per-block mask, as byte positions; see [`ByteClasses::positions`].
pub(crate) struct Positions<'c, F> {
    classes: &'c ByteClasses,
    /// Generic, not a function pointer, so the mask inlines into the loop.
    mask: F,
    block: usize,
    /// Bits of `block` not yet yielded.
    bits: u64,
}

impl<F: Fn(&ByteClasses, usize) -> u64> Positions<'_, F> {
    /// Yields only positions from `pos` on (forward or back).
    pub(crate) fn seek(&mut self, pos: usize) {
        self.block = pos / BLOCK;
        self.bits = if self.block < self.classes.len() { (self.mask)(self.classes, self.block) } else { 0 };
        self.bits &= u64::MAX << (pos % BLOCK);
    }
}

impl<F: Fn(&ByteClasses, usize) -> u64> Iterator for Positions<'_, F> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.block += 1;
            if self.block >= self.classes.len() {
                return None;
            }
            self.bits = (self.mask)(self.classes, self.block);
        }
        let i = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(self.block * BLOCK + i)
    }
}

/// Masks of block `k` followed by those of block `k + 1` (a window may run into the next block).
pub(crate) fn pair(classes: &ByteClasses, k: usize, mask: impl Fn(&Block) -> u64) -> u128 {
    u128::from(mask(classes.block(k))) | (u128::from(mask(classes.block(k + 1))) << BLOCK)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn bit(classes: &ByteClasses, mask: impl Fn(&Block) -> u64, i: usize) -> bool {
        mask(classes.block(i / BLOCK)) >> (i % BLOCK) & 1 == 1
    }

    /// Every byte value at every lane of a block agrees with the scalar class tests.
    #[test]
    fn every_byte_at_every_lane() {
        for c in 0..=255u8 {
            for lane in [0usize, 1, 15, 16, 17, 31, 32, 47, 48, 63] {
                let mut text = [b'x'; BLOCK];
                text[lane] = c;
                let classes = ByteClasses::of(&text);
                assert_eq!(bit(&classes, |b| b.digit, lane), c.is_ascii_digit(), "{c:#04x}");
                assert_eq!(bit(&classes, |b| b.upper, lane), c.is_ascii_uppercase(), "{c:#04x}");
                assert_eq!(bit(&classes, |b| b.number_sep, lane), matches!(c, b' ' | b'-' | b'.'), "{c:#04x}");
                let rare = |class| rare_mask(&text, lane / BLOCK, class) >> (lane % BLOCK) & 1 == 1;
                assert_eq!(rare(Rare::Word), c.is_ascii_alphanumeric() || c == b'_', "{c:#04x}");
                assert_eq!(rare(Rare::PlusParen), matches!(c, b'+' | b'('), "{c:#04x}");
                let base64 = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-');
                assert_eq!(bit(&classes, |b| b.base64, lane), base64, "{c:#04x}");
            }
        }
    }

    proptest! {
        /// Masks of any text match a byte-by-byte filter, the padding past the end is in no
        /// class, and the positions iterator (with `seek`) yields exactly the filter's indices.
        #[test]
        fn positions_match_a_plain_filter(
            text in proptest::collection::vec(any::<u8>(), 0..300),
            seek in 0usize..320,
        ) {
            let classes = ByteClasses::of(&text);
            prop_assert_eq!(classes.len(), text.len().div_ceil(BLOCK));
            let expected: Vec<usize> = (0..text.len()).filter(|&i| text[i].is_ascii_digit()).collect();
            let all: Vec<usize> = classes.positions(|c, k| c.block(k).digit).collect();
            prop_assert_eq!(&all, &expected);
            let mut it = classes.positions(|c, k| c.block(k).digit);
            it.seek(seek);
            let rest: Vec<usize> = it.collect();
            let want: Vec<usize> = expected.iter().copied().filter(|&i| i >= seek).collect();
            prop_assert_eq!(rest, want);
        }

        /// `run_around` finds the same run as walking the bytes both ways.
        #[test]
        fn runs_match_a_byte_walk(
            text in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b' '), Just(b'Z'), Just(b'/')], 0..300),
            at in 0usize..300,
        ) {
            let classes = ByteClasses::of(&text);
            let in_run = |i: usize| text.get(i).is_some_and(|c| *c != b' ');
            let expected = if in_run(at) {
                let start = (0..at).rev().take_while(|&i| in_run(i)).last().unwrap_or(at);
                let end = (at..text.len()).take_while(|&i| in_run(i)).last().map_or(at, |e| e + 1);
                (start, end)
            } else {
                (at, at)
            };
            prop_assert_eq!(classes.run_around(at, |b| b.base64), expected);
        }
    }
}
