// Shared by the WASI behaviour programs: each check prints one line, the
// call and what it got (`OK`, a result, or the errno's name), so a
// difference from the recorded wasmtime output is readable at a glance.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

// The one preopened directory (`/sandbox`): the first descriptor after stdio.
#define SANDBOX 3

static const char *errno_name(int e) {
    static char other[24];
    switch (e) {
#define NAME(n) case __WASI_ERRNO_##n: return "E" #n;
    NAME(2BIG) NAME(ACCES) NAME(ADDRINUSE) NAME(ADDRNOTAVAIL) NAME(AFNOSUPPORT) NAME(AGAIN) NAME(ALREADY)
    NAME(BADF) NAME(BADMSG) NAME(BUSY) NAME(CANCELED) NAME(CHILD) NAME(CONNABORTED) NAME(CONNREFUSED)
    NAME(CONNRESET) NAME(DEADLK) NAME(DESTADDRREQ) NAME(DOM) NAME(DQUOT) NAME(EXIST) NAME(FAULT) NAME(FBIG)
    NAME(HOSTUNREACH) NAME(IDRM) NAME(ILSEQ) NAME(INPROGRESS) NAME(INTR) NAME(INVAL) NAME(IO) NAME(ISCONN)
    NAME(ISDIR) NAME(LOOP) NAME(MFILE) NAME(MLINK) NAME(MSGSIZE) NAME(MULTIHOP) NAME(NAMETOOLONG)
    NAME(NETDOWN) NAME(NETRESET) NAME(NETUNREACH) NAME(NFILE) NAME(NOBUFS) NAME(NODEV) NAME(NOENT)
    NAME(NOEXEC) NAME(NOLCK) NAME(NOLINK) NAME(NOMEM) NAME(NOMSG) NAME(NOPROTOOPT) NAME(NOSPC) NAME(NOSYS)
    NAME(NOTCONN) NAME(NOTDIR) NAME(NOTEMPTY) NAME(NOTRECOVERABLE) NAME(NOTSOCK) NAME(NOTSUP) NAME(NOTTY)
    NAME(NXIO) NAME(OVERFLOW) NAME(OWNERDEAD) NAME(PERM) NAME(PIPE) NAME(PROTO) NAME(PROTONOSUPPORT)
    NAME(PROTOTYPE) NAME(RANGE) NAME(ROFS) NAME(SPIPE) NAME(SRCH) NAME(STALE) NAME(TIMEDOUT) NAME(TXTBSY)
    NAME(XDEV) NAME(NOTCAPABLE)
#undef NAME
    case 0: return "OK";
    }
    snprintf(other, sizeof other, "errno %d", e);
    return other;
}

// A raw `__wasi_*` call: its errno.
#define RAW(label, call) printf("%s: %s\n", label, errno_name(call))

// A libc call that answers -1 and sets errno on failure.
#define LIBC(label, call)                                                  \
    do {                                                                   \
        errno = 0;                                                         \
        long result_ = (long)(call);                                       \
        printf("%s: %s\n", label, result_ < 0 ? errno_name(errno) : "OK"); \
    } while (0)

#define READ_WRITE (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)

// path_open relative to the sandbox; the descriptor, or -1 with `*error` set.
static int open_at(const char *path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags,
                   __wasi_rights_t rights, __wasi_fdflags_t fdflags, __wasi_errno_t *error) {
    __wasi_fd_t fd;
    *error = __wasi_path_open(SANDBOX, lookup, path, oflags, rights, 0, fdflags, &fd);
    return *error ? -1 : (int)fd;
}

// path_open's errno, closing what it opened.
static __wasi_errno_t try_open(const char *path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags,
                               __wasi_rights_t rights, __wasi_fdflags_t fdflags) {
    __wasi_errno_t error;
    int fd = open_at(path, lookup, oflags, rights, fdflags, &error);
    if (fd >= 0) (void)__wasi_fd_close(fd);
    return error;
}

// Creates (or truncates) `path` in the sandbox holding `text`.
static void make_file(const char *path, const char *text) {
    __wasi_errno_t error;
    int fd = open_at(path, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, READ_WRITE, 0, &error);
    if (fd < 0) {
        printf("setup: creating %s: %s\n", path, errno_name(error));
        return;
    }
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    if (__wasi_fd_write(fd, &iov, 1, &n)) printf("setup: writing %s failed\n", path);
    (void)__wasi_fd_close(fd);
}

// The file type of `path` (not following a last link), or the errno.
static const char *type_of(const char *path) {
    __wasi_filestat_t st;
    __wasi_errno_t error = __wasi_path_filestat_get(SANDBOX, 0, path, &st);
    if (error) return errno_name(error);
    switch (st.filetype) {
    case __WASI_FILETYPE_DIRECTORY: return "directory";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symlink";
    default: return "other";
    }
}
