//! A POSIX/bash lexer: words with their quoting, expansions and substitutions kept apart,
//! operators, redirections and here-documents.
//!
//! Why not a crate: `shell-words` splits words but knows no operators, substitutions or
//! here-documents; full shell parsers (`brush-parser`, `conch-parser`) build heavy ASTs, allocate
//! per node or are unmaintained, and none records which parts of a word were quoted or expanded,
//! which is exactly what a guard must know (`r''m`, `$X -rf /`). This lexer never fails and never
//! recurses: nesting is tracked with an explicit stack, so hostile input costs linear time.

use crate::fact::Span;

/// One piece of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Literal text; `quoted` when it came from quotes or escapes (globs in it are literal).
    Lit { text: String, quoted: bool },
    /// `$NAME`, `${NAME}`, `${NAME:-x}` (modifiers make it unresolvable).
    Var { name: String, plain: bool, quoted: bool },
    /// `~` at the start of a word: the home directory.
    Home,
    /// `$( … )` or `` ` … ` ``: the span of the command inside.
    Subst(Span),
    /// `<( … )` or `>( … )`: the span of the command inside.
    ProcSubst(Span),
    /// `$(( … ))` and other expansions whose value cannot be known.
    Opaque,
}

/// A word's parts.
pub(crate) type Parts = smallvec::SmallVec<[Part; 1]>;

/// A word: its parts and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Most words are one part: kept inline, without a heap allocation.
    pub(crate) parts: Parts,
    pub(crate) span: Span,
}

/// A redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirKind {
    /// `<`
    In,
    /// `>`, `>|`, `&>`
    Out,
    /// `>>`, `&>>`
    Append,
    /// `<<`, `<<-`
    Heredoc,
    /// `<<<`
    HereString,
    /// `>&`, `<&`, `<>`
    Dup,
}

/// A redirection and its target (or, for a here-document, its delimiter and body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redir {
    pub(crate) kind: RedirKind,
    pub(crate) fd: Option<u32>,
    pub(crate) target: Option<Word>,
    /// Here-document body.
    pub(crate) body: Option<Span>,
}

