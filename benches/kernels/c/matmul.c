// f64 matrix multiply: C = A * B for n x n matrices (n <= 384), the naive
// triple loop in i-k-j order; returns a weighted sum of C, scaled to an
// integer (wasm floats are deterministic, so every engine agrees exactly).
#define MAX 384
static double a[MAX * MAX], b[MAX * MAX], c[MAX * MAX];

long long run(int n) {
    if (n > MAX) n = MAX;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
            b[i * n + j] = (double)((i * 5 + j * 11) % 23) / 8.0 - 1.25;
            c[i * n + j] = 0.0;
        }
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    double sum = 0.0;
    for (int i = 0; i < n * n; i++) sum += c[i] * (double)(i % 5 + 1);
    return (long long)(sum * 1000.0);
}
