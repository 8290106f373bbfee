// The CUDA source of the sgemm task (backends/cuda/tasks/sgemm_cuda.cpp describes the
// tunables): a template rendered with one #define per parameter. Its own file because
// it is device code, read by NVRTC, not by the host compiler.
#pragma once

namespace evojit {

inline constexpr const char* kSgemmTemplate = R"(// sgemm: C = A * B (row-major, FP32), any M, N, K
#define THREADS ((BM / TM) * (BN / TN))
#define TX (BN / TN)
#define WY (32 / WX)
#define A_LOADS (BM * BK / (THREADS * VEC))
#define B_LOADS (BK * BN / (THREADS * VEC))
#define STAGES (1 + DBUF)
#if VEC == 4
typedef float4 vec_t;
#elif VEC == 2
typedef float2 vec_t;
#else
typedef float vec_t;
#endif

union vec_u { vec_t v; float f[VEC]; };

#if PIPE
// 16 bytes (or, for rows that are not 16-byte aligned, 4) from global to shared memory,
// zeros where `in` is false (the source is then not read).
__device__ __forceinline__ void copy_async(float* dst, const float* src, bool in, int bytes) {
  const unsigned d = (unsigned)__cvta_generic_to_shared(dst);
  if (bytes == 16)
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(d), "l"(src),
                 "r"(in ? 16 : 0));
  else
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(d), "l"(src),
                 "r"(in ? 4 : 0));
}
#endif

// MINB: blocks per SM the register allocation must leave room for (2 caps a 256-thread
// block at 128 registers).
extern "C" __global__ void __launch_bounds__(THREADS, MINB) sgemm(const float* __restrict__ A,
    const float* __restrict__ B, float* __restrict__ C, int M, int N, int K,
    int* __restrict__ locks) {
  const int tid = threadIdx.x;
  // SPLITK: blockIdx.z takes one of SPLITK equal runs of k-slices [kbeg, kend), so a size
  // whose tiles fill the SMs' last wave poorly (n = 3000: 288 tiles of 256x128 on 132 SMs)
  // runs SPLITK times as many blocks. kend is a slice boundary or K, so the loads' K
  // guards stay exact.
#if SPLITK > 1
  const int k_slices = (K + BK - 1) / BK;
  const int split_slices = (k_slices + SPLITK - 1) / SPLITK;
  const int kbeg = blockIdx.z * split_slices * BK;
  const int kend = min(K, kbeg + split_slices * BK);
#else
  const int kbeg = 0, kend = K;
#endif
  // A warp covers WX x WY threads of the TX-wide thread grid: its shared-memory reads
  // per k are WX*TN floats of B and WY*TM of A.
  const int lane = tid % 32, warp = tid / 32;
  const int tx = (warp % (TX / WX)) * WX + lane % WX;
  const int ty = (warp / (TX / WX)) * WY + lane / WX;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  // Rows of A and columns of B past the edge are read clamped to the last one (valid
  // memory; those outputs are never stored); k past K reads as zero. Vector loads need
  // rows that start 16-byte aligned: otherwise every load goes element by element.
  const bool aligned = (K % VEC) == 0 && (N % VEC) == 0;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;

#if PIPE
  // PIPE stages in dynamic shared memory, filled by cp.async; A keeps its row-major
  // layout (k contiguous) and is read 4 k at a time, one float4 per row.
  // AT: A transposed (k-major, as without PIPE), filled by 4-byte copies along k.
#if AT
#define A_STAGE (BK * (BM + PAD))
#else
#define A_STAGE (BM * (BK + PAD))
#endif
  extern __shared__ __align__(16) float smem[];
  float* const As = smem;                   // [PIPE][BK][BM + PAD] (AT) or [PIPE][BM][BK + PAD]
  float* const Bs = smem + PIPE * A_STAGE;  // [PIPE][BK][BN + PAD]
  auto issue = [&](int k0, int s) {
    float* const as = As + s * A_STAGE;
    float* const bs = Bs + s * BK * (BN + PAD);
#if AT
#pragma unroll
    for (int e = 0; e < A_LOADS * 4; ++e) {
      const int idx = tid + e * THREADS;
      const int r = idx / BK, c = idx % BK;
      const bool in = k0 + c < K;
      copy_async(as + c * (BM + PAD) + r, in ? A + (long long)min(row0 + r, M - 1) * K + k0 + c : A,
                 in, 4);
    }
#else
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BK / 4), c = (idx % (BK / 4)) * 4;
      const float* p = A + (long long)min(row0 + r, M - 1) * K + k0 + c;
      float* d = as + r * (BK + PAD) + c;
      if (aligned) {
        copy_async(d, k0 + c < K ? p : A, k0 + c < K, 16);
      } else {
#pragma unroll
        for (int v = 0; v < 4; ++v) copy_async(d + v, k0 + c + v < K ? p + v : A, k0 + c + v < K, 4);
      }
    }
