// Directory operations inside /sandbox: create, list (readdir), rename,
// symlink + readlink, hard link, unlink, rmdir, file times and size, a
// short sleep (poll_oneoff), and escapes by hard link and by symlink
// creation, printing the errno of each refusal.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void list(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) { printf("opendir %s: errno %d\n", path, errno); return; }
    struct dirent *entry;
    printf("%s:", path);
    while ((entry = readdir(dir)) != NULL) printf(" %s", entry->d_name);
    printf("\n");
    closedir(dir);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

int main(void) {
    mkdir("/sandbox/d", 0755);
    write_file("/sandbox/d/b.txt", "bee");
    write_file("/sandbox/d/a.txt", "ay");
    list("/sandbox/d");
    printf("rename: %d\n", rename("/sandbox/d/a.txt", "/sandbox/d/c.txt"));
    printf("symlink: %d\n", symlink("c.txt", "/sandbox/d/link"));
    char target[64] = {0};
    ssize_t n = readlink("/sandbox/d/link", target, sizeof target - 1);
    printf("readlink: %zd %s\n", n, n > 0 ? target : "");
    printf("link: %d\n", link("/sandbox/d/b.txt", "/sandbox/d/hard"));
    list("/sandbox/d");
    errno = 0;
    printf("link out: %d errno %d\n", link("/sandbox/../outside.txt", "/sandbox/d/stolen"), errno);
    errno = 0;
    printf("symlink absolute: %d errno %d\n", symlink("/etc/passwd", "/sandbox/d/abs"), errno);
    int fd = open("/sandbox/d/b.txt", O_WRONLY);
    printf("truncate: %d\n", ftruncate(fd, 1));
    struct timespec times[2] = {{1000000000, 0}, {1500000000, 0}};
    printf("futimens: %d\n", futimens(fd, times));
    close(fd);
    struct stat st;
    stat("/sandbox/d/b.txt", &st);
    printf("b.txt size %lld mtime %lld\n", (long long)st.st_size, (long long)st.st_mtim.tv_sec);
    struct timespec nap = {0, 2000000}, before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long long slept = (after.tv_sec - before.tv_sec) * 1000000000LL + (after.tv_nsec - before.tv_nsec);
    printf("slept at least 2 ms: %d\n", slept >= 2000000);
    printf("unlink: %d %d %d %d\n", unlink("/sandbox/d/link"), unlink("/sandbox/d/hard"),
           unlink("/sandbox/d/b.txt"), unlink("/sandbox/d/c.txt"));
    printf("rmdir: %d\n", rmdir("/sandbox/d"));
    list("/sandbox/d");
    return 0;
}
