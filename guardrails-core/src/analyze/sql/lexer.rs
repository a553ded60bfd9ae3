//! A small SQL lexer: strings, comments, quoted identifiers, dollar quoting and MySQL conditional
//! comments, without allocation.
//!
//! Why not sqlparser's tokenizer: it allocates a `String` per token, fails on the admin SQL its
//! parser rejects (we still need to classify `DO $$ … $$`, `ALTER SYSTEM`, `INTO OUTFILE`), and
//! stops at the first error. This lexer never fails: an unterminated quote or comment simply runs
//! to the end of the text, which is what a server would see before rejecting it.

use crate::fact::Span;

use super::dialect::Syntax;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An unquoted identifier or keyword.
    Word,
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`).
    QuotedIdent,
    /// A string literal; its body is `Token::inner`.
    Str,
    /// A numeric literal.
    Number,
    /// A variable or placeholder: `@x`, `@@x`, `:x`, `$1`.
    Variable,
    /// A psql meta-command line such as `\copy … to 'f'` (the token runs to the end of the line).
    Meta,
    /// Any other character or operator (`;`, `(`, `||`, `:=`, …).
    Punct,
}

/// One token. Offsets are bytes into the lexed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) span: Span,
    /// For strings and quoted identifiers: the body between the quotes.
    pub(crate) inner: Span,
    /// For strings: whether backslash escapes apply to the body.
    pub(crate) backslash: bool,
    /// For strings: the quote byte doubled inside the body (`'` or `"`), 0 for dollar quotes.
    pub(crate) quote: u8,
}