#endif
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BN / 4), c = (idx % (BN / 4)) * 4;
      const bool in = k0 + r < K;
      const float* p = B + (long long)(in ? k0 + r : 0) * N;
      float* d = bs + r * (BN + PAD) + c;
      if (aligned) {
        copy_async(d, p + min(col0 + c, N - 4), in, 16);
      } else {
#pragma unroll
        for (int v = 0; v < 4; ++v) copy_async(d + v, p + min(col0 + c + v, N - 1), in, 4);
      }
    }
  };
  auto compute = [&](int s) {
    const float* const as = As + s * A_STAGE;
    const float* const bs = Bs + s * BK * (BN + PAD);
#if AT
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; i += 4) {
        const float4 t = *(const float4*)&as[kk * (BM + PAD) + (i / 4) * (BM / TM) * 4 + ty * 4];
        a[i] = t.x; a[i + 1] = t.y; a[i + 2] = t.z; a[i + 3] = t.w;
      }
#pragma unroll
      for (int j = 0; j < TN; j += 4) {
        const float4 t = *(const float4*)&bs[kk * (BN + PAD) + (j / 4) * TX * 4 + tx * 4];
        b[j] = t.x; b[j + 1] = t.y; b[j + 2] = t.z; b[j + 3] = t.w;
      }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
#else
#pragma unroll
    for (int kk = 0; kk < BK; kk += 4) {
      float4 a4[TM];
#pragma unroll
      for (int i = 0; i < TM; ++i)
        a4[i] = *(const float4*)&as[((i / 4) * (BM / TM) * 4 + ty * 4 + i % 4) * (BK + PAD) + kk];
#pragma unroll
      for (int q = 0; q < 4; ++q) {
        float b[TN];
#pragma unroll
        for (int j = 0; j < TN; j += 4) {
          const float4 t = *(const float4*)&bs[(kk + q) * (BN + PAD) + (j / 4) * TX * 4 + tx * 4];
          b[j] = t.x; b[j + 1] = t.y; b[j + 2] = t.z; b[j + 3] = t.w;
        }
#pragma unroll
        for (int i = 0; i < TM; ++i) {
          const float a = q == 0 ? a4[i].x : q == 1 ? a4[i].y : q == 2 ? a4[i].z : a4[i].w;
#pragma unroll
          for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a, b[j], acc[i][j]);
        }
      }
    }
#endif
  };
  // Slice t lives in stage t % PIPE; at the top of iteration t every group up to t has
  // landed, and the barrier also tells that stage (t - 1) % PIPE, refilled next, is free.
  const int slices = kend > kbeg ? (kend - kbeg + BK - 1) / BK : 0;
#pragma unroll
  for (int t = 0; t < PIPE - 1; ++t) {
    if (t < slices) issue(kbeg + t * BK, t);
    asm volatile("cp.async.commit_group;\n" ::);
  }
  for (int t = 0; t < slices; ++t) {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(PIPE - 2));
    __syncthreads();
    if (t + PIPE - 1 < slices) issue(kbeg + (t + PIPE - 1) * BK, (t + PIPE - 1) % PIPE);
    asm volatile("cp.async.commit_group;\n" ::);
    compute(t % PIPE);
  }
