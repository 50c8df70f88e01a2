// fd_renumber with the standard descriptors: a file can become stdout or
// stderr, stdout can move to another number and back, a closed standard
// descriptor is gone. Lines are collected in memory and written at the
// end through whatever descriptor then is stdout, so moving stdout cannot
// lose them.
#include <stdarg.h>
#include "check.h"

static char out[8192];
static size_t used;

static void say(const char *format, ...) {
    va_list args;
    va_start(args, format);
    used += vsnprintf(out + used, sizeof out - used, format, args);
    va_end(args);
}

#define SAY(label, call) say("%s: %s\n", label, errno_name(call))

static __wasi_errno_t put(__wasi_fd_t fd, const char *text) {
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    return __wasi_fd_write(fd, &iov, 1, &n);
}

static void contents(const char *label, const char *path) {
    __wasi_errno_t error;
    int fd = open_at(path, 0, 0, __WASI_RIGHTS_FD_READ, 0, &error);
    if (fd < 0) {
        say("%s: open %s\n", label, errno_name(error));
        return;
    }
    char buffer[64] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buffer, sizeof buffer - 1};
    __wasi_size_t n;
    error = __wasi_fd_read(fd, &iov, 1, &n);
    say("%s: %s \"%s\"\n", label, errno_name(error), buffer);
    (void)__wasi_fd_close(fd);
}

static const char *type_of_fd(__wasi_fd_t fd) {
    __wasi_fdstat_t st;
    __wasi_errno_t error = __wasi_fd_fdstat_get(fd, &st);
    if (error) return errno_name(error);
    return st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE ? "file"
           : st.fs_filetype == __WASI_FILETYPE_DIRECTORY ? "directory"
                                                          : "not a file or directory";
}

int main(void) {
    __wasi_errno_t error;
    __wasi_fd_t stdout_fd = 1;

    SAY("renumber 99 -> 1", __wasi_fd_renumber(99, 1));
    SAY("renumber 1 -> 1", __wasi_fd_renumber(1, 1));
    SAY("renumber 0 -> 0", __wasi_fd_renumber(0, 0));
    SAY("renumber 99 -> 99", __wasi_fd_renumber(99, 99));

    // A file becomes stderr.
    make_file("err.txt", "");
    int file = open_at("err.txt", 0, 0, READ_WRITE, 0, &error);
    SAY("renumber file -> 2", __wasi_fd_renumber(file, 2));
    say("old number: %s\n", type_of_fd(file));
    say("fd 2: %s\n", type_of_fd(2));
    SAY("write to 2", put(2, "into the file"));
    contents("err.txt", "err.txt");
    __wasi_filesize_t at;
    SAY("seek 2", __wasi_fd_seek(2, 0, __WASI_WHENCE_SET, &at));

    // stdout moves to a file's number and back.
    make_file("other.txt", "");
    int other = open_at("other.txt", 0, 0, READ_WRITE, 0, &error);
    SAY("renumber 1 -> file", __wasi_fd_renumber(1, other));
    stdout_fd = other;
    say("fd 1 after moving stdout: %s\n", type_of_fd(1));
    SAY("write to 1", put(1, "lost"));
    say("the file's number now: %s\n", type_of_fd(other));
    SAY("renumber it back -> 1", __wasi_fd_renumber(other, 1));
    stdout_fd = 1;
    say("fd 1 after moving back: %s\n", type_of_fd(1));
    contents("other.txt (untouched)", "other.txt");

    // stdout to a number nobody holds.
    SAY("renumber 1 -> 50", __wasi_fd_renumber(1, 50));
    if (__wasi_fd_fdstat_get(50, &(__wasi_fdstat_t){0}) == 0) {
        stdout_fd = 50;
        say("fd 1 after moving stdout to 50: %s\n", type_of_fd(1));
        SAY("renumber 50 -> 1", __wasi_fd_renumber(50, 1));
        stdout_fd = 1;
    }

    // stdin closed, then gone; a new descriptor may take its number.
    SAY("close 0", __wasi_fd_close(0));
    say("fd 0 after close: %s\n", type_of_fd(0));
    SAY("close 0 again", __wasi_fd_close(0));
    char byte;
    __wasi_iovec_t iov = {(uint8_t *)&byte, 1};
    __wasi_size_t n;
    SAY("read 0 after close", __wasi_fd_read(0, &iov, 1, &n));
    SAY("renumber 0 -> 1 after close", __wasi_fd_renumber(0, 1));
    int fresh = open_at("other.txt", 0, 0, READ_WRITE, 0, &error);
    say("new descriptor after closing 0: %s\n", fresh == 0 ? "0" : fresh > 0 ? "above 0" : errno_name(error));
    if (fresh >= 0) (void)__wasi_fd_close(fresh);

    // The preopen moves: its name goes with it.
    __wasi_prestat_t prestat;
    SAY("renumber sandbox -> 20", __wasi_fd_renumber(SANDBOX, 20));
    SAY("prestat 20", __wasi_fd_prestat_get(20, &prestat));
    SAY("prestat 3", __wasi_fd_prestat_get(SANDBOX, &prestat));
    SAY("renumber 20 -> 3", __wasi_fd_renumber(20, SANDBOX));
    SAY("prestat 3 again", __wasi_fd_prestat_get(SANDBOX, &prestat));

    SAY("close 2", __wasi_fd_close(2));
    SAY("write to closed 2", put(2, "x"));
    SAY("close 1 (after this line)", 0);
    put(stdout_fd, out);
    (void)__wasi_fd_close(1);
    return put(1, "after closing stdout\n") == __WASI_ERRNO_BADF ? 7 : 8;
}
