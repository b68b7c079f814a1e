#include "dixc/chem/xyz_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "dixc/chem/element.hpp"
#include "dixc/util/error.hpp"

namespace dixc::chem {

namespace {

std::vector<std::string_view> split_fields(std::string_view line, std::string_view separators = " \t\r\v\f") {
  std::vector<std::string_view> fields;
  std::size_t begin = line.find_first_not_of(separators);
  while (begin != std::string_view::npos) {
    const std::size_t end = line.find_first_of(separators, begin);
    fields.push_back(
        line.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
    begin = line.find_first_not_of(separators, end);
  }
  return fields;
}

bool is_blank(std::string_view line) { return split_fields(line).empty(); }

std::string lower_case(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(), [](unsigned char c) { return std::tolower(c); });
  return result;
}

// Quoted line content for messages, shortened so a binary file cannot flood the terminal.
std::string excerpt(std::string_view text) {
  constexpr std::size_t max_chars = 60;
  return "'" + std::string(text.substr(0, max_chars)) + (text.size() > max_chars ? "...'" : "'");
}

// from_chars has no leading '+'; accept exactly one so "+1" and "charge=+1" work.
std::string_view strip_plus(std::string_view token) {
  if (token.size() > 1 && token[0] == '+' && token[1] != '+' && token[1] != '-') token.remove_prefix(1);
  return token;
}

std::optional<long long> parse_integer(std::string_view token) {
  token = strip_plus(token);
  long long value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return value;
}

// Finite real number; QM9 writes some exponents in Mathematica form ("1.2*^-5").
std::optional<double> parse_real(std::string_view token) {
  std::string text(strip_plus(token));
  if (const auto at = text.find("*^"); at != std::string::npos) text.replace(at, 2, "e");
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

class XyzParser {
 public:
  XyzParser(std::istream& in, std::string source) : source_(std::move(source)) {
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();  // files written on Windows
      lines_.push_back(std::move(line));
    }
  }

  std::vector<Molecule> parse_all(const std::string& stem) {
    std::vector<Molecule> frames;
    for (skip_blank_lines(); pos_ < lines_.size(); skip_blank_lines()) {
      if (!frames.empty() && !parse_atom_count(lines_[pos_])) {
        fail(pos_,
             "unexpected text " + excerpt(lines_[pos_]) + " after frame " + std::to_string(frames.size()) +
                 " (expected the atom count of another frame or the end of the file; does the atom count "
                 "of the previous frame match its atom lines?)");
      }
      frames.push_back(parse_frame());
    }
    if (frames.empty()) fail(0, "empty XYZ file: expected an atom count on the first line");

    for (std::size_t k = 0; k < frames.size(); ++k) {
      frames[k].name = frames.size() == 1 ? stem : stem + "_" + std::to_string(k);
    }
    return frames;
  }

 private:
  // Multi-frame files from some writers separate frames by blank lines; tolerate them.
  void skip_blank_lines() {
    while (pos_ < lines_.size() && is_blank(lines_[pos_])) ++pos_;
  }

  [[noreturn]] void fail(std::size_t line_index, const std::string& problem) const {
    throw InputError(source_ + ":" + std::to_string(line_index + 1) + ": " + problem);
  }

  // Premature end of file is reported at the last line, which is where the user will look.
  [[noreturn]] void fail_at_end(const std::string& problem) const {
    fail(lines_.empty() ? 0 : lines_.size() - 1, "file ends early: " + problem);
  }

  static std::optional<long long> parse_atom_count(std::string_view line) {
    const auto fields = split_fields(line);
    return fields.size() == 1 ? parse_integer(fields[0]) : std::nullopt;
  }

  Molecule parse_frame() {
    const std::size_t count_line = pos_++;
    const auto n_atoms = parse_atom_count(lines_[count_line]);
    if (!n_atoms || *n_atoms <= 0) {
      fail(count_line,
           "expected the atom count (a positive integer alone on the line) that starts a frame, got " +
               excerpt(lines_[count_line]));
    }
    if (pos_ == lines_.size()) {
      fail_at_end("expected a comment line after the atom count on line " + line_no(count_line));
    }

    Molecule mol;
    const std::size_t comment_line = pos_++;
    read_charge_and_multiplicity(comment_line, mol);

    // QM9 records: comment starting with "gdb" and a fifth (Mulliken charge) column.
    const auto comment_fields = split_fields(lines_[comment_line]);
    const bool qm9 = !comment_fields.empty() && comment_fields[0] == "gdb" && pos_ < lines_.size() &&
                     split_fields(lines_[pos_]).size() == 5;

    for (long long k = 0; k < *n_atoms; ++k, ++pos_) {
      if (pos_ == lines_.size()) {
        fail_at_end("found " + std::to_string(k) + " of the " + std::to_string(*n_atoms) +
                    " atom lines declared on line " + line_no(count_line));
      }
      mol.atoms.push_back(parse_atom(pos_, qm9,
                                     "atom " + std::to_string(k + 1) + " of the " + std::to_string(*n_atoms) +
                                         " declared on line " + line_no(count_line)));
    }
    if (qm9) skip_qm9_trailer(count_line);
    return mol;
  }

  // "charge=Q", "multiplicity=M" / "mult=M" anywhere in the comment, any case; the rest is a free title.
  void read_charge_and_multiplicity(std::size_t line_index, Molecule& mol) const {
    for (const auto field : split_fields(lines_[line_index], " \t\r\v\f,;")) {
      const std::string lower = lower_case(field);
      const auto equals = lower.find('=');
      if (equals == std::string::npos) continue;
      const std::string key = lower.substr(0, equals);
      const std::string_view value = field.substr(equals + 1);
      if (key == "charge") {
        const auto charge = parse_integer(value);
        if (!charge || std::abs(*charge) > 1000) {
          fail(line_index,
               "bad charge " + excerpt(value) + " in the comment line (expected an integer, e.g. charge=-1)");
        }
        mol.charge = static_cast<int>(*charge);
      } else if (key == "multiplicity" || key == "mult") {
        const auto mult = parse_integer(value);
        if (!mult || *mult < 1 || *mult > 1000) {
          fail(line_index,
               "bad multiplicity " + excerpt(value) +
                   " in the comment line (expected a positive integer 2S+1, e.g. multiplicity=1)");
        }
        mol.multiplicity = static_cast<int>(*mult);
      }
    }
  }

  Atom parse_atom(std::size_t line_index, bool qm9, const std::string& which) const {
    const std::string_view line = lines_[line_index];
    const auto fields = split_fields(line);
    if (fields.size() < 4 || (qm9 && fields.size() != 5)) {
      fail(line_index, std::string("expected '") + (qm9 ? "Element x y z Mulliken_charge" : "Element x y z") +
                           "' for " + which + ", got " + excerpt(line));
    }

    Atom atom;
    atom.Z = parse_element(line_index, fields[0], which);

    for (int axis = 0; axis < 3; ++axis) {
      atom.position_bohr[axis] = parse_number(line_index, fields[axis + 1], "coordinate") / bohr_in_angstrom;
    }
    if (qm9) parse_number(line_index, fields[4], "Mulliken charge");  // validated only; dixc does not use it
    return atom;
  }

  // The element column is a symbol ("C", "cl") or an atomic number ("6").
  int parse_element(std::size_t line_index, std::string_view field, const std::string& which) const {
    const bool numeric = std::ranges::all_of(field, [](unsigned char c) { return std::isdigit(c); });
    const auto z = numeric ? parse_integer(field) : std::nullopt;
    if (numeric && (!z || *z > 1000))
      fail(line_index, "invalid atomic number " + excerpt(field) + " (" + which + ")");
    try {
      return numeric ? element_by_number(static_cast<int>(*z)).Z : element_by_symbol(field).Z;
    } catch (const InputError& e) {
      // element lookups know nothing about files; add where the bad element is
      fail(line_index, std::string(e.what()) + " (" + which + ")");
    }
  }

  double parse_number(std::size_t line_index, std::string_view field, const std::string& what) const {
    const auto value = parse_real(field);
    if (!value) fail(line_index, what + " " + excerpt(field) + " is not a finite number");
    return *value;
  }

  // QM9 records end with three lines after the atoms: harmonic frequencies, SMILES pair, InChI pair.
  void skip_qm9_trailer(std::size_t count_line) {
    constexpr std::size_t trailer_lines = 3;
    if (lines_.size() - pos_ < trailer_lines) {
      fail_at_end(
          "a QM9 record needs frequency, SMILES and InChI lines after its atoms (record starts on line " +
          line_no(count_line) + ")");
    }
    const std::size_t inchi_line = pos_ + trailer_lines - 1;
    // Checking the InChI line catches an atom count that disagrees with the atom lines.
    if (lines_[inchi_line].find("InChI=") == std::string::npos) {
      fail(inchi_line, "expected the InChI line that ends the QM9 record starting on line " +
                           line_no(count_line) + ", got " + excerpt(lines_[inchi_line]) +
                           " (does the atom count match the atom lines?)");
    }
    pos_ += trailer_lines;
  }

  static std::string line_no(std::size_t line_index) { return std::to_string(line_index + 1); }

  std::string source_;
  std::vector<std::string> lines_;
  std::size_t pos_ = 0;  // index of the next unread line
};

std::vector<Molecule> parse_frames(std::istream& in, const std::string& source_name,
                                   const std::string& stem) {
  return XyzParser(in, source_name).parse_all(stem);
}

}  // namespace

std::vector<Molecule> read_xyz_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    const bool exists = std::filesystem::exists(path, ec);
    throw InputError(path.string() + ": cannot read XYZ file: " +
                     (exists ? "not a regular file" : "no such file") + " (check the path)");
  }
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": cannot open XYZ file for reading (check permissions)");
  return parse_frames(in, path.string(), path.stem().string());
}

std::vector<Molecule> parse_xyz(std::istream& in, const std::string& source_name) {
  const std::string stem = std::filesystem::path(source_name).stem().string();
  return parse_frames(in, source_name, stem.empty() ? source_name : stem);
}

}  // namespace dixc::chem
