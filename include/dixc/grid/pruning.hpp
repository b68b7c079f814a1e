#pragma once
// Angular pruning: the density is nearly spherical close to a nucleus and slowly varying far out, so those
// shells get smaller Lebedev rules than the bonding region (in the spirit of the SG-1 and Treutler-Ahlrichs
// schemes, with regions measured in units of the atom's Bragg-Slater radius R):
//   r < R/4: 20% of the full degree, < R/2: 30%, < R: 54%, < 4R: full rule, beyond: 77%.
namespace dixc::grid {

// Lebedev rule size for a radial shell at radius r_bohr of an atom with Bragg radius bragg_radius_bohr, when
// the valence shells use max_points. Never larger than max_points; rules with negative weights (74, 230, 266
// points) are skipped. Throws std::invalid_argument if max_points is not a Lebedev size.
int pruned_angular_size(double r_bohr, double bragg_radius_bohr, int max_points);

}  // namespace dixc::grid
