//! Office files in and out, without I/O of its own: bytes of a spreadsheet or document become
//! candidate rows (titles, units as written, deadline phrases understood), and ledgers and
//! official documents become bytes.

pub mod deadline;
pub mod docx;
pub mod extract;
