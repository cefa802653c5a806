//===- LowbitSchedule.cpp - #lowbit.schedule --------------------------------===//
//
// The text form: a family, then `key = value` fields in any order (workers and tile are
// required), printed back in a fixed order with every field (threads only when it caps them,
// prefetch and panel only when they ask for some).
//
//===----------------------------------------------------------------------===//
#include "lowbit/LowbitDialect.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace lowbit;

Attribute ScheduleAttr::parse(AsmParser &parser, Type) {
  SMLoc start = parser.getCurrentLocation();
  StringRef familyWord;
  if (parser.parseLess() || parser.parseKeyword(&familyWord))
    return {};
  std::optional<ScheduleFamily> family = symbolizeScheduleFamily(familyWord);
  if (!family) {
    parser.emitError(start, "expected a schedule family (fma, int8_dot or lut), got '")
        << familyWord << "'";
    return {};
  }
  int64_t workers = 0, scaleGroups = 1, splitK = 1, unroll = 1, threads = 0, prefetch = 0,
          panel = 0;
  SmallVector<int64_t> tile;
  WeightPacking packing = WeightPacking::Interchange;
  Attribute weightLayout;
  SmallVector<StringRef> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return {};
    if (llvm::is_contained(seen, key)) {
      parser.emitError(keyLoc, "duplicate schedule field '") << key << "'";
      return {};
    }
    seen.push_back(key);
    if (key == "workers") {
      if (parser.parseInteger(workers))
        return {};
    } else if (key == "tile") {
      auto parseExtent = [&]() -> ParseResult {
        int64_t extent;
        if (parser.parseInteger(extent))
          return failure();
        tile.push_back(extent);
        return success();
      };
      if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseExtent))
        return {};
      if (tile.size() != 3) {
        parser.emitError(keyLoc, "tile needs 3 extents [M, N, K], got ") << tile.size();
        return {};
      }
    } else if (key == "packing") {
      StringRef word;
      SMLoc wordLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&word))
        return {};
      std::optional<WeightPacking> parsed = symbolizeWeightPacking(word);
      if (!parsed) {
        parser.emitError(wordLoc, "expected interchange or prepacked, got '") << word << "'";
        return {};
      }
      packing = *parsed;
    } else if (key == "scale_groups") {
      if (parser.parseInteger(scaleGroups))
        return {};
    } else if (key == "weight_layout") {
      if (parser.parseAttribute(weightLayout))
        return {};
    } else if (key == "split_k") {
      if (parser.parseInteger(splitK))
        return {};
    } else if (key == "unroll") {
      if (parser.parseInteger(unroll))
        return {};
    } else if (key == "threads") {
      if (parser.parseInteger(threads))
        return {};
    } else if (key == "prefetch") {
      if (parser.parseInteger(prefetch))
        return {};
    } else if (key == "panel") {
      if (parser.parseInteger(panel))
        return {};
    } else {
      parser.emitError(keyLoc, "unknown schedule field '")
          << key
          << "' (workers, tile, packing, scale_groups, weight_layout, split_k, unroll, threads, "
             "prefetch, panel)";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  if (!llvm::is_contained(seen, "workers") || tile.empty()) {
    parser.emitError(start, "a schedule needs workers = W and tile = [M, N, K]");
    return {};
  }
  return parser.getChecked<ScheduleAttr>(start, parser.getContext(), *family, workers, tile[0],
                                         tile[1], tile[2], packing, scaleGroups, weightLayout,
                                         splitK, unroll, threads, prefetch, panel);
}

void ScheduleAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyScheduleFamily(getFamily()) << ", workers = " << getWorkers()
          << ", tile = [" << getTileM() << ", " << getTileN() << ", " << getTileK()
          << "], packing = " << stringifyWeightPacking(getPacking())
          << ", scale_groups = " << getScaleGroups();
  if (getWeightLayout()) {
    printer << ", weight_layout = ";
    printer.printAttribute(getWeightLayout());
  }
  printer << ", split_k = " << getSplitK() << ", unroll = " << getUnroll();
  if (getThreads())
    printer << ", threads = " << getThreads();
  if (getPrefetch())
    printer << ", prefetch = " << getPrefetch();
  if (getPanel())
    printer << ", panel = " << getPanel();
  printer << ">";
}

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError, ScheduleFamily,
                                   int64_t workers, int64_t tileM, int64_t tileN, int64_t tileK,
                                   WeightPacking, int64_t scaleGroups, Attribute, int64_t splitK,
                                   int64_t unroll, int64_t threads, int64_t prefetch,
                                   int64_t panel) {
  auto positive = [&](int64_t value, StringRef name) -> LogicalResult {
    if (value >= 1)
      return success();
    return emitError() << "schedule " << name << " must be at least 1, got " << value;
  };
  auto notNegative = [&](int64_t value, StringRef name, StringRef zero) -> LogicalResult {
    if (value >= 0)
      return success();
    return emitError() << "schedule " << name << " must be 0 (" << zero << ") or more, got "
                       << value;
  };
  return success(succeeded(positive(workers, "workers")) && succeeded(positive(tileM, "tile M")) &&
                 succeeded(positive(tileN, "tile N")) && succeeded(positive(tileK, "tile K")) &&
                 succeeded(positive(scaleGroups, "scale_groups")) &&
                 succeeded(positive(splitK, "split_k")) && succeeded(positive(unroll, "unroll")) &&
                 succeeded(notNegative(threads, "threads", "all")) &&
                 succeeded(notNegative(prefetch, "prefetch", "none")) &&
                 succeeded(notNegative(panel, "panel", "none")));
}