/// A control operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `;`, `;;`, `;&`, newline
    Seq,
    /// `&`
    Background,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|`, `|&`
    Pipe,
    /// `(`
    Open,
    /// `)`
    Close,
}

/// A token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Word(Word),
    Op(Op, Span),
    Redir(Redir, Span),
}

/// Lexes `src`. Never fails; unterminated quotes run to the end of the text.
pub(crate) fn tokenize(src: &str) -> Vec<Token> {
    Lexer { src, b: src.as_bytes(), pos: 0, pending: Vec::new(), out: Vec::with_capacity(src.len() / 6 + 2) }.run()
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    /// Here-documents whose bodies start after the next newline: (token index, delimiter, strip tabs).
    pending: Vec<(usize, String, bool)>,
    out: Vec<Token>,
}

fn is_op_byte(c: u8) -> bool {
    matches!(c, b'|' | b'&' | b';' | b'<' | b'>' | b'(' | b')' | b'\n')
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\r'
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Lexer<'a> {
    fn peek(&self, off: usize) -> u8 {
        self.b.get(self.pos + off).copied().unwrap_or(0)
    }

    fn run(mut self) -> Vec<Token> {
        while self.pos < self.b.len() {
            let c = self.peek(0);
            if is_blank(c) {
                self.pos += 1;
            } else if c == b'\\' && self.peek(1) == b'\n' {
                self.pos += 2;
            } else if c == b'#' {
                while self.pos < self.b.len() && self.b[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else if c == b'\n' {
                let start = self.pos;
                self.pos += 1;
                self.out.push(Token::Op(Op::Seq, Span::new(start, self.pos)));
                self.read_heredoc_bodies();
            } else if let Some(tok) = self.operator() {
                self.out.push(tok);
            } else {
                let w = self.word();
                self.out.push(Token::Word(w));
            }
        }
        self.out
    }

    /// Control operators and redirections, or `None` when a word starts here.
    fn operator(&mut self) -> Option<Token> {
        let start = self.pos;
        // An optional file-descriptor number directly before a redirection: `2>&1`.
        let mut p = self.pos;
        while self.b.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        let fd = if p > self.pos && matches!(self.b.get(p), Some(b'<' | b'>')) {
            let n = self.src.get(self.pos..p).and_then(|s| s.parse().ok());
            self.pos = p;
            n
        } else {
            None
        };
        let c = self.peek(0);
        let c1 = self.peek(1);
        let c2 = self.peek(2);
        let op = |s: &mut Self, len: usize, op: Op| {
            s.pos += len;
            Some(Token::Op(op, Span::new(start, s.pos)))
        };
        match (c, c1) {
            (b'&', b'&') => op(self, 2, Op::And),
            (b'|', b'|') => op(self, 2, Op::Or),
            (b'|', b'&') => op(self, 2, Op::Pipe),
            (b'|', _) => op(self, 1, Op::Pipe),
            (b';', b';' | b'&') => op(self, 2, Op::Seq),
            (b';', _) => op(self, 1, Op::Seq),
            (b'(', _) => op(self, 1, Op::Open),
            (b')', _) => op(self, 1, Op::Close),
            (b'&', b'>') => {
                let len = if c2 == b'>' { 3 } else { 2 };
                self.redir(start, len, if len == 3 { RedirKind::Append } else { RedirKind::Out }, Some(1))
            }
            (b'&', _) => op(self, 1, Op::Background),
            (b'<', b'(') | (b'>', b'(') => {
                // Process substitution is a word.
                self.pos = start;
                None
            }
            (b'<', b'<') if c2 == b'<' => self.redir(start, 3, RedirKind::HereString, fd),
            (b'<', b'<') => {
                let strip = c2 == b'-';
                let len = if strip { 3 } else { 2 };
                self.pos += len;
                self.skip_blanks();
                let delim = if self.pos < self.b.len() && !is_op_byte(self.peek(0)) { Some(self.word()) } else { None };
                let text = delim.as_ref().map(literal_text).unwrap_or_default();
                let index = self.out.len();
                if !text.is_empty() {
                    self.pending.push((index, text, strip));
                }
                Some(Token::Redir(
                    Redir { kind: RedirKind::Heredoc, fd, target: delim, body: None },
                    Span::new(start, self.pos),
                ))
            }
            (b'<', b'&') | (b'>', b'&') | (b'<', b'>') => self.redir(start, 2, RedirKind::Dup, fd),
            (b'<', _) => self.redir(start, 1, RedirKind::In, fd),
            (b'>', b'>') => self.redir(start, 2, RedirKind::Append, fd),
            (b'>', b'|') => self.redir(start, 2, RedirKind::Out, fd),
            (b'>', _) => self.redir(start, 1, RedirKind::Out, fd),
            _ => {
                self.pos = start;
                None
            }
        }
    }

    fn redir(&mut self, start: usize, len: usize, kind: RedirKind, fd: Option<u32>) -> Option<Token> {
        self.pos += len;
        self.skip_blanks();
        let target = if self.pos < self.b.len() && !matches!(self.peek(0), b'|' | b'&' | b';' | b'\n' | b')') {
            Some(self.word())
        } else {
            None
        };
        Some(Token::Redir(Redir { kind, fd, target, body: None }, Span::new(start, self.pos)))
    }

    fn skip_blanks(&mut self) {
        while is_blank(self.peek(0)) {
            self.pos += 1;
        }
    }

    /// Reads the bodies of pending here-documents, which start at the current position.
    fn read_heredoc_bodies(&mut self) {
        for (index, delim, strip) in std::mem::take(&mut self.pending) {
            let body_start = self.pos;
            let mut body_end = self.b.len();
            let mut next = self.b.len();
            let mut line_start = self.pos;
            while line_start < self.b.len() {
                let line_end =
                    self.b[line_start..].iter().position(|&c| c == b'\n').map_or(self.b.len(), |i| line_start + i);
                let line = self.src.get(line_start..line_end).unwrap_or("");
                let line = if strip { line.trim_start_matches('\t') } else { line };
                if line.trim_end_matches('\r') == delim {
                    body_end = line_start;
                    next = (line_end + 1).min(self.b.len());
                    break;
                }
                line_start = line_end + 1;
            }
            if let Some(Token::Redir(r, _)) = self.out.get_mut(index) {
                r.body = Some(Span::new(body_start, body_end.max(body_start)));
            }
            self.pos = next;
        }
    }

    /// One word, up to an unquoted blank or operator.
    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut parts = Parts::new();
        let mut lit = String::new();
        let mut lit_quoted = false;
        let flush = |parts: &mut Parts, lit: &mut String, quoted: &mut bool| {
            if !lit.is_empty() {
                parts.push(Part::Lit { text: std::mem::take(lit), quoted: *quoted });
            }
            *quoted = false;
        };
        // Process substitution at the start of a word.
        if matches!(self.peek(0), b'<' | b'>') && self.peek(1) == b'(' {
            let inner_start = self.pos + 2;
            let end = find_close(self.b, inner_start);
            parts.push(Part::ProcSubst(Span::new(inner_start, end)));
            self.pos = (end + 1).min(self.b.len());
        }
        if self.peek(0) == b'~' && matches!(self.peek(1), b'/' | 0 | b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b')') {
            parts.push(Part::Home);
            self.pos += 1;
        }
        while self.pos < self.b.len() {
            let c = self.peek(0);
            if is_blank(c) || is_op_byte(c) {
                break;
            }
            match c {
                b'\\' => {
                    if self.peek(1) == b'\n' {
                        self.pos += 2;
                        continue;
                    }
                    // An escaped character is quoted: `\rm` is `rm`, never an alias.
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    lit_quoted = true;
                    self.pos += 1;
                    self.push_char(&mut lit);
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                }
                b'\'' => {
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    let body_start = self.pos + 1;
                    let end =
                        self.b[body_start..].iter().position(|&x| x == b'\'').map_or(self.b.len(), |i| body_start + i);
                    lit.push_str(self.src.get(body_start..end).unwrap_or(""));
                    lit_quoted = true;
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    self.pos = (end + 1).min(self.b.len());
                }
                b'$' if self.peek(1) == b'"' => {
                    // `$"…"` is a locale-translated double-quoted string.
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    self.pos += 2;
                    self.double_quoted(&mut parts);
                }
                b'$' if self.peek(1) == b'\'' => {
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    self.pos += 2;
                    let text = self.ansi_c();
                    parts.push(Part::Lit { text, quoted: true });
                }
                b'"' => {
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    self.pos += 1;
                    self.double_quoted(&mut parts);
                }
                b'$' => {
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    self.dollar(&mut parts, false);
                }
                b'`' => {
                    flush(&mut parts, &mut lit, &mut lit_quoted);
                    let inner = self.pos + 1;
                    let end = find_backtick(self.b, inner);
                    parts.push(Part::Subst(Span::new(inner, end)));
                    self.pos = (end + 1).min(self.b.len());
                }
                _ => {
                    // A run of plain bytes is copied at once, not character by character.
                    let run_end = self.b[self.pos..]
                        .iter()
                        .position(|&c| is_blank(c) || is_op_byte(c) || matches!(c, b'\\' | b'\'' | b'"' | b'$' | b'`'))
                        .map_or(self.b.len(), |i| self.pos + i);
                    match self.src.get(self.pos..run_end) {
                        Some(run) if run_end > self.pos => {
                            lit.push_str(run);
                            self.pos = run_end;
                        }
                        _ => self.push_char(&mut lit),
                    }
                }
            }
        }
        flush(&mut parts, &mut lit, &mut lit_quoted);
        Word { parts, span: Span::new(start, self.pos) }
    }

    /// Pushes the character at `pos` (a whole UTF-8 character) and advances.
    fn push_char(&mut self, lit: &mut String) {
        let rest = self.src.get(self.pos..).unwrap_or("");
        match rest.chars().next() {
            Some(ch) => {
                lit.push(ch);
                self.pos += ch.len_utf8();
            }
            None => self.pos += 1,
        }
    }

    /// Inside `"…"`: backslash escapes `$`, `` ` ``, `"`, `\`, newline; expansions stay live.
    fn double_quoted(&mut self, parts: &mut Parts) {
        let mut lit = String::new();
        while self.pos < self.b.len() {
            match self.peek(0) {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' if matches!(self.peek(1), b'$' | b'`' | b'"' | b'\\' | b'\n') => {
                    if self.peek(1) != b'\n' {
                        lit.push(self.peek(1) as char);
                    }
                    self.pos += 2;
                }
                b'$' if self.peek(1) != b'"' && self.peek(1) != 0 => {
                    if !lit.is_empty() {
                        parts.push(Part::Lit { text: std::mem::take(&mut lit), quoted: true });
                    }
                    self.dollar(parts, true);
                }
                b'`' => {
                    if !lit.is_empty() {
                        parts.push(Part::Lit { text: std::mem::take(&mut lit), quoted: true });
                    }
                    let inner = self.pos + 1;
                    let end = find_backtick(self.b, inner);
                    parts.push(Part::Subst(Span::new(inner, end)));
                    self.pos = (end + 1).min(self.b.len());
                }
                _ => self.push_char(&mut lit),
            }
        }
        // An empty "" is still a (quoted, empty) part: `r""m` is `rm`.
        parts.push(Part::Lit { text: lit, quoted: true });
    }

    /// `$…` at `pos`.
    fn dollar(&mut self, parts: &mut Parts, quoted: bool) {
        let c1 = self.peek(1);
        if c1 == b'(' && self.peek(2) == b'(' {
            let end = find_close(self.b, self.pos + 2);
            parts.push(Part::Opaque);
            self.pos = (end + 1).min(self.b.len());
            if self.peek(0) == b')' {
                self.pos += 1;
            }
        } else if c1 == b'(' {
            let inner = self.pos + 2;
            let end = find_close(self.b, inner);
            parts.push(Part::Subst(Span::new(inner, end)));
            self.pos = (end + 1).min(self.b.len());
        } else if c1 == b'{' {
            let inner = self.pos + 2;
            let end = self.b[inner..].iter().position(|&x| x == b'}').map_or(self.b.len(), |i| inner + i);
            let body = self.src.get(inner..end).unwrap_or("");
            let name_len = body.bytes().take_while(|&c| is_name_char(c)).count();
            let name = body.get(..name_len).unwrap_or("").to_owned();
            parts.push(if name.is_empty() {
                Part::Opaque
            } else {
                Part::Var { name, plain: name_len == body.len(), quoted }
            });
            self.pos = (end + 1).min(self.b.len());
        } else if is_name_start(c1) {
            let start = self.pos + 1;
            let mut end = start;
            while self.b.get(end).copied().is_some_and(is_name_char) {
                end += 1;
            }
            parts.push(Part::Var { name: self.src.get(start..end).unwrap_or("").to_owned(), plain: true, quoted });
            self.pos = end;
        } else if c1.is_ascii_digit() || matches!(c1, b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-') {
            parts.push(Part::Opaque);
            self.pos += 2;
        } else {
            // A lone `$` is literal.
            parts.push(Part::Lit { text: "$".to_owned(), quoted });
            self.pos += 1;
        }
    }

    /// The body of `$'…'` with C escapes decoded; `pos` is just after the opening quote.
    fn ansi_c(&mut self) -> String {
        let mut out = String::new();
        while self.pos < self.b.len() {
            let c = self.peek(0);
            if c == b'\'' {
                self.pos += 1;
                break;
            }
            if c != b'\\' {
                self.push_char(&mut out);
                continue;
            }
            let e = self.peek(1);
            self.pos += 2;
            let simple = match e {
                b'n' => Some('\n'),
                b't' => Some('\t'),
                b'r' => Some('\r'),
                b'a' => Some('\x07'),
                b'b' => Some('\x08'),
                b'e' | b'E' => Some('\x1b'),
                b'f' => Some('\x0c'),
                b'v' => Some('\x0b'),
                b'\\' => Some('\\'),
                b'\'' => Some('\''),
                b'"' => Some('"'),
                b'?' => Some('?'),
                _ => None,
            };
            if let Some(ch) = simple {
                out.push(ch);
                continue;
            }
            let (radix, max, skip) = match e {
                b'x' => (16, 2, 0),
                b'u' => (16, 4, 0),
                b'U' => (16, 8, 0),
                b'0'..=b'7' => (8, 3, 1),
                _ => {
                    out.push('\\');
                    if e != 0 {
                        out.push(e as char);
                    }
                    continue;
                }
            };
            // Octal escapes include the digit we already stepped over.
            let digits_start = self.pos - skip;
            let mut end = digits_start;
            while end < self.b.len() && end - digits_start < max && (self.b[end] as char).is_digit(radix) {
                end += 1;
            }
            let value = self.src.get(digits_start..end).and_then(|d| u32::from_str_radix(d, radix).ok());
            match value.and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => out.push('\u{fffd}'),
            }
            self.pos = end.max(self.pos);
        }
        out
    }
}

