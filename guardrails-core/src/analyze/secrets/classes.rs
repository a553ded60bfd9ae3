//! Byte classes of a text as bitmasks, 64 bytes to a block: bit `i` of a block's mask is set when
//! byte `i` of the block is in the class. One SIMD pass classifies the whole text; the personal
//! data detectors then find their candidate positions with shifts and ands over the masks (two
//! capitals then two digits; eleven bytes of digit groups) and never read a block where their
//! shape cannot start.
//!
//! Why `wide` and `pulp`: `memchr` finds one to three given bytes, not ranges, and the compiler
//! does not turn a byte loop into vector compares plus a movemask. `wide` gives those instructions
//! with a safe API (SSE2 on x86-64, NEON on aarch64, portable code elsewhere); on x86-64 CPUs with
//! AVX-512 or AVX2, detected at run time, `pulp` gives the 64- and 32-byte ones (AVX-512 compares
//! yield the block's 64-bit masks directly). Both keep this crate `forbid(unsafe_code)`.

use smallvec::SmallVec;
use wide::i8x16;

use crate::analyze::scratch;

/// Bytes per block: one `u64` mask per class.
pub(crate) const BLOCK: usize = 64;

/// Texts at least this long also get a lowercased copy (for the keyword gate, which reads
/// shorter texts with an automaton instead).
pub(crate) const LOWERCASED_FROM: usize = 64;

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

/// A text's blocks, in order, and (for longer texts) the text in ASCII lowercase, made in the
/// same pass.
#[derive(Debug, Default)]
pub(crate) struct ByteClasses {
    // Inline for short texts (headers, URLs, most strings); a long text's blocks go in a buffer
    // kept per thread (see `scratch`), cheaper than moving kilobytes of inline blocks around.
    blocks: SmallVec<[Block; 4]>,
    lower: Vec<u8>,
}

impl Drop for ByteClasses {
    fn drop(&mut self) {
        if self.blocks.spilled() {
            scratch::give_blocks(std::mem::take(&mut self.blocks).into_vec());
        }
        scratch::give_bytes(scratch::Bytes::Lowercase, std::mem::take(&mut self.lower));
    }
}

impl ByteClasses {
    /// Classifies every byte of `b`.
    pub(crate) fn of(b: &[u8]) -> ByteClasses {
        ByteClasses::with(b, Kernel::best())
    }

    /// Classifies every byte of `b` with `kernel`.
    fn with(b: &[u8], kernel: Kernel) -> ByteClasses {
        let count = b.len().div_ceil(BLOCK);
        // A long text's blocks and lowercase copy go in buffers kept from earlier texts.
        let mut blocks = if count > 4 { SmallVec::from_vec(scratch::take_blocks(count)) } else { SmallVec::new() };
        let lowered = b.len() >= LOWERCASED_FROM;
        let mut lower = if lowered {
            scratch::take_bytes(scratch::Bytes::Lowercase, b.len().next_multiple_of(BLOCK))
        } else {
            Vec::new()
        };
        let (chunks, tail) = b.as_chunks::<BLOCK>();
        kernel.classify(chunks, &mut blocks, lowered.then_some(&mut lower));
        if !tail.is_empty() {
            let mut padded = [0u8; BLOCK];
            for (p, &c) in padded.iter_mut().zip(tail) {
                *p = c;
            }
            kernel.classify(std::slice::from_ref(&padded), &mut blocks, lowered.then_some(&mut lower));
        }
        lower.truncate(b.len());
        ByteClasses { blocks, lower }
    }

    pub(crate) fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Block `k`, or an empty block past the end.
    pub(crate) fn block(&self, k: usize) -> &Block {
        self.blocks.get(k).unwrap_or(&EMPTY)
    }

    /// The text in ASCII lowercase, for texts of at least [`LOWERCASED_FROM`] bytes.
    pub(crate) fn lowercase(&self) -> Option<&[u8]> {
        (!self.lower.is_empty()).then_some(self.lower.as_slice())
    }

