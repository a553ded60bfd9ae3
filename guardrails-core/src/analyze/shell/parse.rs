//! From tokens to simple commands: assignments, words and redirections, with pipelines linked,
//! and words resolved against the variables assigned earlier on the same line.

use std::collections::HashMap;

use crate::fact::Span;

use super::lexer::{Op, Part, Redir, Token, Word};

/// A simple command.
#[derive(Debug, Clone, Default)]
pub(crate) struct Command {
    /// `NAME=value` words before the command name.
    pub(crate) assigns: Vec<(String, Word)>,
    pub(crate) words: Vec<Word>,
    pub(crate) redirs: Vec<Redir>,
    pub(crate) span: Span,
    /// The command whose output this one reads through `|`.
    pub(crate) piped_from: Option<usize>,
}

/// Reserved words that may precede a command and change nothing about what it does.
const PREFIX_KEYWORDS: &[&str] =
    &["!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac"];

/// Groups tokens into simple commands.
pub(crate) fn commands(tokens: Vec<Token>) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::with_capacity(2);
    let mut cur = Command::default();
    // The command whose output the next command reads, after a `|`. Parentheses and braces do
    // not break a pipe: `(curl …) | sh`, `echo … | (bash)`, `{ echo …; } | sh`.
    let mut pipe_from: Option<usize> = None;
    let finish = |out: &mut Vec<Command>, cur: &mut Command, pipe_from: &mut Option<usize>| -> bool {
        let has_content = !cur.words.is_empty() || !cur.redirs.is_empty() || !cur.assigns.is_empty();
        if has_content {
            let mut c = std::mem::take(cur);
            c.piped_from = pipe_from.take();
            out.push(c);
        }
        has_content
    };
    for tok in tokens {
        match tok {
            Token::Op(op, _) => {
                let finished = finish(&mut out, &mut cur, &mut pipe_from);
                match op {
                    Op::Pipe if finished || pipe_from.is_none() => pipe_from = out.len().checked_sub(1),
                    Op::Pipe | Op::Open | Op::Close => {}
                    Op::Seq | Op::And | Op::Or | Op::Background => pipe_from = None,
                }
            }
            Token::Redir(r, span) => {
                extend(&mut cur.span, span);
                cur.redirs.push(r);
            }
            Token::Word(w) => {
                if cur.words.is_empty() {
                    if single_literal(&w).is_some_and(|kw| PREFIX_KEYWORDS.contains(&kw)) {
                        continue;
                    }
                    if let Some((name, value)) = assignment(&w) {
                        extend(&mut cur.span, w.span);
                        cur.assigns.push((name, value));
                        continue;
                    }
                }
                // `function name {`: a definition header; its body's commands follow.
                if single_literal(&w) == Some("{") && cur.words.first().and_then(single_literal) == Some("function") {
                    cur = Command::default();
                    continue;
                }
                extend(&mut cur.span, w.span);
                if cur.words.is_empty() {
                    cur.words.reserve(8);
                }
                cur.words.push(w);
            }
        }
    }
    finish(&mut out, &mut cur, &mut pipe_from);
    out
}

fn extend(span: &mut Span, with: Span) {
    if span.start == 0 && span.end == 0 {
        *span = with;
    } else {
        span.start = span.start.min(with.start);
        span.end = span.end.max(with.end);
    }
}

/// The word's text when it is one literal part, without copying it.
fn single_literal(w: &Word) -> Option<&str> {
    match w.parts.as_slice() {
        [Part::Lit { text, .. }] => Some(text),
        _ => None,
    }
}

/// `NAME=value`: an unquoted name, then `=`, then the rest of the word.
fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit { text, quoted: false }) = w.parts.first() else { return None };
    let eq = text.find('=')?;
    let name = &text[..eq];
    let valid = name.bytes().next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
    if !valid {
        return None;
    }
    let mut parts = super::lexer::Parts::new();
    let rest = &text[eq + 1..];
    if !rest.is_empty() {
        parts.push(Part::Lit { text: rest.to_owned(), quoted: false });
    }
    parts.extend(w.parts.iter().skip(1).cloned());
    Some((name.to_owned(), Word { parts, span: w.span }))
}

/// The longest value a word may take when variables are expanded into it.
pub(crate) const MAX_VALUE_BYTES: usize = 64 * 1024;

/// A word's value, as far as it can be known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Arg {
    /// The text; unknown expansions appear as `$NAME` or `$(…)`; the home directory as `~`.
    pub(crate) value: String,
    /// Some part could not be resolved.
    pub(crate) dynamic: bool,
    /// An unquoted `*`, `?` or `[` makes it a pattern.
    pub(crate) glob: bool,
    /// An unquoted `{a,b}` brace expansion.
    pub(crate) brace: bool,
    /// An unquoted variable whose value has spaces: the shell splits the word.
    pub(crate) split: bool,
    pub(crate) span: Span,
    /// Command substitutions inside the word, to analyse as commands.
    pub(crate) substs: Vec<Span>,
    /// Process substitutions (`<(…)`).
    pub(crate) proc_substs: Vec<Span>,
}

