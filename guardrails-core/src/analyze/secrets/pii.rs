//! Personal data: card numbers, US social security numbers, IBANs, email addresses, phone numbers.
//!
//! Digit-based kinds have no keyword: one left-to-right pass reads each run of digit groups
//! (single ` `, `-` or `.` between groups) once and judges its shape, so a run is never re-read.

use super::classes::{pair, rare_mask, ByteClasses, Rare, BLOCK};
use super::{at, before, is_alnum, is_word, push, slice, Hit, CREDIT_CARD, EMAIL, IBAN, PHONE, US_SSN};

/// Group lengths of a run of digits, e.g. `4111 1111 1111 1111` → `[4, 4, 4, 4]`.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    /// The separator between groups, 0 for a single group.
    sep: u8,
    /// Lengths of the first groups (capped at 255).
    groups: [u8; 8],
    ngroups: usize,
}

impl Run {
    fn read(b: &[u8], start: usize) -> Run {
        let mut run = Run { start, end: start, sep: 0, groups: [0; 8], ngroups: 0 };
        let mut k = start;
        loop {
            let gs = k;
            while at(b, k).is_ascii_digit() {
                k += 1;
            }
            if let Some(g) = run.groups.get_mut(run.ngroups) {
                *g = u8::try_from(k - gs).unwrap_or(u8::MAX);
            }
            run.ngroups += 1;
            let s = at(b, k);
            if matches!(s, b' ' | b'-' | b'.') && at(b, k + 1).is_ascii_digit() && (run.sep == 0 || run.sep == s) {
                run.sep = s;
                k += 1;
            } else {
                break;
            }
        }
        run.end = k;
        run
    }

    fn groups(&self) -> &[u8] {
        self.groups.get(..self.ngroups.min(8)).unwrap_or_default()
    }

    /// Byte end of the first `m` groups.
    fn end_of(&self, m: usize) -> usize {
        self.start + self.groups().iter().take(m).map(|&g| usize::from(g)).sum::<usize>() + m.saturating_sub(1)
    }
}

/// Cards, SSNs and phone numbers, read only in the blocks where one can start (see
/// [`dense_digits`]; or `+`/`(` before a digit); elsewhere no byte is read.
pub(super) fn scan_digits(b: &[u8], classes: &ByteClasses, hits: &mut Vec<Hit>) {
    // `+` or `(` before a digit, where a phone number can start: few in most text.
    let mut phones = memchr::memchr2_iter(b'+', b'(', b).filter(|&i| at(b, i + 1).is_ascii_digit()).peekable();
    // Made at the first block that may hold a number: making it reads block 0's starts.
    let mut starts = None;
    // Starts before `resume` are done: judged, or inside something already read.
    let mut resume = 0;
    for k in 0..classes.len() {
        let mut phone = false;
        while let Some(p) = phones.next_if(|&p| p < (k + 1) * BLOCK) {
            phone |= p >= k * BLOCK;
        }
        if !phone && dense_digits(classes, k) == 0 {
            continue;
        }
        let to = ((k + 1) * BLOCK).min(b.len());
        // A number can start in the block before: back up to the start of the number bytes
        // running into this block, so it is read from its first digit as a full scan would.
        let mut from = (k * BLOCK).max(resume);
        while from > resume && is_number_byte(before(b, from)) {
            from -= 1;
        }
        let starts = starts.get_or_insert_with(|| classes.positions(|c, k| number_starts(b, c, k)));
        starts.seek(from);
        while let Some(i) = starts.next() {
            if i >= to {
                break;
            }
            if let Some(end) = judge_start(b, i, hits) {
                starts.seek(end);
                resume = resume.max(end);
            }
        }
        resume = resume.max(to);
    }
}

/// Judges the number that may start at `i` (a digit not glued to a word, `+` or `(`); returns
/// the end of what it read, where the next start can be.
fn judge_start(b: &[u8], i: usize, hits: &mut Vec<Hit>) -> Option<usize> {
    let c = at(b, i);
    if c == b'+' && at(b, i + 1).is_ascii_digit() {
        let e = e164(b, i)?;
        push(hits, &PHONE, i, e);
        Some(e)
    } else if c == b'(' && at(b, i + 1).is_ascii_digit() {
        let e = nanp_parenthesised(b, i)?;
        push(hits, &PHONE, i, e);
        Some(e)
    } else if c.is_ascii_digit() {
        let run = Run::read(b, i);
        judge_run(b, &run, hits);
        Some(run.end)
    } else {
        None
    }
}

