//! [`Table`]: a grid whose cells wrap, whose rows break across pages (a row taller than the room
//! left continues on the next page), and whose header row is repeated on every page it spans.

use super::layout::{BLACK, CONTENT_W, Layout, MARGIN, Rgb3, TOP};
use super::wrap::wrap;

const PAD: f32 = 3.0;
/// Rows up to this height (points) are never split across pages.
const KEEP_WHOLE: f32 = 110.0;
const BORDER: Rgb3 = (0.6, 0.6, 0.6);
const HEADER_FILL: Rgb3 = (0.9, 0.9, 0.9);

/// One cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Text (`\n` for line breaks).
    pub text: String,
    /// Bold face.
    pub bold: bool,
    /// Colour.
    pub colour: Rgb3,
}

impl Cell {
    /// Plain black text.
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            bold: false,
            colour: BLACK,
        }
    }

    /// Bold black text.
    pub fn bold(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            bold: true,
            colour: BLACK,
        }
    }

    /// Text in a colour.
    pub fn coloured(text: impl Into<String>, colour: Rgb3, bold: bool) -> Cell {
        Cell {
            text: text.into(),
            bold,
            colour,
        }
    }
}

/// A table. A row with one cell spans every column.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column widths as fractions of the content width.
    pub widths: Vec<f32>,
    /// Header cells, repeated on each page; empty for none.
    pub header: Vec<Cell>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// Font size.
    pub size: f32,
    /// Whether a row continued on a new page shows its first cell again from the start (the
    /// requirement of a traceability row), rather than leaving it blank.
    pub repeat_first_cell: bool,
}

/// A row's cells wrapped: per cell, its x, width, lines and style.
struct Wrapped {
    cells: Vec<(f32, f32, Vec<String>, bool, Rgb3)>,
    lines: usize,
}

impl Table {
    /// A table with these column fractions, no header and font size 8.
    pub fn new(widths: &[f32]) -> Table {
        Table {
            widths: widths.to_vec(),
            header: Vec::new(),
            rows: Vec::new(),
            size: 8.0,
            repeat_first_cell: false,
        }
    }

    fn wrap_row(&self, layout: &Layout, row: &[Cell]) -> Wrapped {
        let mut x = MARGIN;
        let mut cells = Vec::new();
        let spans = row.len() == 1 && self.widths.len() > 1;
        for (i, cell) in row.iter().enumerate() {
            let frac = if spans {
                1.0
            } else {
                self.widths.get(i).copied().unwrap_or(0.1)
            };
            let w = frac * CONTENT_W;
            let text = layout.fonts.printable(&cell.text);
            let lines = wrap(layout.fonts, &text, w - 2.0 * PAD, self.size, cell.bold);
            cells.push((x, w, lines, cell.bold, cell.colour));
            x += w;
        }
        let lines = cells.iter().map(|c| c.2.len()).max().unwrap_or(1).max(1);
        Wrapped { cells, lines }
    }

    fn line_height(&self) -> f32 {
        self.size * 1.28
    }

    /// Draws lines `from..to` of a wrapped row at the current position.
    fn draw_chunk(&self, layout: &mut Layout, row: &Wrapped, from: usize, to: usize, fill: bool) {
        let lh = self.line_height();
        let h = (to - from) as f32 * lh + 2.0 * PAD;
        let top = layout.y;
        for (i, (x, w, lines, bold, colour)) in row.cells.iter().enumerate() {
            // A continued row repeats its first cell from its first line.
            let repeat = i == 0 && from > 0 && self.repeat_first_cell && row.cells.len() > 1;
            let (from, to) = if repeat { (0, to - from) } else { (from, to) };
            if fill {
                layout.rect(*x, top - h, *w, h, HEADER_FILL, true);
            }
            layout.rect(*x, top - h, *w, h, BORDER, false);
            let mut y = top - PAD;
            for line in lines.iter().take(to).skip(from) {
                y -= lh;
                layout.text_at(x + PAD, y + lh * 0.22, line, self.size, *bold, *colour);
            }
        }
        layout.y = top - h;
    }

    fn draw_header(&self, layout: &mut Layout) {
        if self.header.is_empty() {
            return;
        }
        let header = self.wrap_row(layout, &self.header);
        self.draw_chunk(layout, &header, 0, header.lines, true);
    }

    /// Lays the table out from the current position.
    pub fn draw(&self, layout: &mut Layout) {
        let lh = self.line_height();
        let header_h = if self.header.is_empty() {
            0.0
        } else {
            self.wrap_row(layout, &self.header).lines as f32 * lh + 2.0 * PAD
        };
        let full_page = TOP - super::layout::BOTTOM - header_h;
        // Never leave a header alone at the bottom of a page: keep it with the first row (or as
        // much of it as a page holds).
        let first = self
            .rows
            .first()
            .map(|row| self.wrap_row(layout, row).lines as f32 * lh + 2.0 * PAD)
            .unwrap_or(0.0);
        layout.ensure(header_h + first.min(KEEP_WHOLE).max(lh + 2.0 * PAD));
        self.draw_header(layout);
        for row in &self.rows {
            let wrapped = self.wrap_row(layout, row);
            let height = wrapped.lines as f32 * lh + 2.0 * PAD;
            // A short row is not split: it moves to the next page whole. A tall one continues on
            // the next page rather than leaving most of this one empty.
            if height > layout.room() && height <= full_page.min(KEEP_WHOLE) {
                layout.new_page();
                self.draw_header(layout);
            }
            let mut from = 0;
            while from < wrapped.lines {
                let lines_fitting = |l: &Layout| ((l.room() - 2.0 * PAD) / lh).floor();
                let mut fit = lines_fitting(layout).max(0.0) as usize;
                if fit == 0 {
                    layout.new_page();
                    self.draw_header(layout);
                    // Always progress, even if a page holds less than one line.
                    fit = lines_fitting(layout).max(1.0) as usize;
                }
                let to = (from + fit).min(wrapped.lines);
                self.draw_chunk(layout, &wrapped, from, to, false);
                from = to;
                if from < wrapped.lines {
                    layout.new_page();
                    self.draw_header(layout);
                }
            }
        }
    }
}
