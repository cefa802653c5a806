//===- LayoutParser.cpp - Parsing layout expressions ----------------------===//
//
// A small recursive-descent parser over the text with 1-based columns for errors. The grammar
// is in Layout.h (register layouts) and SharedLayout.h (shared and global layouts).
//
//===----------------------------------------------------------------------===//

#include "LayoutImpl.h"
#include "lowbit/Layout/SharedLayout.h"

#include "llvm/ADT/StringSwitch.h"

#include <cctype>

using namespace lowbit::layout;
using llvm::SmallVector;
using llvm::StringRef;

namespace {
class Parser {
public:
  Parser(StringRef text, ParseDiagnostic &diag) : text(text), diag(diag) {}

  std::optional<RegisterLayout> parseRegisterLayout();
  std::optional<SharedLayout> parseSharedLayout();
  std::optional<GlobalLayout> parseGlobalLayout();

private:
  void skipSpace() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  unsigned column() {
    skipSpace();
    return static_cast<unsigned>(pos) + 1;
  }
  bool atEnd() {
    skipSpace();
    return pos == text.size();
  }
  /// Fails at the current column; returns std::nullopt-compatible false.
  bool fail(const llvm::Twine &message) { return failAt(column(), message); }
  bool failAt(unsigned col, const llvm::Twine &message) {
    if (diag.column == 0) {
      diag.column = col;
      diag.message = message.str();
    }
    return false;
  }
  /// What the text holds at the current position, for messages.
  std::string found() {
    if (atEnd())
      return "end of input";
    return "'" + text.substr(pos, 1).str() + "'";
  }
  bool consume(char c) {
    if (atEnd() || text[pos] != c)
      return false;
    ++pos;
    return true;
  }
  bool expect(char c) {
    if (consume(c))
      return true;
    return fail(llvm::Twine("expected '") + llvm::Twine(c) + "', found " + found());
  }
  StringRef identifier() {
    skipSpace();
    size_t start = pos;
    while (pos < text.size() &&
           (std::isalpha(static_cast<unsigned char>(text[pos])) || text[pos] == '_'))
      ++pos;
    return text.slice(start, pos);
  }
  bool expectKeyword(StringRef keyword) {
    unsigned col = column();
    size_t start = pos;
    if (identifier() == keyword)
      return true;
    pos = start;
    return failAt(col, "expected '" + keyword + "', found " + found());
  }
  bool integer(int64_t &value, bool allowNegative) {
    unsigned col = column();
    bool negative = allowNegative && consume('-');
    if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos])))
      return fail(
          llvm::Twine(allowNegative ? "expected an integer" : "expected a positive integer") +
          ", found " + found());
    value = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      value = value * 10 + (text[pos++] - '0');
      if (value > kMaxLayoutSize)
        return failAt(col,
                      "integer is too large (the limit is " + llvm::Twine(kMaxLayoutSize) + ")");
    }
    if (negative)
      value = -value;
    return true;
  }
  /// '(' int (',' int)* ')' with every int >= 1.
  bool extentList(SmallVector<int64_t, 4> &values) {
    if (!expect('('))
      return false;
    do {
      unsigned col = column();
      int64_t value;
      if (!integer(value, /*allowNegative=*/false))
        return false;
      if (value < 1)
        return failAt(col, "extent must be at least 1");
      values.push_back(value);
    } while (consume(','));
    if (!consume(')'))
      return fail("expected ',' or ')', found " + found());
    return true;
  }
  /// `name` '=' '[' (int (',' int)*)? ']'
  bool field(StringRef name, SmallVector<int64_t, 8> &values) {
    if (!expectKeyword(name) || !expect('=') || !expect('['))
      return false;
    if (consume(']'))
      return true;
    do {
      int64_t value;
      if (!integer(value, /*allowNegative=*/true))
        return false;
      values.push_back(value);
    } while (consume(','));
    if (!consume(']'))
      return fail("expected ',' or ']', found " + found());
    return true;
  }
  std::optional<RegisterLayout> factor();
  std::optional<RegisterLayout> explicitLayout(unsigned col);

  StringRef text;
  size_t pos = 0;
  ParseDiagnostic &diag;
};
} // namespace

std::optional<RegisterLayout> Parser::explicitLayout(unsigned col) {
  SmallVector<int64_t, 8> shape, modes, spatial, local;
  if (!expect('<') || !field("shape", shape) || !expect(',') || !field("modes", modes) ||
      !expect(',') || !field("spatial", spatial) || !expect(',') || !field("local", local) ||
      !expect('>'))
    return std::nullopt;
  llvm::Expected<RegisterLayout> layout = RegisterLayout::tryCreate(shape, modes, spatial, local);
  if (!layout) {
    failAt(col, "invalid layout: " + llvm::toString(layout.takeError()));
    return std::nullopt;
  }
  return std::move(*layout);
}

