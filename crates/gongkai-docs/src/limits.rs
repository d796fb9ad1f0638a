//! Bounds every reader respects, whatever the input.

/// Largest input accepted by any reader (bytes).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Largest total of decompressed bytes read from one ZIP container.
pub const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;
/// Most entries a ZIP container may have.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Widest table (grid columns); Excel's own limit.
pub const MAX_COLS: usize = 16_384;
/// Largest row span kept (HTML's own limit).
pub const MAX_ROW_SPAN: u32 = 65_534;
/// Most cells (grid positions) in one spreadsheet sheet.
pub const MAX_SHEET_CELLS: u64 = 4_000_000;
/// Deepest element nesting walked structurally; deeper content is flattened to text.
pub const MAX_WALK_DEPTH: usize = 256;
/// Deepest HTML nesting accepted at all (the HTML parser is quadratic in depth).
pub const MAX_HTML_DEPTH: usize = 4_096;
/// Most bytes one PDF stream may inflate to (while loading, and the content
/// of one page while reading its text).
pub const MAX_PDF_STREAM_BYTES: usize = 16 * 1024 * 1024;
/// Most PDF pages whose text is read; later pages are left unread (reported).
pub const MAX_PDF_PAGES: usize = 2_000;
/// Most characters of text kept from one PDF.
pub const MAX_PDF_TEXT_CHARS: usize = 4_000_000;

pub(crate) fn check_size(bytes: &[u8]) -> Result<(), crate::DocError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(crate::DocError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    Ok(())
}
