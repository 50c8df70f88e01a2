// The smallest WASI program: a line on stdout, an exit status.
#include <stdio.h>

int main(void) {
    printf("hello from wasm\n");
    return 0;
}
