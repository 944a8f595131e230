//! `homeward import FILE.ndjson --as EMAIL`: loads cases, one JSON object per line, in the body
//! format of `POST /api/v1/cases`, with two fields more: `case_ref` (the sender's own id for the
//! case, kept with it and answered beside the case's number; a reference the organisation
//! imported before is not opened again, so an import can be run twice) and `indicators`
//! (trafficking indicators of the catalogue, recorded on the case as observed). Each case is opened as the user named, through
//! the same store command as the API, so it is checked, audited and later linked like any other.
//!
//! A bad line (not UTF-8, not JSON, a report the API would refuse, an unknown indicator) is
//! reported with its line number and skipped; the rest are loaded. A database failure stops the
//! import, also one while recording a case's indicators: the lines after it are not tried, and
//! the report says how far it got.

use std::io::{BufRead, Write};

use anyhow::Context;
use homeward_domain::case::NewCase;
use homeward_domain::org::Actor;
use homeward_domain::view::CaseChange;
use homeward_domain::{CaseId, DomainError};
use homeward_risk::Catalogue;
use homeward_store::{Imported, Store, StoreError};
use serde_json::Value;

/// The longest `case_ref` kept.
const MAX_CASE_REF: usize = 200;

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub loaded: usize,
    /// Lines whose `case_ref` the organisation had imported before: not opened again.
    pub before: usize,
    pub skipped: usize,
}

/// One line, read: the report, the sender's id and the indicators.
struct Line {
    case: NewCase,
    case_ref: Option<String>,
    indicators: Vec<String>,
}

/// Imports every line of `input` as `actor`; writes `line,case_id,case_number,case_ref` for each
/// case opened to `out` and each skipped line's reason to `err`.
pub fn run(
    store: &dyn Store,
    actor: &Actor,
    catalogue: &Catalogue,
    input: impl BufRead,
    out: &mut impl Write,
    err: &mut impl Write,
) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    let mut rows = csv::Writer::from_writer(out);
    rows.write_record(["line", "case_id", "case_number", "case_ref"])?;
    for (index, bytes) in input.split(b'\n').enumerate() {
        let number = index + 1;
        let bytes = bytes.with_context(|| format!("cannot read line {number}"))?;
        let Ok(text) = String::from_utf8(bytes) else {
            writeln!(err, "line {number}: not UTF-8 text; skipped")?;
            summary.skipped += 1;
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let line = match parse(&text, catalogue) {
            Ok(line) => line,
            Err(why) => {
                writeln!(err, "line {number}: {why}; skipped")?;
                summary.skipped += 1;
                continue;
            }
        };
        let opened = match line.case_ref.clone() {
            Some(case_ref) => store.import_case(actor, line.case, case_ref),
            None => store.create_case(actor, line.case).map(|view| Imported::Opened(Box::new(view))),
        };
        let view = match opened {
            Ok(Imported::Opened(view)) => view,
            Ok(Imported::Before { case_id, number: case_number }) => {
                let case_ref = line.case_ref.as_deref().unwrap_or("");
                writeln!(
                    err,
                    "line {number}: `{case_ref}` was imported before as case {case_number}; not opened again"
                )?;
                row(&mut rows, number, case_id, &case_number, case_ref)?;
                summary.before += 1;
                continue;
            }
            Err(e @ (StoreError::Domain(_) | StoreError::Denied(_) | StoreError::NotFound(_))) => {
                writeln!(err, "line {number}: {e}; skipped")?;
                summary.skipped += 1;
                continue;
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("line {number}: the database failed; {} cases were loaded before it", summary.loaded)
                });
            }
        };
        let case = view.case.id;
        for indicator in line.indicators {
            let change = CaseChange::ObserveIndicator { indicator: indicator.clone(), evidence: None };
            match store.change_case(actor, case, change) {
                Ok(_) => {}
                // Recorded already by an earlier entry of the same list.
                Err(StoreError::Domain(DomainError::NoChange(_))) => {}
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!(
                            "line {number}: case {} was opened but indicator `{indicator}` could not be recorded; \
                             {} cases were loaded before it",
                            view.case.number, summary.loaded
                        )
                    });
                }
            }
        }
        row(&mut rows, number, case, &view.case.number, line.case_ref.as_deref().unwrap_or(""))?;
        summary.loaded += 1;
    }
    Ok(summary)
}

fn parse(text: &str, catalogue: &Catalogue) -> Result<Line, String> {
    let mut value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON ({e})"))?;
    let object = value.as_object_mut().ok_or("not a JSON object")?;
    let case_ref = match object.remove("case_ref") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() && s.trim().chars().count() <= MAX_CASE_REF => {
            Some(s.trim().to_owned())
        }
        Some(_) => return Err(format!("`case_ref` must be a string of 1 to {MAX_CASE_REF} characters")),
    };
    let indicators = match object.remove("indicators") {
        None | Some(Value::Null) => Vec::new(),
        Some(list) => serde_json::from_value::<Vec<String>>(list)
            .map_err(|_| "`indicators` must be a list of indicator ids".to_owned())?,
    };
    for id in &indicators {
        catalogue.recordable(id).map_err(|e| e.to_string())?;
    }
    let case = serde_json::from_value::<NewCase>(value).map_err(|e| format!("not a report ({e})"))?;
    Ok(Line { case, case_ref, indicators })
}

/// One case's row, written at once so that it stands even if a later line stops the import.
fn row(
    rows: &mut csv::Writer<impl Write>,
    line: usize,
    case: CaseId,
    number: &str,
    case_ref: &str,
) -> anyhow::Result<()> {
    rows.write_record([line.to_string().as_str(), &case.to_string(), number, case_ref])?;
    rows.flush()?;
    Ok(())
}