    /// The run of consecutive positions around `i` whose bit is set in `mask(k)` for their block
    /// `k`, as `start..end` (empty at `i` when its own bit is clear).
    pub(crate) fn run_around(&self, i: usize, mask: impl Fn(usize) -> u64) -> (usize, usize) {
        let mut end = i;
        loop {
            // Set bits from `end` on, counted up to the first clear one or the block's end.
            let ones = (!(mask(end / BLOCK) >> (end % BLOCK))).trailing_zeros() as usize;
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
            let ones = (!(mask(last / BLOCK) << (BLOCK - 1 - last % BLOCK))).leading_zeros() as usize;
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

fn lanes(bytes: [u8; 16]) -> i8x16 {
    i8x16::new(bytes.map(u8::cast_signed))
}

/// Lanes holding a byte in `lo..lo + n`. SSE2 compares only signed bytes: adding `128 - lo`
/// (wrapping) moves the range to the bottom of `i8`, so one signed compare tests it.
fn in_range(v: i8x16, lo: u8, n: u8) -> i8x16 {
    let shifted = v + i8x16::splat(0x80u8.wrapping_sub(lo).cast_signed());
    shifted.simd_lt(i8x16::splat(i8::MIN.wrapping_add(n.cast_signed())))
}

fn eq(v: i8x16, c: u8) -> i8x16 {
    v.simd_eq(i8x16::splat(c.cast_signed()))
}

/// `[A-Za-z0-9_]`.
fn word(v: i8x16) -> i8x16 {
    let letter = in_range(v | i8x16::splat(0x20), b'a', 26);
    letter | in_range(v, b'0', 10) | eq(v, b'_')
}

fn bits(m: i8x16, shift: usize) -> u64 {
    u64::from(m.to_bitmask() as u16) << shift
}

/// One block's masks and lowercase copy, at one vector width.
trait Lanes: Copy {
    /// The masks of `chunk` and, with `LOWER`, its bytes in ASCII lowercase.
    fn block<const LOWER: bool>(self, chunk: &[u8; BLOCK]) -> (Block, [u8; BLOCK]);
}

/// Appends the masks of each chunk to `blocks` and, given `lower`, its lowercased bytes.
#[inline(always)]
fn push_blocks<L: Lanes>(
    lanes: L,
    chunks: &[[u8; BLOCK]],
    blocks: &mut SmallVec<[Block; 4]>,
    lower: Option<&mut Vec<u8>>,
) {
    match lower {
        Some(lower) => {
            for chunk in chunks {
                let (block, lowered) = lanes.block::<true>(chunk);
                blocks.push(block);
                lower.extend_from_slice(&lowered);
            }
        }
        None => {
            for chunk in chunks {
                blocks.push(lanes.block::<false>(chunk).0);
            }
        }
    }
}

/// 16 bytes at a time through `wide` (SSE2 on x86-64, NEON on aarch64).
#[derive(Clone, Copy)]
struct Narrow;

impl Lanes for Narrow {
    #[inline(always)]
    fn block<const LOWER: bool>(self, chunk: &[u8; BLOCK]) -> (Block, [u8; BLOCK]) {
        let mut block = Block::default();
        let mut lower = [0u8; BLOCK];
        for (i, (part, out)) in chunk.as_chunks::<16>().0.iter().zip(lower.as_chunks_mut::<16>().0).enumerate() {
            let v = lanes(*part);
            let (digit, upper, dash) = (in_range(v, b'0', 10), in_range(v, b'A', 26), eq(v, b'-'));
            if LOWER {
                *out = (v | (upper & i8x16::splat(0x20))).to_array().map(i8::cast_unsigned);
            }
            let alnum = digit | upper | in_range(v, b'a', 26);
            block.digit |= bits(digit, 16 * i);
            block.upper |= bits(upper, 16 * i);
            block.number_sep |= bits(eq(v, b' ') | dash | eq(v, b'.'), 16 * i);
            block.base64 |= bits(alnum | dash | eq(v, b'_') | eq(v, b'+') | eq(v, b'/') | eq(v, b'='), 16 * i);
        }
        (block, lower)
    }
}

/// The vector width the classifier runs at, chosen once for the CPU.
#[derive(Debug, Clone, Copy)]
enum Kernel {
    /// [`Narrow`].
    Narrow,
    /// 32 bytes at a time with AVX2.
    #[cfg(target_arch = "x86_64")]
    Avx2(pulp::x86::V3),
    /// A whole block at a time with AVX-512, whose compares give the 64-bit masks directly.
    #[cfg(target_arch = "x86_64")]
    Avx512(pulp::x86::V4),
}

impl Kernel {
    fn best() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            static BEST: std::sync::LazyLock<Kernel> = std::sync::LazyLock::new(|| {
                if let Some(simd) = pulp::x86::V4::try_new() {
                    Kernel::Avx512(simd)
                } else if let Some(simd) = pulp::x86::V3::try_new() {
                    Kernel::Avx2(simd)
                } else {
                    Kernel::Narrow
                }
            });
            *BEST
        }
        #[cfg(not(target_arch = "x86_64"))]
        Kernel::Narrow
    }

    /// Appends the masks of each chunk to `blocks` and, given `lower`, its lowercased bytes.
    fn classify(self, chunks: &[[u8; BLOCK]], blocks: &mut SmallVec<[Block; 4]>, lower: Option<&mut Vec<u8>>) {
        // `vectorize` runs its closure with the instruction set enabled; everything it calls is
        // `inline(always)`, so the intrinsics inline into it.
        match self {
            Kernel::Narrow => push_blocks(Narrow, chunks, blocks, lower),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2(simd) => simd.vectorize(
                #[inline(always)]
                move || push_blocks(avx2::Avx2(simd), chunks, blocks, lower),
            ),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512(simd) => simd.vectorize(
                #[inline(always)]
                move || push_blocks(avx512::Avx512(simd), chunks, blocks, lower),
            ),
        }
    }
}

/// 32 bytes a vector: the same tests as [`Narrow`].
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::__m256i;

