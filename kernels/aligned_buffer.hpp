// A 64-byte aligned float array for task inputs and outputs. Kernels may assume this
// alignment (__builtin_assume_aligned(p, 64), aligned vector stores), so every buffer
// a built-in task hands to a kernel comes from here.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace evojit {

inline constexpr std::size_t kBufferAlignment = 64;

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t count)
      : data_(count == 0 ? nullptr
                         : static_cast<float*>(::operator new (
                               count * sizeof(float), std::align_val_t{kBufferAlignment}))),
        size_(count) {}

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  float& operator[](std::size_t i) { return data_.get()[i]; }
  float operator[](std::size_t i) const { return data_.get()[i]; }

 private:
  struct Free {
    void operator()(float* p) const { ::operator delete (p, std::align_val_t{kBufferAlignment}); }
  };
  std::unique_ptr<float, Free> data_;
  std::size_t size_ = 0;
};

}  // namespace evojit
