#include "dixc/chem/basis.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

#include <libint2/basis.h>

#include "dixc/chem/element.hpp"
#include "dixc/util/error.hpp"

namespace dixc::chem {

namespace {

std::string lower_case(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::filesystem::path find_basis_file(const std::string& name) {
  const auto file_name = name + ".g94";
  for (const auto& dir : basis_search_path()) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / file_name, ec)) return dir / file_name;
  }
  std::ostringstream msg;
  msg << "basis set '" << name << "' not found: no " << file_name << " in";
  for (const auto& dir : basis_search_path()) msg << " " << dir.string();
  msg << " (set DIXC_BASIS_PATH to a directory holding it in libint2 g94 format)";
  throw InputError(msg.str());
}

// Element shells of a basis file, read once per process: parsing def2-SVP for every molecule of a dataset would
// otherwise be a measurable share of small-molecule run time.
const std::vector<std::vector<libint2::Shell>>& element_shells(const std::filesystem::path& file) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<std::vector<libint2::Shell>>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(file.string());
  if (it == cache.end()) {
    try {
      it = cache.emplace(file.string(), libint2::BasisSet::read_g94_basis_library(file.string())).first;
    } catch (const std::exception& e) {
      throw InputError("cannot read basis file " + file.string() + ": " + e.what());
    }
  }
  return it->second;
}

}  // namespace

std::vector<std::filesystem::path> basis_search_path() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("DIXC_BASIS_PATH")) {
    std::stringstream list(env);
    for (std::string dir; std::getline(list, dir, ':');)
      if (!dir.empty()) dirs.emplace_back(dir);
  }
  dirs.emplace_back(std::filesystem::path(DIXC_INSTALL_SHARE_DIR) / "basis");
  dirs.emplace_back(std::filesystem::path(DIXC_SOURCE_SHARE_DIR) / "basis");
  return dirs;
}

BasisSet load_basis(const std::string& name, const Molecule& molecule) {
  BasisSet basis;
  basis.name = lower_case(name);
  const auto& library = element_shells(find_basis_file(basis.name));
  for (std::size_t a = 0; a < molecule.atoms.size(); ++a) {
    const Atom& atom = molecule.atoms[a];
    if (atom.Z <= 0 || static_cast<std::size_t>(atom.Z) >= library.size() || library[atom.Z].empty())
      throw InputError("basis set '" + basis.name + "' has no functions for element " +
                       std::string(element_by_number(atom.Z).symbol) + " (atom " + std::to_string(a + 1) +
                       " of molecule '" + molecule.name + "')");
    for (libint2::Shell shell : library[atom.Z]) {
      shell.move({atom.position_bohr[0], atom.position_bohr[1], atom.position_bohr[2]});
      basis.shell_offset.push_back(basis.nbf);
      basis.shell_atom.push_back(static_cast<int>(a));
      basis.nbf += shell.size();
      basis.max_l = std::max(basis.max_l, static_cast<int>(shell.contr[0].l));
      basis.max_nprim = std::max(basis.max_nprim, shell.nprim());
      basis.shells.push_back(std::move(shell));
    }
  }
  return basis;
}

}  // namespace dixc::chem