/// Where a card, SSN or phone number can start: a digit that does not continue a word or a
/// number (so each digit group yields once, and ids such as `evt_00017` or hex never do), `+`
/// and `(`. Read only for blocks that may hold a number, so word bytes and `+`/`(` are
/// classified here rather than for every block.
fn number_starts(b: &[u8], classes: &ByteClasses, k: usize) -> u64 {
    let word = rare_mask(b, k, Rare::Word);
    let byte_before = is_word(before(b, k * BLOCK));
    let word_before = (word << 1) | u64::from(byte_before);
    (classes.block(k).digit & !word_before) | rare_mask(b, k, Rare::PlusParen)
}

/// Non-zero when block `k` may hold the start of a card, SSN or phone number written without
/// `+` or `(`: every such number has eleven bytes of digits and single separators with at least
/// nine digits (`4111 1111 1`, `536-22-5483`, `555-010-019`).
fn dense_digits(classes: &ByteClasses, k: usize) -> u64 {
    let block = classes.block(k);
    // A window of eleven bytes that starts in this block reaches into the next one only through
    // this block's last byte: when that is no digit or separator, one word per mask will do.
    if (block.digit | block.number_sep) >> (BLOCK - 1) == 0 {
        dense_windows(block.digit, block.number_sep)
    } else {
        dense_windows(pair(classes, k, |b| b.digit), pair(classes, k, |b| b.number_sep))
    }
}

/// The positions (in the low 64 bits) where eleven bytes of digits and separators start, with at
/// most two separators among them; over one block's masks or a block and the next.
fn dense_windows<M: Mask>(digit: M, sep: M) -> u64 {
    // Eleven bytes of digits and separators from each position.
    let all = digit | sep;
    let two = all & (all >> 1);
    let four = two & (two >> 2);
    let eight = four & (four >> 4);
    let eleven = eight & (two >> 8) & (all >> 10);
    // Most blocks (prose, dates, ids) have no eleven such bytes: skip the count below, a long
    // chain of dependent shifts.
    if eleven.low64() == 0 {
        return 0;
    }
    // Three or more separators among them (counted bit-sliced, saturating at three).
    let (mut one_sep, mut two_seps, mut three_seps) = (M::ZERO, M::ZERO, M::ZERO);
    for shift in 0..11 {
        let s = sep >> shift;
        three_seps = three_seps | (two_seps & s);
        two_seps = two_seps | (one_sep & s);
        one_sep = one_sep | s;
    }
    (eleven & !three_seps).low64()
}

/// A bitmask of one block (`u64`) or of a block and the next (`u128`).
trait Mask:
    Copy
    + std::ops::BitAnd<Output = Self>
    + std::ops::BitOr<Output = Self>
    + std::ops::Not<Output = Self>
    + std::ops::Shr<u32, Output = Self>
{
    const ZERO: Self;
    /// The bits of the first block.
    fn low64(self) -> u64;
}

impl Mask for u64 {
    const ZERO: u64 = 0;
    fn low64(self) -> u64 {
        self
    }
}

impl Mask for u128 {
    const ZERO: u128 = 0;
    fn low64(self) -> u64 {
        self as u64
    }
}

/// Bytes a phone number or a run of digit groups is made of.
fn is_number_byte(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b' ' | b'-' | b'.' | b'+' | b'(' | b')')
}

