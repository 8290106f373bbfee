// evojit: the command line. Parses arguments, builds a run, prints. No logic of its
// own: everything it does is a call into runs/, search/, evaluators/ and kernels/.
// A user error ends in one message on stderr and exit code 2.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "support/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"evojit: evolve, JIT-compile and roofline-score kernel variants"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "evojit 0.1.0");
  app.footer(
      "Exit codes:\n"
      "  0    done, with at least one valid evaluation\n"
      "  1    internal error (a bug: please report it)\n"
      "  2    bad input (arguments, files, run directory); nothing saved was damaged\n"
      "  3    done, but no valid evaluation (every candidate failed)\n"
      "  130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM: `evojit resume DIR` continues\n");
  evojit::cli::add_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return evojit::kInputErrorExitCode;
  } catch (const evojit::InputError& e) {
    std::fprintf(stderr, "evojit: error: %s\n", e.what());
    return evojit::kInputErrorExitCode;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "evojit: internal error: %s\n", e.what());
    return 1;
  }
  return evojit::cli::exit_code();
}
