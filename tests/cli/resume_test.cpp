// `evojit resume` end to end: runs killed with SIGKILL at random points and resumed
// until they finish must leave a complete, consistent journal (ids 0..N-1, no gap,
// no duplicate, no torn line), and on the deterministic replay backend exactly the
// journal of an uninterrupted run. The kill/resume figures are printed.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kSpaces = std::string(EVOJIT_TEST_DATA_DIR) + "/spaces/";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A run's summary.json but for the wall time of the replay, which no two runs share.
nlohmann::json summary_without_wall_time(const fs::path& dir) {
  nlohmann::json j = nlohmann::json::parse(read(dir / "summary.json"));
  j.erase("wall_s");
  return j;
}

std::size_t lines_in(const fs::path& p) {
  const std::string text = read(p);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Starts the evojit command (output discarded) with `mark` in its environment, so
// that its worker processes can be found afterwards.
pid_t spawn(const std::vector<std::string>& args, const std::string& mark) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::setenv("EVOJIT_RESUME_TEST_MARK", mark.c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(EVOJIT_CLI));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(EVOJIT_CLI, argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A recorded space large enough for long replays: 30 x 30 x 20 x 10 configurations,
// every one recorded (the benchmark-hub spaces are too small for a replay running at
// tens of thousands of evaluations a second to be killed many times).
void write_large_cache(const fs::path& cache) {
  std::ofstream out(cache);
  out << R"({"device_name": "Synthetic", "kernel_name": "k", "problem_size": 1,)"
      << R"("tune_params_keys": ["a", "b", "c", "d"], "tune_params": {"a": [)";
  auto range = [&](int n) {
    for (int i = 0; i < n; ++i) out << (i ? "," : "") << i;
  };
  range(30);
  out << R"(], "b": [)";
  range(30);
  out << R"(], "c": [)";
  range(20);
  out << R"(], "d": [)";
  range(10);
  out << R"(]}, "objective": ["time"], "cache": {)";
  bool first = true;
  for (int a = 0; a < 30; ++a)
    for (int b = 0; b < 30; ++b)
      for (int c = 0; c < 20; ++c)
        for (int d = 0; d < 10; ++d) {
          const double t = 1.0 + (a - 11) * (a - 11) + (b - 7) * (b - 7) * 0.5 + c * 0.1 + d;
          out << (first ? "\n" : ",\n") << '"' << a << ',' << b << ',' << c << ',' << d
              << R"(": {"a": )" << a << R"(, "b": )" << b << R"(, "c": )" << c << R"(, "d": )" << d
              << R"(, "time": )" << t << R"(, "compile_time": 1, "verification_time": 0, )"
              << R"("benchmark_time": 1})";
          first = false;
        }
  out << "}}";
}

// Processes (other than this one) whose environment holds `mark`.
std::vector<int> marked_processes(const std::string& mark) {
  std::vector<int> found;
  const std::string needle = "EVOJIT_RESUME_TEST_MARK=" + mark;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    if (std::stoi(name) == ::getpid()) continue;
    const std::string env = read(entry.path() / "environ");
    if (env.find(needle) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

struct KillFigures {
  int kills = 0;
  int resumes = 0;       // `evojit resume` started
  int fresh_starts = 0;  // `evojit run` started (again when killed before run.json)
  int torn_tails = 0;    // kills that left half a journal line
  int idle_kills = 0;    // kills before the life journaled anything (start-up, restore)
};

class ResumeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-resume-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    mark_ = dir_.filename().string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `run_args` (writing to `out`), killing the driver `kills` times at random
  // points and resuming each time, then lets it finish.
  KillFigures kill_and_resume(const std::vector<std::string>& run_args, const fs::path& out,
                              int kills, std::size_t max_records_per_life) {
    std::mt19937_64 random(std::random_device{}());
    KillFigures f;
    const fs::path journal = out / "journal.jsonl";
    while (true) {
      pid_t pid;
      if (!fs::exists(out / "run.json")) {
        fs::remove_all(out);  // killed before the run existed: start it again
        pid = spawn(run_args, mark_);
        ++f.fresh_starts;
      } else {
        pid = spawn({"resume", out.string()}, mark_);
        ++f.resumes;
      }
      if (f.kills == kills) {
        EXPECT_EQ(wait_exit(pid), 0) << "the last resume must finish the run";
        return f;
      }
      const std::size_t before = lines_in(journal);
      // A quarter of the kills land at a random moment soon after the start
      // (start-up, reading the checkpoint, cutting a torn line); the others after a
      // random number of new records, at a random instant (mid-write included).
      if (std::uniform_real_distribution<>(0, 1)(random) < 0.25) {
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<>(0, 30000)(random)));
      } else {
        const std::size_t target =
            before + std::uniform_int_distribution<std::size_t>(1, max_records_per_life)(random);
        const auto deadline = Clock::now() + std::chrono::seconds(60);
        while (lines_in(journal) < target && Clock::now() < deadline) {
          int status;
          if (::waitpid(pid, &status, WNOHANG) == pid) {
            ADD_FAILURE() << "the run finished before kill " << f.kills + 1
                          << "; give it a larger budget";
            return f;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<>(0, 2000)(random)));
      }
      ::kill(pid, SIGKILL);
      int status;
      ::waitpid(pid, &status, 0);
      if (WIFEXITED(status)) {
        ADD_FAILURE() << "the run finished before kill " << f.kills + 1;
        return f;
      }
      ++f.kills;
      const std::string text = read(journal);
      if (!text.empty() && text.back() != '\n') ++f.torn_tails;
      if (lines_in(journal) == before) ++f.idle_kills;
    }
  }

  // Ids 0..n-1 line by line, every line JSON: returns n.
  static std::size_t check_journal(const fs::path& journal) {
    const std::string text = read(journal);
    EXPECT_TRUE(text.empty() || text.back() == '\n') << "torn last line";
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line); ++n) {
      json record;
      EXPECT_NO_THROW(record = json::parse(line)) << "line " << n + 1 << ": " << line;
      EXPECT_EQ(record.value("id", std::size_t{999999}), n) << "line " << n + 1;
    }
    return n;
  }

  void expect_no_stray_processes() {
    // Workers die with their driver (PR_SET_PDEATHSIG); the signal may take a moment.
    std::vector<int> left = marked_processes(mark_);
    for (int i = 0; i < 50 && !left.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      left = marked_processes(mark_);
    }
    EXPECT_TRUE(left.empty()) << left.size() << " processes outlived their driver, e.g. pid "
                              << left.front();
  }

  fs::path dir_;
  std::string mark_;
};

