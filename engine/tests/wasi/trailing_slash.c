// A trailing slash asks for a directory: on a path naming a file (or a
// link to one) every call must fail, as the host's own calls do; on a
// directory, or a link to one, it is harmless.
#include "check.h"

int main(void) {
    make_file("f", "file");
    RAW("setup mkdir d", __wasi_path_create_directory(SANDBOX, "d"));
    RAW("setup symlink lf -> f", __wasi_path_symlink("f", SANDBOX, "lf"));
    RAW("setup symlink ld -> d", __wasi_path_symlink("d", SANDBOX, "ld"));

    RAW("open f/", try_open("f/", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open f/ follow", try_open("f/", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open f/ creat", try_open("f/", 0, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    RAW("open new/ creat", try_open("new/", 0, __WASI_OFLAGS_CREAT, READ_WRITE, 0));
    printf("new after open new/: %s\n", type_of("new"));
    RAW("open f/ directory", try_open("f/", 0, __WASI_OFLAGS_DIRECTORY, 0, 0));
    RAW("open lf/", try_open("lf/", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("open d/", try_open("d/", 0, __WASI_OFLAGS_DIRECTORY, 0, 0));
    RAW("open ld/", try_open("ld/", 0, __WASI_OFLAGS_DIRECTORY, 0, 0));
    RAW("open ld/ follow", try_open("ld/", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY, 0, 0));
    LIBC("libc open f/", open("/sandbox/f/", O_RDONLY));

    __wasi_filestat_t st;
    RAW("filestat f/", __wasi_path_filestat_get(SANDBOX, 0, "f/", &st));
    RAW("filestat lf/", __wasi_path_filestat_get(SANDBOX, 0, "lf/", &st));
    RAW("filestat d/", __wasi_path_filestat_get(SANDBOX, 0, "d/", &st));

    RAW("link f/ -> g", __wasi_path_link(SANDBOX, 0, "f/", SANDBOX, "g"));
    RAW("link f -> g/", __wasi_path_link(SANDBOX, 0, "f", SANDBOX, "g/"));
    RAW("link lf/ -> g follow", __wasi_path_link(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "lf/", SANDBOX, "g"));
    printf("g after links: %s\n", type_of("g"));

    RAW("symlink f -> s/", __wasi_path_symlink("f", SANDBOX, "s/"));
    printf("s after symlink: %s\n", type_of("s"));
    RAW("symlink f/ -> s2", __wasi_path_symlink("f/", SANDBOX, "s2"));
    RAW("open s2 follow (-> f/)", try_open("s2", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0));
    RAW("symlink d -> s3/", __wasi_path_symlink("d", SANDBOX, "s3/"));
    printf("s3 after symlink: %s\n", type_of("s3"));

    char buffer[32];
    __wasi_size_t n;
    RAW("readlink lf/", __wasi_path_readlink(SANDBOX, "lf/", (uint8_t *)buffer, sizeof buffer, &n));
    RAW("readlink ld/", __wasi_path_readlink(SANDBOX, "ld/", (uint8_t *)buffer, sizeof buffer, &n));

    RAW("unlink f/", __wasi_path_unlink_file(SANDBOX, "f/"));
    RAW("unlink lf/", __wasi_path_unlink_file(SANDBOX, "lf/"));
    RAW("unlink ld/", __wasi_path_unlink_file(SANDBOX, "ld/"));
    RAW("unlink d/", __wasi_path_unlink_file(SANDBOX, "d/"));
    LIBC("libc unlink f/", unlink("/sandbox/f/"));
    printf("f, lf, ld after unlinks: %s %s %s\n", type_of("f"), type_of("lf"), type_of("ld"));

    RAW("rename f/ -> h", __wasi_path_rename(SANDBOX, "f/", SANDBOX, "h"));
    RAW("rename f -> h/", __wasi_path_rename(SANDBOX, "f", SANDBOX, "h/"));
    RAW("rename lf/ -> h", __wasi_path_rename(SANDBOX, "lf/", SANDBOX, "h"));
    RAW("rename lf -> h/", __wasi_path_rename(SANDBOX, "lf", SANDBOX, "h/"));
    LIBC("libc rename f/ -> h", rename("/sandbox/f/", "/sandbox/h"));
    printf("f, h after renames: %s %s\n", type_of("f"), type_of("h"));
    RAW("rename d/ -> e/", __wasi_path_rename(SANDBOX, "d/", SANDBOX, "e/"));
    RAW("rename e -> d/", __wasi_path_rename(SANDBOX, "e", SANDBOX, "d/"));
    printf("d, e after renames: %s %s\n", type_of("d"), type_of("e"));

    RAW("mkdir f/", __wasi_path_create_directory(SANDBOX, "f/"));
    RAW("mkdir m/", __wasi_path_create_directory(SANDBOX, "m/"));
    RAW("rmdir f/", __wasi_path_remove_directory(SANDBOX, "f/"));
    RAW("rmdir lf/", __wasi_path_remove_directory(SANDBOX, "lf/"));
    RAW("rmdir m/", __wasi_path_remove_directory(SANDBOX, "m/"));
    RAW("set times f/", __wasi_path_filestat_set_times(SANDBOX, 0, "f/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    printf("f at the end: %s\n", type_of("f"));
    return 0;
}
