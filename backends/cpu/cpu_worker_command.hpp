// The command line of a CPU worker executable: evojit-worker (the built-in tasks) and
// tests' evojit-test-worker (those plus the fault tasks) differ only in the tasks
// they serve, so both mains are this one call. Started by the driver's WorkerPool
// with its request and reply pipes as file descriptors 3 and 4; standard output is
// not used for the protocol, so a kernel that prints cannot corrupt it. With
// --key-fd, the driver's reply key is read from that descriptor
// (evaluators/worker/worker_reply_auth.hpp); every descriptor above the protocol's
// (3, 4) is closed before anything else, so nothing the driver leaked reaches a
// candidate.
//
//   <worker> [--in FD] [--out FD] [--key-fd FD] [--scratch DIR] [--driver PID]
//            [--scratch-limit BYTES] [--max-threads N] [--max-kernels N]
//            [--no-sandbox] [--no-landlock]
#pragma once

namespace evojit {

class TaskRegistry;

// Parses the arguments and serves requests (serve_worker) for `tasks` until the
// driver closes the pipe. Returns the process exit code.
int run_cpu_worker(int argc, char** argv, const TaskRegistry& tasks);

}  // namespace evojit
