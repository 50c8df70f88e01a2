// Memory loads and stores: the sieve of Eratosthenes, n rounds over a
// slightly shrinking limit; returns a checksum of the prime counts.
#define MAX 1000000
static unsigned char composite[MAX + 1];

long long run(int n) {
    long long total = 0;
    for (int round = 0; round < n; round++) {
        int limit = MAX - round * 1000;
        for (int i = 0; i <= limit; i++) composite[i] = 0;
        int count = 0;
        for (int i = 2; i <= limit; i++) {
            if (composite[i]) continue;
            count++;
            for (long long j = (long long)i * i; j <= limit; j += i) composite[j] = 1;
        }
        total = total * 31 + count;
    }
    return total;
}