impl Token {
    /// The token's text.
    pub(crate) fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.span.range()).unwrap_or("")
    }

    /// Whether this is the keyword or identifier `kw` (ASCII case-insensitive).
    pub(crate) fn is_word(&self, src: &str, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text(src).eq_ignore_ascii_case(kw)
    }

    /// The name this token spells, quoted or not (`drop`, `"pg_authid"`, `[xp_cmdshell]`).
    pub(crate) fn ident<'a>(&self, src: &'a str) -> Option<&'a str> {
        match self.kind {
            TokenKind::Word => Some(self.text(src)),
            TokenKind::QuotedIdent => src.get(self.inner.range()),
            _ => None,
        }
    }

    /// Whether this is the punctuation `p`.
    pub(crate) fn is_punct(&self, src: &str, p: &str) -> bool {
        self.kind == TokenKind::Punct && self.text(src) == p
    }

    /// A string literal's value, with doubled quotes and (where they apply) backslash escapes
    /// resolved.
    pub(crate) fn string_value(&self, src: &str) -> String {
        let body = src.get(self.inner.range()).unwrap_or("");
        let mut out = String::with_capacity(body.len());
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            if self.quote != 0 && c == self.quote as char && chars.peek() == Some(&c) {
                chars.next();
                out.push(c);
            } else if self.backslash && c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// Lexes `src` under `syntax`, calling `sink` for each token.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    syntax: Syntax,
    /// Inside a MySQL `/*! … */` conditional comment, whose body is code.
    in_conditional: bool,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str, syntax: Syntax) -> Lexer<'a> {
        Lexer { src, bytes: src.as_bytes(), pos: 0, syntax, in_conditional: false }
    }

    fn peek(&self, off: usize) -> u8 {
        self.bytes.get(self.pos + off).copied().unwrap_or(0)
    }

    /// Skips whitespace and comments. Returns false at the end of the text.
    fn skip_trivia(&mut self) -> bool {
        loop {
            let b = self.peek(0);
            if self.pos >= self.bytes.len() {
                return false;
            }
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if (b == b'-' && self.peek(1) == b'-' && self.dash_comment())
                || (b == b'#' && self.syntax.hash_comments)
            {
                self.skip_line();
            } else if b == b'/' && self.peek(1) == b'*' {
                if self.peek(2) == b'!' && self.syntax.conditional_comments {
                    // `/*!50000 DROP TABLE t */`: MySQL runs the body.
                    self.pos += 3;
                    while self.peek(0).is_ascii_digit() {
                        self.pos += 1;
                    }
                    self.in_conditional = true;
                } else {
                    self.skip_block_comment();
                }
            } else if b == b'*' && self.peek(1) == b'/' && self.in_conditional {
                self.in_conditional = false;
                self.pos += 2;
            } else {
                return true;
            }
        }
    }

    /// Whether `--` at `pos` starts a comment in this dialect.
    fn dash_comment(&self) -> bool {
        !self.syntax.dash_comment_needs_space || matches!(self.peek(2), 0 | b' ' | b'\t' | b'\n' | b'\r')
    }

    fn skip_line(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        self.pos += 2;
        let mut depth = 1usize;
        while self.pos < self.bytes.len() {
            if self.peek(0) == b'*' && self.peek(1) == b'/' {
                self.pos += 2;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else if self.syntax.nested_comments && self.peek(0) == b'/' && self.peek(1) == b'*' {
                self.pos += 2;
                depth += 1;
            } else {
                self.pos += 1;
            }
        }
    }

    /// Lexes a quoted run starting at `self.pos` (the opening quote), doubling `close` escapes it.
    fn quoted(&mut self, close: u8, backslash: bool) -> (Span, bool) {
        self.pos += 1;
        let body_start = self.pos;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if backslash && b == b'\\' {
                self.pos += 2;
            } else if b == close {
                if self.peek(1) == close {
                    self.pos += 2;
                } else {
                    let inner = Span::new(body_start, self.pos);
                    self.pos += 1;
                    return (inner, true);
                }
            } else {
                self.pos += 1;
            }
        }
        self.pos = self.bytes.len();
        (Span::new(body_start, self.pos), false)
    }

    /// Tries a dollar-quoted string at `self.pos` (`$$…$$`, `$tag$…$tag$`).
    fn dollar_quoted(&mut self) -> Option<Span> {
        let start = self.pos;
        let mut end_tag = start + 1;
        while end_tag < self.bytes.len() && is_ident_continue(self.bytes[end_tag]) && self.bytes[end_tag] != b'$' {
            end_tag += 1;
        }
        if self.bytes.get(end_tag) != Some(&b'$') {
            return None;
        }
        let tag = self.src.get(start..=end_tag)?;
        if tag.len() > 2 && tag.as_bytes()[1].is_ascii_digit() {
            return None; // `$1` is a placeholder
        }
        let body_start = end_tag + 1;
        let rest = self.src.get(body_start..)?;
        match rest.find(tag) {
            Some(i) => {
                self.pos = body_start + i + tag.len();
                Some(Span::new(body_start, body_start + i))
            }
            None => {
                self.pos = self.bytes.len();
                Some(Span::new(body_start, self.bytes.len()))
            }
        }
    }

    fn string_token(&mut self, start: usize, quote: u8, backslash: bool) -> Token {
        let (inner, _) = self.quoted(quote, backslash);
        Token { kind: TokenKind::Str, span: Span::new(start, self.pos), inner, backslash, quote }
    }

    fn simple(&self, kind: TokenKind, start: usize) -> Token {
        Token { kind, span: Span::new(start, self.pos), inner: Span::new(start, self.pos), backslash: false, quote: 0 }
    }

    fn next_token(&mut self) -> Option<Token> {
        if !self.skip_trivia() {
            return None;
        }
        let start = self.pos;
        let b = self.peek(0);
        let b1 = self.peek(1);
        let syn = self.syntax;
        // String prefixes: E'…' (escapes), N'…', X'…', B'…', U&'…', r'…' / b'…' (BigQuery).
        if matches!(b, b'e' | b'E') && b1 == b'\'' {
            self.pos += 1;
            return Some(self.string_token(start, b'\'', true));
        }
        if matches!(b, b'n' | b'N' | b'x' | b'X' | b'b' | b'B' | b'r' | b'R') && b1 == b'\'' {
            self.pos += 1;
            return Some(self.string_token(start, b'\'', syn.backslash_escapes));
        }
        if matches!(b, b'u' | b'U') && b1 == b'&' && self.peek(2) == b'\'' {
            self.pos += 2;
            return Some(self.string_token(start, b'\'', false));
        }
        if syn.triple_quotes && (b == b'\'' || b == b'"') && b1 == b && self.peek(2) == b {
            let body_start = self.pos + 3;
            let close = [b, b, b];
            let end = self.bytes[body_start..]
                .windows(3)
                .position(|w| w == close)
                .map_or(self.bytes.len(), |i| body_start + i);
            self.pos = (end + 3).min(self.bytes.len());
            return Some(Token {
                kind: TokenKind::Str,
                span: Span::new(start, self.pos),
                inner: Span::new(body_start, end),
                backslash: syn.backslash_escapes,
                quote: 0,
            });
        }
        match b {
            b'\'' => Some(self.string_token(start, b'\'', syn.backslash_escapes)),
            b'"' if syn.double_quoted_strings => Some(self.string_token(start, b'"', syn.backslash_escapes)),
            b'"' => {
                let (inner, _) = self.quoted(b'"', false);
                Some(Token {
                    kind: TokenKind::QuotedIdent,
                    span: Span::new(start, self.pos),
                    inner,
                    backslash: false,
                    quote: b'"',
                })
            }
            b'`' => {
                let (inner, _) = self.quoted(b'`', false);
                Some(Token {
                    kind: TokenKind::QuotedIdent,
                    span: Span::new(start, self.pos),
                    inner,
                    backslash: false,
                    quote: b'`',
                })
            }
            b'[' if syn.bracket_identifiers => {
                let (inner, _) = self.quoted(b']', false);
                Some(Token {
                    kind: TokenKind::QuotedIdent,
                    span: Span::new(start, self.pos),
                    inner,
                    backslash: false,
                    quote: b']',
                })
            }
            b'$' if syn.dollar_quotes && (b1 == b'$' || is_ident_start(b1)) => match self.dollar_quoted() {
                Some(inner) => Some(Token {
                    kind: TokenKind::Str,
                    span: Span::new(start, self.pos),
                    inner,
                    backslash: false,
                    quote: 0,
                }),
                None => {
                    self.pos += 1;
                    self.eat_ident();
                    Some(self.simple(TokenKind::Variable, start))
                }
            },
            b'$' if b1.is_ascii_digit() => {
                self.pos += 1;
                while self.peek(0).is_ascii_digit() {
                    self.pos += 1;
                }
                Some(self.simple(TokenKind::Variable, start))
            }
            b'@' => {
                self.pos += 1;
                if self.peek(0) == b'@' {
                    self.pos += 1;
                }
                if matches!(self.peek(0), b'\'' | b'"' | b'`') {
                    // MySQL `@'user var'`
                    let q = self.peek(0);
                    let _ = self.quoted(q, false);
                } else {
                    self.eat_ident();
                }
                Some(self.simple(TokenKind::Variable, start))
            }
            b'\\' if self.at_line_start(start) => {
                self.skip_line();
                Some(self.simple(TokenKind::Meta, start))
            }
            _ if b.is_ascii_digit() || (b == b'.' && b1.is_ascii_digit()) => {
                while self.peek(0).is_ascii_alphanumeric() || self.peek(0) == b'.' || self.peek(0) == b'_' {
                    self.pos += 1;
                }
                Some(self.simple(TokenKind::Number, start))
            }
            b'#' if syn.hash_temp_tables && (is_ident_start(b1) || b1 == b'#') => {
                self.pos += 1;
                if self.peek(0) == b'#' {
                    self.pos += 1;
                }
                self.eat_ident();
                Some(self.simple(TokenKind::Word, start))
            }
            _ if is_ident_start(b) => {
                self.eat_ident();
                Some(self.simple(TokenKind::Word, start))
            }
            _ => {
                let two = [b, b1];
                let len = match &two {
                    b"||" | b":=" | b"<>" | b"!=" | b">=" | b"<=" | b"::" | b"=>" | b"->" => 2,
                    _ => 1,
                };
                if len == 1 && b == b':' && is_ident_start(b1) {
                    self.pos += 1;
                    self.eat_ident();
                    return Some(self.simple(TokenKind::Variable, start));
                }
                // Step over a whole UTF-8 character.
                let mut step = len;
                while !self.src.is_char_boundary(self.pos + step) && self.pos + step < self.bytes.len() {
                    step += 1;
                }
                self.pos = (self.pos + step).min(self.bytes.len());
                Some(self.simple(TokenKind::Punct, start))
            }
        }
    }

    fn eat_ident(&mut self) {
        while self.pos < self.bytes.len() && is_ident_continue(self.bytes[self.pos]) {
            self.pos += 1;
        }
        while !self.src.is_char_boundary(self.pos) {
            self.pos += 1;
        }
    }

    fn at_line_start(&self, at: usize) -> bool {
        self.bytes[..at].iter().rev().take_while(|b| **b != b'\n').all(|b| b.is_ascii_whitespace())
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;
    fn next(&mut self) -> Option<Token> {
        self.next_token()
    }
}