fn judge_run(b: &[u8], run: &Run, hits: &mut Vec<Hit>) {
    let p = before(b, run.start);
    // Runs glued to a word (`id4111…`, `v1.2.3`) never start here: `number_starts` leaves them
    // out. After a `+` (an E.164 number, judged there), or the tail of a longer digit run in other
    // punctuation (`12-4111…`, `0.4111…`): not a number of its own.
    if p == b'+' || (matches!(p, b' ' | b'-' | b'.' | b'/') && before(b, run.start.saturating_sub(1)).is_ascii_digit())
    {
        return;
    }
    // The shortest number judged here is an SSN's nine digits; most runs (ids, dates, versions)
    // are shorter.
    if run.ngroups <= 8 && run.groups().iter().map(|&g| u32::from(g)).sum::<u32>() < 9 {
        return;
    }
    let groups = run.groups();
    // Issuers print spaces or dashes; dots are how a number is disguised (`4111.1111.1111.1111`).
    // A dotted run is a card only in a card's grouping (not a version or an address).
    if matches!(run.sep, 0 | b' ' | b'-') || (run.sep == b'.' && card_layout(run.groups())) {
        if let Some(end) = card(b, run) {
            push(hits, &CREDIT_CARD, run.start, end);
            return;
        }
    }
    if is_word(at(b, run.end)) {
        return;
    }
    if matches!(run.sep, b'-' | b' ') && groups == [3, 2, 4] && ssn_valid(b, run.start, run.end) {
        push(hits, &US_SSN, run.start, run.end);
        return;
    }
    if matches!(run.sep, b'-' | b'.') {
        let area = match groups {
            [3, 3, 4] => Some(run.start),
            [1, 3, 3, 4] if at(b, run.start) == b'1' => Some(run.start + 2),
            _ => None,
        };
        if area.is_some_and(|a| matches!(at(b, a), b'2'..=b'9')) {
            push(hits, &PHONE, run.start, run.end);
        }
    }
}

/// The end of a card number at the start of `run`: the whole run, or failing that the longest
/// prefix of groups in a card layout (`4111 1111 1111 1111 123` is a card and its CVV).
fn card(b: &[u8], run: &Run) -> Option<usize> {
    let groups = run.groups();
    let candidate = |m: usize| {
        let end = run.end_of(m);
        let glued = m == run.ngroups && is_word(at(b, end));
        (!glued && card_valid(slice(b, run.start, end))).then_some(end)
    };
    if run.ngroups == 1 {
        return groups.first().filter(|&&g| (13..=19).contains(&g)).and_then(|_| candidate(1));
    }
    for m in (2..=run.ngroups.min(5)).rev() {
        if card_layout(groups.get(..m).unwrap_or_default()) {
            if let Some(end) = candidate(m) {
                return Some(end);
            }
        }
    }
    groups.first().filter(|&&g| (13..=19).contains(&g)).and_then(|_| candidate(1))
}

/// How issuers print numbers: fours (the last group shorter), or Amex/Diners 4-6-5 and 4-6-4.
fn card_layout(groups: &[u8]) -> bool {
    let total: u32 = groups.iter().map(|&g| u32::from(g)).sum();
    let Some((&last, init)) = groups.split_last() else { return false };
    (13..=19).contains(&total)
        && ((init.iter().all(|&g| g == 4) && (1..=4).contains(&last)) || groups == [4, 6, 5] || groups == [4, 6, 4])
}

