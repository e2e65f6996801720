//! The fonts of the PDF: DejaVu Sans regular and bold, shipped in `assets/fonts/` (licence in
//! `assets/fonts/LICENSE-DejaVu.txt`) and compiled into the binary, so the PDF looks the same on
//! every machine and embeds every glyph it uses (PDF/A).

use printpdf::{FontId, ParsedFont};

use crate::render::RenderError;

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two faces with fixed resource ids (printpdf's own ids come from a process-wide counter,
/// which would make two renders differ).
pub struct Fonts {
    /// Regular face.
    pub regular: ParsedFont,
    /// Bold face.
    pub bold: ParsedFont,
    /// Advance widths (font units) of the characters below [`TABLED`]: regular, bold.
    advances: [Vec<u16>; 2],
    /// Whether the regular face has a glyph, for the characters below [`TABLED`].
    has_glyph: Vec<bool>,
}

/// Characters below this code point have their width and glyph looked up once, at load: two
/// map look-ups per character and face made measuring text 45 % of a report's rendering
/// (docs/performance.md). Latin, Greek, Cyrillic, punctuation and the symbols a report uses are
/// all below; anything above is looked up in the face as before.
const TABLED: u32 = 0x3000;

/// Resource id of the regular face; also the source of its subset tag.
pub fn regular_id() -> FontId {
    FontId("QFYREG".into())
}

/// Resource id of the bold face.
pub fn bold_id() -> FontId {
    FontId("QFYBLD".into())
}

impl Fonts {
    /// Parses the shipped fonts.
    pub fn load() -> Result<Fonts, RenderError> {
        let parse = |bytes: &[u8], name: &str| {
            let mut warnings = Vec::new();
            ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| {
                RenderError::Pdf(format!("the shipped font {name} cannot be parsed"))
            })
        };
        let regular = parse(REGULAR, "DejaVuSans.ttf")?;
        let bold = parse(BOLD, "DejaVuSans-Bold.ttf")?;
        let advances = [table(&regular), table(&bold)];
        let has_glyph = (0..TABLED)
            .map(|c| regular.lookup_glyph_index(c).is_some())
            .collect();
        Ok(Fonts {
            regular,
            bold,
            advances,
            has_glyph,
        })
    }

    fn face(&self, bold: bool) -> &ParsedFont {
        if bold { &self.bold } else { &self.regular }
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.points(self.units(text, bold), size, bold)
    }

    /// Width of `text` in font units: a whole number, so the widths of pieces add up exactly to
    /// the width of the text they make (line breaking measures incrementally).
    pub fn units(&self, text: &str, bold: bool) -> u32 {
        text.chars().map(|c| self.char_units(c, bold)).sum()
    }

    /// Width of one character in font units (0 when the face has no glyph for it).
    pub fn char_units(&self, c: char, bold: bool) -> u32 {
        let table = &self.advances[usize::from(bold)];
        match table.get(c as usize) {
            Some(w) => u32::from(*w),
            None => advance(self.face(bold), c as u32),
        }
    }

    /// `units` font units in points at `size`.
    pub fn points(&self, units: u32, size: f32, bold: bool) -> f32 {
        let upem = f32::from(self.face(bold).units_per_em.max(1));
        units as f32 * size / upem
    }

    /// `text` with what the font cannot show replaced: tabs by spaces, other control characters
    /// dropped, characters without a glyph by `?` (a missing glyph would print as nothing).
    pub fn printable(&self, text: &str) -> String {
        let face = &self.regular;
        text.chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                '\n' => Some('\n'),
                c if c.is_control() => None,
                c if self
                    .has_glyph
                    .get(c as usize)
                    .copied()
                    .unwrap_or_else(|| face.lookup_glyph_index(c as u32).is_some()) =>
                {
                    Some(c)
                }
                _ => Some('?'),
            })
            .collect()
    }
}

/// Advance width of code point `c` in `face`'s units, 0 without a glyph.
fn advance(face: &ParsedFont, c: u32) -> u32 {
    face.lookup_glyph_index(c)
        .and_then(|g| face.get_glyph_width(g))
        .map(u32::from)
        .unwrap_or(0)
}

/// The advance widths of every code point below [`TABLED`].
fn table(face: &ParsedFont) -> Vec<u16> {
    (0..TABLED)
        .map(|c| u16::try_from(advance(face, c)).unwrap_or(u16::MAX))
        .collect()
}
