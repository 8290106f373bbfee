// The fault-injection task, for tests only. It lives in the test tree (library
// evojit_test_tasks) so the shipped evojit and evojit-worker cannot run it; tests that
// use it register it in their driver-side TaskRegistry (register_fault_tasks) and
// run their candidates in evojit-test-worker (tests/backends/cpu/test_worker_main.cpp),
// which knows the built-in tasks and this one.
//
// out[i] = 2 * in[i] + 1, unless the FAULT parameter makes the kernel misbehave:
// segfault, abort, loop_forever, divide_by_zero (a real integer trap: SIGFPE),
// allocate_unbounded (malloc and touch 64 MiB blocks, never checking for NULL),
// write_out_of_bounds (writes past the end of out, caught by a canary),
// wrong_values (one element off). UNROLL and BLOCK are harmless tuning parameters,
// so a search has something to optimise among the `none` variants.
//
// FAULT=hostile (not in the space: rendered explicitly by tests) computes the right
// result and also tries to escape its sandbox: read /etc/passwd, create the file
// ESCAPE_PATH, connect to 127.0.0.1:ESCAPE_PORT, fork; it writes "scratch-probe.txt"
// in its working directory. Each attempt's outcome goes to the report buffer, and
// check() fails naming any escape that succeeded. Define ESCAPE_PATH (a string
// literal) and ESCAPE_PORT before the rendered source to aim it.
//
// Kernel arguments: buffers {out, in, report}; dims {n}.
#pragma once

#include <memory>

#include "kernels/task.hpp"
#include "kernels/task_registry.hpp"

namespace evojit {

inline constexpr const char* kFaultInjectionTaskName = "fault_injection";

// Report buffer slots written by FAULT=hostile (1.0 = the attempt succeeded).
enum FaultReportSlot {
  kReportReadPasswd = 0,
  kReportWriteOutside = 1,
  kReportConnect = 2,
  kReportWriteScratch = 3,  // expected to succeed where the filesystem is confined
  kReportFork = 4,
  kReportSlots = 8,
};

std::unique_ptr<Task> make_fault_injection_task();

// Adds the test-only tasks (today the fault-injection task) to `registry`.
void register_fault_tasks(TaskRegistry& registry);

}  // namespace evojit