void print(const char* what, const KillFigures& f, std::size_t evaluations) {
  std::cout << "[kill/resume] " << what << ": " << f.kills << " kills (SIGKILL), " << f.resumes
            << " resumes, " << f.fresh_starts << " fresh starts, " << f.torn_tails
            << " torn journal lines cut, " << f.idle_kills
            << " kills before a new record; final journal " << evaluations
            << " evaluations, ids 0.." << evaluations - 1 << " complete\n";
}

TEST_F(ResumeCliTest, AReplayRunKilled20TimesEndsWithTheUninterruptedJournal) {
  // Large enough that 20 lives do not finish it: the replay runs at tens of thousands
  // of evaluations a second, the journal grows a group (256 records) at a time, and a
  // poll of the journal lets hundreds more through.
  constexpr std::size_t kBudget = 40000;
  const fs::path cache = dir_ / "large.json";
  write_large_cache(cache);
  auto args = [&](const fs::path& out) {
    return std::vector<std::string>{"run",
                                    "--replay",
                                    cache.string(),
                                    "--strategy",
                                    "regularized-evolution",
                                    "--budget",
                                    std::to_string(kBudget),
                                    "--seed",
                                    "3",
                                    "--out",
                                    out.string()};
  };
  const fs::path whole = dir_ / "whole", killed = dir_ / "killed";
  ASSERT_EQ(wait_exit(spawn(args(whole), mark_)), 0);

  const KillFigures f = kill_and_resume(args(killed), killed, 20, 40);
  EXPECT_EQ(f.kills, 20);
  const std::size_t n = check_journal(killed / "journal.jsonl");
  EXPECT_EQ(n, kBudget);
  EXPECT_EQ(read(killed / "journal.jsonl"), read(whole / "journal.jsonl"));
  EXPECT_EQ(summary_without_wall_time(killed), summary_without_wall_time(whole));
  EXPECT_EQ(read(killed / "best" / "best.json"), read(whole / "best" / "best.json"));
  print("replay of a 180000-point space, regularized-evolution", f, n);
  expect_no_stray_processes();
}