/// The tokens of `src`.
pub(crate) fn tokenize(src: &str, syntax: Syntax) -> Vec<Token> {
    Lexer::new(src, syntax).collect()
}

/// Splits a token list into statements at `;`, psql meta-commands and, where semicolons are
/// optional, at words that can only start a new statement; returns token ranges.
pub(crate) fn statements(src: &str, tokens: &[Token], syntax: Syntax) -> Vec<std::ops::Range<usize>> {
    let by_semicolon = split_at_semicolons(src, tokens);
    if !syntax.optional_semicolons {
        return by_semicolon;
    }
    by_semicolon.into_iter().flat_map(|r| split_unterminated(src, tokens, r)).collect()
}

/// T-SQL runs `SELECT 1 DROP TABLE t` as two statements. Splits a range at each depth-0 word that
/// starts a statement and that the words before it do not explain (`ALTER TABLE t DROP COLUMN`,
/// `ON DELETE`, `FOR UPDATE`, `WITH GRANT OPTION`, `UPDATE t SET`).
fn split_unterminated(src: &str, tokens: &[Token], range: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    let mut depth = 0i32;
    let kw = |i: usize, w: &str| tokens.get(i).is_some_and(|t| t.is_word(src, w));
    for i in range.clone() {
        let t = &tokens[i];
        if t.is_punct(src, "(") {
            depth += 1;
            continue;
        }
        if t.is_punct(src, ")") {
            depth -= 1;
            continue;
        }
        if depth != 0 || i == start || t.kind != TokenKind::Word {
            continue;
        }
        let prev_is = |words: &[&str]| i > 0 && words.iter().any(|w| kw(i - 1, w));
        let head_is = |words: &[&str]| words.iter().any(|w| kw(start, w));
        let word = t.text(src).to_ascii_uppercase();
        let boundary = match word.as_str() {
            "DROP" => !head_is(&["ALTER", "GRANT", "DENY", "REVOKE"]),
            "DELETE" | "UPDATE" | "INSERT" => {
                !prev_is(&["ON", "FOR", "THEN", "KEY", "DO", "OR", "BULK"]) && !head_is(&["GRANT", "DENY", "REVOKE"])
            }
            "TRUNCATE" | "MERGE" | "DECLARE" => !head_is(&["GRANT", "DENY", "REVOKE"]),
            "EXEC" | "EXECUTE" => {
                !prev_is(&["AS", "WITH", ","]) && !head_is(&["GRANT", "DENY", "REVOKE", "CREATE", "ALTER"])
            }
            "GRANT" => !prev_is(&["WITH"]) && !head_is(&["ALTER", "REVOKE"]),
            "ALTER" | "CREATE" => !head_is(&["GRANT", "DENY", "REVOKE"]) && !prev_is(&[","]),
            "SET" => !head_is(&["UPDATE", "MERGE", "ALTER"]),
            "SELECT" => {
                !head_is(&["INSERT", "CREATE", "ALTER", "WITH", "DECLARE", "SET", "SELECT", "GRANT", "DENY", "REVOKE"])
                    && !prev_is(&["UNION", "ALL", "EXCEPT", "INTERSECT", "DISTINCT", "AS"])
            }
            "COMMIT" | "ROLLBACK" | "PRINT" | "RETURN" | "GO" | "USE" | "BEGIN" => {
                !head_is(&["GRANT", "DENY", "REVOKE"])
            }
            _ => false,
        };
        if boundary {
            out.push(start..i);
            start = i;
        }
    }
    if start < range.end {
        out.push(start..range.end);
    }
    out
}