#else
  __shared__ __align__(16) float As[STAGES][BK][BM + PAD];
  __shared__ __align__(16) float Bs[STAGES][BK][BN + PAD];
  vec_u ra[A_LOADS], rb[B_LOADS];
  auto load_global = [&](int k0) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = min(row0 + idx / (BK / VEC), M - 1), c = k0 + (idx % (BK / VEC)) * VEC;
      const float* p = A + (long long)r * K + c;
      if (aligned) {
        if (c < K) ra[l].v = *(const vec_t*)p;
        else {
#pragma unroll
          for (int v = 0; v < VEC; ++v) ra[l].f[v] = 0.0f;
        }
      } else {
#pragma unroll
        for (int v = 0; v < VEC; ++v) ra[l].f[v] = c + v < K ? p[v] : 0.0f;
      }
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = k0 + idx / (BN / VEC), c = col0 + (idx % (BN / VEC)) * VEC;
      const float* p = B + (long long)min(r, K - 1) * N;
      if (aligned) {
        if (r < K) rb[l].v = *(const vec_t*)(p + min(c, N - VEC));
        else {
#pragma unroll
          for (int v = 0; v < VEC; ++v) rb[l].f[v] = 0.0f;
        }
      } else {
#pragma unroll
        for (int v = 0; v < VEC; ++v) rb[l].f[v] = r < K ? p[min(c + v, N - 1)] : 0.0f;
      }
    }
  };
  auto store_shared = [&](int s) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BK / VEC), c = (idx % (BK / VEC)) * VEC;
#pragma unroll
      for (int v = 0; v < VEC; ++v) As[s][c + v][r] = ra[l].f[v];
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BN / VEC), c = (idx % (BN / VEC)) * VEC;
#pragma unroll
      for (int v = 0; v < VEC; ++v) Bs[s][r][c + v] = rb[l].f[v];
    }
  };
  auto compute = [&](int s) {
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; i += 4) {
        const float4 t = *(const float4*)&As[s][kk][(i / 4) * (BM / TM) * 4 + ty * 4];
        a[i] = t.x; a[i + 1] = t.y; a[i + 2] = t.z; a[i + 3] = t.w;
      }
#pragma unroll
      for (int j = 0; j < TN; j += 4) {
        const float4 t = *(const float4*)&Bs[s][kk][(j / 4) * TX * 4 + tx * 4];
        b[j] = t.x; b[j + 1] = t.y; b[j + 2] = t.z; b[j + 3] = t.w;
      }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
  };

  // The slices of [kbeg, kend); the last one of K may be partial (zeros past K).
  load_global(kbeg);
  store_shared(0);
  __syncthreads();
#if DBUF
  int s = 0;
  for (int k0 = kbeg + BK; k0 < kend + BK; k0 += BK) {
    if (k0 < kend) load_global(k0);
    compute(s);
    if (k0 < kend) store_shared(s ^ 1);
    __syncthreads();
    s ^= 1;
  }
#else
  for (int k0 = kbeg + BK; k0 < kend + BK; k0 += BK) {
    compute(0);
    __syncthreads();
    if (k0 < kend) {
      load_global(k0);
      store_shared(0);
    }
    __syncthreads();
  }
#endif
#endif

#if SPLITK > 1
  // Serial reduction: the tile's splits add into C in the order of blockIdx.z (split 0
  // stores), each waiting for its lock to reach its index; the last resets it to 0, so
  // every launch finds the locks as the one before left them. Blocks are dispatched in
  // grid order, z outermost, so a split only waits on blocks already resident or done.
  int* const lock = locks + blockIdx.y * gridDim.x + blockIdx.x;
  const bool add = blockIdx.z > 0;
  if (tid == 0)
    while (atomicAdd(lock, 0) != (int)blockIdx.z) {
    }
  __syncthreads();
  __threadfence();
#else
  const bool add = false;
#endif
  const bool full = row0 + BM <= M && col0 + BN <= N && (N % 4) == 0;
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = row0 + (i / 4) * (BM / TM) * 4 + ty * 4 + (i % 4);
#pragma unroll
    for (int j = 0; j < TN; j += 4) {
      const int c = col0 + (j / 4) * TX * 4 + tx * 4;
      if (full) {
        float4 o = make_float4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]);
        if (add) {  // L2, not a stale L1 line: the split before wrote it from another SM
          const float4 p = __ldcg((const float4*)(C + (long long)r * N + c));
          o.x += p.x; o.y += p.y; o.z += p.z; o.w += p.w;
        }
        *(float4*)(C + (long long)r * N + c) = o;
      } else if (r < M) {
#pragma unroll
        for (int v = 0; v < 4; ++v)
          if (c + v < N) {
            float* const p = C + (long long)r * N + c + v;
            *p = add ? __ldcg(p) + acc[i][j + v] : acc[i][j + v];
          }
      }
    }
  }
#if SPLITK > 1
  __threadfence();
  __syncthreads();
  if (tid == 0) atomicExch(lock, blockIdx.z + 1 == SPLITK ? 0 : (int)blockIdx.z + 1);
#endif
}
)";

}  // namespace evojit
