//===- InterchangeABI.cpp - Packed bytes at function boundaries ------------===//
#include "lowbit/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITINTERCHANGEABI
#include "lowbit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

Type lowbit::getInterchangeType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return type;
  unsigned bits = getLowbitWidth(tensor.getElementType());
  if (bits == 0)
    return type;
  SmallVector<int64_t> shape(tensor.getShape());
  if (shape.empty())
    shape.push_back((bits + 7) / 8);
  else if (!ShapedType::isDynamic(shape.back()))
    shape.back() = (shape.back() * bits + 7) / 8;
  return RankedTensorType::get(shape, IntegerType::get(type.getContext(), 8));
}

/// Packs each low-bit value of `values` in place (before `builder`'s insertion point).
static SmallVector<Value> packValues(OpBuilder &builder, Location loc, ValueRange values) {
  SmallVector<Value> packed;
  for (Value value : values) {
    Type interchange = getInterchangeType(value.getType());
    packed.push_back(interchange == value.getType()
                         ? value
                         : Value(PackOp::create(builder, loc, interchange, value)));
  }
  return packed;
}

namespace {
struct InterchangeABIPass : lowbit::impl::LowbitInterchangeABIBase<InterchangeABIPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto convert = [](TypeRange types) {
      return llvm::map_to_vector(types, [](Type t) { return getInterchangeType(t); });
    };

    for (auto func : module.getOps<func::FuncOp>()) {
      FunctionType type = func.getFunctionType();
      SmallVector<Type> inputs = convert(type.getInputs()), results = convert(type.getResults());
      if (TypeRange(inputs) == type.getInputs() && TypeRange(results) == type.getResults())
        continue;
      if (!func.isExternal()) {
        Block &entry = func.getBody().front();
        OpBuilder builder = OpBuilder::atBlockBegin(&entry);
        for (BlockArgument arg : entry.getArguments()) {
          Type logical = arg.getType(), interchange = getInterchangeType(logical);
          if (interchange == logical)
            continue;
          arg.setType(interchange);
          auto unpack = UnpackOp::create(builder, func.getLoc(), logical, arg);
          arg.replaceAllUsesExcept(unpack.getResult(), unpack);
        }
        func.walk([&](func::ReturnOp ret) {
          OpBuilder before(ret);
          ret->setOperands(packValues(before, ret.getLoc(), ret.getOperands()));
        });
      }
      func.setFunctionType(FunctionType::get(&getContext(), inputs, results));
    }

    // Calls follow their callees' new signatures.
    module.walk([&](func::CallOp call) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      if (!callee || callee.getFunctionType().getInputs() == call.getOperandTypes())
        if (!callee || callee.getFunctionType().getResults() == call.getResultTypes())
          return;
      OpBuilder builder(call);
      SmallVector<Value> operands = packValues(builder, call.getLoc(), call.getOperands());
      auto replacement = func::CallOp::create(builder, call.getLoc(), callee, operands);
      builder.setInsertionPointAfter(replacement);
      for (auto [oldResult, newResult] :
           llvm::zip_equal(call.getResults(), replacement.getResults())) {
        Value value = newResult;
        if (oldResult.getType() != newResult.getType())
          value = UnpackOp::create(builder, call.getLoc(), oldResult.getType(), newResult);
        oldResult.replaceAllUsesWith(value);
      }
      call.erase();
    });
  }
};
} // namespace
