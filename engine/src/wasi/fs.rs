//! Files and preopened directories: the file-descriptor table and the
//! sandbox that keeps every path inside the preopen it starts from.
//!
//! Paths are resolved here, one component at a time, against the preopen's
//! canonical host directory: `..` may not climb above it, absolute paths
//! are refused, and symbolic links are followed by reading them (never by
//! the host's own lookup), so a link pointing outside — absolutely or by
//! `..` — is refused like the path itself (`ENOTCAPABLE`). The final open
//! uses `O_NOFOLLOW` unless the guest asked to follow. Remaining gap: a
//! component swapped for a symlink by another process between this
//! resolution and the open is not detected (no `openat` walk yet).

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use super::errno;

/// An open file descriptor above the standard three.
pub(super) enum Descriptor {
    /// A directory: `root` is the canonical host path of the preopen it
    /// belongs to, `relative` its place under it.
    Dir {
        root: PathBuf,
        relative: PathBuf,
        preopen_name: Option<String>,
    },
    File {
        file: File,
        append: bool,
    },
}

const MAX_SYMLINKS: u32 = 32;

/// The host path `path` (a guest path relative to directory `relative`
/// under `root`) designates, if it stays inside `root`.
pub(super) fn resolve(root: &Path, relative: &Path, path: &[u8], follow_last: bool) -> Result<PathBuf, u16> {
    if path.is_empty() {
        return Err(errno::NOENT);
    }
    if path.first() == Some(&b'/') {
        return Err(errno::NOTCAPABLE);
    }
    if path.contains(&0) {
        return Err(errno::INVAL);
    }
    let mut stack: Vec<OsString> =
        relative.components().filter(|c| matches!(c, Component::Normal(_))).map(|c| c.as_os_str().into()).collect();
    let mut pending: VecDeque<OsString> = split(path);
    let mut links = 0;
    // A trailing slash asks for a directory: the last component is followed.
    let follow_last = follow_last || path.last() == Some(&b'/');
    while let Some(component) = pending.pop_front() {
        if component == ".." {
            stack.pop().ok_or(errno::NOTCAPABLE)?;
            continue;
        }
        let candidate: PathBuf = root.join(stack.iter().collect::<PathBuf>()).join(&component);
        let is_last = pending.is_empty();
        let is_link = std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.file_type().is_symlink());
        if is_link && (!is_last || follow_last) {
            links += 1;
            if links > MAX_SYMLINKS {
                return Err(errno::LOOP);
            }
            let target = std::fs::read_link(&candidate).map_err(|_| errno::IO)?;
            if target.is_absolute() {
                return Err(errno::NOTCAPABLE);
            }
            for (i, part) in split(target.as_os_str().as_bytes()).into_iter().enumerate() {
                pending.insert(i, part);
            }
            continue;
        }
        stack.push(component);
    }
    Ok(root.join(stack.iter().collect::<PathBuf>()))
}

fn split(path: &[u8]) -> VecDeque<OsString> {
    path.split(|b| *b == b'/')
        .filter(|part| !part.is_empty() && *part != b".")
        .map(|part| std::ffi::OsStr::from_bytes(part).to_os_string())
        .collect()
}

/// `path` relative to `root` (it is inside: `resolve` made it).
pub(super) fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_default()
}

/// The WASI errno for a host I/O error.
pub(super) fn errno_of(e: &std::io::Error) -> u16 {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => errno::NOENT,
        K::PermissionDenied => errno::ACCES,
        K::AlreadyExists => errno::EXIST,
        K::InvalidInput => errno::INVAL,
        K::NotADirectory => errno::NOTDIR,
        K::IsADirectory => errno::ISDIR,
        K::DirectoryNotEmpty => errno::NOTEMPTY,
        _ => match e.raw_os_error() {
            Some(libc::ELOOP) => errno::LOOP,
            Some(libc::ENOTDIR) => errno::NOTDIR,
            // Writing through a descriptor opened read-only (or the reverse).
            Some(libc::EBADF) => errno::BADF,
            Some(libc::EINVAL) => errno::INVAL,
            Some(libc::EXDEV) => errno::XDEV,
            _ => errno::IO,
        },
    }
}

/// A WASI `filestat` (64 bytes) for host metadata.
pub(super) fn filestat(meta: &std::fs::Metadata) -> [u8; 64] {
    use std::os::unix::fs::MetadataExt;
    let mut out = [0u8; 64];
    out[0..8].copy_from_slice(&meta.dev().to_le_bytes());
    out[8..16].copy_from_slice(&meta.ino().to_le_bytes());
    out[16] = filetype(&meta.file_type());
    out[24..32].copy_from_slice(&meta.nlink().to_le_bytes());
    out[32..40].copy_from_slice(&meta.size().to_le_bytes());
    let nanos = |secs: i64, nsec: i64| (secs as u64).wrapping_mul(1_000_000_000).wrapping_add(nsec as u64);
    out[40..48].copy_from_slice(&nanos(meta.atime(), meta.atime_nsec()).to_le_bytes());
    out[48..56].copy_from_slice(&nanos(meta.mtime(), meta.mtime_nsec()).to_le_bytes());
    out[56..64].copy_from_slice(&nanos(meta.ctime(), meta.ctime_nsec()).to_le_bytes());
    out
}

/// The same in `wasi_unstable`'s layout (a 32-bit link count; 56 bytes).
pub(super) fn filestat_unstable(meta: &std::fs::Metadata) -> [u8; 56] {
    let preview1 = filestat(meta);
    let mut out = [0u8; 56];
    out[0..17].copy_from_slice(&preview1[0..17]);
    out[20..24].copy_from_slice(&preview1[24..28]);
    out[24..56].copy_from_slice(&preview1[32..64]);
    out
}

