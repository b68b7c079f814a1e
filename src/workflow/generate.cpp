#include "dixc/workflow/generate.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "dixc/calc/cost_model.hpp"
#include "dixc/calc/reference_attributes.hpp"
#include "dixc/chem/basis.hpp"
#include "dixc/chem/molecule_sources.hpp"
#include "dixc/chem/rattle.hpp"
#include "dixc/data/attributes.hpp"
#include "dixc/data/dataset_writer.hpp"
#include "dixc/grid/grid_settings.hpp"
#include "dixc/integrals/one_body.hpp"
#include "dixc/par/collectives.hpp"
#include "dixc/par/eigensolver_factory.hpp"
#include "dixc/par/mpi_environment.hpp"
#include "dixc/par/schedule.hpp"
#include "dixc/par/tiered_schedule.hpp"
#include "dixc/util/duration_text.hpp"
#include "dixc/util/error.hpp"
#include "dixc/util/number_text.hpp"
#include "dixc/version.hpp"

namespace dixc::workflow {

namespace {

using Clock = std::chrono::steady_clock;

// Ranks per large-molecule team: as asked, or (0) the ranks sharing this node, rounded down to a multiple of
// the small teams' size so that a small team never straddles two large teams.
int large_team_size(int requested, int per_molecule, MPI_Comm world) {
  int size = requested;
  if (requested == 0) {
    size = par::smallest_node_size(world);
    size = std::max(per_molecule, size / per_molecule * per_molecule);
  }
  if (size < 1 || size % per_molecule != 0)
    throw InputError("--large-ranks " + std::to_string(requested) + " must be a positive multiple of " +
                     "--ranks-per-molecule " + std::to_string(per_molecule) + " (or 0 for the ranks of a node)");
  return std::min(size, par::size_of(world));
}

// Moves the molecules with more than `large_nbf` basis functions to the front (both parts keep their order)
// and returns their number. The basis size is a sum over atoms, so one basis per element is built, not one per
// molecule (QM9: 5 elements, 134k molecules). A molecule with an element the basis lacks counts as small; its
// calculation will fail and be recorded.
long partition_large(std::vector<chem::Molecule>& todo, int large_nbf, const std::string& basis_name) {
  if (large_nbf <= 0) return 0;
  std::map<int, std::size_t> element_nbf;  // 0: the basis has no functions for the element
  auto nbf_of = [&](int z) {
    auto [it, inserted] = element_nbf.try_emplace(z, 0);
    if (inserted) {
      chem::Molecule atom;
      atom.atoms.push_back({z, {}});
      try {
        it->second = chem::load_basis(basis_name, atom).nbf;
      } catch (const std::exception&) {
      }
    }
    return it->second;
  };
  auto is_large = [&](const chem::Molecule& molecule) {
    std::size_t nbf = 0;
    for (const auto& atom : molecule.atoms) {
      const std::size_t n = nbf_of(atom.Z);
      if (n == 0) return false;
      nbf += n;
    }
    return nbf > static_cast<std::size_t>(large_nbf);
  };
  return std::stable_partition(todo.begin(), todo.end(), is_large) - todo.begin();
}

std::string team_label(int rank, int team_size) {
  return team_size == 1 ? "[rank " + std::to_string(rank) + "]"
                        : "[ranks " + std::to_string(rank) + "-" + std::to_string(rank + team_size - 1) + "]";
}

}  // namespace

std::pair<int, int> parse_shard(const std::string& text) {
  int index = -1, count = 0;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> index >> slash >> count) || slash != '/' || count < 1 || index < 0 || index >= count)
    throw InputError("--shard expects I/N with 0 <= I < N, got '" + text + "'");
  return {index, count};
}

