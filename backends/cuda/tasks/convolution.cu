// 2-D convolution (the benchmark hub's "convolution" with its T1 parameters):
//     output[y][x] = sum_{i < filter_height, j < filter_width}
//                    input[(y + i) * (width + filter_width - 1) + x + j] * filter[i][j]
// on a width x height output; the input is padded by filter - 1 in each dimension.
//
// Parameters (bound by #define): block_size_x, block_size_y (threads); tile_size_x,
// tile_size_y (outputs per thread, strided by the block size so warps stay
// coalesced); use_shmem (stage the block's input tile in shared memory);
// use_padding (one float of padding per shared row); read_only (loads through the
// read-only path); use_cmem (the filter from __constant__ d_filter, else from the
// filter argument); filter_width, filter_height.
#define TILE_W (block_size_x * tile_size_x)
#define TILE_H (block_size_y * tile_size_y)
#define SH_W (TILE_W + filter_width - 1)
#define SH_H (TILE_H + filter_height - 1)
#if use_padding
#define SH_PITCH (SH_W + 1)
#else
#define SH_PITCH SH_W
#endif
#if read_only
#define LD(p) __ldg(p)
#else
#define LD(p) (*(p))
#endif

__constant__ float d_filter[filter_height * filter_width];

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y) convolution_kernel(
    float* __restrict__ output, const float* __restrict__ input, const float* __restrict__ filter,
    int width, int height) {
#if use_cmem
  const float* f = d_filter;
#else
  const float* f = filter;
#endif
  const int in_width = width + filter_width - 1;
  const int bx = blockIdx.x * TILE_W, by = blockIdx.y * TILE_H;
  const int tx = threadIdx.x, ty = threadIdx.y;
  float sum[tile_size_y][tile_size_x];
#pragma unroll
  for (int i = 0; i < tile_size_y; ++i)
#pragma unroll
    for (int j = 0; j < tile_size_x; ++j) sum[i][j] = 0.0f;

#if use_shmem
  __shared__ float sh[SH_H * SH_PITCH];
  const int in_height = height + filter_height - 1;
  for (int y = ty; y < SH_H; y += block_size_y) {
    for (int x = tx; x < SH_W; x += block_size_x) {
      const int gy = by + y, gx = bx + x;
      sh[y * SH_PITCH + x] = (gy < in_height && gx < in_width) ? LD(input + (long long)gy * in_width + gx) : 0.0f;
    }
  }
  __syncthreads();
#pragma unroll
  for (int i = 0; i < filter_height; ++i) {
#pragma unroll
    for (int j = 0; j < filter_width; ++j) {
      const float w = f[i * filter_width + j];
#pragma unroll
      for (int ti = 0; ti < tile_size_y; ++ti)
#pragma unroll
        for (int tj = 0; tj < tile_size_x; ++tj)
          sum[ti][tj] += sh[(ty + ti * block_size_y + i) * SH_PITCH + tx + tj * block_size_x + j] * w;
    }
  }
#else
#pragma unroll
  for (int i = 0; i < filter_height; ++i) {
#pragma unroll
    for (int j = 0; j < filter_width; ++j) {
      const float w = f[i * filter_width + j];
#pragma unroll
      for (int ti = 0; ti < tile_size_y; ++ti) {
#pragma unroll
        for (int tj = 0; tj < tile_size_x; ++tj) {
          const int gy = by + ty + ti * block_size_y + i, gx = bx + tx + tj * block_size_x + j;
          if (gy < height + filter_height - 1 && gx < in_width)
            sum[ti][tj] += LD(input + (long long)gy * in_width + gx) * w;
        }
      }
    }
  }
#endif
#pragma unroll
  for (int ti = 0; ti < tile_size_y; ++ti) {
#pragma unroll
    for (int tj = 0; tj < tile_size_x; ++tj) {
      const int y = by + ty + ti * block_size_y, x = bx + tx + tj * block_size_x;
      if (y < height && x < width) output[(long long)y * width + x] = sum[ti][tj];
    }
  }
}