std::optional<RegisterLayout> Parser::factor() {
  unsigned col = column();
  StringRef name = identifier();
  if (name == "layout")
    return explicitLayout(col);
  if (name == "replicated") {
    if (!expect('('))
      return std::nullopt;
    unsigned valueCol = column();
    int64_t factor;
    if (!integer(factor, /*allowNegative=*/false))
      return std::nullopt;
    if (factor < 1) {
      failAt(valueCol, "replication must be at least 1");
      return std::nullopt;
    }
    if (!expect(')'))
      return std::nullopt;
    return llvm::cantFail(makeReplicated(factor));
  }
  std::optional<PrimitiveKind> kind = llvm::StringSwitch<std::optional<PrimitiveKind>>(name)
                                          .Case("local", PrimitiveKind::Local)
                                          .Case("spatial", PrimitiveKind::Spatial)
                                          .Case("column_local", PrimitiveKind::ColumnLocal)
                                          .Case("column_spatial", PrimitiveKind::ColumnSpatial)
                                          .Default(std::nullopt);
  if (!kind) {
    failAt(col, "expected local, spatial, column_local, column_spatial, replicated or layout<...>"
                ", found " +
                    (name.empty() ? found() : "'" + name.str() + "'"));
    return std::nullopt;
  }
  SmallVector<int64_t, 4> extents;
  if (!extentList(extents))
    return std::nullopt;
  llvm::Expected<RegisterLayout> layout = makePrimitive(*kind, extents);
  if (!layout) {
    failAt(col, llvm::toString(layout.takeError()));
    return std::nullopt;
  }
  return std::move(*layout);
}

std::optional<RegisterLayout> Parser::parseRegisterLayout() {
  std::optional<RegisterLayout> result = factor();
  if (!result)
    return std::nullopt;
  while (!atEnd()) {
    if (!consume('.') && !consume('*')) {
      fail("expected '.', '*' or the end of the layout, found " + found());
      return std::nullopt;
    }
    unsigned col = column();
    std::optional<RegisterLayout> next = factor();
    if (!next)
      return std::nullopt;
    llvm::Expected<RegisterLayout> composed = compose(*result, *next);
    if (!composed) {
      failAt(col, llvm::toString(composed.takeError()));
      return std::nullopt;
    }
    result = std::move(*composed);
  }
  return result;
}

std::optional<SharedLayout> Parser::parseSharedLayout() {
  unsigned col = column();
  SmallVector<int64_t, 8> shape, modes, strides, swizzle;
  if (!expectKeyword("shared") || !expect('<') || !field("shape", shape) || !expect(','))
    return std::nullopt;
  size_t save = pos;
  if (identifier() == "modes") {
    pos = save;
    if (!field("modes", modes) || !expect(','))
      return std::nullopt;
  } else {
    pos = save;
    modes = shape;
  }
  if (!field("strides", strides))
    return std::nullopt;
  if (consume(',')) {
    unsigned swizzleCol = column();
    if (!field("swizzle", swizzle))
      return std::nullopt;
    if (swizzle.size() != 3) {
      failAt(swizzleCol, "swizzle takes three values [bits, base, shift]");
      return std::nullopt;
    }
  }
  if (!expect('>'))
    return std::nullopt;
  Swizzle sw;
  if (!swizzle.empty())
    sw = {swizzle[0], swizzle[1], swizzle[2]};
  llvm::Expected<SharedLayout> layout = SharedLayout::tryCreate(shape, modes, strides, sw);
  if (!layout) {
    failAt(col, "invalid shared layout: " + llvm::toString(layout.takeError()));
    return std::nullopt;
  }
  if (!atEnd()) {
    fail("expected the end of the layout, found " + found());
    return std::nullopt;
  }
  return std::move(*layout);
}

std::optional<GlobalLayout> Parser::parseGlobalLayout() {
  unsigned col = column();
  SmallVector<int64_t, 8> shape, strides;
  if (!expectKeyword("global") || !expect('<') || !field("shape", shape) || !expect(',') ||
      !field("strides", strides) || !expect('>'))
    return std::nullopt;
  llvm::Expected<GlobalLayout> layout = GlobalLayout::tryCreate(shape, strides);
  if (!layout) {
    failAt(col, "invalid global layout: " + llvm::toString(layout.takeError()));
    return std::nullopt;
  }
  if (!atEnd()) {
    fail("expected the end of the layout, found " + found());
    return std::nullopt;
  }
  return std::move(*layout);
}

/// Runs `parse` and turns a failure into "<column>: <message>".
template <typename T, typename Fn> static llvm::Expected<T> parseOrError(StringRef text, Fn parse) {
  ParseDiagnostic diag;
  Parser parser(text, diag);
  std::optional<T> result = parse(parser);
  if (!result)
    return makeError(llvm::Twine(diag.column) + ": " + diag.message);
  return std::move(*result);
}

std::optional<RegisterLayout> lowbit::layout::parseRegisterLayout(StringRef text,
                                                                  ParseDiagnostic &diag) {
  diag = {};
  return Parser(text, diag).parseRegisterLayout();
}

llvm::Expected<RegisterLayout> lowbit::layout::parseRegisterLayout(StringRef text) {
  return parseOrError<RegisterLayout>(text, [](Parser &p) { return p.parseRegisterLayout(); });
}

llvm::Expected<SharedLayout> lowbit::layout::parseSharedLayout(StringRef text) {
  return parseOrError<SharedLayout>(text, [](Parser &p) { return p.parseSharedLayout(); });
}

llvm::Expected<GlobalLayout> lowbit::layout::parseGlobalLayout(StringRef text) {
  return parseOrError<GlobalLayout>(text, [](Parser &p) { return p.parseGlobalLayout(); });
}
