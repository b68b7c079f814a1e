#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dixc/chem/xyz_reader.hpp"
#include "dixc/util/error.hpp"

namespace dixc::chem {
namespace {

std::vector<Molecule> parse(const std::string& text, const std::string& source = "test.xyz") {
  std::istringstream in(text);
  return parse_xyz(in, source);
}

void expect_position_angstrom(const Atom& atom, double x, double y, double z) {
  EXPECT_NEAR(atom.position_bohr[0] * bohr_in_angstrom, x, 1e-12);
  EXPECT_NEAR(atom.position_bohr[1] * bohr_in_angstrom, y, 1e-12);
  EXPECT_NEAR(atom.position_bohr[2] * bohr_in_angstrom, z, 1e-12);
}

const std::string water_xyz =
    "3\n"
    "water, NWChem test geometry\n"
    "O   0.000000   0.000000   0.119262\n"
    "H   0.000000   0.763239  -0.477047\n"
    "H   0.000000  -0.763239  -0.477047\n";

// QM9 (dsgdb9nsd) records: tab-separated, Mulliken charges in column 5, Mathematica "*^" exponents, and
// frequency / SMILES / InChI lines after the atoms.
const std::string qm9_methane =
    "5\n"
    "gdb 1\t157.7118\t157.70997\t157.70699\t0.\t13.21\t-0.3877\t0.1171\t0.5048\t35.3641\t0.044749\t"
    "-40.47893\t-40.476062\t-40.475117\t-40.498597\t6.469\t\n"
    "C\t-0.0126981359\t 1.0858041578\t 8.0009958*^-3\t-0.535689\n"
    "H\t 2.150416*^-3\t-0.0060313176\t 0.0019761204\t 0.133921\n"
    "H\t 1.0117308433\t 1.4637511618\t 2.765748*^-4\t 0.133922\n"
    "H\t-0.540815069\t 1.4475266138\t-0.8766437152\t 0.133923\n"
    "H\t-0.5238136345\t 1.4379326443\t 0.9063972942\t 1.33923*^-1\n"
    "1341.307\t1341.3284\t1341.365\t1562.6731\t1562.7453\t3038.3205\t3151.6034\t3151.6788\t3151.7078\n"
    "C\tC\t\n"
    "InChI=1S/CH4/h1H4\tInChI=1S/CH4/h1H4\n";

const std::string qm9_ammonia =
    "4\n"
    "gdb 2\t293.60975\t293.54111\t191.39397\t1.6256\t9.46\t-0.257\t0.0829\t0.3399\t26.1563\t0.034358\t"
    "-56.525887\t-56.523026\t-56.522082\t-56.544961\t6.316\t\n"
    "N\t-0.0404260543\t 1.0241077531\t 0.0625637998\t-0.707143\n"
    "H\t 0.0172574639\t 0.0125452063\t-0.0273771593\t 0.235712\n"
    "H\t 0.9157893661\t 1.3587451948\t-0.0287577581\t 0.235712\n"
    "H\t-0.5202777357\t 1.3435321258\t-0.7755426124\t 0.235718\n"
    "1350.8686\t1695.9035\t1695.9076\t3427.0957\t3519.5105\t3519.5236\n"
    "N\tN\t\n"
    "InChI=1S/H3N/h1H3\tInChI=1S/H3N/h1H3\n";

TEST(XyzReader, ParsesWaterInAngstromToBohr) {
  const auto frames = parse(water_xyz, "data/water.xyz");
  ASSERT_EQ(frames.size(), 1u);
  const Molecule& mol = frames[0];
  EXPECT_EQ(mol.name, "water");
  EXPECT_EQ(mol.charge, 0);
  EXPECT_EQ(mol.multiplicity, 1);
  ASSERT_EQ(mol.atoms.size(), 3u);
  EXPECT_EQ(mol.atoms[0].Z, 8);
  EXPECT_EQ(mol.atoms[1].Z, 1);
  EXPECT_NEAR(mol.atoms[0].position_bohr[2], 0.119262 / 0.529177210903, 1e-12);
  expect_position_angstrom(mol.atoms[1], 0.0, 0.763239, -0.477047);
  EXPECT_NEAR(mol.nuclear_repulsion(), 9.08829376885, 1e-9);  // NWChem
  EXPECT_EQ(mol.formula(), "H2O");
}

TEST(XyzReader, FrameNameIsSourceStem) {
  EXPECT_EQ(parse(water_xyz, "water").front().name, "water");
  EXPECT_EQ(parse(water_xyz, "/tmp/set/mol_007.xyz").front().name, "mol_007");
}

TEST(XyzReader, AcceptsWindowsLineEndingsAndExtraColumns) {
  const auto frames = parse("2\r\nHF\r\nH 0 0 0 0.1 0.2\r\nF 0 0 0.917 -0.1 0.0\r\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].formula(), "FH");
  expect_position_angstrom(frames[0].atoms[1], 0, 0, 0.917);
}

TEST(XyzReader, ElementColumnMayBeLowerCaseOrAtomicNumber) {
  const auto frames = parse("4\n\n6 0 0 0\nh 1.09 0 0\nCL -0.6 1.5 0\n35 -0.6 -1.0 1.5\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].formula(), "CHBrCl");
  EXPECT_EQ(frames[0].atoms[3].Z, 35);
}

TEST(XyzReader, ChargeAndMultiplicityFromCommentLine) {
  struct Case {
    const char* comment;
    int charge;
    int multiplicity;
  };
  for (const Case& c : {Case{"charge=1 multiplicity=2", 1, 2}, Case{"MULT=3 Charge=-1", -1, 3},
                        Case{"hydroxide anion, charge=-1, mult=1", -1, 1}, Case{"charge=+2", 2, 1},
                        Case{"Multiplicity=4", 0, 4}, Case{"plain title", 0, 1}, Case{"", 0, 1}}) {
    SCOPED_TRACE(c.comment);
    const auto frames = parse(std::string("1\n") + c.comment + "\nO 0 0 0\n");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].charge, c.charge);
    EXPECT_EQ(frames[0].multiplicity, c.multiplicity);
  }
}

TEST(XyzReader, MultiFrameFilesGetIndexedNames) {
  const auto frames =
      parse(water_xyz + "2\ncharge=1 mult=2\nH 0 0 0\nH 0 0 1.06\n\n1\nneon\nNe 0 0 0\n\n\n", "traj.xyz");
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].name, "traj_0");
  EXPECT_EQ(frames[1].name, "traj_1");
  EXPECT_EQ(frames[2].name, "traj_2");
  EXPECT_EQ(frames[0].formula(), "H2O");
  EXPECT_EQ(frames[1].formula(), "H2");
  EXPECT_EQ(frames[1].charge, 1);
  EXPECT_EQ(frames[1].multiplicity, 2);
  EXPECT_EQ(frames[2].formula(), "Ne");
  EXPECT_EQ(frames[2].charge, 0);  // charge does not leak from one frame to the next
}

