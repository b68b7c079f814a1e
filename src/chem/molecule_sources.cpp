#include "dixc/chem/molecule_sources.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dixc/chem/xyz_reader.hpp"
#include "dixc/util/error.hpp"

namespace fs = std::filesystem;

namespace dixc::chem {

namespace {

void add_xyz(const fs::path& path, MoleculeSet& set, const std::string& name = "", int charge = 0,
             int multiplicity = 0) {
  try {
    auto frames = chem::read_xyz_file(path);
    for (auto& m : frames) {
      if (!name.empty()) m.name = frames.size() == 1 ? name : name + m.name.substr(path.stem().string().size());
      if (multiplicity > 0) {
        m.charge = charge;
        m.multiplicity = multiplicity;
      }
      set.molecules.push_back(std::move(m));
    }
  } catch (const InputError& e) {
    set.failures.push_back({name.empty() ? path.stem().string() : name, e.what()});
  }
}

void add_manifest(const fs::path& csv, MoleculeSet& set) {
  std::ifstream in(csv);
  if (!in) throw InputError(csv.string() + ": cannot read manifest");
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    if (line_no == 1 && !cols.empty() && cols[0] == "name") continue;  // header
    if (cols.size() < 2)
      throw InputError(csv.string() + ":" + std::to_string(line_no) + ": expected name,path[,charge,multiplicity]");
    const fs::path file = fs::path(cols[1]).is_absolute() ? fs::path(cols[1]) : csv.parent_path() / cols[1];
    int charge = 0, mult = 0;
    try {
      if (cols.size() >= 4) {
        charge = std::stoi(cols[2]);
        mult = std::stoi(cols[3]);
      }
    } catch (const std::exception&) {
      throw InputError(csv.string() + ":" + std::to_string(line_no) + ": charge and multiplicity must be integers");
    }
    add_xyz(file, set, cols[0], charge, mult);
  }
}

}  // namespace

MoleculeSet collect_molecules(const std::vector<std::string>& inputs) {
  MoleculeSet set;
  for (const auto& input : inputs) {
    const fs::path path(input);
    if (fs::is_directory(path)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(path))
        if (e.is_regular_file() && e.path().extension() == ".xyz") files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) add_xyz(f, set);
    } else if (path.extension() == ".csv") {
      add_manifest(path, set);
    } else if (fs::exists(path)) {
      add_xyz(path, set);
    } else {
      throw InputError(input + ": no such file or directory");
    }
  }
  std::set<std::string> seen;
  auto check = [&seen](const std::string& name) {
    if (!seen.insert(name).second)
      throw InputError("two inputs give the molecule name '" + name + "'; names identify dataset records, rename one");
  };
  for (const auto& m : set.molecules) check(m.name);
  for (const auto& f : set.failures) check(f.name);
  return set;
}

}  // namespace dixc::chem
