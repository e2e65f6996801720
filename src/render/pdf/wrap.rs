//! Line breaking: text into lines no wider than a column, breaking between words and, for
//! words longer than the column (digests, JSON), between characters. Nothing is ever cut off.

use super::fonts::Fonts;

/// Breaks `text` (already printable, `\n` for hard breaks) into lines of at most `width` points.
pub fn wrap(fonts: &Fonts, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if fonts.width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: break it by characters if it is still too wide.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if fonts.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
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