TEST(XyzReader, Qm9RecordWithMathematicaExponentsAndTrailer) {
  const auto frames = parse(qm9_methane, "dsgdb9nsd_000001.xyz");
  ASSERT_EQ(frames.size(), 1u);
  const Molecule& mol = frames[0];
  EXPECT_EQ(mol.name, "dsgdb9nsd_000001");
  EXPECT_EQ(mol.formula(), "CH4");
  EXPECT_EQ(mol.n_electrons(), 10);
  ASSERT_EQ(mol.atoms.size(), 5u);
  expect_position_angstrom(mol.atoms[0], -0.0126981359, 1.0858041578, 0.0080009958);
  expect_position_angstrom(mol.atoms[1], 0.002150416, -0.0060313176, 0.0019761204);
  expect_position_angstrom(mol.atoms[2], 1.0117308433, 1.4637511618, 0.0002765748);
  // C-H bond length of the QM9 B3LYP geometry, ~1.0919 A.
  const auto& c = mol.atoms[0].position_bohr;
  const auto& h = mol.atoms[4].position_bohr;
  const double r = std::hypot(c[0] - h[0], c[1] - h[1], c[2] - h[2]) * bohr_in_angstrom;
  EXPECT_NEAR(r, 1.0919, 1e-3);
}

TEST(XyzReader, ConcatenatedQm9Records) {
  const auto frames = parse(qm9_methane + qm9_ammonia, "qm9_pair.xyz");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].name, "qm9_pair_0");
  EXPECT_EQ(frames[1].name, "qm9_pair_1");
  EXPECT_EQ(frames[0].formula(), "CH4");
  EXPECT_EQ(frames[1].formula(), "H3N");
  expect_position_angstrom(frames[1].atoms[0], -0.0404260543, 1.0241077531, 0.0625637998);
}

