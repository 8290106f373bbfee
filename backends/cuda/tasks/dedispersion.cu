// Brute-force dedispersion (the benchmark hub's "dedispersion" with its T1
// parameters): for every trial dispersion measure dm and output sample s,
//     output[dm][s] = sum_c input[c][s + (int)(shifts[c] * dm)]
// over nr_channels channels of 8-bit samples; each input row holds
// nr_samples_padded >= nr_samples + the largest shift samples.
//
// Parameters (bound by #define): block_size_x (threads over samples), block_size_y
// (threads over DMs), block_size_z (1), tile_size_x / tile_size_y (samples / DMs per
// thread), tile_stride_x / tile_stride_y (1: a thread's tile elements are a block
// apart, so a warp reads neighbouring samples; 0: they are consecutive),
// loop_unroll_factor_channel (0: the compiler decides; n: unroll the channel loop n times).
#if tile_stride_x
#define SAMPLE(k) (base_x + threadIdx.x + (k) * block_size_x)
#else
#define SAMPLE(k) (base_x + threadIdx.x * tile_size_x + (k))
#endif
#if tile_stride_y
#define DM(k) (base_y + threadIdx.y + (k) * block_size_y)
#else
#define DM(k) (base_y + threadIdx.y * tile_size_y + (k))
#endif

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y) dedispersion_kernel(
    const unsigned char* __restrict__ input, float* __restrict__ output,
    const float* __restrict__ shifts, int nr_samples, int nr_dms, int nr_channels,
    int nr_samples_padded) {
  const int base_x = blockIdx.x * block_size_x * tile_size_x;
  const int base_y = blockIdx.y * block_size_y * tile_size_y;
  float sum[tile_size_y][tile_size_x];
#pragma unroll
  for (int i = 0; i < tile_size_y; ++i)
#pragma unroll
    for (int j = 0; j < tile_size_x; ++j) sum[i][j] = 0.0f;

#if loop_unroll_factor_channel > 0
#pragma unroll loop_unroll_factor_channel
#endif
  for (int c = 0; c < nr_channels; ++c) {
    const unsigned char* row = input + (long long)c * nr_samples_padded;
    const float shift_per_dm = __ldg(shifts + c);
#pragma unroll
    for (int i = 0; i < tile_size_y; ++i) {
      const int dm = DM(i);
      if (dm >= nr_dms) continue;
      const int shift = (int)(shift_per_dm * (float)dm);
#pragma unroll
      for (int j = 0; j < tile_size_x; ++j) {
        const int s = SAMPLE(j);
        if (s < nr_samples) sum[i][j] += (float)__ldg(row + s + shift);
      }
    }
  }
#pragma unroll
  for (int i = 0; i < tile_size_y; ++i) {
#pragma unroll
    for (int j = 0; j < tile_size_x; ++j) {
      const int dm = DM(i), s = SAMPLE(j);
      if (dm < nr_dms && s < nr_samples) output[(long long)dm * nr_samples + s] = sum[i][j];
    }
  }
}
