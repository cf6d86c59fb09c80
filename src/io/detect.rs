//! What a file is: its format from the options, the extension, the content and
//! the headers; then the reader for it.

use std::path::Path;

use super::{IoError, ReadOptions, Sheet};

pub fn read(path: &Path, options: &ReadOptions) -> Result<Sheet, IoError> {
    let _ = options;
    Err(IoError::new(
        path.display().to_string(),
        "reading files is not built yet",
    ))
}
