// Descriptor operations around files and directories: seeking (a
// directory, stdio, bad offsets), fd_allocate and fd_advise, and
// timestamps set by descriptor and by path. Times are printed as
// comparisons, never raw. (Out-of-range enum and flag values are left
// out: wasmtime traps on them, Crucible answers EINVAL.)
#include "check.h"

static __wasi_filestat_t stat_path(const char *path, __wasi_lookupflags_t lookup) {
    __wasi_filestat_t st = {0};
    __wasi_errno_t error = __wasi_path_filestat_get(SANDBOX, lookup, path, &st);
    if (error) printf("stat %s: %s\n", path, errno_name(error));
    return st;
}

static const char *cmp(__wasi_timestamp_t a, __wasi_timestamp_t b) {
    return a == b ? "equal" : a < b ? "earlier" : "later";
}

static void seek(const char *label, __wasi_fd_t fd, __wasi_filedelta_t offset, __wasi_whence_t whence) {
    __wasi_filesize_t at = 12345;
    __wasi_errno_t error = __wasi_fd_seek(fd, offset, whence, &at);
    if (error) printf("%s: %s\n", label, errno_name(error));
    else printf("%s: OK at %llu\n", label, (unsigned long long)at);
}

int main(void) {
    make_file("f", "0123456789");
    RAW("setup mkdir d", __wasi_path_create_directory(SANDBOX, "d"));
    RAW("setup symlink lf -> f", __wasi_path_symlink("f", SANDBOX, "lf"));
    __wasi_errno_t error;
    // Every right a file can have (the read-only one all but writing), so
    // what is checked is what the calls do, not the rights.
    const __wasi_rights_t all = ((__wasi_rights_t)1 << 29) - 1;
    int file = open_at("f", 0, 0, all, 0, &error);
    int dir = open_at("d", 0, __WASI_OFLAGS_DIRECTORY, all & ~__WASI_RIGHTS_FD_WRITE, 0, &error);
    int read_only = open_at("f", 0, 0, all & ~__WASI_RIGHTS_FD_WRITE, 0, &error);
    printf("opened: %s\n", file >= 0 && dir >= 0 && read_only >= 0 ? "yes" : errno_name(error));

    // Seeking.
    seek("seek file end", file, 0, __WASI_WHENCE_END);
    seek("seek file -3 from end", file, -3, __WASI_WHENCE_END);
    seek("seek file +2 from current", file, 2, __WASI_WHENCE_CUR);
    seek("seek file past the end", file, 100, __WASI_WHENCE_SET);
    seek("seek file before the start", file, -1, __WASI_WHENCE_SET);
    seek("seek file -100 from current", file, -100, __WASI_WHENCE_CUR);
    seek("seek file huge", file, INT64_MAX, __WASI_WHENCE_SET);
    seek("seek read-only file", read_only, 4, __WASI_WHENCE_SET);
    seek("seek directory", dir, 0, __WASI_WHENCE_SET);
    seek("seek directory current", dir, 0, __WASI_WHENCE_CUR);
    seek("seek sandbox", SANDBOX, 0, __WASI_WHENCE_SET);
    seek("seek stdout", 1, 0, __WASI_WHENCE_SET);
    seek("seek stdin current", 0, 0, __WASI_WHENCE_CUR);
    seek("seek bad descriptor", 99, 0, __WASI_WHENCE_SET);
    __wasi_filesize_t at;
    RAW("tell directory", __wasi_fd_tell(dir, &at));
    RAW("tell stdout", __wasi_fd_tell(1, &at));
    RAW("tell file", __wasi_fd_tell(file, &at));
    printf("told: %llu\n", (unsigned long long)at);
    LIBC("libc lseek directory", lseek(dir, 0, SEEK_SET));

    // Allocate and advise.
    RAW("allocate file 0+100", __wasi_fd_allocate(file, 0, 100));
    printf("size after allocate: %llu\n", (unsigned long long)stat_path("f", 0).size);
    RAW("allocate file 5+1", __wasi_fd_allocate(file, 5, 1));
    RAW("allocate file 0+0", __wasi_fd_allocate(file, 0, 0));
    RAW("allocate read-only file", __wasi_fd_allocate(read_only, 0, 100));
    RAW("allocate directory", __wasi_fd_allocate(dir, 0, 1));
    RAW("allocate stdout", __wasi_fd_allocate(1, 0, 1));
    RAW("allocate bad descriptor", __wasi_fd_allocate(99, 0, 1));
    RAW("allocate overflowing", __wasi_fd_allocate(file, UINT64_MAX, 2));
    for (int advice = 0; advice <= 5; advice++) {
        char label[32];
        snprintf(label, sizeof label, "advise file %d", advice);
        RAW(label, __wasi_fd_advise(file, 0, 10, advice));
    }
    RAW("advise read-only file", __wasi_fd_advise(read_only, 0, 0, __WASI_ADVICE_NORMAL));
    RAW("advise huge range", __wasi_fd_advise(file, UINT64_MAX, UINT64_MAX, __WASI_ADVICE_NORMAL));
    RAW("advise directory", __wasi_fd_advise(dir, 0, 0, __WASI_ADVICE_NORMAL));
    RAW("advise stdout", __wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL));
    RAW("advise bad descriptor", __wasi_fd_advise(99, 0, 0, __WASI_ADVICE_NORMAL));
    LIBC("libc posix_fadvise", posix_fadvise(file, 0, 0, POSIX_FADV_SEQUENTIAL));
    errno = posix_fallocate(file, 0, 200);
    printf("libc posix_fallocate: %s\n", errno_name(errno));

    // Sizes.
    RAW("set size 3", __wasi_fd_filestat_set_size(file, 3));
    printf("size: %llu\n", (unsigned long long)stat_path("f", 0).size);
    RAW("set size on read-only", __wasi_fd_filestat_set_size(read_only, 0));
    RAW("set size on directory", __wasi_fd_filestat_set_size(dir, 0));
    RAW("set size on stdout", __wasi_fd_filestat_set_size(1, 0));

    // Times by descriptor.
    const __wasi_timestamp_t when = 1500000000123456789ull, other = 1400000000000000000ull;
    RAW("fd set mtim", __wasi_fd_filestat_set_times(file, 0, when, __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t st = stat_path("f", 0);
    printf("mtime after set: %s\n", cmp(st.mtim, when));
    RAW("fd set atim", __wasi_fd_filestat_set_times(file, other, 0, __WASI_FSTFLAGS_ATIM));
    __wasi_filestat_t st2 = stat_path("f", 0);
    printf("atime after set: %s, mtime kept: %s\n", cmp(st2.atim, other), cmp(st2.mtim, when));
    RAW("fd set atim and atim_now", __wasi_fd_filestat_set_times(file, other, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    RAW("fd set mtim and mtim_now", __wasi_fd_filestat_set_times(file, 0, when, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    RAW("fd set nothing", __wasi_fd_filestat_set_times(file, 0, 0, 0));
    __wasi_timestamp_t before;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &before);
    RAW("fd set mtim_now", __wasi_fd_filestat_set_times(file, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    st = stat_path("f", 0);
    printf("mtime now not before the call: %s\n", st.mtim + 10000000 >= before ? "yes" : "no");
    printf("atime kept: %s\n", cmp(st.atim, other));
    RAW("fd set times on read-only", __wasi_fd_filestat_set_times(read_only, 0, when, __WASI_FSTFLAGS_MTIM));
    RAW("fd set times on directory", __wasi_fd_filestat_set_times(dir, 0, when, __WASI_FSTFLAGS_MTIM));
    printf("d mtime: %s\n", cmp(stat_path("d", 0).mtim, when));
    RAW("fd set times on stdout", __wasi_fd_filestat_set_times(1, 0, when, __WASI_FSTFLAGS_MTIM));
    RAW("fd set times on bad descriptor", __wasi_fd_filestat_set_times(99, 0, when, __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t fst;
    RAW("fd filestat stdout", __wasi_fd_filestat_get(1, &fst));
    RAW("fd filestat directory", __wasi_fd_filestat_get(dir, &fst));
    printf("directory type %d\n", fst.filetype);

    // Times by path, following or not.
    RAW("path set mtim follow lf", __wasi_path_filestat_set_times(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "lf", 0, other, __WASI_FSTFLAGS_MTIM));
    printf("f mtime: %s\n", cmp(stat_path("f", 0).mtim, other));
    RAW("path set mtim nofollow lf", __wasi_path_filestat_set_times(SANDBOX, 0, "lf", 0, when, __WASI_FSTFLAGS_MTIM));
    printf("lf mtime: %s, f mtime: %s\n", cmp(stat_path("lf", 0).mtim, when), cmp(stat_path("f", 0).mtim, other));
    RAW("path set atim and atim_now", __wasi_path_filestat_set_times(SANDBOX, 0, "f", other, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    RAW("path set missing", __wasi_path_filestat_set_times(SANDBOX, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW("path set ..", __wasi_path_filestat_set_times(SANDBOX, 0, "..", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW("path set d", __wasi_path_filestat_set_times(SANDBOX, 0, "d", 0, other, __WASI_FSTFLAGS_MTIM));
    printf("d mtime: %s\n", cmp(stat_path("d", 0).mtim, other));
    struct timespec times[2] = {{1000000000, 5}, {1200000000, 7}};
    LIBC("libc utimensat", utimensat(AT_FDCWD, "/sandbox/f", times, 0));
    st = stat_path("f", 0);
    printf("libc times: atime %s, mtime %s\n", cmp(st.atim, 1000000000000000005ull), cmp(st.mtim, 1200000000000000007ull));
    LIBC("libc futimens NULL", futimens(file, NULL));
    st2 = stat_path("f", 0);
    printf("futimens NULL mtime against the old one: %s\n", cmp(st2.mtim, st.mtim));

    // Sync on everything.
    RAW("sync file", __wasi_fd_sync(file));
    RAW("datasync file", __wasi_fd_datasync(file));
    RAW("sync read-only", __wasi_fd_sync(read_only));
    RAW("datasync read-only", __wasi_fd_datasync(read_only));
    RAW("sync directory", __wasi_fd_sync(dir));
    RAW("datasync directory", __wasi_fd_datasync(dir));
    RAW("sync stdout", __wasi_fd_sync(1));
    RAW("sync bad descriptor", __wasi_fd_sync(99));
    return 0;
}