fn split_at_semicolons(src: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct(src, ";") {
            if start < i {
                out.push(start..i);
            }
            start = i + 1;
        } else if t.kind == TokenKind::Meta {
            if start < i {
                out.push(start..i);
            }
            out.push(i..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Dialect;

    fn kinds(src: &str, d: Dialect) -> Vec<(TokenKind, &str)> {
        tokenize(src, Syntax::of(d)).into_iter().map(|t| (t.kind, t.text(src))).collect()
    }

    #[test]
    fn strings_and_comments_hide_words() {
        let src = "SELECT 'drop table' -- DROP\n/* DELETE */ FROM t";
        let words: Vec<_> =
            kinds(src, Dialect::Postgres).into_iter().filter(|(k, _)| *k == TokenKind::Word).map(|(_, w)| w).collect();
        assert_eq!(words, ["SELECT", "FROM", "t"]);
    }

    #[test]
    fn dollar_quotes_are_one_string() {
        let src = "DO $x$ BEGIN DROP TABLE t; END $x$;";
        let toks = tokenize(src, Syntax::of(Dialect::Postgres));
        assert_eq!(toks[1].kind, TokenKind::Str);
        assert_eq!(&src[toks[1].inner.range()], " BEGIN DROP TABLE t; END ");
        assert_eq!(statements(src, &toks, Syntax::of(Dialect::Postgres)).len(), 1);
    }

    #[test]
    fn mysql_conditional_comment_is_code() {
        let src = "SELECT 1; /*!50000 DROP TABLE users */";
        let words: Vec<_> = kinds(src, Dialect::Mysql).into_iter().map(|(_, w)| w).collect();
        assert_eq!(words, ["SELECT", "1", ";", "DROP", "TABLE", "users"]);
        assert!(!kinds(src, Dialect::Postgres).iter().any(|(_, w)| *w == "DROP"));
    }

    #[test]
    fn tsql_statements_split_without_semicolons() {
        let split = |src: &str| {
            let toks = tokenize(src, Syntax::of(Dialect::Mssql));
            statements(src, &toks, Syntax::of(Dialect::Mssql))
                .into_iter()
                .map(|r| src[toks[r.start].span.start..toks[r.end - 1].span.end].to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(split("SELECT 1 DROP TABLE t"), ["SELECT 1", "DROP TABLE t"]);
        assert_eq!(split("ALTER TABLE t DROP COLUMN c"), ["ALTER TABLE t DROP COLUMN c"]);
        assert_eq!(split("UPDATE t SET a = 1 WHERE id = 2"), ["UPDATE t SET a = 1 WHERE id = 2"]);
        assert_eq!(split("SELECT * FROM t FOR UPDATE DELETE FROM u"), ["SELECT * FROM t FOR UPDATE", "DELETE FROM u"]);
        assert_eq!(split("GRANT SELECT ON t TO u WITH GRANT OPTION"), ["GRANT SELECT ON t TO u WITH GRANT OPTION"]);
        assert_eq!(
            split("BEGIN TRAN UPDATE t SET a = 1 WHERE id = 2 SELECT @@ROWCOUNT COMMIT"),
            ["BEGIN TRAN", "UPDATE t SET a = 1 WHERE id = 2", "SELECT @@ROWCOUNT", "COMMIT"]
        );
        assert_eq!(
            split("INSERT INTO t SELECT a FROM s UNION SELECT b FROM u"),
            ["INSERT INTO t SELECT a FROM s UNION SELECT b FROM u"]
        );
    }

    #[test]
    fn nested_comments_in_postgres() {
        let src = "/* a /* b */ DROP */ SELECT 1";
        assert_eq!(kinds(src, Dialect::Postgres)[0].1, "SELECT");
    }

    #[test]
    fn string_values_resolve_escapes() {
        let src = "'it''s' E'a\\'b'";
        let toks = tokenize(src, Syntax::of(Dialect::Postgres));
        assert_eq!(toks[0].string_value(src), "it's");
        assert_eq!(toks[1].string_value(src), "a'b");
    }

    #[test]
    fn unterminated_runs_to_the_end() {
        let src = "SELECT 'abc; DROP TABLE x";
        let toks = tokenize(src, Syntax::of(Dialect::Postgres));
        assert_eq!(toks.len(), 2);
        assert_eq!(toks[1].span.end, src.len());
    }

    #[test]
    fn multibyte_text_never_splits_a_char() {
        let src = "SELECT 'é' ∑ ñame FROM t";
        for t in tokenize(src, Syntax::of(Dialect::Generic)) {
            assert!(src.get(t.span.range()).is_some());
        }
    }
}