    use pulp::x86::V3;

    use super::{Block, Lanes, BLOCK};

    #[derive(Clone, Copy)]
    pub(super) struct Avx2(pub(super) V3);

    impl Avx2 {
        #[inline(always)]
        fn splat(self, c: u8) -> __m256i {
            self.0.avx._mm256_set1_epi8(c.cast_signed())
        }

        /// Lanes in `lo..lo + n`: a wrapping add moves the range to the bottom of `i8` (see
        /// `super::in_range`), then one signed compare.
        #[inline(always)]
        fn in_range(self, v: __m256i, lo: u8, n: u8) -> __m256i {
            let shifted = self.0.avx2._mm256_add_epi8(v, self.splat(0x80u8.wrapping_sub(lo)));
            self.0.avx2._mm256_cmpgt_epi8(self.splat(0x80u8.wrapping_add(n)), shifted)
        }

        #[inline(always)]
        fn eq(self, v: __m256i, c: u8) -> __m256i {
            self.0.avx2._mm256_cmpeq_epi8(v, self.splat(c))
        }

        #[inline(always)]
        fn or(self, a: __m256i, b: __m256i) -> __m256i {
            self.0.avx2._mm256_or_si256(a, b)
        }

        #[inline(always)]
        fn bits(self, m: __m256i, shift: usize) -> u64 {
            // Through `black_box`: otherwise LLVM fuses the two halves' masks into one 64-lane
            // mask, which AVX2 has no instruction for, and extracts it bit by bit (8x slower).
            u64::from(std::hint::black_box(self.0.avx2._mm256_movemask_epi8(m)).cast_unsigned()) << shift
        }
    }

    impl Lanes for Avx2 {
        #[inline(always)]
        fn block<const LOWER: bool>(self, chunk: &[u8; BLOCK]) -> (Block, [u8; BLOCK]) {
            let s = self;
            let mut block = Block::default();
            let mut lower = [0u8; BLOCK];
            for (i, (part, out)) in chunk.as_chunks::<32>().0.iter().zip(lower.as_chunks_mut::<32>().0).enumerate() {
                let v: __m256i = pulp::cast(*part);
                let (digit, upper, dash) = (s.in_range(v, b'0', 10), s.in_range(v, b'A', 26), s.eq(v, b'-'));
                if LOWER {
                    *out = pulp::cast(s.or(v, s.0.avx2._mm256_and_si256(upper, s.splat(0x20))));
                }
                let alnum = s.or(s.or(digit, upper), s.in_range(v, b'a', 26));
                block.digit |= s.bits(digit, 32 * i);
                block.upper |= s.bits(upper, 32 * i);
                block.number_sep |= s.bits(s.or(s.or(s.eq(v, b' '), dash), s.eq(v, b'.')), 32 * i);
                let punct = s.or(s.or(s.or(dash, s.eq(v, b'_')), s.or(s.eq(v, b'+'), s.eq(v, b'/'))), s.eq(v, b'='));
                block.base64 |= s.bits(s.or(alnum, punct), 32 * i);
            }
            (block, lower)
        }
    }
}