/// The text of a word made only of literal parts (here-document delimiters), else empty.
fn literal_text(w: &Word) -> String {
    w.parts
        .iter()
        .map(|p| match p {
            Part::Lit { text, .. } => text.as_str(),
            _ => "",
        })
        .collect()
}

/// The index of the `)` closing a `$(`/`<(` whose body starts at `from`, honouring quotes,
/// escapes and nesting; the end of the text when unterminated. Iterative: no recursion.
pub(crate) fn find_close(b: &[u8], from: usize) -> usize {
    #[derive(Clone, Copy, PartialEq)]
    enum Ctx {
        Paren,
        Double,
        Backtick,
    }
    let mut stack = vec![Ctx::Paren];
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        let top = *stack.last().unwrap_or(&Ctx::Paren);
        match (top, c) {
            (_, b'\\') => i += 1,
            (Ctx::Paren, b'\'') => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            (Ctx::Paren, b'#')
                if i == from || b.get(i.wrapping_sub(1)).is_some_and(|p| is_blank(*p) || *p == b'\n') =>
            {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            (Ctx::Paren, b'"') => stack.push(Ctx::Double),
            (Ctx::Double, b'"') => {
                stack.pop();
            }
            (Ctx::Paren | Ctx::Double, b'`') => stack.push(Ctx::Backtick),
            (Ctx::Backtick, b'`') => {
                stack.pop();
            }
            (Ctx::Paren | Ctx::Double, b'$') if b.get(i + 1) == Some(&b'(') => {
                stack.push(Ctx::Paren);
                i += 1;
            }
            (Ctx::Paren, b'(') => stack.push(Ctx::Paren),
            (Ctx::Paren, b')') => {
                stack.pop();
                if stack.is_empty() {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The index of the backtick closing one whose body starts at `from`.
fn find_backtick(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<String> {
        tokenize(src)
            .into_iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(
                    w.parts
                        .iter()
                        .map(|p| match p {
                            Part::Lit { text, .. } => text.clone(),
                            Part::Var { name, .. } => format!("${name}"),
                            Part::Home => "~".to_owned(),
                            Part::Subst(s) => format!("$({})", &src[s.range()]),
                            Part::ProcSubst(s) => format!("<({})", &src[s.range()]),
                            Part::Opaque => "?".to_owned(),
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn quotes_are_removed_and_concatenated() {
        assert_eq!(words(r#"r''m "-r"f '/' \rm r"m""#), ["rm", "-rf", "/", "rm", "rm"]);
    }

    #[test]
    fn ansi_c_quotes_decode() {
        assert_eq!(words(r"$'\x72\x6d' $'\162m' $'a\nb'"), ["rm", "rm", "a\nb"]);
    }

    #[test]
    fn substitutions_keep_their_inner_text() {
        assert_eq!(
            words("echo $(cat \"$(pwd)/x\") `id` <(curl x)"),
            ["echo", "$(cat \"$(pwd)/x\")", "$(id)", "<(curl x)"]
        );
    }

    #[test]
    fn operators_split_commands() {
        let ops: Vec<Op> = tokenize("a && b || c | d; e & f\ng")
            .into_iter()
            .filter_map(|t| if let Token::Op(o, _) = t { Some(o) } else { None })
            .collect();
        assert_eq!(ops, [Op::And, Op::Or, Op::Pipe, Op::Seq, Op::Background, Op::Seq]);
    }

    #[test]
    fn heredoc_bodies_are_captured() {
        let src = "psql <<'SQL'\nDROP TABLE t;\nSQL\necho done";
        let toks = tokenize(src);
        let body = toks.iter().find_map(|t| if let Token::Redir(r, _) = t { r.body } else { None });
        assert_eq!(&src[body.expect("body").range()], "DROP TABLE t;\n");
        assert_eq!(words(src), ["psql", "echo", "done"]);
    }

    #[test]
    fn redirections_take_targets() {
        let toks = tokenize("echo x > /dev/sda 2>&1");
        let kinds: Vec<RedirKind> =
            toks.iter().filter_map(|t| if let Token::Redir(r, _) = t { Some(r.kind) } else { None }).collect();
        assert_eq!(kinds, [RedirKind::Out, RedirKind::Dup]);
    }

    #[test]
    fn unterminated_input_never_panics() {
        for src in ["'abc", "\"abc", "$(abc", "`abc", "${abc", "$'\\x", "a <<EOF\nbody", "\\", "$", "<(", "echo é ∑"]
        {
            let _ = tokenize(src);
        }
    }

    #[test]
    fn deep_nesting_is_linear_and_safe() {
        let src = format!("{}rm -rf /{}", "$(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(tokenize(&src).len(), 1);
    }
}