TEST(XyzReader, MalformedInputNamesSourceAndLine) {
  struct Case {
    std::string text;
    int line;
    const char* detail;
  };
  const std::string methane_without_trailer = qm9_methane.substr(0, qm9_methane.find("1341.307"));
  const std::string methane_miscounted = "4" + qm9_methane.substr(1);
  const std::vector<Case> cases = {
      {"", 1, "empty"},
      {"\n  \n", 1, "empty"},
      {"abc\ncomment\nO 0 0 0\n", 1, "atom count"},
      {"0\ncomment\n", 1, "atom count"},
      {"-2\ncomment\nO 0 0 0\n", 1, "atom count"},
      {"3 atoms\nwater\n", 1, "atom count"},
      {"1\n", 1, "comment line"},
      {"3\nwater\nO 0 0 0\nH 0 0.76 0.58\n", 4, "2 of the 3 atom lines"},
      {"1\nc\nO 0 x 0\n", 3, "'x' is not a finite number"},
      {"1\nc\nO 0 1.0abc 0\n", 3, "'1.0abc'"},
      {"1\nc\nXx 0 0 0\n", 3, "unknown element symbol 'Xx'"},
      {"1\nc\nRb 0 0 0\n", 3, "H-Kr"},
      {"1\nc\n37 0 0 0\n", 3, "H-Kr"},
      {"1\nc\n0 0 0 0\n", 3, "invalid atomic number"},
      {"1\nc\nO 0 nan 0\n", 3, "'nan' is not a finite number"},
      {"1\nc\nO -inf 0 0\n", 3, "'-inf'"},
      {"1\nc\nO 0 0 1e999\n", 3, "'1e999'"},
      {"1\nc\nO 0 0\n", 3, "Element x y z"},
      {water_xyz + "hello world\n", 6, "unexpected text 'hello world'"},
      {"1\nc\nO 0 0 0\nH 0 0 1\n", 4, "unexpected text"},
      {"3\nc\nO 0 0 0\nH 0 0 1\n1\nc\nHe 0 0 0\n", 5, "atom 3 of the 3 declared on line 1"},
      {water_xyz + "1\nsecond\nQq 0 0 0\n", 8, "unknown element symbol 'Qq'"},
      {"1\ncharge=abc\nO 0 0 0\n", 2, "bad charge"},
      {"1\nmult=0\nO 0 0 0\n", 2, "bad multiplicity"},
      {"1\nmultiplicity=two\nO 0 0 0\n", 2, "bad multiplicity"},
      {methane_without_trailer, 7, "QM9"},
      {methane_miscounted, 9, "InChI"},
      {"2\ngdb 9\nH 0 0 0 0.1\nH 0 0 0.74\nfreq\nH H\nInChI=1S/H2/h1H\n", 4, "Mulliken"},
      {"1\ngdb 9\nH 0 0 0 abc\nfreq\nH\nInChI=1S/H\n", 3, "Mulliken charge 'abc'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("input:\n" + c.text);
    try {
      parse(c.text, "bad.xyz");
      ADD_FAILURE() << "expected dixc::InputError";
    } catch (const InputError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind("bad.xyz:" + std::to_string(c.line) + ": ", 0), 0u) << message;
      EXPECT_NE(message.find(c.detail), std::string::npos) << message;
    }
  }
}

// A directory of our own so the file stem is exactly "water" and parallel test runs do not collide.
class XyzFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("dixc_xyz_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& file_name, const std::string& text) const {
    const auto path = dir_ / file_name;
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(XyzFileTest, ReadsFileAndNamesFramesByStem) {
  const auto single = read_xyz_file(write("water.xyz", water_xyz));
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].name, "water");
  EXPECT_NEAR(single[0].nuclear_repulsion(), 9.08829376885, 1e-9);

  const auto pair = read_xyz_file(write("qm9.xyz", qm9_methane + qm9_ammonia));
  ASSERT_EQ(pair.size(), 2u);
  EXPECT_EQ(pair[1].name, "qm9_1");
}

TEST_F(XyzFileTest, ErrorsNameTheFilePath) {
  const auto path = write("broken.xyz", "2\ncomment\nO 0 0 0\n");
  try {
    read_xyz_file(path);
    ADD_FAILURE() << "expected dixc::InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ":3: ", 0), 0u) << e.what();
  }
  EXPECT_THROW(read_xyz_file(write("empty.xyz", "")), InputError);
  EXPECT_THROW(read_xyz_file(dir_), InputError);  // a directory is not an XYZ file
}

TEST(XyzReader, MissingFileIsInputError) {
  const std::filesystem::path path = "/nonexistent/dixc/no_such_molecule.xyz";
  try {
    read_xyz_file(path);
    ADD_FAILURE() << "expected dixc::InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("no such file"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace dixc::chem
