//===- TileAttrs.cpp - tile attributes -------------------------------------===//
//
// #tile.layout and #tile.shared_layout hold objects of the layout algebra and are written in
// its text form, which MLIR's lexer cannot tokenize (`local(2,1).spatial(8,4)`). Their parsers
// therefore take the raw text between the balanced `<` `>` from the source buffer, hand it to
// the algebra's parser, and report its errors at the matching column of the source. This works
// wherever the attribute is written with its `#tile.` prefix (MLIR skips the bracketed body
// itself); the op formats never print these attributes without it.
//
//===----------------------------------------------------------------------===//
#include "tile/TileDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace lowbit::layout {
/// Hash of a shared layout, for the attribute storage (SharedLayout has operator== but no
/// hash of its own).
static llvm::hash_code hash_value(const SharedLayout &layout) {
  Swizzle swizzle = layout.getSwizzle();
  return llvm::hash_combine(llvm::hash_combine_range(layout.getShape()),
                            llvm::hash_combine_range(layout.getModeShape()),
                            llvm::hash_combine_range(layout.getModeStrides()), swizzle.bits,
                            swizzle.base, swizzle.shift);
}
} // namespace lowbit::layout

#define GET_ATTRDEF_CLASSES
#include "tile/TileAttrs.cpp.inc"

void TileDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tile/TileAttrs.cpp.inc"
      >();
}

/// Takes the raw text between the `<` at the parser's position and its matching `>`.
/// The text lives in the source buffer, so pointers into it are valid locations.
static FailureOr<StringRef> parseRawBody(AsmParser &parser, StringRef what) {
  SMLoc start = parser.getCurrentLocation();
  const char *begin = start.getPointer();
  if (!begin || *begin != '<') {
    (void)parser.parseLess();
    return failure();
  }
  // Scan as MLIR scans dialect symbol bodies (strings and `->` are skipped), so that the text
  // ends where MLIR's lexer resumes.
  int depth = 0;
  for (const char *p = begin; *p; ++p) {
    switch (*p) {
    case '"':
      while (p[1] && p[1] != '"')
        p += p[1] == '\\' && p[2] ? 2 : 1;
      if (p[1])
        ++p;
      break;
    case '-':
      if (p[1] == '>')
        ++p;
      break;
    case '<':
    case '(':
    case '[':
    case '{':
      ++depth;
      break;
    case '>':
    case ')':
    case ']':
    case '}':
      if (--depth == 0)
        return StringRef(begin + 1, p - begin - 1);
      break;
    default:
      break;
    }
  }
  return parser.emitError(start) << "unbalanced brackets in " << what;
}

/// The source location of 1-based `column` of `body` (clamped to the body and its `>`).
static SMLoc locationInBody(StringRef body, int64_t column) {
  int64_t offset = std::clamp<int64_t>(column - 1, 0, body.size());
  return SMLoc::getFromPointer(body.data() + offset);
}

//===----------------------------------------------------------------------===//
// #tile.layout
//===----------------------------------------------------------------------===//

Attribute LayoutAttr::parse(AsmParser &parser, Type) {
  FailureOr<StringRef> body = parseRawBody(parser, "#tile.layout");
  if (failed(body))
    return {};
  layout::ParseDiagnostic diag;
  std::optional<layout::RegisterLayout> parsed = layout::parseRegisterLayout(*body, diag);
  if (!parsed) {
    parser.emitError(locationInBody(*body, diag.column))
        << "invalid #tile.layout: " << diag.message;
    return {};
  }
  return LayoutAttr::get(parser.getContext(), *parsed);
}

void LayoutAttr::print(AsmPrinter &printer) const {
  printer << "<" << getLayout().str() << ">";
}

//===----------------------------------------------------------------------===//
// #tile.shared_layout
//===----------------------------------------------------------------------===//

Attribute SharedLayoutAttr::parse(AsmParser &parser, Type) {
  FailureOr<StringRef> body = parseRawBody(parser, "#tile.shared_layout");
  if (failed(body))
    return {};
  // The algebra's text form is `shared<BODY>`; columns shift by the prefix.
  constexpr StringRef prefix = "shared<";
  std::string text = (prefix + *body + ">").str();
  llvm::Expected<layout::SharedLayout> parsed = layout::parseSharedLayout(text);
  if (!parsed) {
    // Messages read "<column>: <what>".
    std::string message = llvm::toString(parsed.takeError());
    StringRef rest = message;
    int64_t column = 0;
    if (!rest.consumeInteger(10, column) && rest.consume_front(": "))
      message = rest.str();
    parser.emitError(locationInBody(*body, column - static_cast<int64_t>(prefix.size())))
        << "invalid #tile.shared_layout: " << message;
    return {};
  }
  return SharedLayoutAttr::get(parser.getContext(), *parsed);
}

void SharedLayoutAttr::print(AsmPrinter &printer) const {
  // str() is `shared<...>`; the attribute shows the part from `<`.
  printer << StringRef(getLayout().str()).drop_front(StringRef("shared").size());
}
