#include "evaluators/worker/worker_reply_auth.hpp"

#include <cerrno>
#include <span>
#include <stdexcept>

#include <sys/random.h>
#include <unistd.h>

#include "support/hash.hpp"

namespace evojit {
namespace {

constexpr std::size_t kTagChars = 32;

struct WorkerKey {
  ReplyKey key{};
  bool loaded = false;
  std::uint64_t next = 0;
};

WorkerKey& worker_key() {
  static WorkerKey k;
  return k;
}

}  // namespace

ReplyKey make_reply_key() {
  ReplyKey key{};
  std::size_t filled = 0;
  while (filled < key.size()) {
    const ssize_t n = ::getrandom(key.data() + filled, key.size() - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot draw a worker reply key (getrandom failed)");
    filled += static_cast<std::size_t>(n);
  }
  return key;
}

std::string sign_reply(const ReplyKey& key, std::uint64_t counter, std::string_view body) {
  std::string line = keyed_tag_hex(std::span<const unsigned char>(key), counter, body);
  line += ' ';
  line += body;
  return line;
}

std::optional<std::string_view> verify_reply(const ReplyKey& key, std::uint64_t counter,
                                             std::string_view line) {
  if (line.size() < kTagChars + 1 || line[kTagChars] != ' ') return std::nullopt;
  const std::string_view body = line.substr(kTagChars + 1);
  const std::string expected = keyed_tag_hex(std::span<const unsigned char>(key), counter, body);
  // Constant time, out of habit: the forger cannot observe the driver anyway.
  unsigned char diff = 0;
  for (std::size_t i = 0; i < kTagChars; ++i) {
    diff |= static_cast<unsigned char>(expected[i] ^ line[i]);
  }
  if (diff != 0) return std::nullopt;
  return body;
}

bool load_worker_reply_key(int fd) {
  WorkerKey& k = worker_key();
  std::size_t got = 0;
  while (got < k.key.size()) {
    const ssize_t n = ::read(fd, k.key.data() + got, k.key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  k.loaded = got == k.key.size();
  return k.loaded;
}

std::string sign_worker_reply(std::string_view body) {
  WorkerKey& k = worker_key();
  if (!k.loaded) return std::string(body);
  return sign_reply(k.key, k.next++, body);
}

}  // namespace evojit
