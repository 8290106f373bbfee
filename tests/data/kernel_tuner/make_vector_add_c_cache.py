# Writes vector_add_c_kt1.5.json with Kernel Tuner 1.5 (its C backend, on the CPU): run it in a
# venv with `pip install kernel_tuner` (delete the old file first: Kernel Tuner appends to a cache).
import numpy as np, kernel_tuner, json
src = r"""
#include <stdlib.h>
void vector_add(float *c, float *a, float *b, int n) {
  for (int i = 0; i < n; i += unroll) {
    for (int j = 0; j < unroll && i + j < n; ++j) c[i+j] = a[i+j] + b[i+j];
  }

}
"""
n = np.int32(10000)
a = np.random.randn(n).astype(np.float32); b = np.random.randn(n).astype(np.float32); c = np.zeros_like(a)
tune_params = {"unroll": [1, 2, 4], "mode": ["fast", "slow"], "scale": [0.5, 1.0]}
metrics = {"GB/s": lambda p: 3*4*10000/1e9/(p["time"]/1e3)}
res, env = kernel_tuner.tune_kernel("vector_add", src, n, [c, a, b, n], tune_params, lang="C",
    cache="vector_add_c_kt1.5.json", metrics=metrics, restrictions=["not (unroll == 4 and mode == 'slow')"],
    objective="time", iterations=3, verbose=False, quiet=True)
print(len(res))
