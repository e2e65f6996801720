//! Reading tokens for the parser: one line at a time, matched only as the kinds the grammar
//! allows at that point, with the official parser's look-ahead for tag lines and its handling
//! of comments, empty lines and descriptions.

use super::ast::Comment;
use super::ast::Location;
use super::error::{ErrorKind, ParseError};
use super::line::{Item, Line, is_space};
use super::matcher::{Kind, Matcher, Token};

/// What a tag line belongs to, decided by looking ahead past tags, comments and empty lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagsFor {
    Examples,
    Scenario,
    Rule,
}

/// Tags as read, before they get ids: line and item.
pub type RawTags = Vec<(usize, Item)>;

/// The lines of a source and the matcher's state.
pub struct Reader<'s> {
    lines: Vec<Line<'s>>,
    pos: usize,
    pub matcher: Matcher,
    /// Every comment line, in order.
    pub comments: Vec<Comment>,
}

impl<'s> Reader<'s> {
    /// The lines of `source` (split at `\n` or `\r\n`; one trailing blank line dropped, as the
    /// official scanner does).
    pub fn new(source: &'s str) -> Self {
        let mut texts: Vec<&str> = source
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        if texts
            .last()
            .is_some_and(|l| l.trim_matches(is_space).is_empty())
        {
            texts.pop();
        }
        let lines = texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| Line::new(t, i + 1))
            .collect();
        Reader {
            lines,
            pos: 0,
            matcher: Matcher::new(),
            comments: Vec::new(),
        }
    }

    /// An error worded in the current dialect.
    pub fn error(&self, kind: ErrorKind) -> ParseError {
        ParseError::new(kind, self.matcher.dialect)
    }

    /// The next line as the first of `expected` (official order, tried in [`Kind`] order) that
    /// matches, or the error naming `expected`. A tag line is resolved by looking ahead when
    /// `lookahead` is `Some(examples_possible)`; `tags_for` tells the result.
    pub fn next(
        &mut self,
        expected: &[Kind],
        lookahead: Option<bool>,
    ) -> Result<(Token, Option<TagsFor>), ParseError> {
        let mut order = expected.to_vec();
        order.sort();
        let line = self.lines.get(self.pos).cloned();
        for kind in order {
            if kind == Kind::Eof {
                if line.is_none() {
                    return Ok((self.eof_token(), None));
                }
                continue;
            }
            let matched = self.matcher.try_kind(kind, line.as_ref());
            if let Some(token) = matched.map_err(|e| self.error(e))? {
                self.pos += 1;
                let target = match (kind, lookahead) {
                    (Kind::TagLine, Some(examples)) => Some(self.tags_target(examples)?),
                    _ => None,
                };
                return Ok((token, target));
            }
        }
        let expected = expected.to_vec();
        Err(self.error(match line {
            None => ErrorKind::UnexpectedEof {
                line: self.lines.len() + 1,
                expected,
            },
            Some(l) => ErrorKind::UnexpectedLine {
                line: l.number,
                column: l.indent + 1,
                expected,
                found: l.trimmed.trim_matches(is_space).to_string(),
            },
        }))
    }

    /// Like [`Reader::next`], recording comments and passing over empty lines.
    pub fn next_skip(
        &mut self,
        expected: &[Kind],
        lookahead: Option<bool>,
    ) -> Result<(Token, Option<TagsFor>), ParseError> {
        loop {
            let (token, target) = self.next(expected, lookahead)?;
            match token.kind {
                Kind::Comment => self.comment(&token),
                Kind::Empty => {}
                _ => return Ok((token, target)),
            }
        }
    }

    /// Records a comment line.
    pub fn comment(&mut self, token: &Token) {
        self.comments.push(Comment {
            location: Location::at(token.line, 1),
            text: token.text.clone(),
        });
    }

    fn eof_token(&self) -> Token {
        Token {
            kind: Kind::Eof,
            line: self.lines.len() + 1,
            column: 1,
            keyword: String::new(),
            keyword_type: None,
            text: String::new(),
            items: Vec::new(),
            blank: true,
        }
    }

    /// Examples, scenario or rule tags: the first of `Examples:` (when possible) or `Scenario:`
    /// found past tag lines, comments and empty lines; a rule's otherwise.
    fn tags_target(&mut self, examples_possible: bool) -> Result<TagsFor, ParseError> {
        if examples_possible && self.ahead(Kind::ExamplesLine)? {
            return Ok(TagsFor::Examples);
        }
        if self.ahead(Kind::ScenarioLine)? {
            return Ok(TagsFor::Scenario);
        }
        Ok(TagsFor::Rule)
    }

    fn ahead(&mut self, wanted: Kind) -> Result<bool, ParseError> {
        for i in self.pos..self.lines.len() {
            let line = Some(&self.lines[i]);
            let m = &mut self.matcher;
            if m.try_kind(wanted, line)
                .map_err(|e| ParseError::new(e, m.dialect))?
                .is_some()
            {
                return Ok(true);
            }
            let passable = [Kind::Empty, Kind::Comment, Kind::TagLine];
            let mut passed = false;
            for kind in passable {
                if m.try_kind(kind, line)
                    .map_err(|e| ParseError::new(e, m.dialect))?
                    .is_some()
                {
                    passed = true;
                    break;
                }
            }
            if !passed {
                return Ok(false);
            }
        }
        Ok(false)
    }

    /// The tag lines starting with `first`, up to the `end` line (`Feature:`, `Rule:`,
    /// `Scenario:` or `Examples:`), which is returned.
    pub fn tag_block(&mut self, first: Token, end: Kind) -> Result<(RawTags, Token), ParseError> {
        let mut tags: RawTags = first.items.into_iter().map(|i| (first.line, i)).collect();
        let expected = [Kind::TagLine, end, Kind::Comment, Kind::Empty];
        loop {
            let (token, _) = self.next_skip(&expected, None)?;
            if token.kind != Kind::TagLine {
                return Ok((tags, token));
            }
            tags.extend(token.items.into_iter().map(|i| (token.line, i)));
        }
    }

    /// The description under a title line, and the first line after it. `head` is what may follow
    /// the title (official order, with `Empty` and `Other`); inside the description empty lines
    /// are text.
    pub fn description(
        &mut self,
        head: &[Kind],
        examples_possible: bool,
    ) -> Result<(String, Token, Option<TagsFor>), ParseError> {
        let body: Vec<Kind> = head.iter().copied().filter(|k| *k != Kind::Empty).collect();
        let mut lines: Vec<Token> = Vec::new();
        let mut started = false;
        loop {
            let expected = if started { &body[..] } else { head };
            let (token, target) = self.next(expected, Some(examples_possible))?;
            match token.kind {
                Kind::Empty => {}
                Kind::Comment => {
                    self.comment(&token);
                    started = true;
                }
                Kind::Other => {
                    lines.push(token);
                    started = true;
                }
                _ => {
                    while lines.last().is_some_and(|t| t.blank) {
                        lines.pop();
                    }
                    let text: Vec<&str> = lines.iter().map(|t| t.text.as_str()).collect();
                    return Ok((text.join("\n"), token, target));
                }
            }
        }
    }
}
