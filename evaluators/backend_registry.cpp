#include "evaluators/backend.hpp"
#include "support/error.hpp"

namespace evojit {

void BackendRegistry::add(std::string name, std::string summary, BackendFactory factory) {
  entries_.push_back({std::move(name), std::move(summary), std::move(factory)});
}

bool BackendRegistry::contains(const std::string& name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return true;
  }
  return false;
}

std::unique_ptr<Backend> BackendRegistry::create(const std::string& name,
                                                 const BackendContext& context) const {
  std::string known;
  for (const Entry& e : entries_) {
    if (e.name == name) return e.factory(context);
    known += (known.empty() ? "" : ", ") + e.name;
  }
  throw_input_error("unknown backend '" + name + "'", "--backend",
                    known.empty() ? "this evojit was built without backends" : "known: " + known);
}

std::vector<std::pair<std::string, std::string>> BackendRegistry::list() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : entries_) out.emplace_back(e.name, e.summary);
  return out;
}

}  // namespace evojit
