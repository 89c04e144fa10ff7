//! Writing generated files: all or nothing, and checking for staleness.
//!
//! Files are written into a staging directory beside the target and moved
//! into place only when every file was written, so a failed run leaves the
//! previous output untouched.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use kubegen_templates::emit::GeneratedFile;

use crate::error::{Error, Result};

/// How the files on disk differ from what generation would write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// The file would be created.
    Missing(String),
    /// The file would be rewritten.
    Changed(String),
    /// The file is there but generation would not write it.
    Extra(String),
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing(path) => write!(f, "missing: {path}"),
            Difference::Changed(path) => write!(f, "changed: {path}"),
            Difference::Extra(path) => write!(f, "not generated: {path}"),
        }
    }
}

/// Replaces the directory `out` with exactly `files`.
pub fn write_crate(files: &[GeneratedFile], out: &Path) -> Result<()> {
    let parent = parent_of(out);
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".kubegen-staging-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    for file in files {
        let path = staging.path().join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        fs::write(&path, &file.contents).map_err(|e| Error::io(&path, e))?;
    }
    let staged = staging.keep();
    swap_into_place(&staged, out, &parent)
}

/// Writes one file atomically (a temporary file renamed over the target).
pub fn write_file(contents: &str, path: &Path) -> Result<()> {
    let parent = parent_of(path);
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".kubegen-")
        .tempfile_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    std::io::Write::write_all(&mut temp, contents.as_bytes())
        .map_err(|e| Error::io(temp.path(), e))?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn swap_into_place(staged: &Path, out: &Path, parent: &Path) -> Result<()> {
    if !out.exists() {
        return fs::rename(staged, out).map_err(|e| Error::io(out, e));
    }
    let backup = tempfile::Builder::new()
        .prefix(".kubegen-previous-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?
        .keep();
    // rename() onto an existing (empty) directory is allowed on Unix but not
    // everywhere; remove the placeholder first.
    fs::remove_dir(&backup).map_err(|e| Error::io(&backup, e))?;
    fs::rename(out, &backup).map_err(|e| Error::io(out, e))?;
    if let Err(error) = fs::rename(staged, out) {
        // Put the previous output back before reporting.
        let _ = fs::rename(&backup, out);
        return Err(Error::io(out, error));
    }
    fs::remove_dir_all(&backup).map_err(|e| Error::io(&backup, e))
}

/// Compares `files` with the directory `out`.
pub fn check_crate(files: &[GeneratedFile], out: &Path) -> Result<Vec<Difference>> {
    let mut differences = Vec::new();
    let mut expected = BTreeSet::new();
    for file in files {
        expected.insert(file.path.clone());
        let path = out.join(&file.path);
        match fs::read(&path) {
            Ok(bytes) if bytes == file.contents.as_bytes() => {}
            Ok(_) => differences.push(Difference::Changed(file.path.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                differences.push(Difference::Missing(file.path.clone()))
            }
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    if out.is_dir() {
        let mut present = Vec::new();
        list_files(out, out, &mut present)?;
        for path in present {
            if !expected.contains(&path) {
                differences.push(Difference::Extra(path));
            }
        }
    }
    Ok(differences)
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| Error::io(dir, e))?;
    entries.sort();
    for path in entries {
        // A build directory inside the output is not part of it.
        if path.file_name().is_some_and(|name| name == "target") {
            continue;
        }
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(relative.join("/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    #[test]
    fn replaces_the_whole_directory_and_checks_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_crate(&[file("a.txt", "1"), file("src/b.rs", "2")], &out).unwrap();
        fs::write(out.join("stray.txt"), "x").unwrap();
        assert_eq!(
            check_crate(&[file("a.txt", "1"), file("src/b.rs", "2")], &out).unwrap(),
            vec![Difference::Extra("stray.txt".into())]
        );
        write_crate(&[file("a.txt", "3")], &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "3");
        assert!(!out.join("src").exists());
        assert_eq!(
            check_crate(&[file("a.txt", "4"), file("c.txt", "")], &out).unwrap(),
            vec![
                Difference::Changed("a.txt".into()),
                Difference::Missing("c.txt".into())
            ]
        );
        // Nothing but `out` is left beside it: no staging or backup directories.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out")]);
    }
}
