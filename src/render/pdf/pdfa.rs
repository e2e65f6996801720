//! PDF/A-1b on top of what printpdf writes: PDF 1.4, a document information dictionary and XMP
//! metadata that agree, an sRGB output intent (ICC profile from Debian's icc-profiles-free,
//! shipped in `assets/icc/` with its licence), a file identifier and dates derived from the
//! package (never random, never the clock), and no encryption. Fonts are embedded by printpdf.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};

use crate::render::RenderError;

const SRGB_ICC: &[u8] = include_bytes!("../../../assets/icc/sRGB.icc");
const SRGB_NAME: &str = "sRGB IEC61966-2.1";

/// What the metadata says.
pub struct PdfaInfo {
    /// Document title.
    pub title: String,
    /// Subject (status and system).
    pub subject: String,
    /// Creation and modification time: the package's, RFC 3339 UTC.
    pub date: String,
    /// Seed of the file identifier (package id and digest).
    pub id_seed: String,
}

/// A text string for the information dictionary: PDFDocEncoding is ASCII-compatible, anything
/// else goes as UTF-16BE with a byte order mark.
fn pdf_text(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `2025-06-30T22:15:09Z` → (`D:20250630221509+00'00'`, `2025-06-30T22:15:09+00:00`).
fn dates(rfc3339: &str) -> Result<(String, String), RenderError> {
    let t = crate::utc::parse(rfc3339)
        .map_err(|e| RenderError::Pdf(format!("the package time: {e}")))?;
    Ok((
        t.format("D:%Y%m%d%H%M%S+00'00'").to_string(),
        t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
    ))
}

fn xmp(info: &PdfaInfo, creator: &str, producer: &str, date: &str) -> String {
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{producer}</pdf:Producer>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>1</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{feff}',
        title = xml_escape(&info.title),
        subject = xml_escape(&info.subject),
        creator = xml_escape(creator),
        producer = xml_escape(producer),
    )
}

fn root_id(doc: &Document) -> Result<ObjectId, RenderError> {
    doc.trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| RenderError::Pdf(format!("printpdf wrote no catalog: {e}")))
}

/// Makes `doc` a PDF/A-1b document.
pub fn make_pdfa(doc: &mut Document, info: &PdfaInfo) -> Result<(), RenderError> {
    let (pdf_date, xmp_date) = dates(&info.date)?;
    let creator = format!("qualify {}", env!("CARGO_PKG_VERSION"));
    let producer = format!("qualify {} with printpdf", env!("CARGO_PKG_VERSION"));
    doc.version = "1.4".into();

    let mut docinfo = Dictionary::new();
    docinfo.set("Title", pdf_text(&info.title));
    docinfo.set("Subject", pdf_text(&info.subject));
    docinfo.set("Creator", pdf_text(&creator));
    docinfo.set("Producer", pdf_text(&producer));
    docinfo.set("CreationDate", pdf_text(&pdf_date));
    docinfo.set("ModDate", pdf_text(&pdf_date));
    let info_id = doc.add_object(docinfo);

    let mut meta_dict = Dictionary::new();
    meta_dict.set("Type", Object::Name(b"Metadata".to_vec()));
    meta_dict.set("Subtype", Object::Name(b"XML".to_vec()));
    // PDF/A-1 wants the metadata readable without decoding: never compress it.
    let metadata = Stream::new(
        meta_dict,
        xmp(info, &creator, &producer, &xmp_date).into_bytes(),
    )
    .with_compression(false);
    let metadata_id = doc.add_object(metadata);

    let mut icc_dict = Dictionary::new();
    icc_dict.set("N", Object::Integer(3));
    let icc_id = doc.add_object(Stream::new(icc_dict, SRGB_ICC.to_vec()));
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    intent.set("OutputConditionIdentifier", pdf_text(SRGB_NAME));
    intent.set("Info", pdf_text(SRGB_NAME));
    intent.set("DestOutputProfile", Object::Reference(icc_id));
    // Validators expect the output intent as an indirect object.
    let intent_id = doc.add_object(intent);

    let root = root_id(doc)?;
    let catalog = doc
        .get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .map_err(|e| RenderError::Pdf(format!("the catalog is not a dictionary: {e}")))?;
    catalog.set("Metadata", Object::Reference(metadata_id));
    catalog.set(
        "OutputIntents",
        Object::Array(vec![Object::Reference(intent_id)]),
    );

    let digest = Sha256::digest(info.id_seed.as_bytes());
    let file_id = digest.get(..16).map(<[u8]>::to_vec).unwrap_or_default();
    doc.trailer.set("Info", Object::Reference(info_id));
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(file_id.clone(), StringFormat::Hexadecimal),
            Object::String(file_id, StringFormat::Hexadecimal),
        ]),
    );
    doc.trailer.remove(b"Encrypt");
    // Drop printpdf's own metadata, output intent and information objects, now unreferenced.
    doc.prune_objects();
    doc.renumber_objects();
    doc.compress();
    Ok(())
}
