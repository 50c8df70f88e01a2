//! The host side of the sandbox: every path a program names is resolved
//! inside the preopened directory it starts from, and every operation on
//! it reaches the host through directory descriptors, never a host path.
//!
//! Resolution (`resolve_path`) works one component at a time against the
//! preopen's canonical host directory, as the host's own lookup would
//! (what precedes `..` must be a directory): `..` may not climb above it,
//! absolute paths are refused, and symbolic links are followed by reading
//! them (never by the host's own lookup), so a link pointing outside —
//! absolutely or by `..` — is refused like the path itself (`EPERM`, as
//! wasmtime answers). What it yields contains only plain names, which
//! `locate` then opens one directory at a time from the preopen's own
//! descriptor with `O_NOFOLLOW`: a component another process swaps for a
//! symlink between the two steps makes the walk fail instead of leading
//! out, and a preopen renamed on the host keeps its identity. The last
//! component is acted on with the `*at` calls relative to that walked
//! parent, never following a link (resolution already followed it when the
//! program asked).

use std::collections::VecDeque;
use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use super::errno;

/// A preopened directory: its canonical host path (for resolution) and a
/// descriptor for it (for every operation).
pub(super) struct Root {
    pub(super) path: PathBuf,
    pub(super) dir: File,
}

impl Root {
    pub(super) fn open(host: &Path) -> std::io::Result<Root> {
        let path = std::fs::canonicalize(host)?;
        if !path.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                format!("{} is not a directory", path.display()),
            ));
        }
        let dir = File::open(&path)?;
        Ok(Root { path, dir })
    }
}

/// A path resolved inside a root: its parent directory, reached by a walk
/// that followed no link, and its last component there.
pub(super) struct Located {
    parent: OwnedFd,
    name: CString,
    /// Its place under the root.
    pub(super) relative: PathBuf,
}

/// Resolves `path` (relative to directory `relative` under `root`) and
/// opens its parent directory.
pub(super) fn locate(root: &Root, relative: &Path, path: &[u8], follow_last: bool) -> Result<Located, u16> {
    let resolved = resolve_path(&root.path, relative, path, follow_last)?;
    let relative = relative_to(&root.path, &resolved.host);
    walk(root, relative, resolved.directory)
}

fn walk(root: &Root, relative: PathBuf, directory: bool) -> Result<Located, u16> {
    let mut parts: Vec<&OsStr> = relative.components().map(Component::as_os_str).collect();
    let last = parts.pop();
    // The last call sees the trailing slash, so the host decides what it
    // means for each operation (ENOTDIR on a file, EISDIR creating one, ...)
    // exactly as for its own paths.
    let name = match last {
        Some(last) if directory => CString::new([last.as_bytes(), b"/"].concat()).map_err(|_| errno::INVAL)?,
        Some(last) => cstring(last)?,
        None => cstring(OsStr::new("."))?,
    };
    let mut parent = open_at(root.dir.as_fd(), c".", libc::O_PATH | libc::O_DIRECTORY, 0)?;
    for part in parts {
        parent = open_at(parent.as_fd(), &cstring(part)?, libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW, 0)?;
    }
    Ok(Located { parent, name, relative })
}

fn cstring(name: &OsStr) -> Result<CString, u16> {
    CString::new(name.as_bytes()).map_err(|_| errno::INVAL)
}

fn last_errno() -> u16 {
    errno_of(&std::io::Error::last_os_error())
}

fn check(result: libc::c_int) -> Result<(), u16> {
    if result < 0 { Err(last_errno()) } else { Ok(()) }
}

