// Prints each file named on the command line ("PATH: CONTENTS", or
// "PATH: ERROR"), between calls to the two imports every sightglass program
// makes, `bench.start` and `bench.end`: the `crucible run --preload` and
// `--dir HOST::GUEST` (guest `.` or `/`) tests run it.
#include <errno.h>
#include <stdio.h>
#include <string.h>

__attribute__((import_module("bench"), import_name("start"))) void bench_start(void);
__attribute__((import_module("bench"), import_name("end"))) void bench_end(void);

int main(int argc, char **argv) {
    bench_start();
    for (int i = 1; i < argc; i++) {
        FILE *file = fopen(argv[i], "r");
        if (!file) {
            printf("%s: %s\n", argv[i], strerror(errno));
            continue;
        }
        char text[256];
        size_t length = fread(text, 1, sizeof text - 1, file);
        text[length] = 0;
        fclose(file);
        printf("%s: %s\n", argv[i], text);
    }
    bench_end();
    return 0;
}
