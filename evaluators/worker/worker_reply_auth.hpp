// Authenticated replies: a worker's reply counts only if it carries a tag made with
// the key its driver gave it, over the reply's position in the conversation.
//
// Why: candidate code runs in the worker's process and can write to the reply pipe.
// Without this, a kernel writes {"status":"ok","sizes":[...fast timings...]} to fd 4
// and the driver scores that line; the worker's genuine reply then answers the next
// request, out of step. With it, such a line fails the check, the worker is killed,
// and the evaluation fails ("forged reply"); a replayed genuine reply fails too,
// since the tag covers the reply's number.
//
// The key (kReplyKeyBytes random bytes from getrandom) is written by the driver into
// a pipe that the worker reads once at start-up and closes: it is never in argv, the
// environment or a file, and it is read before any candidate is compiled.
//
// Limits, honestly: the key then lives in the worker's memory, which candidate code
// shares. A kernel that searches its own process's memory for the key (or patches the
// worker's measuring code) can still forge. This closes the easy channel (writing a
// plausible line), not a determined attacker who reverse-engineers the worker; true
// protection needs the measurement taken outside the candidate's address space (a
// measuring process that observes a runner process through shared buffers), which
// this design leaves for later. The CUDA worker signs too; its candidates are device
// code and cannot make host system calls at all.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evojit {

inline constexpr std::size_t kReplyKeyBytes = 192;
using ReplyKey = std::array<unsigned char, kReplyKeyBytes>;

// Fresh random key (getrandom). Throws std::runtime_error when the kernel has none.
ReplyKey make_reply_key();

// "<32 hex digits> <body>": the tag covers `counter` (the reply's number, from 0) and
// the body.
std::string sign_reply(const ReplyKey& key, std::uint64_t counter, std::string_view body);
// The body when `line` is a genuine reply number `counter`, else nothing.
std::optional<std::string_view> verify_reply(const ReplyKey& key, std::uint64_t counter,
                                             std::string_view line);

// Worker side: reads the key from `fd` (then closes it) so that sign_worker_reply()
// can sign every reply this process sends. False when the key could not be read.
bool load_worker_reply_key(int fd);
// Signs with the loaded key and the next reply number; without a key, the body as is.
std::string sign_worker_reply(std::string_view body);

}  // namespace evojit