fn open_at(dir: BorrowedFd<'_>, name: &CStr, flags: libc::c_int, mode: libc::mode_t) -> Result<OwnedFd, u16> {
    // SAFETY: `dir` is an open descriptor borrowed for the call and `name`
    // a NUL-terminated string; openat only reads them.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags | libc::O_CLOEXEC, libc::c_uint::from(mode)) };
    if fd < 0 {
        return Err(last_errno());
    }
    // SAFETY: openat just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

impl Located {
    /// Opens it (`O_NOFOLLOW` is always added: resolution followed any
    /// link the program wanted followed).
    pub(super) fn open(&self, flags: libc::c_int, mode: libc::mode_t) -> Result<File, u16> {
        open_at(self.parent.as_fd(), &self.name, flags | libc::O_NOFOLLOW, mode).map(File::from)
    }

    /// Its metadata (a link's own, when it is one).
    pub(super) fn metadata(&self) -> Result<std::fs::Metadata, u16> {
        self.open(libc::O_PATH, 0)?.metadata().map_err(|e| errno_of(&e))
    }

    pub(super) fn create_dir(&self) -> Result<(), u16> {
        // SAFETY: a descriptor this value owns and a NUL-terminated name.
        check(unsafe { libc::mkdirat(self.parent.as_raw_fd(), self.name.as_ptr(), 0o777) })
    }

    /// Removes a file (or, with `directory`, an empty directory).
    pub(super) fn remove(&self, directory: bool) -> Result<(), u16> {
        let flags = if directory { libc::AT_REMOVEDIR } else { 0 };
        // SAFETY: as in `create_dir`.
        check(unsafe { libc::unlinkat(self.parent.as_raw_fd(), self.name.as_ptr(), flags) })
    }

    pub(super) fn rename_to(&self, to: &Located) -> Result<(), u16> {
        // SAFETY: descriptors owned by `self` and `to`, NUL-terminated names.
        check(unsafe {
            libc::renameat(self.parent.as_raw_fd(), self.name.as_ptr(), to.parent.as_raw_fd(), to.name.as_ptr())
        })
    }

    pub(super) fn hard_link_to(&self, to: &Located) -> Result<(), u16> {
        // SAFETY: as in `rename_to`; flags 0 links the entry itself.
        check(unsafe {
            libc::linkat(self.parent.as_raw_fd(), self.name.as_ptr(), to.parent.as_raw_fd(), to.name.as_ptr(), 0)
        })
    }

    /// Makes this name a symbolic link to `target` (checked by the caller).
    pub(super) fn symlink(&self, target: &[u8]) -> Result<(), u16> {
        let target = CString::new(target).map_err(|_| errno::INVAL)?;
        // SAFETY: NUL-terminated strings and a descriptor this value owns.
        check(unsafe { libc::symlinkat(target.as_ptr(), self.parent.as_raw_fd(), self.name.as_ptr()) })
    }

    pub(super) fn read_link(&self) -> Result<Vec<u8>, u16> {
        let mut buffer = vec![0u8; libc::PATH_MAX as usize];
        // SAFETY: the buffer is writable for its whole length, which is
        // what readlinkat is told; the name is NUL-terminated.
        let n = unsafe {
            libc::readlinkat(self.parent.as_raw_fd(), self.name.as_ptr(), buffer.as_mut_ptr().cast(), buffer.len())
        };
        if n < 0 {
            return Err(last_errno());
        }
        buffer.truncate(n as usize);
        Ok(buffer)
    }

    /// Sets its times (`file_times`), not following a link.
    pub(super) fn set_times(&self, times: &[libc::timespec; 2]) -> Result<(), u16> {
        // SAFETY: `times` points to the two timespecs utimensat reads.
        check(unsafe {
            libc::utimensat(self.parent.as_raw_fd(), self.name.as_ptr(), times.as_ptr(), libc::AT_SYMLINK_NOFOLLOW)
        })
    }
}

/// Sets an open file's or directory's times.
pub(super) fn set_file_times(file: &File, times: &[libc::timespec; 2]) -> Result<(), u16> {
    // SAFETY: `file` keeps the descriptor open; `times` holds two timespecs.
    check(unsafe { libc::futimens(file.as_raw_fd(), times.as_ptr()) })
}

const MAX_SYMLINKS: u32 = 32;

/// Where a guest path leads on the host, if inside the root.
pub(super) struct Resolved {
    pub(super) host: PathBuf,
    /// The path must name a directory: it ended in `/`, or in a link whose
    /// target did.
    pub(super) directory: bool,
}

/// The host path `path` (a guest path relative to directory `relative`
/// under `root`) designates, if it stays inside `root`.
#[cfg(test)]
pub(super) fn resolve(root: &Path, relative: &Path, path: &[u8], follow_last: bool) -> Result<PathBuf, u16> {
    resolve_path(root, relative, path, follow_last).map(|resolved| resolved.host)
}

/// Resolves like the host's own lookup would, but inside `root`: every
/// component with something after it (even `..`) must be a directory —
/// `file/..` is `ENOTDIR` and `missing/..` is `ENOENT`, not a shortcut.
pub(super) fn resolve_path(root: &Path, relative: &Path, path: &[u8], follow_last: bool) -> Result<Resolved, u16> {
    if path.is_empty() {
        return Err(errno::NOENT);
    }
    if path.first() == Some(&b'/') {
        return Err(errno::PERM);
    }
    if path.contains(&0) {
        return Err(errno::INVAL);
    }
    let mut stack: Vec<OsString> =
        relative.components().filter(|c| matches!(c, Component::Normal(_))).map(|c| c.as_os_str().into()).collect();
    let mut pending: VecDeque<OsString> = split(path);
    // A last `.` stays, so what precedes it must be a directory that exists
    // (`missing/.` is ENOENT, `file/.` ENOTDIR).
    if path == b"." || path.ends_with(b"/.") {
        pending.push_back(".".into());
    }
    let mut links = 0;
    let mut directory = path.last() == Some(&b'/');
    // A trailing slash asks for a directory: the last component is followed.
    let follow_last = follow_last || directory;
    while let Some(component) = pending.pop_front() {
        if component == "." {
            continue;
        }
        if component == ".." {
            stack.pop().ok_or(errno::PERM)?;
            continue;
        }
        let candidate: PathBuf = root.join(stack.iter().collect::<PathBuf>()).join(&component);
        let is_last = pending.is_empty();
        let meta = std::fs::symlink_metadata(&candidate);
        let is_link = meta.as_ref().is_ok_and(|m| m.file_type().is_symlink());
        if is_link && (!is_last || follow_last) {
            links += 1;
            if links > MAX_SYMLINKS {
                return Err(errno::LOOP);
            }
            let target = std::fs::read_link(&candidate).map_err(|_| errno::IO)?;
            if target.is_absolute() {
                return Err(errno::PERM);
            }
            let target = target.as_os_str().as_bytes();
            if is_last && target.last() == Some(&b'/') {
                directory = true;
            }
            for (i, part) in split(target).into_iter().enumerate() {
                pending.insert(i, part);
            }
            continue;
        }
        if !is_last {
            match meta {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(errno::NOTDIR),
                Err(e) => return Err(errno_of(&e)),
            }
        }
        stack.push(component);
    }
    Ok(Resolved { host: root.join(stack.iter().collect::<PathBuf>()), directory })
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

/// The WASI errno for a host I/O error: the host's own number when it has
/// one (so `EPERM` stays `EPERM`, not the `EACCES` its kind would suggest).
pub(super) fn errno_of(e: &std::io::Error) -> u16 {
    let Some(code) = e.raw_os_error() else {
        return match e.kind() {
            std::io::ErrorKind::NotFound => errno::NOENT,
            std::io::ErrorKind::PermissionDenied => errno::ACCES,
            std::io::ErrorKind::AlreadyExists => errno::EXIST,
            std::io::ErrorKind::InvalidInput => errno::INVAL,
            _ => errno::IO,
        };
    };
    match code {
        libc::E2BIG => errno::TOOBIG,
        libc::EACCES => errno::ACCES,
        libc::EADDRINUSE => errno::ADDRINUSE,
        libc::EADDRNOTAVAIL => errno::ADDRNOTAVAIL,
        libc::EAFNOSUPPORT => errno::AFNOSUPPORT,
        libc::EAGAIN => errno::AGAIN,
        libc::EALREADY => errno::ALREADY,
        libc::EBADF => errno::BADF,
        libc::EBADMSG => errno::BADMSG,
        libc::EBUSY => errno::BUSY,
        libc::ECANCELED => errno::CANCELED,
        libc::ECHILD => errno::CHILD,
        libc::ECONNABORTED => errno::CONNABORTED,
        libc::ECONNREFUSED => errno::CONNREFUSED,
        libc::ECONNRESET => errno::CONNRESET,
        libc::EDEADLK => errno::DEADLK,
        libc::EDESTADDRREQ => errno::DESTADDRREQ,
        libc::EDOM => errno::DOM,
        libc::EDQUOT => errno::DQUOT,
        libc::EEXIST => errno::EXIST,
        libc::EFAULT => errno::FAULT,
        libc::EFBIG => errno::FBIG,
        libc::EHOSTUNREACH => errno::HOSTUNREACH,
        libc::EIDRM => errno::IDRM,
        libc::EILSEQ => errno::ILSEQ,
        libc::EINPROGRESS => errno::INPROGRESS,
        libc::EINTR => errno::INTR,
        libc::EINVAL => errno::INVAL,
        libc::EIO => errno::IO,
        libc::EISCONN => errno::ISCONN,
        libc::EISDIR => errno::ISDIR,
        libc::ELOOP => errno::LOOP,
        libc::EMFILE => errno::MFILE,
        libc::EMLINK => errno::MLINK,
        libc::EMSGSIZE => errno::MSGSIZE,
        libc::EMULTIHOP => errno::MULTIHOP,
        libc::ENAMETOOLONG => errno::NAMETOOLONG,
        libc::ENETDOWN => errno::NETDOWN,
        libc::ENETRESET => errno::NETRESET,
        libc::ENETUNREACH => errno::NETUNREACH,
        libc::ENFILE => errno::NFILE,
        libc::ENOBUFS => errno::NOBUFS,
        libc::ENODEV => errno::NODEV,
        libc::ENOENT => errno::NOENT,
        libc::ENOEXEC => errno::NOEXEC,
        libc::ENOLCK => errno::NOLCK,
        libc::ENOLINK => errno::NOLINK,
        libc::ENOMEM => errno::NOMEM,
        libc::ENOMSG => errno::NOMSG,
        libc::ENOPROTOOPT => errno::NOPROTOOPT,
        libc::ENOSPC => errno::NOSPC,
        libc::ENOSYS => errno::NOSYS,
        libc::ENOTCONN => errno::NOTCONN,
        libc::ENOTDIR => errno::NOTDIR,
        libc::ENOTEMPTY => errno::NOTEMPTY,
        libc::ENOTRECOVERABLE => errno::NOTRECOVERABLE,
        libc::ENOTSOCK => errno::NOTSOCK,
        libc::EOPNOTSUPP => errno::NOTSUP,
        libc::ENOTTY => errno::NOTTY,
        libc::ENXIO => errno::NXIO,
        libc::EOVERFLOW => errno::OVERFLOW,
        libc::EOWNERDEAD => errno::OWNERDEAD,
        libc::EPERM => errno::PERM,
        libc::EPIPE => errno::PIPE,
        libc::EPROTO => errno::PROTO,
        libc::EPROTONOSUPPORT => errno::PROTONOSUPPORT,
        libc::EPROTOTYPE => errno::PROTOTYPE,
        libc::ERANGE => errno::RANGE,
        libc::EROFS => errno::ROFS,
        libc::ESPIPE => errno::SPIPE,
        libc::ESRCH => errno::SRCH,
        libc::ESTALE => errno::STALE,
        libc::ETIMEDOUT => errno::TIMEDOUT,
        libc::ETXTBSY => errno::TXTBSY,
        libc::EXDEV => errno::XDEV,
        _ => errno::IO,
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
pub(super) fn read_dir_entries(dir: &File, cookie: u64) -> Result<Vec<u8>, u16> {
    use std::os::unix::fs::MetadataExt;
    let meta = dir.metadata().map_err(|e| errno_of(&e))?;
    let mut entries: Vec<(Vec<u8>, u64, u8)> = vec![(b".".to_vec(), meta.ino(), 3), (b"..".to_vec(), 0, 3)];
    let mut names = list_dir(dir)?;
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

/// Name, inode and WASI file type of each entry but `.` and `..`.
fn list_dir(dir: &File) -> Result<Vec<(Vec<u8>, u64, u8)>, u16> {
    // A fresh open file description, so the listing starts at the
    // beginning whatever else read this directory.
    let fd = open_at(dir.as_fd(), c".", libc::O_RDONLY | libc::O_DIRECTORY, 0)?.into_raw_fd();
    // SAFETY: `fd` is a directory descriptor we own; on success fdopendir
    // takes it over (closedir below closes it), on failure we close it.
    let stream = unsafe { libc::fdopendir(fd) };
    if stream.is_null() {
        let error = last_errno();
        // SAFETY: fdopendir failed, so `fd` is still ours to close.
        unsafe { libc::close(fd) };
        return Err(error);
    }
    let mut names = Vec::new();
    let result = loop {
        // SAFETY: errno is this thread's; cleared to tell the end of the
        // listing from a failure, as readdir's contract requires.
        unsafe { *libc::__errno_location() = 0 };
        // SAFETY: `stream` is open until the closedir below.
        let entry = unsafe { libc::readdir(stream) };
        if entry.is_null() {
            // SAFETY: as above.
            let error = unsafe { *libc::__errno_location() };
            break if error == 0 { Ok(()) } else { Err(errno_of(&std::io::Error::from_raw_os_error(error))) };
        }
        // SAFETY: a non-null entry stays valid until the next readdir on
        // this stream; its name is NUL-terminated.
        let (name, ino, kind) =
            unsafe { (CStr::from_ptr((*entry).d_name.as_ptr()).to_bytes().to_vec(), (*entry).d_ino, (*entry).d_type) };
        if name != b"." && name != b".." {
            names.push((name, ino, dirent_filetype(kind)));
        }
    };
    // SAFETY: `stream` came from fdopendir and is closed exactly once.
    unsafe { libc::closedir(stream) };
    result.map(|()| names)
}

fn dirent_filetype(kind: u8) -> u8 {
    match kind {
        libc::DT_BLK => 1,
        libc::DT_CHR => 2,
        libc::DT_DIR => 3,
        libc::DT_REG => 4,
        libc::DT_SOCK => 6,
        libc::DT_LNK => 7,
        _ => 0,
    }
}

/// The two timespecs (access, modification) for a WASI set-times request
/// (`fst_flags`: ATIM 1, ATIM_NOW 2, MTIM 4, MTIM_NOW 8).
pub(super) fn file_times(atim: u64, mtim: u64, flags: u32) -> Result<[libc::timespec; 2], u16> {
    if (flags & 1 != 0 && flags & 2 != 0) || (flags & 4 != 0 && flags & 8 != 0) {
        return Err(errno::INVAL);
    }
    let time = |nanos: u64, set: bool, now: bool| libc::timespec {
        tv_sec: if set { (nanos / 1_000_000_000) as libc::time_t } else { 0 },
        tv_nsec: match (set, now) {
            (true, _) => (nanos % 1_000_000_000) as libc::c_long,
            (false, true) => libc::UTIME_NOW,
            (false, false) => libc::UTIME_OMIT,
        },
    };
    Ok([time(atim, flags & 1 != 0, flags & 2 != 0), time(mtim, flags & 4 != 0, flags & 8 != 0)])
}

/// Sets an open file's `O_APPEND` and `O_NONBLOCK`, keeping its other
/// status flags.
pub(super) fn set_status_flags(file: &File, append: bool, nonblock: bool) -> Result<(), u16> {
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is a descriptor `file` owns and keeps open for this call;
    // F_GETFL/F_SETFL only read and set its status flags.
    let result = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            flags
        } else {
            let mut flags = flags & !(libc::O_APPEND | libc::O_NONBLOCK);
            if append {
                flags |= libc::O_APPEND;
            }
            if nonblock {
                flags |= libc::O_NONBLOCK;
            }
            libc::fcntl(fd, libc::F_SETFL, flags)
        }
    };
    if result < 0 { Err(last_errno()) } else { Ok(()) }
}

/// Passes a WASI `advice` (NORMAL, SEQUENTIAL, RANDOM, WILLNEED, DONTNEED,
/// NOREUSE) on to the host for the range; a range beyond `i64` is EINVAL,
/// as the host answers a negative one.
pub(super) fn advise(file: &File, offset: u64, len: u64, advice: u32) -> Result<(), u16> {
    let advice = match advice {
        0 => libc::POSIX_FADV_NORMAL,
        1 => libc::POSIX_FADV_SEQUENTIAL,
        2 => libc::POSIX_FADV_RANDOM,
        3 => libc::POSIX_FADV_WILLNEED,
        4 => libc::POSIX_FADV_DONTNEED,
        5 => libc::POSIX_FADV_NOREUSE,
        _ => return Err(errno::INVAL),
    };
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else { return Err(errno::INVAL) };
    // SAFETY: `file` keeps the descriptor open; posix_fadvise only reads
    // its arguments and returns an error number rather than setting errno.
    let error = unsafe { libc::posix_fadvise(file.as_raw_fd(), offset, len, advice) };
    if error == 0 { Ok(()) } else { Err(errno_of(&std::io::Error::from_raw_os_error(error))) }
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
            assert_eq!(resolve(&root, here, escape.as_bytes(), true), Err(errno::PERM), "{escape}");
        }
        assert_eq!(ok("a", "../../x", false), Err(errno::PERM));
        assert_eq!(ok("", "up", true), Err(errno::PERM));
        // A trailing slash follows the last link even without the flag.
        assert_eq!(ok("", "up/", false), Err(errno::PERM));
        assert_eq!(ok("", "loop1/x", false), Err(errno::LOOP));
        assert_eq!(ok("", "", false), Err(errno::NOENT));
        assert_eq!(resolve(&root, here, b"a\0b", false), Err(errno::INVAL));
        std::fs::remove_dir_all(base).unwrap();
    }

    /// Another process swaps a directory the path resolved through for a
    /// symlink pointing out before the operation: the walk refuses it.
    #[test]
    fn a_directory_swapped_for_a_link_after_resolution_is_not_followed() {
        let base = std::env::temp_dir().join(format!("crucible-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("root/a")).unwrap();
        std::fs::create_dir_all(base.join("outside")).unwrap();
        let root = Root::open(&base.join("root")).unwrap();
        let inside = locate(&root, Path::new(""), b"a/f", false).unwrap();
        inside.open(libc::O_CREAT | libc::O_WRONLY, 0o666).unwrap();
        assert!(base.join("root/a/f").exists());

        let resolved = relative_to(&root.path, &resolve(&root.path, Path::new(""), b"a/g", false).unwrap());
        std::fs::remove_file(base.join("root/a/f")).unwrap();
        std::fs::remove_dir(base.join("root/a")).unwrap();
        std::os::unix::fs::symlink("../outside", base.join("root/a")).unwrap();
        assert!(walk(&root, resolved, false).is_err());
        // Resolved afresh, the link is seen and refused as an escape.
        assert_eq!(locate(&root, Path::new(""), b"a/g", false).err(), Some(errno::PERM));
        assert_eq!(std::fs::read_dir(base.join("outside")).unwrap().count(), 0);
        std::fs::remove_dir_all(base).unwrap();
    }
}
