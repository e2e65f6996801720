//! The PDF rendition: the report's sections laid out in order, every page stamped with the
//! package id, the digest and "page n of N", then made PDF/A-1b by [`super::pdfa`].

use printpdf::{Mm, Op, PdfDocument, PdfFont, PdfPage, PdfSaveOptions};

use super::fonts::{Fonts, bold_id, regular_id};
use super::layout::{BLACK, GREY, Layout, MARGIN, PAGE_H, PAGE_W, class_colour};
use super::pdfa::{PdfaInfo, make_pdfa};
use super::table::{Cell, Table};
use crate::render::{Field, RenderError, Report, ScenarioSection, StepRow};

/// Colour of the pointer after a text cut short.
const CUT: super::layout::Rgb3 = (0.55, 0.33, 0.0);

fn kv(fields: &[Field]) -> Table {
    let mut t = Table::new(&[0.24, 0.76]);
    t.rows = fields
        .iter()
        .map(|f| vec![Cell::bold(f.label.clone()), Cell::plain(f.value.clone())])
        .collect();
    t
}

fn header(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|c| Cell::bold(*c)).collect()
}

fn cover(l: &mut Layout, r: &Report) {
    l.heading("Validation report", 1);
    if !r.project_name.is_empty() {
        l.paragraph(&r.project_name, 11.0, true, BLACK);
    }
    l.gap(4.0);
    l.paragraph(
        &format!("Overall status: {}", r.status),
        14.0,
        true,
        class_colour(&r.status_class),
    );
    for reason in &r.status_reasons {
        l.paragraph(&format!("• {reason}"), 8.5, false, BLACK);
    }
    l.heading("1. Cover", 2);
    l.table(&kv(&r.cover));
}

fn approvals(l: &mut Layout, r: &Report) {
    l.heading("2. Approvals", 2);
    if !r.approvals.is_empty() {
        // The fingerprint gets a full-width row of its own, so that nothing in the table has
        // to break inside a word.
        let mut t = Table::new(&[0.25, 0.25, 0.2, 0.3]);
        t.header = header(&["Printed name", "Role", "Meaning", "Date and time (UTC)"]);
        for a in &r.approvals {
            t.rows.push(vec![
                Cell::bold(a.name.clone()),
                Cell::plain(a.role.clone()),
                Cell::plain(a.meaning.clone()),
                Cell::plain(a.signed_at.clone()),
            ]);
            t.rows.push(vec![Cell::coloured(
                format!("Key fingerprint {} — {}", a.key, a.file),
                GREY,
                false,
            )]);
        }
        l.table(&t);
    }
    for p in &r.approvals_pending {
        l.paragraph(&format!("Pending: {p}"), 8.5, false, GREY);
    }
}

fn context(l: &mut Layout, r: &Report) {
    l.heading("3. Purpose, scope and intended use", 2);
    l.table(&kv(&r.purpose));
    l.heading("Features", 3);
    l.table(&kv(&r.feature_descriptions));
    l.heading("4. Environment", 2);
    l.table(&kv(&r.environment));
    // 7 pt lets a whole SHA-256 fit on one line.
    let mut t = Table::new(&[0.12, 0.31, 0.57]);
    t.size = 7.0;
    t.header = header(&["Role", "Path", "SHA-256"]);
    t.rows = r
        .environment_files
        .iter()
        .map(|f| {
            vec![
                Cell::plain(f.role.clone()),
                Cell::plain(f.path.clone()),
                Cell::plain(f.sha256.clone()),
            ]
        })
        .collect();
    l.table(&t);
}

fn matrix(l: &mut Layout, r: &Report) {
    l.heading("5. Requirement traceability matrix", 2);
    let mut t = Table::new(&[0.13, 0.2, 0.13, 0.54]);
    t.header = header(&[
        "Requirement",
        "Title",
        "Result",
        "Scenarios; evidence: attachment and SHA-256 (first 16 digits, in full in section 6)",
    ]);
    t.size = 7.5;
    t.repeat_first_cell = true;
    t.rows = r
        .requirements
        .iter()
        .map(|req| {
            let mut scen = String::new();
            for s in &req.scenarios {
                scen.push_str(&format!("{} {} ({})\n", s.status, s.name, s.id));
                if !s.evidence.is_empty() {
                    scen.push_str(&format!("   evidence: {}\n", s.evidence.join(", ")));
                }
            }
            if scen.is_empty() {
                scen.push_str("no scenario");
            }
            let id = if req.risk.is_empty() {
                req.id.clone()
            } else {
                format!("{}\nrisk {}", req.id, req.risk)
            };
            vec![
                Cell::bold(id),
                Cell::plain(req.title.clone()),
                Cell::coloured(req.result.clone(), class_colour(&req.result_class), true),
                Cell::plain(scen.trim_end().to_string()),
            ]
        })
        .collect();
    l.table(&t);
}

