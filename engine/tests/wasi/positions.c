// The position in a file (a seek past the end, appending writes, pwrite
// on an appending descriptor) and the calls that do not apply to a
// descriptor (reading a directory, writing stdin, setting stdout's flags,
// listing a file): EBADF. Descriptors get every right they can have, so
// what is checked is the calls, not the rights.
#include "check.h"

#define ALL (((__wasi_rights_t)1 << 29) - 1)
int main(void) {
    make_file("f", "0123456789");
    __wasi_errno_t e; __wasi_filesize_t at; __wasi_size_t n;
    int fd = open_at("f", 0, 0, ALL, __WASI_FDFLAGS_APPEND, &e);
    RAW("seek 2", __wasi_fd_seek(fd, 2, __WASI_WHENCE_SET, &at));
    __wasi_ciovec_t c = {(const uint8_t*)"ab", 2};
    RAW("write", __wasi_fd_write(fd, &c, 1, &n));
    RAW("tell", __wasi_fd_tell(fd, &at)); printf("at %llu\n", (unsigned long long)at);
    RAW("pwrite at 0", __wasi_fd_pwrite(fd, &c, 1, 0, &n));
    char b[32] = {0}; __wasi_iovec_t v = {(uint8_t*)b, 31};
    RAW("pread 0", __wasi_fd_pread(fd, &v, 1, 0, &n)); printf("contents %s\n", b);
    RAW("tell", __wasi_fd_tell(fd, &at)); printf("at %llu\n", (unsigned long long)at);
    RAW("seek 100", __wasi_fd_seek(fd, 100, __WASI_WHENCE_SET, &at));
    RAW("read at 100", __wasi_fd_read(fd, &v, 1, &n)); printf("n %u\n", (unsigned)n);
    int plain = open_at("f", 0, 0, ALL, 0, &e);
    RAW("seek 20", __wasi_fd_seek(plain, 20, __WASI_WHENCE_SET, &at));
    RAW("write at 20", __wasi_fd_write(plain, &c, 1, &n));
    RAW("tell", __wasi_fd_tell(plain, &at)); printf("at %llu\n", (unsigned long long)at);
    __wasi_filestat_t st; (void)__wasi_fd_filestat_get(plain, &st); printf("size %llu\n", (unsigned long long)st.size);
    RAW("set flags append", __wasi_fd_fdstat_set_flags(plain, __WASI_FDFLAGS_APPEND));
    RAW("write", __wasi_fd_write(plain, &c, 1, &n));
    RAW("tell", __wasi_fd_tell(plain, &at)); printf("at %llu\n", (unsigned long long)at);
    RAW("mkdir d", __wasi_path_create_directory(SANDBOX, "d"));
    int dir = open_at("d", 0, __WASI_OFLAGS_DIRECTORY, ALL & ~__WASI_RIGHTS_FD_WRITE, 0, &e);
    printf("dir %s\n", errno_name(e));
    RAW("read dir", __wasi_fd_read(dir, &v, 1, &n));
    RAW("write dir", __wasi_fd_write(dir, &c, 1, &n));
    RAW("pread dir", __wasi_fd_pread(dir, &v, 1, 0, &n));
    RAW("pwrite dir", __wasi_fd_pwrite(dir, &c, 1, 0, &n));
    RAW("read stdout", __wasi_fd_read(1, &v, 1, &n));
    RAW("write stdin", __wasi_fd_write(0, &c, 1, &n));
    RAW("set flags stdout append", __wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_APPEND));
    RAW("set flags stdout none", __wasi_fd_fdstat_set_flags(1, 0));
    RAW("readdir file", __wasi_fd_readdir(plain, (uint8_t*)b, 31, 0, &n));
    RAW("datasync dir", __wasi_fd_datasync(dir));
    RAW("fd_filestat_set_size dir", __wasi_fd_filestat_set_size(dir, 0));
    int ro = open_at("f", 0, 0, ALL & ~__WASI_RIGHTS_FD_WRITE, 0, &e);
    RAW("write read-only", __wasi_fd_write(ro, &c, 1, &n));
    RAW("set size read-only", __wasi_fd_filestat_set_size(ro, 0));
    RAW("datasync read-only", __wasi_fd_datasync(ro));
    RAW("pwrite read-only", __wasi_fd_pwrite(ro, &c, 1, 0, &n));
    int wo = open_at("f", 0, 0, ALL & ~(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR), 0, &e);
    RAW("read write-only", __wasi_fd_read(wo, &v, 1, &n));
    RAW("pread write-only", __wasi_fd_pread(wo, &v, 1, 0, &n));
    return 0;
}
