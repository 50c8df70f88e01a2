// Paths ending in `/`, `//`, `/.` or `..` on every path call, with files,
// directories, links to each and dangling links: which calls look at the
// entry itself, which follow, which refuse (EINVAL, EBUSY), as wasmtime.
#include "check.h"
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
// path_filestat_get: the errno, or the file type found.
static void st(const char *label, const char *path, int lookup) {
    __wasi_filestat_t s; __wasi_errno_t e = __wasi_path_filestat_get(SANDBOX, lookup, path, &s);
    if (e) printf("%s: %s\n", label, errno_name(e)); else printf("%s: OK type %d\n", label, s.filetype);
}
int main(void) {
    make_file("f", "x"); make_file("f2", "y"); make_file("f3", "z");
    RAW("mkdir d", __wasi_path_create_directory(SANDBOX, "d"));
    RAW("mkdir d2", __wasi_path_create_directory(SANDBOX, "d2"));
    RAW("symlink lf", __wasi_path_symlink("f", SANDBOX, "lf"));
    RAW("symlink ld", __wasi_path_symlink("d", SANDBOX, "ld"));
    RAW("symlink dang", __wasi_path_symlink("nothing", SANDBOX, "dang"));
    st("stat f/", "f/", 0); st("stat f/ follow", "f/", FOLLOW); st("stat lf/", "lf/", 0); st("stat lf/ follow", "lf/", FOLLOW);
    st("stat ld/", "ld/", 0); st("stat ld", "ld", 0); st("stat missing/", "missing/", 0); st("stat dang/", "dang/", 0);
    st("stat f//", "f//", 0); st("stat f/.", "f/.", 0); st("stat d/.", "d/.", 0); st("stat ld/.", "ld/.", 0);
    RAW("times f/", __wasi_path_filestat_set_times(SANDBOX, 0, "f/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW("times lf/", __wasi_path_filestat_set_times(SANDBOX, 0, "lf/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW("times lf/ follow", __wasi_path_filestat_set_times(SANDBOX, FOLLOW, "lf/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW("times missing/", __wasi_path_filestat_set_times(SANDBOX, 0, "missing/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW("link f -> g follow", __wasi_path_link(SANDBOX, FOLLOW, "f", SANDBOX, "g"));
    RAW("link lf -> g2 follow", __wasi_path_link(SANDBOX, FOLLOW, "lf", SANDBOX, "g2"));
    RAW("link lf -> g3", __wasi_path_link(SANDBOX, 0, "lf", SANDBOX, "g3"));
    st("g3", "g3", 0);
    RAW("link f -> f2/", __wasi_path_link(SANDBOX, 0, "f", SANDBOX, "f2/"));
    RAW("link f -> d/", __wasi_path_link(SANDBOX, 0, "f", SANDBOX, "d/"));
    RAW("link d -> x", __wasi_path_link(SANDBOX, 0, "d", SANDBOX, "x"));
    RAW("link d/ -> x", __wasi_path_link(SANDBOX, 0, "d/", SANDBOX, "x"));
    RAW("symlink f -> f2/ (exists)", __wasi_path_symlink("f", SANDBOX, "f2/"));
    RAW("symlink f -> d/ (exists)", __wasi_path_symlink("f", SANDBOX, "d/"));
    RAW("symlink f -> new//", __wasi_path_symlink("f", SANDBOX, "new//"));
    RAW("symlink f -> newx/.", __wasi_path_symlink("f", SANDBOX, "newx/."));
    RAW("rename f -> f2/", __wasi_path_rename(SANDBOX, "f", SANDBOX, "f2/"));
    st("f after", "f", 0); st("f2 after", "f2", 0);
    make_file("f", "x");
    RAW("rename f -> d2/", __wasi_path_rename(SANDBOX, "f", SANDBOX, "d2/"));
    RAW("rename f -> missingdir/x/", __wasi_path_rename(SANDBOX, "f", SANDBOX, "missingdir/x/"));
    RAW("rename f -> nf//", __wasi_path_rename(SANDBOX, "f", SANDBOX, "nf//"));
    st("nf", "nf", 0);
    RAW("rename nf -> f/.", __wasi_path_rename(SANDBOX, "nf", SANDBOX, "f/."));
    RAW("rename nf -> f", __wasi_path_rename(SANDBOX, "nf", SANDBOX, "f"));
    RAW("rename d2 -> f3/", __wasi_path_rename(SANDBOX, "d2", SANDBOX, "f3/"));
    RAW("rename d2/ -> d3", __wasi_path_rename(SANDBOX, "d2/", SANDBOX, "d3"));
    RAW("rename ld/ -> ld2", __wasi_path_rename(SANDBOX, "ld/", SANDBOX, "ld2"));
    st("ld2", "ld2", 0); st("d", "d", 0);
    RAW("rename lf -> f3/", __wasi_path_rename(SANDBOX, "lf", SANDBOX, "f3/"));
    RAW("rename f -> ./", __wasi_path_rename(SANDBOX, "f", SANDBOX, "./"));
    RAW("rename f/. -> z", __wasi_path_rename(SANDBOX, "f/.", SANDBOX, "z"));
    RAW("rename d3/. -> z", __wasi_path_rename(SANDBOX, "d3/.", SANDBOX, "z"));
    RAW("rename d3/.. -> z", __wasi_path_rename(SANDBOX, "d3/..", SANDBOX, "z"));
    RAW("rename . -> z", __wasi_path_rename(SANDBOX, ".", SANDBOX, "z"));
    RAW("mkdir e", __wasi_path_create_directory(SANDBOX, "e"));
    RAW("rmdir e/", __wasi_path_remove_directory(SANDBOX, "e/"));
    RAW("rmdir e//", __wasi_path_remove_directory(SANDBOX, "e//"));
    RAW("rmdir e/.", __wasi_path_remove_directory(SANDBOX, "e/."));
    RAW("rmdir ./e", __wasi_path_remove_directory(SANDBOX, "./e"));
    RAW("mkdir e", __wasi_path_create_directory(SANDBOX, "e"));
    RAW("rmdir f/", __wasi_path_remove_directory(SANDBOX, "f/"));
    RAW("rmdir f", __wasi_path_remove_directory(SANDBOX, "f"));
    RAW("rmdir missing/", __wasi_path_remove_directory(SANDBOX, "missing/"));
    RAW("rmdir .", __wasi_path_remove_directory(SANDBOX, "."));
    RAW("rmdir e/..", __wasi_path_remove_directory(SANDBOX, "e/.."));
    RAW("rmdir ld", __wasi_path_remove_directory(SANDBOX, "ld"));
    RAW("rmdir ld/", __wasi_path_remove_directory(SANDBOX, "ld/"));
    RAW("mkdir e2//", __wasi_path_create_directory(SANDBOX, "e2//"));
    RAW("mkdir e3/.", __wasi_path_create_directory(SANDBOX, "e3/."));
    RAW("mkdir .", __wasi_path_create_directory(SANDBOX, "."));
    RAW("mkdir ld/", __wasi_path_create_directory(SANDBOX, "ld/"));
    RAW("mkdir dang", __wasi_path_create_directory(SANDBOX, "dang"));
    RAW("mkdir dang/", __wasi_path_create_directory(SANDBOX, "dang/"));
    RAW("unlink f3/.", __wasi_path_unlink_file(SANDBOX, "f3/."));
    RAW("unlink .", __wasi_path_unlink_file(SANDBOX, "."));
    RAW("unlink dang/", __wasi_path_unlink_file(SANDBOX, "dang/"));
    RAW("unlink missing/", __wasi_path_unlink_file(SANDBOX, "missing/"));
    RAW("unlink f3", __wasi_path_unlink_file(SANDBOX, "f3"));
    RAW("open dang/ creat", try_open("dang/", 0, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    RAW("open . creat", try_open(".", 0, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    RAW("open f/. ", try_open("f/.", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open ld/. ", try_open("ld/.", 0, __WASI_OFLAGS_DIRECTORY, 0, 0));
    char b[16]; __wasi_size_t n;
    RAW("readlink lf/.", __wasi_path_readlink(SANDBOX, "lf/.", (uint8_t*)b, 16, &n));
    RAW("readlink .", __wasi_path_readlink(SANDBOX, ".", (uint8_t*)b, 16, &n));
    RAW("readlink dang/", __wasi_path_readlink(SANDBOX, "dang/", (uint8_t*)b, 16, &n));
    RAW("readlink d/..", __wasi_path_readlink(SANDBOX, "d/..", (uint8_t*)b, 16, &n));
    RAW("open empty", try_open("", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("stat empty", __wasi_path_filestat_get(SANDBOX, 0, "", &(__wasi_filestat_t){0}));
    RAW("mkdir empty", __wasi_path_create_directory(SANDBOX, ""));
    RAW("open /abs", try_open("/f", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open from file fd", __wasi_path_open(1, 0, "f", 0, 0, 0, 0, &(__wasi_fd_t){0}));
    return 0;
}