/// Whether the shell splits an unquoted expansion at `c`: whitespace, or the characters of an
/// `IFS` assigned on the line (an `IFS` of unknown value is taken as the default).
fn is_field_separator(c: char, vars: &HashMap<String, Option<String>>) -> bool {
    match vars.get("IFS") {
        Some(Some(ifs)) => ifs.contains(c),
        _ => c.is_whitespace(),
    }
}

/// Splits arguments the shell would split (`$c` with `c='rm -rf /'`) into one argument per word.
pub(crate) fn split_words(args: Vec<Arg>, vars: &HashMap<String, Option<String>>) -> Vec<Arg> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        if a.split {
            for w in a.value.split(|c| is_field_separator(c, vars)).filter(|w| !w.is_empty()) {
                out.push(Arg {
                    value: w.to_owned(),
                    split: false,
                    substs: Vec::new(),
                    proc_substs: Vec::new(),
                    ..a.clone()
                });
            }
        } else {
            out.push(a);
        }
    }
    out
}

/// Whether literal `text` is a pattern (`*`, `?`, `[a]`; a lone `[` is the test command) and
/// whether it holds a brace expansion (`{rm,-rf,/}`), unless it was quoted.
fn expansions(text: &str, quoted: bool) -> (bool, bool) {
    if quoted {
        return (false, false);
    }
    let bracket = text.find('[').is_some_and(|i| text[i + 1..].contains(']'));
    let glob = text.bytes().any(|c| matches!(c, b'*' | b'?')) || bracket;
    let brace = text.contains('{') && text.contains(',') && text.contains('}');
    (glob, brace)
}

/// [`resolve`], taking the word: a plain literal word gives its text away instead of copying it.
pub(crate) fn resolve_owned(w: Word, vars: &HashMap<String, Option<String>>) -> Arg {
    if let [Part::Lit { quoted, .. }] = w.parts.as_slice() {
        let quoted = *quoted;
        let span = w.span;
        if let Some(Part::Lit { text, .. }) = w.parts.into_iter().next() {
            let (glob, brace) = expansions(&text, quoted);
            return Arg { value: text, glob, brace, span, ..Arg::default() };
        }
        return Arg { span, ..Arg::default() };
    }
    resolve(&w, vars)
}

/// Resolves `w` with the variables known so far (`None` values are known to be unknown).
pub(crate) fn resolve(w: &Word, vars: &HashMap<String, Option<String>>) -> Arg {
    let mut a = Arg { span: w.span, ..Arg::default() };
    for p in &w.parts {
        match p {
            Part::Lit { text, quoted } => {
                let (glob, brace) = expansions(text, *quoted);
                a.glob |= glob;
                a.brace |= brace;
                a.value.push_str(text);
            }
            Part::Home => a.value.push('~'),
            Part::Var { name, plain, quoted } => match (name.as_str(), vars.get(name)) {
                // `a=$a$a` doubles a value each time: past the cap it is unknown, never huge.
                (_, Some(Some(v))) if *plain && a.value.len() + v.len() <= MAX_VALUE_BYTES => {
                    a.value.push_str(v);
                    // An unquoted expansion is split into words: `c='rm -rf /'; $c`, or at the
                    // characters of an `IFS` set earlier (`IFS=,; c=rm,-rf,/; $c`).
                    a.split |= !quoted && v.contains(|c| is_field_separator(c, vars));
                }
                // HOME is always set: `${HOME:?}`, `${HOME:-/root}` are the home directory.
                ("HOME", None) => a.value.push('~'),
                _ => {
                    a.dynamic = true;
                    a.value.push('$');
                    a.value.push_str(name);
                }
            },
            Part::Subst(s) => {
                a.dynamic = true;
                a.value.push_str("$(…)");
                a.substs.push(*s);
            }
            Part::ProcSubst(s) => {
                a.dynamic = true;
                a.value.push_str("/dev/fd/63");
                a.proc_substs.push(*s);
            }
            Part::Opaque => {
                a.dynamic = true;
                a.value.push_str("$?");
            }
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    #[test]
    fn pipelines_and_lists() {
        let cmds = commands(tokenize("FOO=1 echo a | sh && if true; then rm -rf x; fi"));
        assert_eq!(cmds.len(), 4);
        assert_eq!(cmds[0].assigns[0].0, "FOO");
        assert_eq!(cmds[1].piped_from, Some(0));
        assert_eq!(single_literal(&cmds[3].words[0]), Some("rm"));
    }

    #[test]
    fn variables_resolve() {
        let cmds = commands(tokenize("rm -rf $D ${HOME} \"$X\"/*"));
        let mut vars = HashMap::new();
        vars.insert("D".to_owned(), Some("/".to_owned()));
        let args: Vec<Arg> = cmds[0].words.iter().map(|w| resolve(w, &vars)).collect();
        assert_eq!(args[2].value, "/");
        assert_eq!(args[3].value, "~");
        assert!(args[4].dynamic && args[4].glob);
    }
}
