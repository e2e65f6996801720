//! The PDF rendition: fonts, line breaking, page layout, tables, the document, PDF/A.

mod document;
mod fonts;
mod layout;
mod pdfa;
mod table;
mod wrap;

pub use document::render_pdf;
