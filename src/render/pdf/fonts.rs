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
}

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
        Ok(Fonts {
            regular: parse(REGULAR, "DejaVuSans.ttf")?,
            bold: parse(BOLD, "DejaVuSans-Bold.ttf")?,
        })
    }

    fn face(&self, bold: bool) -> &ParsedFont {
        if bold { &self.bold } else { &self.regular }
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = self.face(bold);
        let upem = f32::from(face.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                face.lookup_glyph_index(c as u32)
                    .and_then(|g| face.get_glyph_width(g))
                    .map(u32::from)
                    .unwrap_or(0)
            })
            .sum();
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
                c if face.lookup_glyph_index(c as u32).is_some() => Some(c),
                _ => Some('?'),
            })
            .collect()
    }
}
