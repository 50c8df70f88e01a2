// Arguments, environment, stdin, clocks, random bytes and the exit status:
// prints each argument, the value of GREETING, stdin upper-cased, whether
// the clocks and random_get work, then exits with the number of arguments.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    int c;
    while ((c = getchar()) != EOF) putchar(toupper(c));
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_MONOTONIC, &b);
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    printf("monotonic ok: %d\n", b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    printf("realtime after 2020: %d\n", wall.tv_sec > 1577836800);
    unsigned char bytes[64] = {0};
    getentropy(bytes, sizeof bytes);
    int nonzero = 0;
    for (unsigned i = 0; i < sizeof bytes; i++) nonzero += bytes[i] != 0;
    printf("random ok: %d\n", nonzero > 32);
    fflush(stdout);
    return argc;
}
