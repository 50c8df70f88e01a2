// Files inside a preopened directory, and escape attempts that must fail:
// copies /sandbox/in.txt to /sandbox/out/copy.txt, reports its size, then
// tries to reach outside the sandbox by `..`, by a symlink pointing out
// with `..`, and by a symlink with an absolute target, printing the errno
// each attempt got.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void attempt(const char *path) {
    errno = 0;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        printf("ESCAPED via %s\n", path);
        close(fd);
    } else {
        printf("refused %s: errno %d\n", path, errno);
    }
}

int main(void) {
    FILE *in = fopen("/sandbox/in.txt", "r");
    if (!in) { perror("open in.txt"); return 1; }
    if (mkdir("/sandbox/out", 0755) != 0) { perror("mkdir"); return 1; }
    FILE *out = fopen("/sandbox/out/copy.txt", "w");
    if (!out) { perror("open copy.txt"); return 1; }
    char buffer[64];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, in)) > 0) fwrite(buffer, 1, n, out);
    fclose(in);
    fclose(out);
    struct stat st;
    if (stat("/sandbox/out/copy.txt", &st) != 0) { perror("stat"); return 1; }
    printf("copied %lld bytes\n", (long long)st.st_size);
    attempt("/sandbox/../outside.txt");
    attempt("/sandbox/link-up");
    attempt("/sandbox/link-absolute");
    attempt("/sandbox/out/../../outside.txt");
    // Flags are honoured: a descriptor opened read-only cannot write.
    int fd = open("/sandbox/in.txt", O_RDONLY);
    errno = 0;
    printf("write to read-only: %zd errno %d\n", write(fd, "x", 1), errno);
    close(fd);
    return 0;
}
