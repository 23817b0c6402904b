//! Office files in and out, without I/O of its own: bytes of a spreadsheet or document become
//! candidate rows (titles, units as written, deadline phrases understood), and ledgers and
//! official documents become bytes.

pub mod contacts;
pub mod deadline;
pub mod docx;
pub mod extract;
pub mod ledger;
pub mod read;
pub mod script;
pub mod table;

/// A date the way official documents write it: 2026年6月30日.
pub fn cn_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}
