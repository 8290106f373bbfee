// 1-D convolution, out[i] = sum_j in[i + j] * w[j], as a user writes it: standard
// headers, OpenMP, and the tuned parameters as macros (TILE, UNROLL, J_OUTER, THREADS).
#include <algorithm>

void conv1d(float* out, const float* in, const float* w, int n, int k) {
#pragma omp parallel for num_threads(THREADS) schedule(static)
  for (int t = 0; t < n; t += TILE) {
    const int end = std::min(t + TILE, n);
#if J_OUTER  // taps outside: the inner loop runs along the outputs and vectorizes
    for (int i = t; i < end; ++i) out[i] = 0.0f;
    for (int j = 0; j < k; ++j) {
      const float wj = w[j];
      for (int i = t; i < end; ++i) out[i] += in[i + j] * wj;
    }
#else  // outputs outside: UNROLL partial sums per output
    for (int i = t; i < end; ++i) {
      float acc[UNROLL] = {};
      int j = 0;
      for (; j + UNROLL <= k; j += UNROLL) {
        for (int u = 0; u < UNROLL; ++u) acc[u] += in[i + j + u] * w[j + u];
      }
      float sum = 0.0f;
      for (int u = 0; u < UNROLL; ++u) sum += acc[u];
      for (; j < k; ++j) sum += in[i + j] * w[j];
      out[i] = sum;
    }
#endif
  }
}