// A replay fast enough that the journal is synced in groups (every 256 records or
// second) and checkpoints are a second apart: killed with SIGKILL at random moments
// of its search, each time resumed, it still ends with the journal, summary and best
// of the uninterrupted run, ids 0..n-1 with none lost and none repeated.
TEST_F(ResumeCliTest, AFastReplayWithGroupSyncKilledAtRandomLosesAndRepeatsNothing) {
  const fs::path cache = dir_ / "large.json";
  write_large_cache(cache);
  constexpr std::size_t kBudget = 60000;
  auto args = [&](const fs::path& out) {
    return std::vector<std::string>{"run",
                                    "--replay",
                                    cache.string(),
                                    "--strategy",
                                    "random",
                                    "--budget",
                                    std::to_string(kBudget),
                                    "--seed",
                                    "11",
                                    "--out",
                                    out.string()};
  };
  const fs::path whole = dir_ / "whole", killed = dir_ / "killed";
  ASSERT_EQ(wait_exit(spawn(args(whole), mark_)), 0);

  std::mt19937_64 random(std::random_device{}());
  const fs::path journal = killed / "journal.jsonl";
  int kills_mid_search = 0;
  for (int life = 0; life < 8; ++life) {
    std::error_code ec;
    const auto before = fs::exists(journal) ? fs::file_size(journal, ec) : 0;
    const pid_t pid = fs::exists(killed / "run.json")
                          ? spawn({"resume", killed.string()}, mark_)
                          : (fs::remove_all(killed), spawn(args(killed), mark_));
    // Wait for the search to be under way (new records), then kill at a random moment.
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    int status = 0;
    bool exited = false;
    while (Clock::now() < deadline) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (fs::exists(journal) && fs::file_size(journal, ec) > before) break;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (exited) break;  // it finished in this life: nothing left to kill
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<>(0, 150000)(random)));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++kills_mid_search;
  }
  if (!fs::exists(killed / "summary.json")) {
    ASSERT_EQ(wait_exit(spawn({"resume", killed.string()}, mark_)), 0);
  }
  EXPECT_GE(kills_mid_search, 2) << "the run finished before it could be killed";
  EXPECT_EQ(check_journal(journal), kBudget);
  EXPECT_EQ(read(journal), read(whole / "journal.jsonl"));
  EXPECT_EQ(summary_without_wall_time(killed), summary_without_wall_time(whole));
  EXPECT_EQ(read(killed / "best" / "best.json"), read(whole / "best" / "best.json"));
  std::cout << "[kill/resume] fast replay, group sync: " << kills_mid_search
            << " SIGKILLs mid-search; final journal " << kBudget << " evaluations\n";
}

TEST_F(ResumeCliTest, ALiveRunKilledThreeTimesLosesAndRepeatsNothing) {
  const fs::path profile = dir_ / "profile.json";
  evojit::testing::write_test_profile(profile);
  constexpr std::size_t kBudget = 10;
  const fs::path out = dir_ / "live";
  const KillFigures f = kill_and_resume(
      {"run", "--task", "triad", "--budget", std::to_string(kBudget), "--seed", "4", "--workers",
       "2", "--max-seconds-per-size", "0.01", "--profile", profile.string(), "--out", out.string()},
      out, 3, 2);
  EXPECT_EQ(f.kills, 3);
  const std::size_t n = check_journal(out / "journal.jsonl");
  EXPECT_EQ(n, kBudget);
  // No configuration was evaluated twice.
  std::set<std::string> hashes;
  std::istringstream in(read(out / "journal.jsonl"));
  for (std::string line; std::getline(in, line);) {
    EXPECT_TRUE(hashes.insert(json::parse(line)["structural_hash"]).second) << line;
  }
  const json summary = json::parse(read(out / "summary.json"));
  EXPECT_EQ(summary["evaluations"], kBudget);
  EXPECT_EQ(json::parse(read(out / "t4.json"))["results"].size(), kBudget);
  EXPECT_TRUE(fs::exists(out / "best" / "kernel.cpp"));
  print("live triad, 2 workers", f, n);
  expect_no_stray_processes();
}

TEST_F(ResumeCliTest, ResumingAFinishedRunSaysSoAndExitsZero) {
  const fs::path out = dir_ / "done";
  ASSERT_EQ(wait_exit(spawn({"run", "--replay", kSpaces + "convolution_milo_A100.json.gz",
                             "--budget", "20", "--out", out.string()},
                            mark_)),
            0);
  const std::string journal = read(out / "journal.jsonl");
  FILE* pipe =
      ::popen((std::string(EVOJIT_CLI) + " resume " + out.string() + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t k = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, k);
  const int status = ::pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("already finished"), std::string::npos) << output;
  EXPECT_EQ(read(out / "journal.jsonl"), journal);
}

TEST_F(ResumeCliTest, ADirectoryThatIsNotARunExitsWithCode2) {
  EXPECT_EQ(wait_exit(spawn({"resume", dir_.string()}, mark_)), 2);
  std::ofstream(dir_ / "run.json") << "{\"config\": {\"replay\": ";  // corrupt
  EXPECT_EQ(wait_exit(spawn({"resume", dir_.string()}, mark_)), 2);
  EXPECT_EQ(read(dir_ / "run.json"), "{\"config\": {\"replay\": ");
}

}  // namespace
