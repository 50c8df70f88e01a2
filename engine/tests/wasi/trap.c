// A program that traps (integer division by zero) two calls deep: the trap
// and its backtrace, with function names, must be reported on every tier.
#include <stdio.h>

__attribute__((noinline)) int divide(volatile int a, volatile int b) { return a / b; }
__attribute__((noinline)) int compute(int x) { return divide(10, x) + 1; }

int main(int argc, char **argv) {
    (void)argv;
    printf("start\n");
    fflush(stdout);
    return compute(argc - 1);
}
