//! One line of a feature file as the token matcher sees it: indentation, trimmed text, table
//! cells with escapes, tags. Whitespace and column rules follow the official JavaScript
//! implementation (columns count Unicode code points, 1-based).

use super::error::ErrorKind;

/// Whitespace as JavaScript's `\s` and `trim()` define it (the official parser trims with them).
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// Whitespace trimmed around a table cell: newlines (from `\n` escapes) stay.
fn is_cell_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{b}' | '\u{c}' | '\r' | '\u{85}' | '\u{a0}'
    )
}

/// A text item of a line (a tag or a cell) and its 1-based column.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Column of the item's first character.
    pub column: usize,
    /// The item's text.
    pub text: String,
}

/// A line of source without its line break.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// The whole line.
    pub text: &'a str,
    /// The line without leading whitespace.
    pub trimmed: &'a str,
    /// Leading whitespace, in characters.
    pub indent: usize,
    /// 1-based line number.
    pub number: usize,
}

impl<'a> Line<'a> {
    /// Line `number` with text `text`.
    pub fn new(text: &'a str, number: usize) -> Self {
        let trimmed = text.trim_start_matches(is_space);
        let indent = text[..text.len() - trimmed.len()].chars().count();
        Line {
            text,
            trimmed,
            indent,
            number,
        }
    }

    /// True when the line holds only whitespace.
    pub fn is_empty(&self) -> bool {
        self.trimmed.is_empty()
    }

    /// The trimmed text after its first `chars` characters, trimmed on both sides.
    pub fn rest_trimmed(&self, chars: usize) -> &'a str {
        let start = self
            .trimmed
            .char_indices()
            .nth(chars)
            .map_or(self.trimmed.len(), |(i, _)| i);
        self.trimmed[start..].trim_matches(is_space)
    }

    /// The line without `indent` leading characters, or trimmed when it is indented less (or
    /// `indent` is `None`).
    pub fn text_without_indent(&self, indent: Option<usize>) -> &'a str {
        match indent {
            Some(n) if n <= self.indent => {
                let start = self
                    .text
                    .char_indices()
                    .nth(n)
                    .map_or(self.text.len(), |(i, _)| i);
                &self.text[start..]
            }
            _ => self.trimmed,
        }
    }

    /// The cells of a table row: text between pipes, trimmed, with `\|`, `\\` and `\n`
    /// unescaped. Text before the first and after the last pipe is not a cell.
    pub fn table_cells(&self) -> Vec<Item> {
        let mut cells = Vec::new();
        let mut chars = self.trimmed.chars();
        let mut col = 0usize;
        let mut start_col = 1usize;
        let mut cell = String::new();
        let mut first = true;
        while let Some(c) = chars.next() {
            col += 1;
            match c {
                '|' => {
                    if !first {
                        let left = cell.trim_start_matches(is_cell_space);
                        let cell_indent = cell.chars().count() - left.chars().count();
                        cells.push(Item {
                            column: self.indent + start_col + cell_indent,
                            text: left.trim_end_matches(is_cell_space).to_string(),
                        });
                    }
                    first = false;
                    cell.clear();
                    start_col = col + 1;
                }
                '\\' => {
                    col += 1;
                    match chars.next() {
                        Some('n') => cell.push('\n'),
                        Some(e @ ('|' | '\\')) => cell.push(e),
                        Some(other) => {
                            cell.push('\\');
                            cell.push(other);
                        }
                        // A backslash ending the line stays a backslash.
                        None => cell.push('\\'),
                    }
                }
                _ => cell.push(c),
            }
        }
        cells
    }

    /// The tags of a tag line (a ` #` starts a comment), each `@name` with its column; a tag
    /// with whitespace in it is an error.
    pub fn tags(&self) -> Result<Vec<Item>, ErrorKind> {
        let uncommented = split_comment(self.trimmed);
        let mut column = self.indent + 1;
        let mut tags = Vec::new();
        for item in uncommented.split('@') {
            let name = item.trim_end_matches(is_space);
            if !name.is_empty() {
                if name.chars().any(is_space) {
                    return Err(ErrorKind::TagWhitespace {
                        line: self.number,
                        column,
                    });
                }
                tags.push(Item {
                    column,
                    text: format!("@{name}"),
                });
                // As the official matcher: only a non-empty item moves the column on.
                column += item.chars().count() + 1;
            }
        }
        Ok(tags)
    }
}

/// The text before the first whitespace-then-`#`.
fn split_comment(text: &str) -> &str {
    let mut prev_space = false;
    for (i, c) in text.char_indices() {
        if c == '#' && prev_space {
            let before = text[..i].char_indices().next_back().map_or(0, |(j, _)| j);
            return &text[..before];
        }
        prev_space = is_space(c);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<String> {
        Line::new(text, 1)
            .table_cells()
            .into_iter()
            .map(|c| c.text)
            .collect()
    }

    #[test]
    fn cells_unescape_and_ignore_text_outside_the_pipes() {
        assert_eq!(
            cells(r"  | a \| b | c\\d | e\nf | g\x |"),
            ["a | b", r"c\d", "e\nf", r"g\x"]
        );
        assert_eq!(cells("| a | b | trailing"), ["a", "b"]);
        assert_eq!(cells(r"| a | b\"), ["a"]);
        let cols: Vec<usize> = Line::new("    |  x | yy |", 1)
            .table_cells()
            .iter()
            .map(|c| c.column)
            .collect();
        assert_eq!(cols, [8, 12]);
    }

    #[test]
    fn tags_stop_at_a_comment_and_reject_whitespace() {
        let tags = Line::new("  @a @b #c @d", 1).tags().unwrap();
        let names: Vec<&str> = tags.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(names, ["@a", "@b"]);
        assert_eq!(tags[1].column, 6);
        assert!(Line::new("@a b", 3).tags().is_err());
    }
}
