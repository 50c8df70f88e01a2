// The socket calls on descriptors that are not sockets: EBADF for a
// number nobody holds, ENOTSOCK for stdio, a directory or a file.
#include "check.h"

static void on(const char *what, __wasi_fd_t fd) {
    char label[64];
    __wasi_fd_t accepted;
    char buffer[8];
    __wasi_iovec_t iov = {(uint8_t *)buffer, sizeof buffer};
    __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
    __wasi_size_t n;
    __wasi_roflags_t roflags;
    snprintf(label, sizeof label, "sock_accept %s", what);
    RAW(label, __wasi_sock_accept(fd, 0, &accepted));
    snprintf(label, sizeof label, "sock_recv %s", what);
    RAW(label, __wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags));
    snprintf(label, sizeof label, "sock_send %s", what);
    RAW(label, __wasi_sock_send(fd, &ciov, 1, 0, &n));
    snprintf(label, sizeof label, "sock_shutdown %s", what);
    RAW(label, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
}

int main(void) {
    make_file("f", "data");
    __wasi_errno_t error;
    int file = open_at("f", 0, 0, READ_WRITE, 0, &error);
    on("bad descriptor", 99);
    on("stdin", 0);
    on("stdout", 1);
    on("directory", SANDBOX);
    on("file", file);
    __wasi_fd_t accepted;
    (void)__wasi_fd_close(file);
    on("closed file", file);
    return 0;
}
