//! Word documents read back by a reader that is not ours, python-docx, the way a word processor
//! opens them: a document it cannot open fails the test, and what it shows is what is checked.
//!
//! `scripts/test` installs python-docx once into a virtual environment under `target/` and
//! names its python in `LUOSHI_TEST_PYTHON`; without it, a `python3` that has python-docx will
//! do. With neither the test fails and says so: a reader that is missing is no reason to pass.

use std::io::Write;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// Prints every paragraph (its style's id, text, the colour of its first coloured run and its
/// shading), every table as rows of cell texts, and the title of the document's properties.
const READ: &str = r#"
import json, sys
import docx
from docx.oxml.ns import qn

document = docx.Document(sys.argv[1])

def paragraph(p):
    colours = [str(r.font.color.rgb) for r in p.runs if r.font.color.type is not None]
    shading = p._p.pPr.find(qn("w:shd")) if p._p.pPr is not None else None
    return {
        "style": p.style.style_id,
        "text": p.text,
        "colour": colours[0] if colours else None,
        "fill": shading.get(qn("w:fill")) if shading is not None else None,
    }

print(json.dumps({
    "paragraphs": [paragraph(p) for p in document.paragraphs],
    "tables": [[[c.text for c in row.cells] for row in t.rows] for t in document.tables],
    "title": document.core_properties.title,
}, ensure_ascii=False))
"#;

/// `bytes` as python-docx reads them:
/// `{"paragraphs":[{"style","text","colour","fill"}],"tables":[[[cell]]],"title"}`.
pub fn read(bytes: &[u8]) -> Value {
    let mut file = tempfile::Builder::new().suffix(".docx").tempfile().unwrap();
    file.write_all(bytes).unwrap();
    let out = Command::new(python())
        .arg("-c")
        .arg(READ)
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python-docx could not open the document: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every text a reader shows, paragraphs then table cells, one a line.
pub fn text(read: &Value) -> String {
    let paragraphs = read["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string());
    let cells = read["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t.as_array().unwrap())
        .flat_map(|row| row.as_array().unwrap())
        .map(|c| c.as_str().unwrap().to_string());
    paragraphs.chain(cells).collect::<Vec<_>>().join("\n")
}

/// The python that has python-docx, found once.
fn python() -> &'static str {
    static FOUND: OnceLock<String> = OnceLock::new();
    FOUND.get_or_init(|| {
        let reads = |python: &str| {
            Command::new(python)
                .args(["-c", "import docx"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if let Ok(python) = std::env::var("LUOSHI_TEST_PYTHON") {
            assert!(
                reads(&python),
                "LUOSHI_TEST_PYTHON={python} cannot import docx: run scripts/test, which installs python-docx into target/python-docx"
            );
            return python;
        }
        assert!(
            reads("python3"),
            "the .docx tests read documents back with python-docx, and neither LUOSHI_TEST_PYTHON nor python3 has it: run scripts/test, which installs it once into target/python-docx"
        );
        "python3".to_string()
    })
}
