// Factories by name, for every extension point that a run picks by name (backends,
// fitness functions, ...): add, look up with an error that lists the known names, list.
// Filled by explicit calls (cli/builtins.cpp, or a library user's own code), never by
// static self-registration.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "support/error.hpp"

namespace evojit {

template <class Factory>
class NamedRegistry {
 public:
  // `kind` names the extension point in errors ("backend"); `flag` is where a user
  // gave the name ("--backend").
  NamedRegistry(std::string kind, std::string flag)
      : kind_(std::move(kind)), flag_(std::move(flag)) {}

  void add(std::string name, std::string summary, Factory factory) {
    entries_.push_back({std::move(name), std::move(summary), std::move(factory)});
  }
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  std::vector<std::pair<std::string, std::string>> list() const {  // name, summary
    std::vector<std::pair<std::string, std::string>> out;
    for (const Entry& e : entries_) out.emplace_back(e.name, e.summary);
    return out;
  }
  // Throws InputError listing the known names when `name` is unknown.
  const Factory& factory(const std::string& name) const {
    if (const Factory* f = find(name)) return *f;
    std::string known;
    for (const Entry& e : entries_) known += (known.empty() ? "" : ", ") + e.name;
    throw_input_error("unknown " + kind_ + " '" + name + "'", flag_,
                      known.empty() ? "this evojit was built without any" : "known: " + known);
  }

 private:
  struct Entry {
    std::string name;
    std::string summary;
    Factory factory;
  };
  const Factory* find(const std::string& name) const {
    for (const Entry& e : entries_) {
      if (e.name == name) return &e.factory;
    }
    return nullptr;
  }
  std::string kind_;
  std::string flag_;
  std::vector<Entry> entries_;
};

}  // namespace evojit
