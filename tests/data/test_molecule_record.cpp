// The typed dataset record and its schema: every field has one file name, array shapes resolve through the
// record's dimensions, a length that disagrees names the field, and record -> Molecule keeps everything.
#include <set>

#include <gtest/gtest.h>

#include "dixc/data/index_columns.hpp"
#include "dixc/data/schema.hpp"
#include "dixc/util/error.hpp"

namespace dixc {
namespace {

data::MoleculeRecord two_atom_record() {
  data::MoleculeRecord r;
  r.name = "HF_rattle1";
  r.dims.natoms = 2;
  r.dims.charge = -1;
  r.dims.multiplicity = 3;
  r.arrays.atomic_numbers = {1, 9};
  r.arrays.positions_bohr = {0.1, 0.2, 0.3, 1.1, 1.2, 1.73};
  return r;
}

TEST(MoleculeRecord, MoleculeKeepsAtomsChargeAndMultiplicity) {
  const chem::Molecule m = two_atom_record().molecule();
  EXPECT_EQ(m.name, "HF_rattle1");
  EXPECT_EQ(m.charge, -1);
  EXPECT_EQ(m.multiplicity, 3);
  ASSERT_EQ(m.atoms.size(), 2u);
  EXPECT_EQ(m.atoms[1].Z, 9);
  EXPECT_EQ(m.atoms[1].position_bohr[0], 1.1);
  EXPECT_EQ(m.atoms[1].position_bohr[2], 1.73);
}

TEST(MoleculeRecord, CoordinatesNotMatchingAtomsNameTheMolecule) {
  data::MoleculeRecord r = two_atom_record();
  r.arrays.positions_bohr.pop_back();
  try {
    r.molecule();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("HF_rattle1"), std::string::npos) << e.what();
  }
}

TEST(Schema, FieldNamesAreUniqueAndEveryShapeResolves) {
  std::set<std::string> names;
  for (const auto& c : data::index_columns()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
  data::MoleculeRecord r;
  r.dims = {2, 5, 4, 1, 3, 2, 1, 7, 0, 1};  // natoms nbf n_mo n_occ n_vir n_dir n_roots n_iter charge multiplicity
  for (const auto& d : data::dimension_fields())
    EXPECT_EQ(&(r.dims.*data::dimension_member(d.name)), &(r.dims.*d.member));
  EXPECT_EQ(data::array_length(data::array_fields()[1], r), 3 * 2);  // positions_bohr: 3 x natoms
  for (const auto& f : data::array_fields()) {
    EXPECT_EQ(data::array_name(f.member), f.name);
    EXPECT_GE(data::array_length(f, r), 1) << f.name;
  }
  EXPECT_EQ(data::array_length(data::array_fields()[8], r), 3 * 1 * 2);  // directions: n_vir x n_occ x n_dir
  EXPECT_THROW(data::dimension_member("nbf_typo"), std::logic_error);
  EXPECT_THROW(data::scalar_member("energy"), std::logic_error);
}

TEST(Schema, ArrayLengthThatDisagreesWithDimensionsNamesTheField) {
  data::MoleculeRecord r = two_atom_record();
  r.dims.nbf = 2;
  r.dims.n_mo = 2;
  r.dims.n_occ = 1;
  r.dims.n_vir = 1;
  for (const auto& f : data::array_fields()) (r.arrays.*f.member).assign(data::array_length(f, r), 0.5);
  EXPECT_NO_THROW(data::check_record_shapes(r));
  r.arrays.overlap.pop_back();
  try {
    data::check_record_shapes(r);
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("'overlap'"), std::string::npos) << e.what();
  }
  r.status = data::RecordStatus::failed;  // a failed molecule's arrays are not checked against its dimensions
  EXPECT_NO_THROW(data::check_record_shapes(r));
}

}  // namespace
}  // namespace dixc
