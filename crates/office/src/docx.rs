//! Official documents (公文) written as .docx, laid out after GB/T 9704.
