//! Line breaking: text into lines no wider than a column, breaking between words and, for
//! words longer than the column (digests, JSON), between characters. Nothing is ever cut off.

use super::fonts::Fonts;

/// Breaks `text` (already printable, `\n` for hard breaks) into lines of at most `width` points.
///
/// Widths are kept as running sums of font units ([`Fonts::units`]) rather than measuring each
/// candidate line from its start again, which made breaking quadratic in the line's length; the
/// sums are whole numbers, so every comparison, and so every line, is what measuring the whole
/// candidate gives.
pub fn wrap(fonts: &Fonts, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let space = fonts.char_units(' ', bold);
    let fits = |units: u32| fonts.points(units, size, bold) <= width;
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_units = 0u32;
        for word in para.split(' ') {
            let word_units = fonts.units(word, bold);
            let candidate = if line.is_empty() {
                word_units
            } else {
                line_units + space + word_units
            };
            if fits(candidate) {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_units = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: break it by characters if it is still too wide.
            let (piece, piece_units) = break_word(fonts, word, bold, &fits, &mut lines);
            line = piece;
            line_units = piece_units;
        }
        lines.push(line);
    }
    lines
}

/// Pushes the full-width pieces of `word` to `lines`; returns the last piece and its width.
fn break_word(
    fonts: &Fonts,
    word: &str,
    bold: bool,
    fits: &dyn Fn(u32) -> bool,
    lines: &mut Vec<String>,
) -> (String, u32) {
    let mut piece = String::new();
    let mut units = 0u32;
    let mut chars = 0usize;
    for c in word.chars() {
        let w = fonts.char_units(c, bold);
        piece.push(c);
        units += w;
        chars += 1;
        if !fits(units) && chars > 1 {
            piece.pop();
            lines.push(std::mem::take(&mut piece));
            piece.push(c);
            units = w;
            chars = 1;
        }
    }
    (piece, units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_and_no_character_is_lost() {
        let fonts = Fonts::load().unwrap();
        let digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let text = format!("The digest {digest} and {{\"a\":[1,2,3]}}\nsecond paragraph");
        for width in [40.0, 90.0, 300.0] {
            let lines = wrap(&fonts, &text, width, 8.0, false);
            for line in &lines {
                assert!(
                    fonts.width(line, 8.0, false) <= width,
                    "{line:?} wider than {width}"
                );
            }
            let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let original: String = text.chars().filter(|c| *c != ' ' && *c != '\n').collect();
            assert_eq!(joined, original);
        }
        assert_eq!(wrap(&fonts, "a\nb", 300.0, 8.0, false), vec!["a", "b"]);
    }

    #[test]
    fn unprintable_characters_are_replaced_not_dropped_silently() {
        let fonts = Fonts::load().unwrap();
        assert_eq!(fonts.printable("a\tb\u{7}c\n\u{10FFFD}"), "a bc\n?");
    }
}