GenerateSummary generate(par::Runtime& runtime, const GenerateSettings& s, std::ostream& progress) {
  MPI_Comm world = runtime.world();
  const int rank = runtime.rank(), size = runtime.size();
  integrals::initialize_libint();

  std::vector<std::string> inputs = s.inputs;
  if (inputs.empty()) inputs.push_back(std::string(DIXC_SOURCE_SHARE_DIR) + "/molecules/small");
  chem::MoleculeSet set = chem::collect_molecules(inputs);
  if (s.limit > 0 && static_cast<int>(set.molecules.size()) > s.limit) set.molecules.resize(s.limit);
  if (s.shard_count < 1 || s.shard_index < 0 || s.shard_index >= s.shard_count)
    throw InputError("shard " + std::to_string(s.shard_index) + "/" + std::to_string(s.shard_count) +
                     ": expected 0 <= I < N");
  if (s.shard_count > 1) {
    std::vector<chem::Molecule> mine;
    for (std::size_t i = s.shard_index; i < set.molecules.size(); i += s.shard_count) mine.push_back(set.molecules[i]);
    set.molecules = std::move(mine);
    std::vector<chem::SourceFailure> failures;
    for (std::size_t i = s.shard_index; i < set.failures.size(); i += s.shard_count)
      failures.push_back(set.failures[i]);
    set.failures = std::move(failures);
  }
  calc::ReferenceSettings settings = s.reference;
  settings.grid = grid::resolve_grid_level_name(settings.grid);  // unknown level: fail now
  if (settings.n_dir < 1 || settings.n_roots < 0) throw InputError("--n-dir must be >= 1 and --n-roots >= 0");
  const std::uint64_t seed = settings.seed;
  if (s.rattle > 0) {
    std::vector<chem::Molecule> all;
    for (const auto& m : set.molecules) {
      all.push_back(m);
      for (auto& copy : chem::rattled_copies(m, s.rattle, s.rattle_sigma, seed)) all.push_back(std::move(copy));
    }
    set.molecules = std::move(all);
  }

  const std::time_t now = std::time(nullptr);
  char created[64];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::map<std::string, std::string> attributes = calc::reference_attributes(settings);
  attributes.insert({{data::attribute::dixc_version, version_string},
                     {data::attribute::git_hash, git_hash},
                     {data::attribute::created, created},
                     {data::attribute::units, "atomic units (Hartree, Bohr); matrices column-major"}});
  const std::string& output = s.output;
  data::DatasetWriter writer(output, world, attributes);

  // What is left to do, largest first (ties by name, so every rank builds the same list). Failed molecules count
  // as done unless --retry-failed: most failures (an SCF that does not converge) would only fail again.
  std::set<std::string> inputs_named;
  for (const auto& m : set.molecules) inputs_named.insert(m.name);
  for (const auto& f : set.failures) inputs_named.insert(f.name);
  std::set<std::string> done;
  long failed_before = 0;  // among this run's inputs
  for (const auto& [name, status] : writer.committed()) {
    const bool failed = status == data::RecordStatus::failed && inputs_named.count(name);
    failed_before += failed;
    if (!failed || !s.retry_failed) done.insert(name);
  }
  std::vector<chem::Molecule> todo;
  for (const auto& m : set.molecules)
    if (!done.count(m.name)) todo.push_back(m);
  std::sort(todo.begin(), todo.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  {
    std::vector<double> cost;
    for (const auto& m : todo) cost.push_back(calc::reference_cost(m));
    std::vector<chem::Molecule> ordered;
    for (const std::size_t i : par::largest_first(cost)) ordered.push_back(std::move(todo[i]));
    todo = std::move(ordered);
  }
  std::vector<data::MoleculeRecord> source_failures;
  if (rank == 0)
    for (const auto& f : set.failures)
      if (!done.count(f.name)) {
        chem::Molecule stub;
        stub.name = f.name;
        source_failures.push_back(calc::failed_record(stub, f.message));
      }
  const long total = static_cast<long>(set.molecules.size() + set.failures.size());
  const long planned = static_cast<long>(todo.size() + source_failures.size());  // rank 0's count is the one used
  if (rank == 0) {
    const std::string failures_before =
        failed_before == 0 ? ""
        : s.retry_failed   ? " (" + std::to_string(failed_before) + " failed: computed again)"
                         : " (" + std::to_string(failed_before) + " failed: kept; --retry-failed computes them again)";
    const std::string unreadable = source_failures.empty() ? ""
                                                           : ", " + std::to_string(source_failures.size()) +
                                                                 " unreadable input(s) recorded as failed";
    progress << "dixc generate: " << total << " molecules, " << writer.committed().size() << " already in " << output
             << failures_before << ", " << todo.size() << " to compute on " << size << " rank(s)" << unreadable << "\n"
             << std::flush;
  }

  // Teams of ranks share a molecule: the team leader takes work from the schedule and tells the others; every
  // member runs the same (deterministic) calculation and the eigensolver distributes over the team. Molecules
  // above --large-nbf basis functions (moved to the front of the largest-first order) get the bigger teams.
  const int per_molecule = s.ranks_per_molecule;
  if (per_molecule < 1 || size % per_molecule != 0)
    throw InputError("--ranks-per-molecule " + std::to_string(per_molecule) + " must divide the rank count " +
                     std::to_string(size));
  const int large_ranks = large_team_size(s.large_ranks, per_molecule, world);
  const long n_large = partition_large(todo, s.large_nbf, settings.basis);
  par::TieredSchedule schedule(world, n_large, static_cast<long>(todo.size()), large_ranks, per_molecule);
  const std::string& solver_name = s.eigensolver;
  auto solver_for = [&](MPI_Comm team) {
    return par::make_eigensolver(solver_name != "auto"    ? solver_name
                                 : par::size_of(team) > 1 ? "scalapack"
                                                          : "lapack",
                                 team);
  };
  // Only when needed: a ScaLAPACK solver sets up a BLACS grid over its team. n_large is the same on every rank.
  const auto large_eigensolver = n_large > 0 ? solver_for(schedule.large_team()) : nullptr;
  const auto small_eigensolver = solver_for(schedule.small_team());
  if (rank == 0 && n_large > 0)
    progress << "dixc generate: " << n_large << " molecule(s) above " << s.large_nbf
             << " basis functions go first, to teams of " << large_ranks << " rank(s)\n";
  // SIGTERM/SIGUSR1 (a job near its time limit): finish the current molecules, commit, exit cleanly.
  const par::StopSignal& stop_signal = runtime.stop_signal();
  const double flush_seconds = s.flush_seconds;
  const auto start = Clock::now();
  GenerateSummary summary;
  long ok_run = 0, failed_run = 0;
  double write_seconds = 0.0;  // inside collective appends (includes waiting for slower ranks)
  bool exhausted = false, first_round = true;
  while (true) {
    std::vector<data::MoleculeRecord> finished;
    if (first_round) finished = std::move(source_failures);
    first_round = false;
    const auto batch_start = Clock::now();
    // At least one molecule per round, then more until the flush interval has passed or a stop signal came.
    // Only the team leader's clock and signal state count, so a team never splits between two rounds.
    for (bool first = true; !exhausted; first = false) {
      const double batch_age = std::chrono::duration<double>(Clock::now() - batch_start).count();
      const long index = schedule.next(!stop_signal.requested() && (first || batch_age < flush_seconds));
      if (index == par::TieredSchedule::kExhausted) {
        exhausted = true;
        break;
      }
      if (index == par::TieredSchedule::kEndOfRound) break;
      const chem::Molecule& molecule = todo[index];
      const bool large = schedule.in_large_tier();
      data::MoleculeRecord record;
      try {
        record = calc::compute_reference(molecule, settings, large ? *large_eigensolver : *small_eigensolver);
      } catch (const std::exception& e) {
        record = calc::failed_record(molecule, e.what());
      }
      if (!schedule.leader()) continue;  // the leader reports and stores the team's result
      progress << team_label(rank, par::size_of(schedule.team())) << " " << molecule.name << ": "
               << (record.status == data::RecordStatus::ok ? "ok, E = " + round_trip_text(record.scalars.energy_total) +
                                                                 " Eh, " + duration_text(record.scalars.wall_seconds)
                                                           : "FAILED: " + record.message)
               << "\n"
               << std::flush;
      finished.push_back(std::move(record));
    }
    long counts[2] = {0, 0};
    for (const auto& r : finished) ++counts[r.status == data::RecordStatus::ok ? 0 : 1];
    const auto write_start = Clock::now();
    writer.append(finished);
    write_seconds += std::chrono::duration<double>(Clock::now() - write_start).count();
    par::sum_in_place(counts, 2, world);
    ok_run += counts[0];
    failed_run += counts[1];
    const bool all_exhausted = par::all_ranks(exhausted, world);
    const int stop = par::max_over_ranks(stop_signal.requested(), world);
    if (rank == 0 && counts[0] + counts[1] > 0) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      const long finished_now = static_cast<long>(writer.committed().size());
      const double rate = (ok_run + failed_run) / std::max(elapsed, 1e-9);
      const long remaining = planned - (ok_run + failed_run);
      progress << "progress: " << finished_now << "/" << total << " in dataset (" << ok_run << " ok, " << failed_run
               << " failed this run), " << std::setprecision(3) << rate * 60 << " molecules/min"
               << (remaining > 0 && rate > 0 ? ", ETA " + duration_text(remaining / rate) : "") << "\n"
               << std::flush;
    }
    if (all_exhausted) break;
    if (stop) {
      if (rank == 0)
        progress << "dixc generate: interrupted by signal " << stop << " after committing " << writer.committed().size()
                 << " molecules; rerun the same command to resume\n";
      summary.interrupted = true;
      summary.signal = stop;
      break;
    }
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  summary.ok = ok_run;
  summary.failed = failed_run;
  summary.in_dataset = static_cast<long>(writer.committed().size());
  summary.wall_seconds = wall;
  summary.write_seconds = write_seconds;
  if (rank == 0 && !summary.interrupted)
    progress << "dixc generate: done; " << ok_run << " ok and " << failed_run << " failed this run, "
             << writer.committed().size() << " molecules in " << output << " (" << duration_text(wall)
             << "; rank 0 spent " << std::setprecision(3) << write_seconds << " s = " << 100.0 * write_seconds / wall
             << "% in dataset writes incl. waiting for other ranks)\n";
  return summary;
}

}  // namespace dixc::workflow
