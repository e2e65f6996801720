//! [`Layout`]: flows headings, paragraphs and tables down A4 pages, starting a new page when the
//! current one is full. Page headers and footers are added afterwards (the page count is only
//! known at the end), by [`super::document`].

use printpdf::{Color, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem, WindingOrder};

use super::fonts::{Fonts, bold_id, regular_id};
use super::table::Table;
use super::wrap::wrap;

/// A4 width in points.
pub const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub const PAGE_H: f32 = 841.89;
/// Left and right margin.
pub const MARGIN: f32 = 40.0;
/// Where content starts, below the page header.
pub const TOP: f32 = PAGE_H - 58.0;
/// Where content ends, above the page footer.
pub const BOTTOM: f32 = 48.0;
/// Usable width.
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

/// An RGB colour, components 0–1.
pub type Rgb3 = (f32, f32, f32);
/// Body text.
pub const BLACK: Rgb3 = (0.07, 0.07, 0.07);
/// Secondary text.
pub const GREY: Rgb3 = (0.3, 0.3, 0.3);

/// Colour of a status class (`passed`, `failed`, ...).
pub fn class_colour(class: &str) -> Rgb3 {
    match class {
        "passed" | "PASS" | "PASSED" => (0.04, 0.36, 0.1),
        "failed" | "FAIL" | "FAILED" | "UNDEFINED" => (0.63, 0.0, 0.0),
        "skipped" | "uncovered" | "not-releasable" | "SKIPPED" => (0.55, 0.33, 0.0),
        _ => BLACK,
    }
}

fn rgb(c: Rgb3) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// Pages being laid out.
pub struct Layout<'a> {
    /// The fonts, for measuring.
    pub fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Current baseline position from the bottom of the page.
    pub y: f32,
}

impl<'a> Layout<'a> {
    /// An empty first page.
    pub fn new(fonts: &'a Fonts) -> Layout<'a> {
        Layout {
            fonts,
            pages: Vec::new(),
            ops: Vec::new(),
            y: TOP,
        }
    }

    /// Ends the current page and starts a new one.
    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = TOP;
    }

    /// Starts a new page unless `height` points fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM && self.y < TOP {
            self.new_page();
        }
    }

    /// Room left on this page.
    pub fn room(&self) -> f32 {
        self.y - BOTTOM
    }

    /// Vertical space.
    pub fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    /// Draws one line of text with its baseline at `y`.
    pub fn text_at(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, colour: Rgb3) {
        Self::push_text(&mut self.ops, x, y, s, size, bold, colour);
    }

    /// The operations of one line of text.
    pub fn push_text(
        ops: &mut Vec<Op>,
        x: f32,
        y: f32,
        s: &str,
        size: f32,
        bold: bool,
        colour: Rgb3,
    ) {
        if s.is_empty() {
            return;
        }
        let font = if bold { bold_id() } else { regular_id() };
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFillColor { col: rgb(colour) });
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font),
            size: Pt(size),
        });
        ops.push(Op::SetTextCursor {
            pos: Point { x: Pt(x), y: Pt(y) },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(s.to_string())],
        });
        ops.push(Op::EndTextSection);
    }

    /// A rectangle, filled or stroked.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb3, fill: bool) {
        if fill {
            self.ops.push(Op::SetFillColor { col: rgb(colour) });
        } else {
            self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        }
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(y),
                width: Pt(w),
                height: Pt(h),
                mode: Some(if fill {
                    PaintMode::Fill
                } else {
                    PaintMode::Stroke
                }),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// A heading; kept on the same page as at least a few lines of what follows.
    pub fn heading(&mut self, s: &str, level: u8) {
        let size = match level {
            1 => 16.0,
            2 => 12.5,
            3 => 10.5,
            _ => 9.5,
        };
        self.gap(if level <= 2 { 10.0 } else { 6.0 });
        self.ensure(size * 1.4 + 60.0);
        let text = self.fonts.printable(s);
        for line in wrap(self.fonts, &text, CONTENT_W, size, true) {
            self.y -= size * 1.25;
            self.text_at(MARGIN, self.y, &line, size, true, BLACK);
        }
        if level <= 2 {
            self.y -= 4.0;
            self.rect(MARGIN, self.y, CONTENT_W, 1.2, BLACK, true);
        }
        self.y -= 4.0;
    }

    /// A wrapped paragraph.
    pub fn paragraph(&mut self, s: &str, size: f32, bold: bool, colour: Rgb3) {
        let text = self.fonts.printable(s);
        let lh = size * 1.3;
        for line in wrap(self.fonts, &text, CONTENT_W, size, bold) {
            self.ensure(lh);
            self.y -= lh;
            self.text_at(MARGIN, self.y, &line, size, bold, colour);
        }
        self.y -= size * 0.4;
    }

    /// A table; see [`Table`].
    pub fn table(&mut self, table: &Table) {
        table.draw(self);
        self.y -= 6.0;
    }

    /// The pages laid out (the last one included).
    pub fn finish(mut self) -> Vec<Vec<Op>> {
        if !self.ops.is_empty() || self.pages.is_empty() {
            self.pages.push(std::mem::take(&mut self.ops));
        }
        self.pages
    }
}
