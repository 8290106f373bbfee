// Resource limits as the worker process applies them to itself, and the exit code
// by which it tells the driver that a candidate ran out of memory.
//
// CPU time: RLIMIT_CPU counts a process's whole life, which suits short-lived
// processes only. A long-lived worker instead sets, before each request, its soft
// limit to (CPU time used so far + the request's budget) and lifts it again after:
// a runaway request gets SIGXCPU however long the worker has lived. The driver's
// wall-clock deadline remains the primary bound; the CPU limit is the backstop that
// holds even when the driver stops reading (stopped, debugged, stuck).
//
// Memory: the driver sets RLIMIT_DATA (private writable memory: heap, anonymous
// mmap, thread stacks), which bounds what a candidate can touch without counting
// the address space LLVM and TBB only reserve. When a candidate's allocation fails
// it typically dereferences the null pointer and dies by SIGSEGV; the worker tracks
// failed allocations (backends/cpu/worker_main.cpp wraps malloc) and turns such a death into
// exit code kWorkerExitOutOfMemory, so it is classified out_of_memory, not crash.
#pragma once

namespace evojit {

inline constexpr int kWorkerExitOutOfMemory = 86;

// Records that an allocation failed (async-signal-safe; called by allocator wrappers).
void note_allocation_failure() noexcept;

// Installs SIGSEGV/SIGBUS/SIGABRT handlers on an alternate stack: after a failed
// allocation in the current request they exit with kWorkerExitOutOfMemory, else the
// signal kills the process as it would have.
void install_out_of_memory_classifier();

// Per-request bookkeeping: clears the failed-allocation mark and sets the CPU budget
// (seconds; 0 = none). end_request() lifts the budget again.
void begin_request(double cpu_seconds);
void end_request();

}  // namespace evojit
