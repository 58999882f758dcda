//! Copying and hashing files for a backup and a restore.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{FileEntry, io_error};
use crate::AppError;

/// SHA-256 and size of a file, read in blocks.
pub(super) fn hash_file(path: &Path) -> Result<(u64, String), AppError> {
    let mut f = std::fs::File::open(path).map_err(|e| io_error("cannot read", path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| io_error("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, hex::encode(h.finalize())))
}

/// Copies `from` to `to` (parents created; written to a temporary name, then renamed),
/// returning the size and SHA-256 of what was copied.
pub(super) fn copy_hashed(from: &Path, to: &Path) -> Result<(u64, String), AppError> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error("cannot create", dir, e))?;
    }
    let tmp = to.with_extension("ntm-partial");
    let mut src = std::fs::File::open(from).map_err(|e| io_error("cannot read", from, e))?;
    let mut dst = std::fs::File::create(&tmp).map_err(|e| io_error("cannot write", &tmp, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = src
            .read(&mut buf)
            .map_err(|e| io_error("cannot read", from, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
        dst.write_all(&buf[..n])
            .map_err(|e| io_error("cannot write", &tmp, e))?;
    }
    dst.sync_all()
        .map_err(|e| io_error("cannot write", &tmp, e))?;
    std::fs::rename(&tmp, to).map_err(|e| io_error("cannot write", to, e))?;
    Ok((size, hex::encode(h.finalize())))
}

/// Every regular file under `dir` (recursively), as paths relative to `base`, sorted.
/// A missing `dir` has none. Symbolic links are not followed.
pub(super) fn files_under(base: &Path, dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error("cannot list", &d, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io_error("cannot list", &d, e))?;
            let kind = entry
                .file_type()
                .map_err(|e| io_error("cannot list", &entry.path(), e))?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                let p = entry.path();
                if p.extension().is_some_and(|x| x == "ntm-partial") {
                    continue;
                }
                if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.to_path_buf());
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A manifest path as a safe relative path: forward slashes, no `..`, no root, no prefix.
pub(super) fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains('\\') {
        return None;
    }
    let p = PathBuf::from(path);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(p)
}

/// Checks a file of a backup against its manifest entry.
pub(super) fn check_entry(backup: &Path, e: &FileEntry) -> Result<PathBuf, AppError> {
    let rel = safe_relative(&e.path).ok_or_else(|| {
        super::invalid(
            "manifest",
            format!("path {:?} is not a plain relative path", e.path),
        )
    })?;
    let path = backup.join(&rel);
    let (size, sha) = hash_file(&path)?;
    if size != e.size || sha != e.sha256 {
        return Err(super::invalid(
            "backup",
            format!(
                "{} does not match the manifest (size {size}, SHA-256 {sha}; expected {} and {}): the backup is damaged or was changed",
                e.path, e.size, e.sha256
            ),
        ));
    }
    Ok(path)
}
