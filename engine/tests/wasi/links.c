// Symbolic link loops, dangling links and `..` in the middle of paths:
// each path is looked up as the host would, component by component (a
// `..` after a file or a missing name fails), inside the sandbox.
#include "check.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static void stat_of(const char *label, const char *path, __wasi_lookupflags_t lookup) {
    __wasi_filestat_t st;
    __wasi_errno_t error = __wasi_path_filestat_get(SANDBOX, lookup, path, &st);
    if (error) printf("%s: %s\n", label, errno_name(error));
    else printf("%s: OK type %d size %llu\n", label, st.filetype, (unsigned long long)st.size);
}

int main(void) {
    make_file("f", "file");
    RAW("setup mkdir d", __wasi_path_create_directory(SANDBOX, "d"));
    RAW("setup mkdir d/sub", __wasi_path_create_directory(SANDBOX, "d/sub"));
    make_file("d/inner", "inner");
    RAW("setup symlink loop1 -> loop2", __wasi_path_symlink("loop2", SANDBOX, "loop1"));
    RAW("setup symlink loop2 -> loop1", __wasi_path_symlink("loop1", SANDBOX, "loop2"));
    RAW("setup symlink self -> self", __wasi_path_symlink("self", SANDBOX, "self"));
    RAW("setup symlink dangling -> missing", __wasi_path_symlink("missing", SANDBOX, "dangling"));
    RAW("setup symlink dangling-dir -> nodir/x", __wasi_path_symlink("nodir/x", SANDBOX, "dangling-dir"));
    RAW("setup symlink ld -> d", __wasi_path_symlink("d", SANDBOX, "ld"));
    RAW("setup symlink d/up -> ..", __wasi_path_symlink("..", SANDBOX, "d/up"));
    RAW("setup symlink d/sib -> ../f", __wasi_path_symlink("../f", SANDBOX, "d/sib"));

    // Loops.
    RAW("open loop1 follow", try_open("loop1", FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open loop1 nofollow", try_open("loop1", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open self follow", try_open("self", FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open loop1/x", try_open("loop1/x", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open loop1 creat follow", try_open("loop1", FOLLOW, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    RAW("open loop1 directory", try_open("loop1", FOLLOW, __WASI_OFLAGS_DIRECTORY, 0, 0));
    stat_of("stat loop1 follow", "loop1", FOLLOW);
    stat_of("stat loop1 nofollow", "loop1", 0);
    RAW("mkdir loop1/x", __wasi_path_create_directory(SANDBOX, "loop1/x"));
    LIBC("libc open loop1", open("/sandbox/loop1", O_RDONLY));
    LIBC("libc open loop1 O_NOFOLLOW", open("/sandbox/loop1", O_RDONLY | O_NOFOLLOW));
    LIBC("libc stat loop1", stat("/sandbox/loop1", &(struct stat){0}));
    LIBC("libc lstat loop1", lstat("/sandbox/loop1", &(struct stat){0}));

    // Dangling links.
    RAW("open dangling follow", try_open("dangling", FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open dangling nofollow", try_open("dangling", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open dangling creat+excl follow", try_open("dangling", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, READ_WRITE, 0));
    RAW("open dangling creat+excl nofollow", try_open("dangling", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, READ_WRITE, 0));
    printf("missing after the opens: %s\n", type_of("missing"));
    RAW("open dangling creat follow", try_open("dangling", FOLLOW, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    printf("missing after creat: %s\n", type_of("missing"));
    RAW("open dangling-dir creat follow", try_open("dangling-dir", FOLLOW, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    stat_of("stat dangling-dir follow", "dangling-dir", FOLLOW);
    stat_of("stat dangling-dir nofollow", "dangling-dir", 0);
    char target[32] = {0};
    __wasi_size_t n;
    RAW("readlink dangling-dir", __wasi_path_readlink(SANDBOX, "dangling-dir", (uint8_t *)target, sizeof target - 1, &n));
    printf("target: %s\n", target);
    RAW("readlink f", __wasi_path_readlink(SANDBOX, "f", (uint8_t *)target, sizeof target, &n));
    RAW("readlink d", __wasi_path_readlink(SANDBOX, "d", (uint8_t *)target, sizeof target, &n));
    RAW("readlink missing-too", __wasi_path_readlink(SANDBOX, "missing-too", (uint8_t *)target, sizeof target, &n));
    RAW("readlink ld, 1-byte buffer", __wasi_path_readlink(SANDBOX, "ld", (uint8_t *)target, 1, &n));
    printf("bytes: %u\n", (unsigned)n);
    RAW("link dangling -> hard nofollow", __wasi_path_link(SANDBOX, 0, "dangling-dir", SANDBOX, "hard"));
    printf("hard: %s\n", type_of("hard"));
    RAW("link dangling -> hard2 follow", __wasi_path_link(SANDBOX, FOLLOW, "dangling-dir", SANDBOX, "hard2"));
    RAW("symlink over an existing link", __wasi_path_symlink("f", SANDBOX, "dangling-dir"));
    RAW("rename onto dangling-dir", __wasi_path_rename(SANDBOX, "hard", SANDBOX, "dangling-dir"));
    RAW("unlink dangling-dir", __wasi_path_unlink_file(SANDBOX, "dangling-dir"));
    RAW("rmdir dangling", __wasi_path_remove_directory(SANDBOX, "dangling"));
    RAW("mkdir dangling", __wasi_path_create_directory(SANDBOX, "dangling"));

    // `..` in the middle.
    stat_of("stat d/../f", "d/../f", 0);
    stat_of("stat d/sub/../../f", "d/sub/../../f", 0);
    stat_of("stat f/../f", "f/../f", 0);
    stat_of("stat f/..", "f/..", 0);
    stat_of("stat nowhere/../f", "nowhere/../f", 0);
    stat_of("stat ld/../f", "ld/../f", 0);
    stat_of("stat ld/inner", "ld/inner", 0);
    stat_of("stat d/up/f", "d/up/f", 0);
    stat_of("stat d/up/d/up/d/inner", "d/up/d/up/d/inner", 0);
    stat_of("stat d/sib follow", "d/sib", FOLLOW);
    stat_of("stat d/sib/..", "d/sib/..", 0);
    stat_of("stat d/./sub/./..", "d/./sub/./..", 0);
    stat_of("stat d//inner", "d//inner", 0);
    stat_of("stat .", ".", 0);
    stat_of("stat d/..", "d/..", 0);
    stat_of("stat d/../..", "d/../..", 0);
    stat_of("stat d/up/..", "d/up/..", 0);
    stat_of("stat ..", "..", 0);
    RAW("open d/../f", try_open("d/../f", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open f/../f", try_open("f/../f", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open nowhere/../f", try_open("nowhere/../f", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open d/../new creat", try_open("d/../new", 0, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    printf("new: %s\n", type_of("new"));
    RAW("open nowhere/../new2 creat", try_open("nowhere/../new2", 0, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    printf("new2: %s\n", type_of("new2"));
    RAW("mkdir nowhere/../m", __wasi_path_create_directory(SANDBOX, "nowhere/../m"));
    RAW("mkdir f/../m", __wasi_path_create_directory(SANDBOX, "f/../m"));
    RAW("mkdir d/../m", __wasi_path_create_directory(SANDBOX, "d/../m"));
    RAW("rmdir d/sub/..", __wasi_path_remove_directory(SANDBOX, "d/sub/.."));
    RAW("rmdir m/.", __wasi_path_remove_directory(SANDBOX, "m/."));
    RAW("unlink d/../new", __wasi_path_unlink_file(SANDBOX, "d/../new"));
    RAW("unlink nowhere/../f", __wasi_path_unlink_file(SANDBOX, "nowhere/../f"));
    RAW("rename d/../f -> d/sub/../g", __wasi_path_rename(SANDBOX, "d/../f", SANDBOX, "d/sub/../g"));
    printf("f, g: %s %s\n", type_of("f"), type_of("g"));
    RAW("rename f/../g -> h", __wasi_path_rename(SANDBOX, "f/../g", SANDBOX, "h"));
    RAW("link g -> nowhere/../h", __wasi_path_link(SANDBOX, 0, "g", SANDBOX, "nowhere/../h"));
    RAW("symlink g -> f/../s", __wasi_path_symlink("g", SANDBOX, "f/../s"));
    RAW("symlink g -> nowhere/../s", __wasi_path_symlink("g", SANDBOX, "nowhere/../s"));
    RAW("symlink g -> d/../s", __wasi_path_symlink("g", SANDBOX, "d/../s"));
    printf("s: %s\n", type_of("s"));
    LIBC("libc open /sandbox/d/../g", open("/sandbox/d/../g", O_RDONLY));
    LIBC("libc open /sandbox/nowhere/../g", open("/sandbox/nowhere/../g", O_RDONLY));

    // Ways out stay closed whatever is in the middle.
    stat_of("stat d/../../f", "d/../../f", 0);
    stat_of("stat d/../../f", "d/../../f", 0);
    RAW("open ../sandbox/g", try_open("../sandbox/g", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open d/../../sandbox/g", try_open("d/../../sandbox/g", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    return 0;
}
