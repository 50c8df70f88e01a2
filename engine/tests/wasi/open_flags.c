// path_open's flags: O_DIRECTORY with read or write rights fails; the
// fdflags a descriptor was opened with (APPEND, DSYNC, NONBLOCK, RSYNC,
// SYNC) are what fd_fdstat_get reports, and fd_fdstat_set_flags changes
// them; nonblocking opens of files and directories.
#include "check.h"

static void flags_of(const char *label, int fd) {
    __wasi_fdstat_t st;
    __wasi_errno_t error = __wasi_fd_fdstat_get(fd, &st);
    if (error) {
        printf("%s: fdstat %s\n", label, errno_name(error));
        return;
    }
    printf("%s: type %d flags", label, st.fs_filetype);
    if (!st.fs_flags) printf(" none");
    if (st.fs_flags & __WASI_FDFLAGS_APPEND) printf(" APPEND");
    if (st.fs_flags & __WASI_FDFLAGS_DSYNC) printf(" DSYNC");
    if (st.fs_flags & __WASI_FDFLAGS_NONBLOCK) printf(" NONBLOCK");
    if (st.fs_flags & __WASI_FDFLAGS_RSYNC) printf(" RSYNC");
    if (st.fs_flags & __WASI_FDFLAGS_SYNC) printf(" SYNC");
    printf("\n");
}

// Opens `path` with `fdflags` and reports the flags it comes back with.
static void open_with(const char *label, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                      __wasi_fdflags_t fdflags) {
    __wasi_errno_t error;
    int fd = open_at(path, 0, oflags, rights, fdflags, &error);
    if (fd < 0) {
        printf("%s: open %s\n", label, errno_name(error));
        return;
    }
    flags_of(label, fd);
    (void)__wasi_fd_close(fd);
}

int main(void) {
    make_file("f", "0123456789");
    RAW("setup mkdir d", __wasi_path_create_directory(SANDBOX, "d"));
    const __wasi_oflags_t dir = __WASI_OFLAGS_DIRECTORY;

    RAW("open d directory, no rights", try_open("d", 0, dir, 0, 0));
    RAW("open d directory, readdir", try_open("d", 0, dir, __WASI_RIGHTS_FD_READDIR, 0));
    RAW("open d directory, read", try_open("d", 0, dir, __WASI_RIGHTS_FD_READ, 0));
    RAW("open d directory, write", try_open("d", 0, dir, __WASI_RIGHTS_FD_WRITE, 0));
    RAW("open d directory, read+write", try_open("d", 0, dir, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0));
    RAW("open d directory, allocate", try_open("d", 0, dir, __WASI_RIGHTS_FD_ALLOCATE, 0));
    RAW("open d directory, set size", try_open("d", 0, dir, __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0));
    RAW("open . directory, read", try_open(".", 0, dir, __WASI_RIGHTS_FD_READ, 0));
    RAW("open d, read", try_open("d", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open d, write", try_open("d", 0, 0, __WASI_RIGHTS_FD_WRITE, 0));
    RAW("open d, no rights", try_open("d", 0, 0, 0, 0));
    RAW("open d, truncate", try_open("d", 0, __WASI_OFLAGS_TRUNC, 0, 0));
    RAW("open f directory", try_open("f", 0, dir, 0, 0));
    RAW("open f directory, read", try_open("f", 0, dir, __WASI_RIGHTS_FD_READ, 0));
    RAW("open missing directory", try_open("missing", 0, dir, 0, 0));
    RAW("open new creat+directory", try_open("new", 0, __WASI_OFLAGS_CREAT | dir, 0, 0));
    printf("new after creat+directory: %s\n", type_of("new"));
    RAW("open f creat+excl", try_open("f", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, READ_WRITE, 0));
    RAW("open d creat+excl", try_open("d", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0));
    RAW("open d creat", try_open("d", 0, __WASI_OFLAGS_CREAT, 0, 0));
    LIBC("libc open d O_RDWR", open("/sandbox/d", O_RDWR));
    LIBC("libc open d O_DIRECTORY|O_RDONLY", open("/sandbox/d", O_DIRECTORY | O_RDONLY));
    LIBC("libc open d O_DIRECTORY|O_RDWR", open("/sandbox/d", O_DIRECTORY | O_RDWR));

    open_with("f none", "f", 0, READ_WRITE, 0);
    open_with("f APPEND", "f", 0, READ_WRITE, __WASI_FDFLAGS_APPEND);
    open_with("f DSYNC", "f", 0, READ_WRITE, __WASI_FDFLAGS_DSYNC);
    open_with("f NONBLOCK", "f", 0, READ_WRITE, __WASI_FDFLAGS_NONBLOCK);
    open_with("f RSYNC", "f", 0, READ_WRITE, __WASI_FDFLAGS_RSYNC);
    open_with("f SYNC", "f", 0, READ_WRITE, __WASI_FDFLAGS_SYNC);
    open_with("f read-only SYNC", "f", 0, __WASI_RIGHTS_FD_READ, __WASI_FDFLAGS_SYNC);
    open_with("f all", "f", 0, READ_WRITE, 31);
    open_with("d NONBLOCK", "d", dir, 0, __WASI_FDFLAGS_NONBLOCK);
    open_with("d SYNC", "d", dir, 0, __WASI_FDFLAGS_SYNC);
    open_with("d APPEND", "d", dir, 0, __WASI_FDFLAGS_APPEND);
    open_with("new2 creat NONBLOCK", "new2", __WASI_OFLAGS_CREAT, READ_WRITE, __WASI_FDFLAGS_NONBLOCK);
    flags_of("sandbox", SANDBOX);
    flags_of("bad descriptor", 99);

    int fd = open("/sandbox/f", O_RDWR | O_APPEND | O_NONBLOCK);
    printf("libc open O_APPEND|O_NONBLOCK: %s\n", fd < 0 ? errno_name(errno) : "OK");
    flags_of("libc fd", fd);
    printf("fcntl F_GETFL: APPEND %d NONBLOCK %d\n", !!(fcntl(fd, F_GETFL) & O_APPEND),
           !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    RAW("set flags none", __wasi_fd_fdstat_set_flags(fd, 0));
    flags_of("after set none", fd);
    RAW("set flags APPEND", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    flags_of("after set APPEND", fd);
    RAW("set flags NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
    flags_of("after set NONBLOCK", fd);
    RAW("set flags SYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    RAW("set flags DSYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_DSYNC));
    RAW("set flags RSYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_RSYNC));
    flags_of("after the refused ones", fd);
    RAW("set flags APPEND|NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_NONBLOCK));
    flags_of("after set APPEND|NONBLOCK", fd);
    // Appending writes go to the end whatever the position.
    __wasi_filesize_t at;
    RAW("seek to 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &at));
    printf("write: %zd\n", write(fd, "ab", 2));
    __wasi_filestat_t st;
    RAW("filestat", __wasi_fd_filestat_get(fd, &st));
    printf("size after appending write: %llu\n", (unsigned long long)st.size);
    close(fd);
    RAW("set flags on directory", __wasi_fd_fdstat_set_flags(SANDBOX, __WASI_FDFLAGS_NONBLOCK));
    flags_of("sandbox after set NONBLOCK", SANDBOX);
    RAW("set flags on directory none", __wasi_fd_fdstat_set_flags(SANDBOX, 0));
    RAW("set flags on bad descriptor", __wasi_fd_fdstat_set_flags(99, 0));
    return 0;
}