fn scenarios(l: &mut Layout, r: &Report) {
    l.heading("6. Scenarios", 2);
    for f in &r.features {
        l.heading(&f.name, 3);
        l.paragraph(&f.source, 7.5, false, GREY);
        for sc in &f.scenarios {
            l.ensure(90.0);
            l.gap(2.0);
            l.paragraph(
                &format!("{}  {}  ({})", sc.status, sc.name, sc.id),
                9.5,
                true,
                class_colour(&sc.status_class),
            );
            l.table(&kv(&sc.facts));
            let mut t = Table::new(&[0.3, 0.29, 0.29, 0.12]);
            t.header = header(&["Step / check", "Expected", "Actual", "Result"]);
            t.size = 7.5;
            for st in &sc.steps {
                t.rows.push(vec![
                    Cell::bold(st.text.clone()),
                    Cell::plain(""),
                    Cell::plain(""),
                    Cell::coloured(st.status.clone(), class_colour(&st.status_class), true),
                ]);
                record_rows(&mut t, st);
                for c in &st.checks {
                    t.rows.push(vec![
                        Cell::plain(c.check.clone()),
                        Cell::plain(c.expected.clone()),
                        Cell::plain(c.actual.clone()),
                        Cell::coloured(c.result.clone(), class_colour(&c.result), true),
                    ]);
                }
                if !st.error.is_empty() {
                    t.rows.push(vec![Cell::coloured(
                        st.error.clone(),
                        class_colour("failed"),
                        false,
                    )]);
                }
            }
            l.table(&t);
            attachments(l, sc);
        }
    }
}

/// What a step sent and what came back, as rows spanning the table; a cut text ends with its
/// pointer in the colour of a warning.
fn record_rows(t: &mut Table, st: &StepRow) {
    if !st.written.text.is_empty() {
        let text = format!("As written:\n{}", keep_indent(&st.written.text));
        text_rows(t, text, &st.written.cut);
    }
    if !st.input_summary.is_empty() {
        let mut text = format!("Sent: {}", st.input_summary);
        // A body of one line (`{}`, a short object) stays on the summary's line.
        match st.input.text.contains('\n') {
            false if !st.input.text.is_empty() => {
                text.push_str(&format!("; body {}", st.input.text));
            }
            false => {}
            true => {
                text.push('\n');
                text.push_str(&keep_indent(&st.input.text));
            }
        }
        for row in &st.input_table {
            text.push_str(&format!("\n| {} |", row.join(" | ")));
        }
        text_rows(t, text, &st.input.cut);
    }
    if !st.output.text.is_empty() {
        let text = format!("Reply: {}", keep_indent(&st.output.text));
        text_rows(t, text, &st.output.cut);
    }
}

/// `text` as a row spanning the table, then its cut pointer (if any) in a warning's colour.
fn text_rows(t: &mut Table, text: String, cut: &str) {
    t.rows.push(vec![Cell::plain(text)]);
    if !cut.is_empty() {
        t.rows
            .push(vec![Cell::coloured(cut.to_string(), CUT, false)]);
    }
}