pub(super) fn filetype(ty: &std::fs::FileType) -> u8 {
    if ty.is_dir() {
        3
    } else if ty.is_file() {
        4
    } else if ty.is_symlink() {
        7
    } else {
        0
    }
}

/// A directory's entries as WASI `dirent`s (24-byte header + name), sorted
/// by name with `.` and `..` first, starting at entry `cookie`.
pub(super) fn read_dir_entries(dir: &Path, cookie: u64) -> Result<Vec<u8>, u16> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir).map_err(|e| errno_of(&e))?;
    let mut entries: Vec<(Vec<u8>, u64, u8)> = vec![(b".".to_vec(), meta.ino(), 3), (b"..".to_vec(), 0, 3)];
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| errno_of(&e))? {
        let entry = entry.map_err(|e| errno_of(&e))?;
        let meta = entry.metadata().map_err(|e| errno_of(&e))?;
        names.push((entry.file_name().as_bytes().to_vec(), meta.ino(), filetype(&meta.file_type())));
    }
    names.sort();
    entries.extend(names);
    let mut out = Vec::new();
    for (index, (name, ino, ty)) in entries.into_iter().enumerate().skip(cookie as usize) {
        out.extend_from_slice(&(index as u64 + 1).to_le_bytes());
        out.extend_from_slice(&ino.to_le_bytes());
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(&[ty, 0, 0, 0]);
        out.extend_from_slice(&name);
    }
    Ok(out)
}

/// `FileTimes` from a WASI set-times request (`fst_flags`: ATIM 1,
/// ATIM_NOW 2, MTIM 4, MTIM_NOW 8).
pub(super) fn file_times(atim: u64, mtim: u64, flags: u32) -> Result<std::fs::FileTimes, u16> {
    if (flags & 1 != 0 && flags & 2 != 0) || (flags & 4 != 0 && flags & 8 != 0) {
        return Err(errno::INVAL);
    }
    let at = |nanos: u64| std::time::UNIX_EPOCH + std::time::Duration::from_nanos(nanos);
    let now = std::time::SystemTime::now();
    let mut times = std::fs::FileTimes::new();
    if flags & 1 != 0 {
        times = times.set_accessed(at(atim));
    } else if flags & 2 != 0 {
        times = times.set_accessed(now);
    }
    if flags & 4 != 0 {
        times = times.set_modified(at(mtim));
    } else if flags & 8 != 0 {
        times = times.set_modified(now);
    }
    Ok(times)
}

pub(super) fn set_times(path: &Path, times: std::fs::FileTimes) -> Result<(), u16> {
    let file = File::open(path).map_err(|e| errno_of(&e))?;
    file.set_times(times).map_err(|e| errno_of(&e))
}

/// Turns `O_APPEND` on or off for an open file.
pub(super) fn set_append(file: &File, append: bool) -> Result<(), u16> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is a descriptor `file` owns and keeps open for this call;
    // F_GETFL/F_SETFL only read and set its status flags.
    let result = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            flags
        } else {
            let flags = if append { flags | libc::O_APPEND } else { flags & !libc::O_APPEND };
            libc::fcntl(fd, libc::F_SETFL, flags)
        }
    };
    if result < 0 { Err(errno::IO) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// root/{file, a/b/, a/back -> ../file, inside -> a/b, up -> .., loop1 <-> loop2}
    fn tree() -> (PathBuf, PathBuf) {
        let base = std::env::temp_dir().join(format!("crucible-resolve-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("root");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("file"), "x").unwrap();
        let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, root.join(at)).unwrap();
        link("../file", "a/back");
        link("a/b", "inside");
        link("..", "up");
        link("loop2", "loop1");
        link("loop1", "loop2");
        (base, std::fs::canonicalize(root).unwrap())
    }

    #[test]
    fn paths_resolve_inside_the_root_and_never_out_of_it() {
        let (base, root) = tree();
        let here = Path::new("");
        let ok = |rel: &str, path: &str, follow: bool| resolve(&root, Path::new(rel), path.as_bytes(), follow);
        assert_eq!(ok("", "file", false), Ok(root.join("file")));
        assert_eq!(ok("", "./a/../file", false), Ok(root.join("file")));
        assert_eq!(ok("", "inside/c", false), Ok(root.join("a/b/c")));
        assert_eq!(ok("", "a/back", true), Ok(root.join("file")));
        // Not following the last component names the link itself.
        assert_eq!(ok("", "a/back", false), Ok(root.join("a/back")));
        assert_eq!(ok("", "up", false), Ok(root.join("up")));
        assert_eq!(ok("a", "../file", false), Ok(root.join("file")));
        assert_eq!(ok("a/b", "../../file", false), Ok(root.join("file")));
        for escape in ["..", "../x", "a/../../x", "/etc/passwd", "up/x", "inside/../../..", "a/b/../../../root"] {
            assert_eq!(resolve(&root, here, escape.as_bytes(), true), Err(errno::NOTCAPABLE), "{escape}");
        }
        assert_eq!(ok("a", "../../x", false), Err(errno::NOTCAPABLE));
        assert_eq!(ok("", "up", true), Err(errno::NOTCAPABLE));
        // A trailing slash follows the last link even without the flag.
        assert_eq!(ok("", "up/", false), Err(errno::NOTCAPABLE));
        assert_eq!(ok("", "loop1/x", false), Err(errno::LOOP));
        assert_eq!(ok("", "", false), Err(errno::NOENT));
        assert_eq!(resolve(&root, here, b"a\0b", false), Err(errno::INVAL));
        std::fs::remove_dir_all(base).unwrap();
    }
}
