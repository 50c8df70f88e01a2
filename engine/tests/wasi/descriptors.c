// What each kind of descriptor answers to the calls meant for another:
// the standard streams' types (not a terminal here: unknown), path calls
// relative to a file or a stream (EBADF; path_open ENOTDIR), prestat of
// what is not a preopen, a preopen's name in a short buffer, closing
// twice, the number a new descriptor gets, poll_oneoff on a descriptor
// that is not open, and closing the preopen.
#include "check.h"

#define ALL (((__wasi_rights_t)1 << 29) - 1)

int main(void) {
    __wasi_errno_t error;
    __wasi_fdstat_t fs;
    __wasi_filestat_t st;
    __wasi_fd_t fd;
    __wasi_prestat_t prestat;
    char buffer[8];
    __wasi_size_t n;
    make_file("f", "x");
    int file = open_at("f", 0, 0, ALL, 0, &error);

    for (int i = 0; i < 3; i++) {
        error = __wasi_fd_fdstat_get(i, &fs);
        printf("fdstat %d: %s type %d flags %d read %d write %d seek %d\n", i, errno_name(error), fs.fs_filetype,
               fs.fs_flags, !!(fs.fs_rights_base & __WASI_RIGHTS_FD_READ),
               !!(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE), !!(fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK));
        error = __wasi_fd_filestat_get(i, &st);
        printf("filestat %d: %s type %d\n", i, errno_name(error), st.filetype);
    }
    RAW("set rights stdout", __wasi_fd_fdstat_set_rights(1, 0, 0));
    RAW("readdir stdout", __wasi_fd_readdir(1, (uint8_t *)buffer, sizeof buffer, 0, &n));

    RAW("path_open from file", __wasi_path_open(file, 0, "x", 0, 0, 0, 0, &fd));
    RAW("path_open from stdout", __wasi_path_open(1, 0, "x", 0, 0, 0, 0, &fd));
    RAW("path_open from bad descriptor", __wasi_path_open(99, 0, "x", 0, 0, 0, 0, &fd));
    RAW("mkdir from file", __wasi_path_create_directory(file, "x"));
    RAW("mkdir from bad descriptor", __wasi_path_create_directory(99, "x"));
    RAW("filestat from file", __wasi_path_filestat_get(file, 0, "x", &st));
    RAW("filestat from stdout", __wasi_path_filestat_get(1, 0, "x", &st));
    RAW("set times from file", __wasi_path_filestat_set_times(file, 0, "x", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW("unlink from file", __wasi_path_unlink_file(file, "x"));
    RAW("rmdir from file", __wasi_path_remove_directory(file, "x"));
    RAW("symlink from file", __wasi_path_symlink("f", file, "x"));
    RAW("readlink from file", __wasi_path_readlink(file, "x", (uint8_t *)buffer, sizeof buffer, &n));
    RAW("rename from file", __wasi_path_rename(file, "x", SANDBOX, "y"));
    RAW("rename to file", __wasi_path_rename(SANDBOX, "f", file, "y"));
    RAW("link from file", __wasi_path_link(file, 0, "x", SANDBOX, "y"));
    RAW("link to file", __wasi_path_link(SANDBOX, 0, "f", file, "y"));

    RAW("prestat stdout", __wasi_fd_prestat_get(1, &prestat));
    RAW("prestat file", __wasi_fd_prestat_get(file, &prestat));
    RAW("prestat sandbox", __wasi_fd_prestat_get(SANDBOX, &prestat));
    printf("name length %u\n", (unsigned)prestat.u.dir.pr_name_len);
    RAW("prestat name, short buffer", __wasi_fd_prestat_dir_name(SANDBOX, (uint8_t *)buffer, 2));
    RAW("prestat name, file", __wasi_fd_prestat_dir_name(file, (uint8_t *)buffer, sizeof buffer));
    RAW("prestat name, stdout", __wasi_fd_prestat_dir_name(1, (uint8_t *)buffer, sizeof buffer));
    RAW("prestat name, bad descriptor", __wasi_fd_prestat_dir_name(99, (uint8_t *)buffer, sizeof buffer));
    RAW("setup mkdir d", __wasi_path_create_directory(SANDBOX, "d"));
    int dir = open_at("d", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &error);
    RAW("prestat opened directory", __wasi_fd_prestat_get(dir, &prestat));
    RAW("prestat name, opened directory", __wasi_fd_prestat_dir_name(dir, (uint8_t *)buffer, sizeof buffer));
    (void)__wasi_fd_close(dir);

    RAW("close file", __wasi_fd_close(file));
    RAW("close file again", __wasi_fd_close(file));
    int again = open_at("f", 0, 0, ALL, 0, &error);
    printf("reopened gets the freed number: %s\n", again == file ? "yes" : "no");

    // Numbers given up come back highest first, before fresh ones.
    int first = open_at("f", 0, 0, ALL, 0, &error), second = open_at("f", 0, 0, ALL, 0, &error);
    int third = open_at("f", 0, 0, ALL, 0, &error);
    printf("opened: +%d +%d +%d after the first\n", second - first, third - first, again - first);
    (void)__wasi_fd_close(second);
    (void)__wasi_fd_close(third);
    (void)__wasi_fd_close(first);
    int next[4];
    for (int i = 0; i < 4; i++) next[i] = open_at("f", 0, 0, ALL, 0, &error);
    printf("after closing +1 +2 +0: +%d +%d +%d +%d\n", next[0] - first, next[1] - first, next[2] - first,
           next[3] - first);
    RAW("renumber +0 -> 40", __wasi_fd_renumber(next[0], 40));
    int moved = open_at("f", 0, 0, ALL, 0, &error);
    printf("after renumbering +0 away: +%d\n", moved - first);
    RAW("renumber 40 -> +3, open again", __wasi_fd_renumber(40, next[0]));
    int fresh = open_at("f", 0, 0, ALL, 0, &error);
    printf("then: +%d\n", fresh - first);

    __wasi_subscription_t sub = {0};
    __wasi_event_t event = {0};
    sub.userdata = 5;
    sub.u.tag = __WASI_EVENTTYPE_FD_READ;
    sub.u.u.fd_read.file_descriptor = 77;
    n = 9;
    RAW("poll descriptor not open", __wasi_poll_oneoff(&sub, &event, 1, &n));
    sub.u.u.fd_read.file_descriptor = again;
    RAW("poll file", __wasi_poll_oneoff(&sub, &event, 1, &n));
    printf("events %u userdata %llu error %s bytes %llu\n", (unsigned)n, (unsigned long long)event.userdata,
           errno_name(event.error), (unsigned long long)event.fd_readwrite.nbytes);
    sub.u.tag = __WASI_EVENTTYPE_FD_WRITE;
    sub.u.u.fd_write.file_descriptor = 1;
    RAW("poll stdout writable", __wasi_poll_oneoff(&sub, &event, 1, &n));
    printf("events %u type %d error %s\n", (unsigned)n, event.type, errno_name(event.error));

    RAW("close sandbox", __wasi_fd_close(SANDBOX));
    RAW("prestat sandbox after close", __wasi_fd_prestat_get(SANDBOX, &prestat));
    RAW("mkdir after close", __wasi_path_create_directory(SANDBOX, "x"));
    return 0;
}
