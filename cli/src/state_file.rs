//! The gate's state file: read it if it exists, and replace it atomically. The new state is
//! written to a temporary file in the same directory, flushed to disk, then renamed over the
//! old one, so a crash at any point leaves either the old state or the new one, never a
//! truncated file; a failed write removes the temporary file.

use std::io::Write;
use std::path::Path;

use crate::error::CliError;

/// The file's text, or `None` when it does not exist.
pub fn read(path: &Path) -> Result<Option<String>, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CliError::Read {
            file: path.display().to_string(),
            source,
        }),
    }
}

/// Replaces the file's content with `text`, atomically.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), CliError> {
    let error = |source| CliError::Write {
        file: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Dropping the temporary file on an error deletes it.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(error)?;
    // The replacement keeps the permissions of the file it replaces (temporary files are
    // created readable by their owner only).
    if let Ok(old) = std::fs::metadata(path) {
        temp.as_file()
            .set_permissions(old.permissions())
            .map_err(error)?;
    }
    temp.write_all(text.as_bytes()).map_err(error)?;
    temp.as_file().sync_all().map_err(error)?;
    temp.persist(path).map_err(|e| error(e.error))?;
    sync_dir(dir).map_err(error)
}

/// Makes the rename itself durable (on Unix a directory is synced like a file).
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Windows has no directory handles to sync; the rename is as durable as the file system makes it.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(read(&path).unwrap(), None);
        write_atomic(&path, "one").unwrap();
        write_atomic(&path, "two").unwrap();
        assert_eq!(read(&path).unwrap().as_deref(), Some("two"));
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/state.json");
        let e = write_atomic(&path, "x").unwrap_err();
        assert!(e.to_string().contains("cannot write"), "{e}");
    }
}