/// Luhn-valid, with a length its issuer prefix allows.
fn card_valid(text: &[u8]) -> bool {
    let mut d = [0u8; 19];
    let mut n = 0;
    for &c in text {
        if c.is_ascii_digit() {
            match d.get_mut(n) {
                Some(slot) => *slot = c - b'0',
                None => return false,
            }
            n += 1;
        }
    }
    let d = d.get(..n).unwrap_or_default();
    let prefix = |k: usize| d.iter().take(k).fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    let brand = match (prefix(1), prefix(2), prefix(3), prefix(4)) {
        (4, ..) => matches!(n, 13 | 16 | 19),
        (_, 51..=55, ..) | (.., 2221..=2720) => n == 16,
        (_, 34 | 37, ..) => n == 15,
        (.., 6011) | (_, _, 644..=649, _) | (_, 65, ..) => (16..=19).contains(&n),
        (.., 3528..=3589) => (16..=19).contains(&n),
        (_, _, 300..=305, _) | (_, 36 | 38, ..) => (14..=19).contains(&n),
        _ => false,
    };
    brand && luhn(d)
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// `AAA-GG-SSSS` digits in `text` (separators ignored): an issuable number that is not a famous
/// sample (`078-05-1120` from a wallet insert, `123-45-6789`, `219-09-9999` from an SSA ad) and
/// not one digit repeated.
fn ssn_valid(b: &[u8], start: usize, end: usize) -> bool {
    let mut d = [0u8; 9];
    let mut n = 0;
    for &c in slice(b, start, end) {
        if c.is_ascii_digit() {
            match d.get_mut(n) {
                Some(slot) => *slot = c,
                None => return false,
            }
            n += 1;
        }
    }
    if n != 9 {
        return false;
    }
    let (area, group, serial) = (&d[..3], &d[3..5], &d[5..]);
    let samples: [&[u8; 9]; 3] = [b"078051120", b"123456789", b"219099999"];
    area != b"000"
        && area != b"666"
        && area.first() != Some(&b'9')
        && group != b"00"
        && serial != b"0000"
        && !samples.iter().any(|s| **s == d)
        && !d.iter().all(|&x| Some(&x) == d.first())
}

/// A bare nine-digit SSN right after `SSN` / `social security` (`SSN: 536225483`).
pub(super) fn ssn_after_keyword(b: &[u8], s: usize, e: usize, hits: &mut Vec<Hit>) {
    if before(b, s).is_ascii_alphabetic() || (at(b, e).is_ascii_alphabetic() && !at(b, e).eq_ignore_ascii_case(&b's')) {
        return;
    }
    let mut k = e;
    while k - e < 32 && !at(b, k).is_ascii_digit() && !matches!(at(b, k), 0 | b'\n') {
        k += 1;
    }
    if !at(b, k).is_ascii_digit() || is_word(before(b, k)) {
        return;
    }
    let run = Run::read(b, k);
    if run.groups() == [9] && !is_word(at(b, run.end)) && ssn_valid(b, run.start, run.end) {
        push(hits, &US_SSN, run.start, run.end);
    }
}

/// `+` country code and subscriber number: 7 to 15 digits in groups separated by one ` `, `-` or
/// `.`, one group possibly in parentheses (`+1 (555) 010-0199`, `+44 20 7946 0958`, `+15550100`).
fn e164(b: &[u8], plus: usize) -> Option<usize> {
    let p = before(b, plus);
    if is_alnum(p) || matches!(p, b'+' | b'/' | b'.') || !matches!(at(b, plus + 1), b'1'..=b'9') {
        return None;
    }
    let (mut k, mut end) = (plus + 1, plus + 1);
    let (mut digits, mut groups, mut parens) = (0usize, 0usize, 0usize);
    loop {
        let gs = k;
        if at(b, k) == b'(' && parens == 0 {
            parens += 1;
            k += 1;
            while at(b, k).is_ascii_digit() && k - gs <= 5 {
                k += 1;
            }
            if at(b, k) != b')' || k == gs + 1 {
                break;
            }
            digits += k - gs - 1;
            k += 1;
        } else if at(b, k).is_ascii_digit() {
            while at(b, k).is_ascii_digit() && digits <= 15 {
                k += 1;
                digits += 1;
            }
            // One-digit groups past the area code read like versions or lists (`+1.2.3.4`);
            // right after the country code they are area codes (`+33 1 …`, `+61 2 …`).
            if groups > 1 && k - gs < 2 {
                return None;
            }
        } else {
            break;
        }
        groups += 1;
        end = k;
        if digits > 15 {
            return None;
        }
        let next = at(b, k + 1);
        if matches!(at(b, k), b' ' | b'-' | b'.') && (next.is_ascii_digit() || next == b'(') {
            k += 1;
        } else if at(b, k) != b'(' {
            break;
        }
    }
    let after = at(b, end);
    let continues = matches!(after, b' ' | b'-' | b'.') && at(b, end + 1).is_ascii_digit();
    ((7..=15).contains(&digits) && !is_word(after) && !matches!(after, b'+' | b'/') && !continues).then_some(end)
}

/// `(NXX) NXX-XXXX`, the space optional, the last separator `-`, `.` or a space.
fn nanp_parenthesised(b: &[u8], open: usize) -> Option<usize> {
    if is_word(before(b, open)) {
        return None;
    }
    let digits = |from: usize, n: usize| (from..from + n).all(|k| at(b, k).is_ascii_digit());
    let area = open + 1;
    if !digits(area, 3) || at(b, area + 3) != b')' || !matches!(at(b, area), b'2'..=b'9') {
        return None;
    }
    let mut k = area + 4;
    if at(b, k) == b' ' {
        k += 1;
    }
    if !digits(k, 3) || !matches!(at(b, k + 3), b'-' | b'.' | b' ') || !digits(k + 4, 4) {
        return None;
    }
    let end = k + 8;
    let continues = is_word(at(b, end)) || (matches!(at(b, end), b'-' | b'.') && at(b, end + 1).is_ascii_digit());
    (!continues).then_some(end)
}

/// IBAN lengths by country (the registry's common members).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

/// IBANs, compact (`DE89370400440532013000`) or in groups of four (`DE89 3704 0044 0532 0130 00`):
/// a known country, its length, and the mod-97 check.
pub(super) fn scan_ibans(b: &[u8], classes: &ByteClasses, hits: &mut Vec<Hit>) {
    // Two capitals, then two digits.
    let mut starts = classes.positions(|c, k| {
        let upper = pair(c, k, |b| b.upper);
        let digit = pair(c, k, |b| b.digit);
        (upper & (upper >> 1) & (digit >> 2) & (digit >> 3)) as u64
    });
    while let Some(i) = starts.next() {
        if !is_alnum(before(b, i)) {
            if let Some(e) = iban_at(b, i) {
                push(hits, &IBAN, i, e);
                starts.seek(e);
            }
        }
    }
}

fn iban_at(b: &[u8], i: usize) -> Option<usize> {
    let country = [at(b, i), at(b, i + 1)];
    let len = IBAN_LENGTHS.iter().find(|(c, _)| **c == country)?.1;
    let is_part = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    let grouped = at(b, i + 4) == b' ';
    let (mut k, mut count) = (i + 4, 4);
    while count < len {
        if grouped && count % 4 == 0 {
            if at(b, k) != b' ' {
                return None;
            }
            k += 1;
        }
        if !is_part(at(b, k)) {
            return None;
        }
        k += 1;
        count += 1;
    }
    if is_alnum(at(b, k)) {
        return None;
    }
    // Move the country and check digits to the end; letters count as two digits (A = 10).
    let chars = slice(b, i + 4, k).iter().chain(slice(b, i, i + 4)).filter(|c| **c != b' ');
    let rem = chars.fold(0u32, |r, &c| {
        if c.is_ascii_digit() {
            (r * 10 + u32::from(c - b'0')) % 97
        } else {
            (r * 100 + u32::from(c - b'A') + 10) % 97
        }
    });
    (rem == 1).then_some(k)
}

/// An address around the `@` at `p`: a dot-atom local part (at most 64 bytes) and a domain of two
/// or more labels with an alphabetic top-level label of 2+ letters. Not `user@host`,
/// `icon@2x.png`, `image@sha256:…`, `pkg@1.2.3`, nor the `user:password@` of a URL.
pub(super) fn email(b: &[u8], p: usize, hits: &mut Vec<Hit>) {
    let is_local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let mut s = p;
    while s > 0 && p - s <= 64 && is_local(before(b, s)) {
        s -= 1;
    }
    if is_local(before(b, s)) {
        return;
    }
    while at(b, s) == b'.' && s < p {
        s += 1;
    }
    if s == p || before(b, p) == b'.' {
        return;
    }
    let is_domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    let mut e = p + 1;
    while is_domain(at(b, e)) && e - p <= 253 {
        e += 1;
    }
    if is_domain(at(b, e)) || matches!(at(b, e), b'_' | b'@') {
        return;
    }
    while e > p + 1 && matches!(before(b, e), b'.' | b'-') {
        e -= 1;
    }
    let domain = slice(b, p + 1, e);
    let mut labels = 0;
    for label in domain.split(|&c| c == b'.') {
        if label.is_empty() || label.len() > 63 || label.first() == Some(&b'-') || label.last() == Some(&b'-') {
            return;
        }
        labels += 1;
    }
    let tld = domain.rsplit(|&c| c == b'.').next().unwrap_or_default();
    let first = domain.split(|&c| c == b'.').next().unwrap_or_default();
    // `@2x.png`: an image scale suffix, and file extensions are not top-level domains.
    const FILE_EXTENSIONS: &[&[u8]] =
        &[b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"ico", b"bmp", b"tif", b"tiff", b"css", b"js", b"map"];
    let scale = first.len() >= 2
        && first.last().is_some_and(|c| c.eq_ignore_ascii_case(&b'x'))
        && first.iter().rev().skip(1).all(u8::is_ascii_digit);
    if labels < 2
        || tld.len() < 2
        || !tld.iter().all(u8::is_ascii_alphabetic)
        || scale
        || FILE_EXTENSIONS.iter().any(|x| tld.eq_ignore_ascii_case(x))
        || in_url_userinfo(b, s)
    {
        return;
    }
    push(hits, &EMAIL, s, e);
}

/// Whether the local part starting at `s` is in the `user[:password]@` of `scheme://…@host`: a
/// `://` earlier in the same word with no `/` between.
fn in_url_userinfo(b: &[u8], s: usize) -> bool {
    let mut k = s;
    while k > 0 && s - k < 256 {
        k -= 1;
        match at(b, k) {
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'/' => {
                // The first `/` met is the second of `://`: nothing but userinfo lies between.
                return at(b, k) == b'/' && before(b, k) == b'/' && before(b, k.saturating_sub(1)) == b':';
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The reference the block gate must agree with: every number start judged, in order.
    fn scan_digits_everywhere(b: &[u8], hits: &mut Vec<Hit>) {
        let mut i = 0;
        while i < b.len() {
            let starts = at(b, i).is_ascii_digit() && !is_word(before(b, i)) || matches!(at(b, i), b'+' | b'(');
            i = match starts.then(|| judge_start(b, i, hits)).flatten() {
                Some(end) => end,
                None => i + 1,
            };
        }
    }

    fn digits_gated(text: &[u8]) -> Vec<(usize, usize, &'static str)> {
        let mut hits = Vec::new();
        scan_digits(text, &ByteClasses::of(text), &mut hits);
        hits.iter().map(|h| (h.span.start, h.span.end, h.kind.id)).collect()
    }

    fn digits_everywhere(text: &[u8]) -> Vec<(usize, usize, &'static str)> {
        let mut hits = Vec::new();
        scan_digits_everywhere(text, &mut hits);
        hits.iter().map(|h| (h.span.start, h.span.end, h.kind.id)).collect()
    }

    /// `pad` bytes of `x`, a space, then `rest`: the gated scan agrees with the full one, and finds
    /// `kinds`.
    fn assert_found_after_pad(pad: usize, rest: &[u8], kinds: &[&str]) {
        let mut text = vec![b'x'; pad];
        text.push(b' ');
        text.extend_from_slice(rest);
        let gated = digits_gated(&text);
        assert_eq!(gated, digits_everywhere(&text), "pad {pad}");
        assert_eq!(gated.iter().map(|h| h.2).collect::<Vec<_>>(), kinds, "pad {pad}");
    }

    #[test]
    fn numbers_across_block_boundaries() {
        for pad in 40..70 {
            let text = b"4111 1111 1111 1111 and (555) 010-0199, +44 20 7946 0958, 536-22-5483 end";
            assert_found_after_pad(pad, text, &["credit_card", "phone", "phone", "us_ssn"]);
        }
        // Each number alone, starting at every byte around a block's end: a window that starts in
        // one block and ends in the next is read from the first.
        for (number, kind) in [
            (&b"536-22-5483 end"[..], "us_ssn"),
            (b"555.010.0199 end", "phone"),
            (b"4111 1111 1111 1111 end", "credit_card"),
        ] {
            for pad in 48..70 {
                assert_found_after_pad(pad, number, &[kind]);
            }
        }
    }

    proptest! {
        /// Reading only the blocks the gate lets through finds exactly what judging every start
        /// finds, over text dense in digits, separators and phone punctuation.
        #[test]
        fn the_block_gate_loses_nothing(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("4111 1111 1111 1111".to_owned()),
                    Just("5500-0000-0000-0004".to_owned()),
                    Just("378282246310005".to_owned()),
                    Just("536-22-5483".to_owned()),
                    Just("555.010.0199".to_owned()),
                    Just("1-555-010-0199".to_owned()),
                    Just("(555) 010-0199".to_owned()),
                    Just("+1 (555) 010-0199".to_owned()),
                    "[0-9 .+()x_-]{1,24}",
                ],
                0..24,
            ),
        ) {
            let text = parts.concat();
            prop_assert_eq!(digits_gated(text.as_bytes()), digits_everywhere(text.as_bytes()));
        }
    }
}
