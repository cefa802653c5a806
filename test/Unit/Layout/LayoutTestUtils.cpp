//===- LayoutTestUtils.cpp - Random layouts and brute-force maps ----------===//

#include "LayoutTestUtils.h"

#include "llvm/Support/Error.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <numeric>

using namespace lowbit::layout;
using namespace lowbit::layout::test;

uint64_t lowbit::layout::test::testSeed() {
  static const uint64_t seed = [] {
    uint64_t value;
    if (const char *env = std::getenv("LOWBIT_TEST_SEED"))
      value = std::strtoull(env, nullptr, 10);
    else
      value = (uint64_t(std::random_device{}()) << 32) ^ std::random_device{}();
    std::cout << "lowbit layout test seed: " << value << " (set LOWBIT_TEST_SEED to repeat)\n";
    return value;
  }();
  return seed;
}

std::mt19937_64 lowbit::layout::test::makeRng(uint64_t salt) {
  std::seed_seq seq{testSeed(), salt};
  return std::mt19937_64(seq);
}

static int64_t pick(std::mt19937_64 &rng, std::initializer_list<int64_t> values) {
  std::uniform_int_distribution<size_t> dist(0, values.size() - 1);
  return values.begin()[dist(rng)];
}

static bool chance(std::mt19937_64 &rng, double p) {
  return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

ExplicitForm lowbit::layout::test::randomExplicitForm(std::mt19937_64 &rng,
                                                      const RandomLayoutOptions &options) {
  while (true) {
    ExplicitForm form;
    unsigned rank = std::uniform_int_distribution<unsigned>(options.minRank, options.maxRank)(rng);
    int64_t size = 1;
    for (unsigned dim = 0; dim < rank; ++dim) {
      unsigned count = std::uniform_int_distribution<unsigned>(0, options.maxModesPerDim)(rng);
      int64_t extent = 1;
      for (unsigned i = 0; i < count; ++i) {
        int64_t mode = pick(rng, {1, 2, 2, 2, 3, 4, 4, 6});
        form.modes.push_back(mode);
        form.modeDims.push_back(dim);
        extent *= mode;
      }
      form.shape.push_back(extent);
      size *= extent;
    }
    std::vector<int64_t> entries(form.modes.size());
    std::iota(entries.begin(), entries.end(), 0);
    while (chance(rng, options.replicationChance) && entries.size() < 8) {
      int64_t factor = pick(rng, {2, 2, 3, 4});
      entries.push_back(-factor);
      size *= factor;
    }
    if (size > options.maxSize)
      continue;
    std::shuffle(entries.begin(), entries.end(), rng);
    for (int64_t entry : entries)
      (entry < 0 || chance(rng, 0.5) ? form.spatial : form.local).push_back(entry);
    return form;
  }
}

RegisterLayout lowbit::layout::test::randomLayout(std::mt19937_64 &rng,
                                                  const RandomLayoutOptions &options) {
  ExplicitForm form = randomExplicitForm(rng, options);
  return llvm::cantFail(
      RegisterLayout::tryCreate(form.shape, form.modes, form.spatial, form.local));
}

RegisterLayout lowbit::layout::test::randomLayoutOfRank(std::mt19937_64 &rng, unsigned rank,
                                                        RandomLayoutOptions options) {
  options.minRank = options.maxRank = rank;
  return randomLayout(rng, options);
}

std::string ExplicitForm::str() const {
  auto list = [](const std::vector<int64_t> &values) {
    std::string text = "[";
    for (size_t i = 0; i < values.size(); ++i)
      text += (i ? "," : "") + std::to_string(values[i]);
    return text + "]";
  };
  return "layout<shape=" + list(shape) + ", modes=" + list(modes) + ", spatial=" + list(spatial) +
         ", local=" + list(local) + ">";
}

ExplicitForm lowbit::layout::test::randomEquivalentForm(const RegisterLayout &layout,
                                                        std::mt19937_64 &rng) {
  // New modes carry tags; role lists hold tags (>= 0) or replications (< 0).
  struct NewMode {
    unsigned dim;
    int64_t extent;
    int64_t tag;
  };
  std::vector<NewMode> modes;
  std::vector<std::vector<int64_t>> pieces(layout.getModeShape().size());
  int64_t nextTag = 0;
  auto divisors = [](int64_t e) {
    std::vector<int64_t> result;
    for (int64_t d = 2; d < e; ++d)
      if (e % d == 0)
        result.push_back(d);
    return result;
  };
  for (size_t mode = 0; mode < layout.getModeShape().size(); ++mode) {
    int64_t extent = layout.getModeShape()[mode];
    std::vector<int64_t> factors = divisors(extent);
    std::vector<int64_t> parts = {extent};
    if (!factors.empty() && chance(rng, 0.6)) {
      int64_t high = factors[std::uniform_int_distribution<size_t>(0, factors.size() - 1)(rng)];
      parts = {high, extent / high};
    }
    for (int64_t part : parts) {
      modes.push_back({layout.getModeDims()[mode], part, nextTag});
      pieces[mode].push_back(nextTag++);
    }
  }
  auto expand = [&](llvm::ArrayRef<int64_t> list) {
    std::vector<int64_t> out;
    for (int64_t entry : list) {
      if (entry >= 0) {
        out.insert(out.end(), pieces[entry].begin(), pieces[entry].end());
        continue;
      }
      std::vector<int64_t> factors = divisors(-entry);
      if (!factors.empty() && chance(rng, 0.5)) {
        int64_t high = factors[std::uniform_int_distribution<size_t>(0, factors.size() - 1)(rng)];
        out.push_back(-high);
        out.push_back(entry / high);
      } else {
        out.push_back(entry);
      }
    }
    return out;
  };
  std::vector<int64_t> spatial = expand(layout.getSpatialModes());
  std::vector<int64_t> local = expand(layout.getLocalModes());
  auto insertAt = [&](std::vector<int64_t> &list, int64_t value) {
    size_t position = std::uniform_int_distribution<size_t>(0, list.size())(rng);
    list.insert(list.begin() + position, value);
  };
  // Extent-1 modes at random places of a dimension and of a role list; 1-way replications.
  if (layout.getRank() > 0) {
    while (chance(rng, 0.4)) {
      unsigned dim = std::uniform_int_distribution<unsigned>(0, layout.getRank() - 1)(rng);
      // Modes are grouped by dimension: insert anywhere inside (or at either end of) dim's block.
      size_t begin = 0;
      while (begin < modes.size() && modes[begin].dim < dim)
        ++begin;
      size_t end = begin;
      while (end < modes.size() && modes[end].dim == dim)
        ++end;
      size_t at = std::uniform_int_distribution<size_t>(begin, end)(rng);
      modes.insert(modes.begin() + at, {dim, 1, nextTag});
      insertAt(chance(rng, 0.5) ? spatial : local, nextTag++);
    }
  }
  while (chance(rng, 0.3))
    insertAt(spatial, -1);

  ExplicitForm form;
  form.shape.assign(layout.getShape().begin(), layout.getShape().end());
  std::vector<int64_t> indexOfTag(nextTag, -1);
  for (size_t i = 0; i < modes.size(); ++i) {
    indexOfTag[modes[i].tag] = static_cast<int64_t>(i);
    form.modes.push_back(modes[i].extent);
    form.modeDims.push_back(modes[i].dim);
  }
  for (int64_t entry : spatial)
    form.spatial.push_back(entry >= 0 ? indexOfTag[entry] : entry);
  for (int64_t entry : local)
    form.local.push_back(indexOfTag[entry]);
  return form;
}

Table lowbit::layout::test::mapTable(const RegisterLayout &layout) {
  Table table;
  for (int64_t worker = 0; worker < layout.getNumWorkers(); ++worker)
    for (int64_t local = 0; local < layout.getLocalSize(); ++local) {
      auto index = layout.getLogicalIndex(worker, local);
      table.emplace_back(index.begin(), index.end());
    }
  return table;
}

std::string lowbit::layout::test::tableKey(const RegisterLayout &layout) {
  std::string key = "r" + std::to_string(layout.getRank()) + "w" +
                    std::to_string(layout.getNumWorkers()) + "l" +
                    std::to_string(layout.getLocalSize()) + ":";
  for (int64_t extent : layout.getShape())
    key += std::to_string(extent) + ",";
  key += ":";
  for (const Index &index : mapTable(layout)) {
    for (int64_t value : index)
      key += std::to_string(value) + ",";
    key += ";";
  }
  return key;
}

Table lowbit::layout::test::explicitFormTable(const ExplicitForm &form) {
  auto extentOf = [&](int64_t entry) { return entry >= 0 ? form.modes[entry] : -entry; };
  int64_t workers = 1, locals = 1;
  for (int64_t entry : form.spatial)
    workers *= extentOf(entry);
  for (int64_t entry : form.local)
    locals *= extentOf(entry);
  Table table;
  for (int64_t worker = 0; worker < workers; ++worker)
    for (int64_t local = 0; local < locals; ++local) {
      std::vector<int64_t> digit(form.modes.size(), 0);
      int64_t w = worker, l = local;
      for (size_t i = form.spatial.size(); i-- > 0;) {
        int64_t extent = extentOf(form.spatial[i]);
        if (form.spatial[i] >= 0)
          digit[form.spatial[i]] = w % extent;
        w /= extent;
      }
      for (size_t i = form.local.size(); i-- > 0;) {
        digit[form.local[i]] = l % form.modes[form.local[i]];
        l /= form.modes[form.local[i]];
      }
      Index index(form.shape.size(), 0);
      for (size_t mode = 0; mode < form.modes.size(); ++mode)
        index[form.modeDims[mode]] = index[form.modeDims[mode]] * form.modes[mode] + digit[mode];
      table.push_back(index);
    }
  return table;
}