/// A whole block a vector: the same tests as [`Narrow`], each compare giving its 64-bit mask.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::__m512i;

    use pulp::x86::V4;

    use super::{Block, Lanes, BLOCK};

    #[derive(Clone, Copy)]
    pub(super) struct Avx512(pub(super) V4);

    impl Avx512 {
        #[inline(always)]
        fn splat(self, c: u8) -> __m512i {
            self.0.avx512f._mm512_set1_epi8(c.cast_signed())
        }

        /// Lanes in `lo..lo + n`: one unsigned compare after subtracting `lo` (wrapping).
        #[inline(always)]
        fn in_range(self, v: __m512i, lo: u8, n: u8) -> u64 {
            let bw = self.0.avx512bw;
            bw._mm512_cmplt_epu8_mask(bw._mm512_sub_epi8(v, self.splat(lo)), self.splat(n))
        }

        #[inline(always)]
        fn eq(self, v: __m512i, c: u8) -> u64 {
            self.0.avx512bw._mm512_cmpeq_epi8_mask(v, self.splat(c))
        }
    }

    impl Lanes for Avx512 {
        #[inline(always)]
        fn block<const LOWER: bool>(self, chunk: &[u8; BLOCK]) -> (Block, [u8; BLOCK]) {
            let s = self;
            let v: __m512i = pulp::cast(*chunk);
            let (digit, upper, dash) = (s.in_range(v, b'0', 10), s.in_range(v, b'A', 26), s.eq(v, b'-'));
            let lower = if LOWER {
                pulp::cast(s.0.avx512bw._mm512_mask_add_epi8(v, upper, v, s.splat(0x20)))
            } else {
                [0; BLOCK]
            };
            let alnum = digit | upper | s.in_range(v, b'a', 26);
            let block = Block {
                digit,
                upper,
                number_sep: s.eq(v, b' ') | dash | s.eq(v, b'.'),
                base64: alnum | dash | s.eq(v, b'_') | s.eq(v, b'+') | s.eq(v, b'/') | s.eq(v, b'='),
            };
            (block, lower)
        }
    }
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
    let start = k.saturating_mul(BLOCK);
    let rest = b.get(start..).unwrap_or_default();
    let mut padded = [0u8; BLOCK];
    let block = match rest.first_chunk::<BLOCK>() {
        Some(block) => block,
        None => {
            for (p, &c) in padded.iter_mut().zip(rest) {
                *p = c;
            }
            &padded
        }
    };
    let mut mask = 0;
    for (i, part) in block.as_chunks::<16>().0.iter().enumerate() {
        let v = lanes(*part);
        let m = match class {
            Rare::Word => word(v),
            Rare::PlusParen => eq(v, b'+') | eq(v, b'('),
        };
        mask |= bits(m, 16 * i);
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

/// The positions of block `k` that may lie in a run of at least `n` (1 to 64) consecutive
/// positions set in `mask`: all that do, and (a run coming in from the block before counts as
/// long) a few that do not. Shifts and ands, no branch per byte: the exact test of a run then
/// runs only where this says.
pub(crate) fn long_run_cover(classes: &ByteClasses, k: usize, n: u32, mask: impl Fn(&Block) -> u64) -> u64 {
    debug_assert!((1..=64).contains(&n));
    // Bit `i` of `starts` is set when positions `i..i + n` all are: `have` doubles, then tops up.
    let mut starts = pair(classes, k, &mask);
    let mut have = 1;
    while have < n {
        let step = have.min(n - have);
        starts &= starts >> step;
        have += step;
    }
    // Each start of this block covers the `n` positions from it.
    let mut cover = starts as u64;
    let mut have = 1;
    while have < n {
        let step = have.min(n - have);
        cover |= cover << step;
        have += step;
    }
    // A run starting in the block before covers this block's leading set positions.
    let this = mask(classes.block(k));
    let entering = match k.checked_sub(1).map(|before| mask(classes.block(before)) >> (BLOCK - 1)) {
        Some(1) => (!this).trailing_zeros(),
        _ => 0,
    };
    cover | u64::MAX.checked_shr(64 - entering).unwrap_or(0)
}

/// Masks of block `k` followed by those of block `k + 1` (a window may run into the next block).
pub(crate) fn pair(classes: &ByteClasses, k: usize, mask: impl Fn(&Block) -> u64) -> u128 {
    u128::from(mask(classes.block(k))) | (u128::from(mask(classes.block(k + 1))) << BLOCK)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Every kernel this CPU runs, so each is tested against the scalar definitions.
    fn kernels() -> Vec<Kernel> {
        #[cfg_attr(not(target_arch = "x86_64"), expect(unused_mut, reason = "one kernel elsewhere"))]
        let mut all = vec![Kernel::Narrow];
        #[cfg(target_arch = "x86_64")]
        {
            all.extend(pulp::x86::V3::try_new().map(Kernel::Avx2));
            all.extend(pulp::x86::V4::try_new().map(Kernel::Avx512));
        }
        all
    }

    #[test]
    fn this_cpu_runs_the_widest_kernel() {
        #[cfg(target_arch = "x86_64")]
        {
            let avx512 =
                std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512bw");
            match Kernel::best() {
                Kernel::Avx512(_) => assert!(avx512),
                Kernel::Avx2(_) => assert!(!avx512 && std::arch::is_x86_feature_detected!("avx2")),
                Kernel::Narrow => assert!(!std::arch::is_x86_feature_detected!("avx2")),
            }
        }
    }

    fn bit(classes: &ByteClasses, mask: impl Fn(&Block) -> u64, i: usize) -> bool {
        mask(classes.block(i / BLOCK)) >> (i % BLOCK) & 1 == 1
    }

    /// Every byte value at every lane of a block agrees with the scalar class tests.
    #[test]
    fn every_byte_at_every_lane() {
        for (kernel, c) in kernels().into_iter().flat_map(|k| (0..=255u8).map(move |c| (k, c))) {
            for lane in [0usize, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63] {
                let mut text = [b'x'; BLOCK];
                text[lane] = c;
                let classes = ByteClasses::with(&text, kernel);
                assert_eq!(bit(&classes, |b| b.digit, lane), c.is_ascii_digit(), "{c:#04x}");
                assert_eq!(bit(&classes, |b| b.upper, lane), c.is_ascii_uppercase(), "{c:#04x}");
                assert_eq!(bit(&classes, |b| b.number_sep, lane), matches!(c, b' ' | b'-' | b'.'), "{c:#04x}");
                let rare = |class| rare_mask(&text, lane / BLOCK, class) >> (lane % BLOCK) & 1 == 1;
                assert_eq!(rare(Rare::Word), c.is_ascii_alphanumeric() || c == b'_', "{c:#04x}");
                assert_eq!(rare(Rare::PlusParen), matches!(c, b'+' | b'('), "{c:#04x}");
                let base64 = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-');
                assert_eq!(bit(&classes, |b| b.base64, lane), base64, "{c:#04x}");
                let lowered = classes.lowercase().and_then(|l| l.get(lane).copied());
                assert_eq!(lowered, Some(c.to_ascii_lowercase()), "{c:#04x}");
            }
        }
    }

    proptest! {
        /// Every kernel gives the same masks and lowercase copy; masks of any text match a
        /// byte-by-byte filter, the padding past the end is in no class, and the positions iterator (with `seek`) yields exactly the filter's indices.
        #[test]
        fn positions_match_a_plain_filter(
            text in proptest::collection::vec(any::<u8>(), 0..300),
            seek in 0usize..320,
        ) {
            for kernel in kernels() {
                let classes = ByteClasses::with(&text, kernel);
                let narrow = ByteClasses::with(&text, Kernel::Narrow);
                prop_assert_eq!(&classes.blocks, &narrow.blocks, "{:?}", kernel);
                prop_assert_eq!(&classes.lower, &narrow.lower, "{:?}", kernel);
            }
            let classes = ByteClasses::of(&text);
            prop_assert_eq!(classes.len(), text.len().div_ceil(BLOCK));
            let lowercased = (text.len() >= LOWERCASED_FROM).then(|| text.to_ascii_lowercase());
            prop_assert_eq!(classes.lowercase().map(<[u8]>::to_vec), lowercased);
            let expected: Vec<usize> = (0..text.len()).filter(|&i| text[i].is_ascii_digit()).collect();
            let all: Vec<usize> = classes.positions(|c, k| c.block(k).digit).collect();
            prop_assert_eq!(&all, &expected);
            let mut it = classes.positions(|c, k| c.block(k).digit);
            it.seek(seek);
            let rest: Vec<usize> = it.collect();
            let want: Vec<usize> = expected.iter().copied().filter(|&i| i >= seek).collect();
            prop_assert_eq!(rest, want);
        }

        /// `long_run_cover` covers every position of every run at least `n` long.
        #[test]
        fn long_runs_are_covered(
            text in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'a'), Just(b'a'), Just(b' ')], 0..400),
            n in 1u32..=64,
        ) {
            let classes = ByteClasses::of(&text);
            let mut i = 0;
            while i < text.len() {
                let end = (i..text.len()).find(|&e| text[e] == b' ').unwrap_or(text.len());
                if end - i >= n as usize {
                    for p in i..end {
                        let cover = long_run_cover(&classes, p / BLOCK, n, |b| b.base64);
                        prop_assert!(cover >> (p % BLOCK) & 1 == 1, "position {} of run {}..{}", p, i, end);
                    }
                }
                i = end + 1;
            }
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
            prop_assert_eq!(classes.run_around(at, |k| classes.block(k).base64), expected);
        }
    }
}