/// Leading spaces as no-break spaces, which line breaking keeps: the indentation of pretty JSON
/// shows its nesting.
fn keep_indent(text: &str) -> String {
    text.lines()
        .map(|line| {
            let body = line.trim_start_matches(' ');
            let indent = line.len() - body.len();
            format!("{}{body}", "\u{a0}".repeat(indent))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The files backing a scenario, each once, with size and full SHA-256.
fn attachments(l: &mut Layout, sc: &ScenarioSection) {
    if sc.attachments.is_empty() {
        return;
    }
    // 7 pt and 57 % let a whole SHA-256 fit on one line, as in the environment's file table.
    let mut t = Table::new(&[0.43, 0.57]);
    t.size = 7.0;
    t.header = header(&["Attachment, size, what it holds", "SHA-256"]);
    t.rows = sc
        .attachments
        .iter()
        .map(|a| {
            vec![
                Cell::plain(format!("{}\n{} bytes; {}", a.path, a.size, a.description)),
                Cell::plain(a.sha256.clone()),
            ]
        })
        .collect();
    l.table(&t);
}

fn closing(l: &mut Layout, r: &Report) {
    l.heading("7. Deviations, impact assessment, audit trail", 2);
    l.heading("Deviations", 3);
    if r.deviations.is_empty() {
        l.paragraph(
            "No deviation is recorded in this package.",
            8.5,
            false,
            GREY,
        );
    } else {
        let mut t = Table::new(&[0.1, 0.3, 0.3, 0.3]);
        t.header = header(&["Id", "Scenario and step", "Deviation", "Disposition"]);
        t.rows = r
            .deviations
            .iter()
            .map(|d| {
                vec![
                    Cell::bold(d.id.clone()),
                    Cell::plain(d.location.clone()),
                    Cell::plain(d.description.clone()),
                    Cell::plain(d.disposition.clone()),
                ]
            })
            .collect();
        l.table(&t);
    }
    l.heading("Impact assessment", 3);
    l.table(&kv(&r.impact));
    l.heading("Audit trail", 3);
    if !r.audit.is_empty() {
        let mut t = Table::new(&[0.05, 0.23, 0.15, 0.16, 0.41]);
        t.header = header(&["#", "UTC", "Who", "Action", "What and why"]);
        t.rows = r
            .audit
            .iter()
            .map(|e| {
                vec![
                    Cell::plain(e.seq.clone()),
                    Cell::plain(e.at.clone()),
                    Cell::plain(e.who.clone()),
                    Cell::plain(e.action.clone()),
                    Cell::plain(e.why.clone()),
                ]
            })
            .collect();
        l.table(&t);
    }
    l.paragraph(&r.audit_note, 8.5, false, GREY);
    l.heading("8. Summary and conclusion", 2);
    l.table(&kv(&r.summary));
    l.paragraph(
        &format!("{}. {}", r.status, r.conclusion),
        9.5,
        true,
        class_colour(&r.status_class),
    );
    l.heading("How to check this report", 3);
    for v in &r.verification {
        l.paragraph(&format!("• {v}"), 8.5, false, BLACK);
    }
}

/// Renders the report as PDF/A-1b bytes. The same report gives the same bytes. Phases: lay out
/// the sections, add the running heads and feet, then build and save the PDF/A document.
pub fn render_pdf(report: &Report) -> Result<Vec<u8>, RenderError> {
    let fonts = Fonts::load()?;
    let mut l = Layout::new(&fonts);
    cover(&mut l, report);
    approvals(&mut l, report);
    context(&mut l, report);
    matrix(&mut l, report);
    scenarios(&mut l, report);
    closing(&mut l, report);
    let pdf_pages = with_running_heads(&fonts, report, l.finish());
    save_pdfa(&fonts, report, pdf_pages)
}

/// Every page with the package and digest at the head, the status and page number at the foot.
fn with_running_heads(fonts: &Fonts, report: &Report, pages: Vec<Vec<Op>>) -> Vec<PdfPage> {
    let total = pages.len();
    let head_left = fonts.printable(&format!(
        "Validation report · package {}",
        report.package_id
    ));
    let head_right = fonts.printable(&format!("{}: {}", report.digest_label, report.digest));
    let foot_left = fonts.printable(&format!(
        "Status {} · generated {}",
        report.status, report.generated_at
    ));
    pages
        .into_iter()
        .enumerate()
        .map(|(i, mut ops)| {
            let size = 7.0;
            let y_head = PAGE_H - 30.0;
            Layout::push_text(&mut ops, MARGIN, y_head, &head_left, size, true, GREY);
            Layout::push_text(
                &mut ops,
                MARGIN,
                y_head - 10.0,
                &head_right,
                size,
                false,
                GREY,
            );
            let pages_text = format!("Page {} of {}", i + 1, total);
            let w = fonts.width(&pages_text, size, true);
            Layout::push_text(&mut ops, MARGIN, 28.0, &foot_left, size, false, GREY);
            Layout::push_text(
                &mut ops,
                PAGE_W - MARGIN - w,
                28.0,
                &pages_text,
                size,
                true,
                GREY,
            );
            PdfPage::new(Mm(210.0), Mm(297.0), ops)
        })
        .collect()
}

/// The document with its fonts and pages, made PDF/A-1b and saved to bytes.
fn save_pdfa(fonts: &Fonts, report: &Report, pages: Vec<PdfPage>) -> Result<Vec<u8>, RenderError> {
    let title = format!("Validation report {}", report.package_id);
    let mut doc = PdfDocument::new(&title);
    doc.resources
        .fonts
        .map
        .insert(regular_id(), PdfFont::new(fonts.regular.clone()));
    doc.resources
        .fonts
        .map
        .insert(bold_id(), PdfFont::new(fonts.bold.clone()));
    doc.with_pages(pages);
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    make_pdfa(
        &mut lo,
        &PdfaInfo {
            title,
            subject: format!("{} — {}", report.status, report.system),
            date: report.generated_at.clone(),
            id_seed: format!("{} {}", report.package_id, report.digest),
        },
    )?;
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| RenderError::Pdf(format!("cannot serialise: {e}")))?;
    Ok(bytes)
}
