//! The descriptor table and the `fd_*`/`path_*` functions on it, with
//! WASI's rights enforced.
//!
//! Rights: a preopen may do everything a directory can and pass on every
//! right; `path_open` gives the new descriptor the rights it asks for that
//! its directory may pass on (and that fit a file or a directory), and
//! `fd_fdstat_set_rights` can only drop rights. A call without the right it
//! needs answers `ENOTCAPABLE` — except reading or writing, which answer
//! `EBADF` as POSIX `read`/`write` on a descriptor not open for it do (what
//! C programs test for, and what wasmtime reports).

use std::io::{SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use super::fs::{self, Root};
use super::guest::Guest;
use super::{Stream, WasiCtx, errno};

/// WASI's rights bits.
pub(super) mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;

    /// Everything a regular file can be allowed.
    pub const FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;

    /// Everything a directory can be allowed.
    pub const DIRECTORY: u64 = FD_DATASYNC
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rights {
    /// What this descriptor may do.
    pub(super) base: u64,
    /// What descriptors opened through it may be given.
    pub(super) inheriting: u64,
}

/// An open descriptor above the standard three.
pub(super) struct Descriptor {
    /// The open host file or directory.
    pub(super) handle: std::fs::File,
    pub(super) rights: Rights,
    /// The `fdflags` it was opened with or last given, as `fd_fdstat_get`
    /// reports them.
    pub(super) flags: u16,
    pub(super) kind: Kind,
}

pub(super) enum Kind {
    /// A directory: its root preopen and its place under it.
    Dir { root: Arc<Root>, relative: std::path::PathBuf, preopen_name: Option<String> },
    /// A file and the program's position in it, kept here rather than in
    /// the host descriptor so that any position a seek can name (up to
    /// `i64::MAX`) is one, whatever the host file system allows.
    File { position: u64 },
}

impl Descriptor {
    pub(super) fn preopen(root: Root, name: String) -> std::io::Result<Descriptor> {
        let handle = root.dir.try_clone()?;
        Ok(Descriptor {
            handle,
            rights: Rights { base: rights::DIRECTORY, inheriting: rights::DIRECTORY | rights::FILE },
            flags: 0,
            kind: Kind::Dir { root: Arc::new(root), relative: Default::default(), preopen_name: Some(name) },
        })
    }

    fn require(&self, right: u64) -> Result<(), u16> {
        if self.rights.base & right == right { Ok(()) } else { Err(errno::NOTCAPABLE) }
    }

    /// The file, if this is one (`EBADF` for a directory: no file
    /// operation applies to it) holding `right`.
    fn file(&mut self, right: u64) -> Result<&mut std::fs::File, u16> {
        self.file_at(right).map(|(file, _)| file)
    }

    /// The same with the program's position in it.
    fn file_at(&mut self, right: u64) -> Result<(&mut std::fs::File, &mut u64), u16> {
        let Kind::File { position } = &mut self.kind else { return Err(errno::BADF) };
        if self.rights.base & right != right {
            return Err(errno::NOTCAPABLE);
        }
        Ok((&mut self.handle, position))
    }
}

impl WasiCtx {
    /// Whether `fd` is one of the standard streams, wherever it was moved.
    fn is_stdio(&self, fd: u32) -> bool {
        self.stdio.contains_key(&fd)
    }

    fn descriptor(&mut self, fd: u32, right: u64) -> Result<&mut Descriptor, u16> {
        let descriptor = self.fds.get_mut(&fd).ok_or(errno::BADF)?;
        descriptor.require(right)?;
        Ok(descriptor)
    }

    /// `path` under directory `fd`, which must hold `right`, and its root.
    fn locate(&self, fd: u32, path: &[u8], follow: bool, right: u64) -> Result<(fs::Located, Arc<Root>), u16> {
        let descriptor = self.fds.get(&fd).ok_or(errno::BADF)?;
        // Only path_open tells ENOTDIR from EBADF here (wasmtime does so).
        let Kind::Dir { root, relative, .. } = &descriptor.kind else { return Err(errno::BADF) };
        descriptor.require(right)?;
        Ok((fs::locate(root, relative, path, follow)?, root.clone()))
    }

    /// Writes `bytes` to descriptor `fd` (above the standard three).
    pub(super) fn write_fd(&mut self, fd: u32, bytes: &[u8]) -> Result<(), u16> {
        let descriptor = self.fds.get_mut(&fd).ok_or(errno::BADF)?;
        let append = descriptor.flags & FDFLAGS_APPEND as u16 != 0;
        let (file, position) = descriptor.file_at(rights::FD_WRITE).map_err(read_write_errno)?;
        if append {
            // The host descriptor is O_APPEND: the write lands at the end,
            // which is where the position then is.
            file.write_all(bytes).map_err(|e| fs::errno_of(&e))?;
            *position = file.metadata().map_err(|e| fs::errno_of(&e))?.len();
        } else {
            file.write_all_at(bytes, *position).map_err(|e| fs::errno_of(&e))?;
            *position += bytes.len() as u64;
        }
        Ok(())
    }

    /// Reads up to `max` bytes from descriptor `fd` (above the standard three).
    pub(super) fn read_fd(&mut self, fd: u32, max: usize) -> Result<Vec<u8>, u16> {
        let descriptor = self.fds.get_mut(&fd).ok_or(errno::BADF)?;
        let (file, position) = descriptor.file_at(rights::FD_READ).map_err(read_write_errno)?;
        let mut buffer = vec![0; max];
        let n = file.read_at(&mut buffer, *position).map_err(|e| fs::errno_of(&e))?;
        buffer.truncate(n);
        *position += n as u64;
        Ok(buffer)
    }
}

fn read_write_errno(error: u16) -> u16 {
    if error == errno::NOTCAPABLE { errno::BADF } else { error }
}

const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;
const FDFLAGS_APPEND: u32 = 1;
const FDFLAGS_DSYNC: u32 = 2;
const FDFLAGS_NONBLOCK: u32 = 4;
const FDFLAGS_RSYNC: u32 = 8;
const FDFLAGS_SYNC: u32 = 16;
/// Synchronized I/O, which wasmtime neither opens with nor sets: refused
/// (`ENOTSUP` opening, `EINVAL` setting) rather than quietly dropped.
const FDFLAGS_SYNCHRONIZED: u32 = FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC;

/// Runs the descriptor or path function `name` (`ENOSYS` for one not provided).
pub(super) fn call(
    name: &str,
    unstable: bool,
    guest: &mut Guest<'_>,
    ctx: &mut WasiCtx,
    args: &[super::Val],
) -> Result<(), u16> {
    let a = |i| super::u32_arg(args, i);
    let i64_arg = |i: usize| args[i].i64().unwrap_or_default() as u64;
    let follow = |i| a(i) & LOOKUP_SYMLINK_FOLLOW != 0;
    match name {
        "fd_fdstat_get" => {
            let (filetype, flags, rights) = match ctx.stdio.get(&a(0)).copied() {
                Some(Stream::Stdin) => (
                    ctx.stdio_filetype(Stream::Stdin),
                    0,
                    Rights { base: rights::FD_READ | rights::POLL_FD_READWRITE, inheriting: 0 },
                ),
                Some(stream) => (
                    ctx.stdio_filetype(stream),
                    0,
                    Rights { base: rights::FD_WRITE | rights::POLL_FD_READWRITE, inheriting: 0 },
                ),
                None => {
                    let descriptor = ctx.descriptor(a(0), 0)?;
                    let filetype = match descriptor.kind {
                        Kind::Dir { .. } => FILETYPE_DIRECTORY,
                        Kind::File { .. } => FILETYPE_REGULAR_FILE,
                    };
                    (filetype, descriptor.flags, descriptor.rights)
                }
            };
            let mut stat = [0u8; 24];
            stat[0] = filetype;
            stat[2..4].copy_from_slice(&flags.to_le_bytes());
            stat[8..16].copy_from_slice(&rights.base.to_le_bytes());
            stat[16..24].copy_from_slice(&rights.inheriting.to_le_bytes());
            guest.write(a(1), &stat)
        }
        "fd_fdstat_set_rights" => {
            let descriptor = ctx.descriptor(a(0), 0)?;
            let wanted = Rights { base: i64_arg(1), inheriting: i64_arg(2) };
            let current = descriptor.rights;
            if wanted.base & !current.base != 0 || wanted.inheriting & !current.inheriting != 0 {
                return Err(errno::NOTCAPABLE);
            }
            descriptor.rights = wanted;
            Ok(())
        }
        "fd_seek" | "fd_tell" => {
            let (target, out, right) = if name == "fd_seek" {
                let delta = i64_arg(1) as i64;
                // wasi_unstable numbers `whence` CUR, END, SET; preview 1 SET, CUR, END.
                let whence = match (a(2), unstable) {
                    (0, false) | (2, true) => SeekFrom::Start(delta as u64),
                    (1, false) | (0, true) => SeekFrom::Current(delta),
                    (2, false) | (1, true) => SeekFrom::End(delta),
                    _ => return Err(errno::INVAL),
                };
                // Asking where the file is, is telling.
                let right = if whence == SeekFrom::Current(0) { rights::FD_TELL } else { rights::FD_SEEK };
                (whence, a(3), right)
            } else {
                (SeekFrom::Current(0), a(1), rights::FD_TELL)
            };
            if ctx.is_stdio(a(0)) {
                return Err(errno::SPIPE);
            }
            let (file, position) = ctx.descriptor(a(0), 0)?.file_at(right)?;
            let (from, delta) = match target {
                SeekFrom::Start(offset) => (0, offset as i64),
                SeekFrom::Current(delta) => (*position, delta),
                SeekFrom::End(delta) => (file.metadata().map_err(|e| fs::errno_of(&e))?.len(), delta),
            };
            let offset = i64::try_from(from)
                .ok()
                .and_then(|from| from.checked_add(delta))
                .filter(|offset| *offset >= 0)
                .ok_or(errno::INVAL)?;
            *position = offset as u64;
            guest.write_u64(out, *position)
        }
        "fd_close" => {
            let closed = ctx.stdio.remove(&a(0)).is_some() || ctx.fds.remove(&a(0)).is_some();
            if !closed {
                return Err(errno::BADF);
            }
            ctx.released.insert(a(0));
            Ok(())
        }
        "fd_renumber" => {
            let (from, to) = (a(0), a(1));
            // `to` need not be open: renumbering onto a free number moves it.
            if !ctx.is_open(from) {
                return Err(errno::BADF);
            }
            if from == to {
                return Ok(());
            }
            // Whatever `to` was is closed, whichever table held it.
            ctx.stdio.remove(&to);
            ctx.fds.remove(&to);
            if let Some(stream) = ctx.stdio.remove(&from) {
                ctx.stdio.insert(to, stream);
            } else if let Some(descriptor) = ctx.fds.remove(&from) {
                ctx.fds.insert(to, descriptor);
            }
            ctx.released.remove(&to);
            ctx.released.insert(from);
            Ok(())
        }
        "fd_sync" | "fd_datasync" => {
            let right = if name == "fd_sync" { rights::FD_SYNC } else { rights::FD_DATASYNC };
            let file = ctx.descriptor(a(0), 0)?.file(right)?;
            if name == "fd_sync" { file.sync_all() } else { file.sync_data() }.map_err(|e| fs::errno_of(&e))
        }
        "fd_advise" => {
            let file = ctx.descriptor(a(0), 0)?.file(rights::FD_ADVISE)?;
            fs::advise(file, i64_arg(1), i64_arg(2), a(3))
        }
        "fd_allocate" => {
            // wasmtime allocates nothing (preview 2 has no such call): any
            // file answers ENOTSUP, and what is not one EBADF.
            ctx.descriptor(a(0), 0)?.file(0)?;
            Err(errno::NOTSUP)
        }
        "fd_pread" => {
            let iovecs = guest.iovecs(a(1), a(2))?;
            let file = ctx.descriptor(a(0), 0)?.file(rights::FD_READ | rights::FD_SEEK).map_err(read_write_errno)?;
            let wanted: usize = iovecs.iter().map(|(_, len)| *len as usize).sum();
            let mut buffer = vec![0; wanted];
            let n = file.read_at(&mut buffer, i64_arg(3)).map_err(|e| fs::errno_of(&e))?;
            let mut rest = &buffer[..n];
            for (pointer, len) in iovecs {
                let take = rest.len().min(len as usize);
                guest.write(pointer, &rest[..take])?;
                rest = &rest[take..];
            }
            guest.write_u32(a(4), n as u32)
        }
        "fd_pwrite" => {
            let mut bytes = Vec::new();
            for (pointer, len) in guest.iovecs(a(1), a(2))? {
                bytes.extend_from_slice(guest.read(pointer, len)?);
            }
            let file = ctx.descriptor(a(0), 0)?.file(rights::FD_WRITE | rights::FD_SEEK).map_err(read_write_errno)?;
            file.write_all_at(&bytes, i64_arg(3)).map_err(|e| fs::errno_of(&e))?;
            guest.write_u32(a(4), bytes.len() as u32)
        }
        "fd_prestat_get" | "fd_prestat_dir_name" => {
            // Also how libc's scan of the preopens at start ends: EBADF.
            let Some(Descriptor { kind: Kind::Dir { preopen_name: Some(preopen), .. }, .. }) = ctx.fds.get(&a(0))
            else {
                // wasmtime asks a name only of directories: any other open
                // descriptor is ENOTDIR there.
                let named = name == "fd_prestat_dir_name" && ctx.is_open(a(0));
                return Err(if named { errno::NOTDIR } else { errno::BADF });
            };
            let bytes = preopen.as_bytes();
            if name == "fd_prestat_get" {
                let mut prestat = [0u8; 8];
                prestat[4..8].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
                guest.write(a(1), &prestat)
            } else if (a(2) as usize) < bytes.len() {
                Err(errno::NAMETOOLONG)
            } else {
                guest.write(a(1), bytes)
            }
        }
        "fd_filestat_get" => {
            if let Some(stream) = ctx.stdio.get(&a(0)).copied() {
                let mut stat = [0u8; 64];
                stat[16] = ctx.stdio_filetype(stream);
                return guest.write(a(1), &stat[..if unstable { 56 } else { 64 }]);
            }
            let handle = &ctx.descriptor(a(0), rights::FD_FILESTAT_GET)?.handle;
            let meta = handle.metadata().map_err(|e| fs::errno_of(&e))?;
            write_filestat(guest, a(1), &meta, unstable)
        }
        "fd_filestat_set_size" => {
            let file = ctx.descriptor(a(0), 0)?.file(rights::FD_FILESTAT_SET_SIZE)?;
            file.set_len(i64_arg(1)).map_err(|e| fs::errno_of(&e))
        }
        "fd_filestat_set_times" => {
            let times = fs::file_times(i64_arg(1), i64_arg(2), a(3))?;
            fs::set_file_times(&ctx.descriptor(a(0), rights::FD_FILESTAT_SET_TIMES)?.handle, &times)
        }
        "fd_fdstat_set_flags" => {
            let descriptor = ctx.descriptor(a(0), 0)?;
            descriptor.file(0)?;
            if a(1) & FDFLAGS_SYNCHRONIZED != 0 {
                return Err(errno::INVAL);
            }
            let file = descriptor.file(rights::FD_FDSTAT_SET_FLAGS)?;
            let (append, nonblock) = (a(1) & FDFLAGS_APPEND != 0, a(1) & FDFLAGS_NONBLOCK != 0);
            fs::set_status_flags(file, append, nonblock)?;
            descriptor.flags = (a(1) & (FDFLAGS_APPEND | FDFLAGS_NONBLOCK)) as u16;
            Ok(())
        }
        "fd_readdir" => {
            let descriptor = ctx.descriptor(a(0), 0)?;
            if !matches!(descriptor.kind, Kind::Dir { .. }) {
                return Err(errno::BADF);
            }
            descriptor.require(rights::FD_READDIR)?;
            let listing = fs::read_dir_entries(&descriptor.handle, i64_arg(3))?;
            let n = listing.len().min(a(2) as usize);
            guest.write(a(1), &listing[..n])?;
            guest.write_u32(a(4), n as u32)
        }
        "path_open" => path_open(guest, ctx, args),
        "path_filestat_get" => {
            let mut path = guest.read(a(2), a(3))?.to_vec();
            if !follow(1) {
                // wasmtime looks at the entry itself, trailing `/` or `/.`
                // or not: `file/` is the file and `link/` the link.
                path = strip_trailing(&path, true).to_vec();
            }
            let (target, _) = ctx.locate(a(0), &path, follow(1), rights::PATH_FILESTAT_GET)?;
            write_filestat(guest, a(4), &target.metadata()?, unstable)
        }
        "path_filestat_set_times" => {
            let times = fs::file_times(i64_arg(4), i64_arg(5), a(6))?;
            let path = guest.read(a(2), a(3))?.to_vec();
            let (target, _) = ctx.locate(a(0), &path, follow(1), rights::PATH_FILESTAT_SET_TIMES)?;
            target.set_times(&times)
        }
        "path_rename" => {
            let (from, to) = (guest.read(a(1), a(2))?.to_vec(), guest.read(a(4), a(5))?.to_vec());
            // A trailing slash on the source asks for a directory but follows
            // no link there; on the target wasmtime ignores it.
            let source = strip_trailing(&from, false);
            let (source, _) = ctx.locate(a(0), source, false, rights::PATH_RENAME_SOURCE)?;
            let to = strip_trailing(&to, false);
            let (target, _) = ctx.locate(a(3), to, false, rights::PATH_RENAME_TARGET)?;
            // `.` and `..` are names of other entries, not entries to move.
            if ends_in_dots(&from) || ends_in_dots(to) {
                return Err(errno::BUSY);
            }
            if from.last() == Some(&b'/') && !source.metadata()?.is_dir() {
                return Err(errno::NOTDIR);
            }
            source.rename_to(&target)
        }
        "path_link" => {
            // wasmtime links the entry itself and refuses to follow a link.
            if follow(1) {
                return Err(errno::INVAL);
            }
            let (from, to) = (guest.read(a(2), a(3))?.to_vec(), guest.read(a(5), a(6))?.to_vec());
            let (from, _) = ctx.locate(a(0), &from, false, rights::PATH_LINK_SOURCE)?;
            let (target, _) = ctx.locate(a(4), &to, false, rights::PATH_LINK_TARGET)?;
            new_name_with_slash(&to, &target)?;
            from.hard_link_to(&target)
        }
        "path_symlink" => {
            let (target, link) = (guest.read(a(0), a(1))?.to_vec(), guest.read(a(3), a(4))?.to_vec());
            // An absolute target could only ever point outside the sandbox.
            if target.first() == Some(&b'/') {
                return Err(errno::PERM);
            }
            let (located, _) = ctx.locate(a(2), &link, false, rights::PATH_SYMLINK)?;
            new_name_with_slash(&link, &located)?;
            located.symlink(&target)
        }
        "path_readlink" => {
            let path = guest.read(a(1), a(2))?.to_vec();
            let (link, _) = ctx.locate(a(0), &path, false, rights::PATH_READLINK)?;
            let target = link.read_link()?;
            let n = target.len().min(a(4) as usize);
            guest.write(a(3), &target[..n])?;
            guest.write_u32(a(5), n as u32)
        }
        "path_create_directory" | "path_remove_directory" | "path_unlink_file" => {
            let path = guest.read(a(1), a(2))?.to_vec();
            let right = match name {
                "path_create_directory" => rights::PATH_CREATE_DIRECTORY,
                "path_remove_directory" => rights::PATH_REMOVE_DIRECTORY,
                _ => rights::PATH_UNLINK_FILE,
            };
            // A new directory's trailing slash follows no link: `link/` names
            // the link, which exists.
            let named = if name == "path_create_directory" { strip_trailing(&path, false) } else { &path };
            let (target, _) = ctx.locate(a(0), named, false, right)?;
            match name {
                "path_create_directory" => target.create_dir(),
                // A directory named through `/`, `.` or `..` at the end is
                // not removed (EINVAL), whatever the host would do with it.
                "path_remove_directory" if strip_trailing(&path, true) != path.as_slice() || ends_in_dots(&path) => {
                    Err(if target.metadata()?.is_dir() { errno::INVAL } else { errno::NOTDIR })
                }
                "path_remove_directory" => target.remove(true),
                _ => target.remove(false),
            }
        }
        _ => Err(errno::NOSYS),
    }
}

fn path_open(guest: &mut Guest<'_>, ctx: &mut WasiCtx, args: &[super::Val]) -> Result<(), u16> {
    let a = |i| super::u32_arg(args, i);
    let path = guest.read(a(2), a(3))?.to_vec();
    let (oflags, fdflags) = (a(4), a(7));
    if matches!(ctx.fds.get(&a(0)), Some(Descriptor { kind: Kind::File { .. }, .. })) {
        return Err(errno::NOTDIR);
    }
    if oflags & OFLAGS_CREAT != 0 && oflags & OFLAGS_DIRECTORY != 0 {
        return Err(errno::INVAL);
    }
    if fdflags & FDFLAGS_SYNCHRONIZED != 0 {
        return Err(errno::NOTSUP);
    }
    let asked =
        Rights { base: args[5].i64().unwrap_or_default() as u64, inheriting: args[6].i64().unwrap_or_default() as u64 };
    let mut needed = rights::PATH_OPEN;
    if oflags & OFLAGS_CREAT != 0 {
        needed |= rights::PATH_CREATE_FILE;
    }
    if oflags & OFLAGS_TRUNC != 0 {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    // O_EXCL creates the name itself: a dangling link there is EEXIST, not
    // a way to create its target.
    let exclusive = oflags & OFLAGS_CREAT != 0 && oflags & OFLAGS_EXCL != 0;
    let follow = a(1) & LOOKUP_SYMLINK_FOLLOW != 0 && !exclusive;
    let (target, root) = ctx.locate(a(0), &path, follow, needed)?;
    let passable = ctx.fds[&a(0)].rights.inheriting;
    let granted = Rights { base: asked.base & passable, inheriting: asked.inheriting & passable };
    // Only the right to write opens for writing (as in wasmtime): the host
    // then refuses a directory (EISDIR) the way it refuses any.
    let write = granted.base & rights::FD_WRITE != 0;
    let read = granted.base & (rights::FD_READ | rights::FD_READDIR) != 0 || !write;
    let mut flags = match (read, write) {
        (true, true) => libc::O_RDWR,
        (false, true) => libc::O_WRONLY,
        _ => libc::O_RDONLY,
    };
    for (wasi, host) in [
        (OFLAGS_CREAT, libc::O_CREAT),
        (OFLAGS_DIRECTORY, libc::O_DIRECTORY),
        (OFLAGS_EXCL, libc::O_EXCL),
        (OFLAGS_TRUNC, libc::O_TRUNC),
    ] {
        if oflags & wasi != 0 {
            flags |= host;
        }
    }
    for (wasi, host) in [(FDFLAGS_APPEND, libc::O_APPEND), (FDFLAGS_NONBLOCK, libc::O_NONBLOCK)] {
        if fdflags & wasi != 0 {
            flags |= host;
        }
    }
    let handle = target.open(flags, 0o666)?;
    let is_dir = handle.metadata().map_err(|e| fs::errno_of(&e))?.is_dir();
    let descriptor = if is_dir {
        Descriptor {
            handle,
            rights: Rights { base: granted.base & rights::DIRECTORY, inheriting: granted.inheriting },
            // A directory reports no flags, whatever it was opened with.
            flags: 0,
            kind: Kind::Dir { root, relative: target.relative.clone(), preopen_name: None },
        }
    } else {
        Descriptor {
            handle,
            rights: Rights { base: granted.base & rights::FILE, inheriting: 0 },
            flags: (fdflags & (FDFLAGS_APPEND | FDFLAGS_NONBLOCK)) as u16,
            kind: Kind::File { position: 0 },
        }
    };
    let fd = ctx.next_fd();
    ctx.fds.insert(fd, descriptor);
    guest.write_u32(a(8), fd)
}

/// `path` without its trailing slashes (and, with `dots`, trailing `/.`),
/// never emptied.
fn strip_trailing(path: &[u8], dots: bool) -> &[u8] {
    let mut path = path;
    loop {
        let cut = if path.len() > 1 && path.ends_with(b"/") {
            1
        } else if dots && path.len() > 2 && path.ends_with(b"/.") {
            2
        } else {
            return path;
        };
        path = &path[..path.len() - cut];
    }
}

/// A link (hard or symbolic) to be made at `path`, `located`: with a
/// trailing slash, an existing directory there is EEXIST and anything else
/// what asking for a directory finds (ENOTDIR, ENOENT), as in wasmtime.
fn new_name_with_slash(path: &[u8], located: &fs::Located) -> Result<(), u16> {
    if path.last() != Some(&b'/') {
        return Ok(());
    }
    located.metadata()?;
    Err(errno::EXIST)
}

/// Whether the last component of `path` is `.` or `..`.
fn ends_in_dots(path: &[u8]) -> bool {
    let last = path.rsplit(|b| *b == b'/').next().unwrap_or_default();
    last == b"." || last == b".."
}

fn write_filestat(guest: &mut Guest<'_>, at: u32, meta: &std::fs::Metadata, unstable: bool) -> Result<(), u16> {
    if unstable { guest.write(at, &fs::filestat_unstable(meta)) } else { guest.write(at, &fs::filestat(meta)) }
}
