//===- Npy.cpp - NumPy .npy files of every lowbit element type -------------===//
//
// Format (numpy.lib.format): the magic string "\x93NUMPY", a major and a minor version byte, the
// header length (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and 3.0), the header (a
// Python dict literal padded with spaces and ended by '\n') and the raw data. The header is read
// by a small parser of the literal subset NumPy writes; anything else is an error, never a crash.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/Npy.h"

#include "lowbit/LowbitDialect.h"
#include "lowbit/Reference/Packing.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <limits>

using namespace mlir;

namespace lowbit {

namespace {

constexpr llvm::StringLiteral kMagic("\x93NUMPY");

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// Element types and their NumPy descriptors
//===----------------------------------------------------------------------===//

/// Whether a type is stored with interchange packing under '|u1' (every low-bit type but the
/// byte-sized integers, which NumPy has).
bool isPackedInNpy(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  return isLowbitElementType(type) && !(intType && intType.getWidth() == 8);
}

/// The descriptor a tensor of `type` is written with (`type` must be a host tensor type).
std::string npyDescr(Type type) {
  if (type.isF32())
    return "<f4";
  if (type.isF64())
    return "<f8";
  if (type.isF16())
    return "<f2";
  if (type.isBF16())
    return "<u2";
  if (type.isSignlessInteger(1))
    return "|b1";
  if (!isPackedInNpy(type)) {
    auto intType = cast<IntegerType>(type);
    unsigned bytes = intType.getWidth() / 8;
    return std::string(bytes == 1 ? "|" : "<") + (intType.isUnsigned() ? "u" : "i") +
           std::to_string(bytes);
  }
  return "|u1";
}

/// The shape written in the descriptor's terms: packed bytes for packed types.
std::vector<int64_t> npyShape(Type type, ArrayRef<int64_t> shape) {
  std::vector<int64_t> logical(shape.begin(), shape.end());
  if (!isPackedInNpy(type))
    return logical;
  return ref::packedShape(logical, getLowbitWidth(type));
}

/// The type a normalized descriptor stands for without a lowbit comment; null if none.
Type canonicalType(MLIRContext *context, StringRef descr) {
  char kind = descr[1];
  unsigned bytes = 0;
  if (descr.drop_front(2).getAsInteger(10, bytes))
    return {};
  if (kind == 'f' && bytes == 2)
    return Float16Type::get(context);
  if (kind == 'f' && bytes == 4)
    return Float32Type::get(context);
  if (kind == 'f' && bytes == 8)
    return Float64Type::get(context);
  if (kind == 'b' && bytes == 1)
    return IntegerType::get(context, 1);
  if ((kind != 'i' && kind != 'u') || !llvm::is_contained({1u, 2u, 4u, 8u}, bytes))
    return {};
  // si8 for '|i1' (the low-bit type NumPy has); arith's signless integers for the wider ones.
  auto signedness = kind == 'u'  ? IntegerType::Unsigned
                    : bytes == 1 ? IntegerType::Signed
                                 : IntegerType::Signless;
  return IntegerType::get(context, 8 * bytes, signedness);
}

/// Whether the header needs a lowbit comment to say the logical type and shape.
bool needsComment(Type type, ArrayRef<int64_t> shape) {
  return canonicalType(type.getContext(), npyDescr(type)) != type ||
         npyShape(type, shape) != ArrayRef<int64_t>(shape).vec();
}

/// A descriptor with its byte order normalized: '|' for one-byte items, '<' otherwise.
llvm::Expected<std::string> normalizeDescr(StringRef descr) {
  unsigned bytes = 0;
  if (descr.size() < 3 || !StringRef("<>|=").contains(descr[0]) ||
      !std::isalpha(static_cast<unsigned char>(descr[1])) ||
      descr.drop_front(2).getAsInteger(10, bytes) || bytes == 0)
    return makeError("header: unsupported descr '" + descr + "'");
  if (bytes == 1)
    return "|" + descr.drop_front(1).str();
  if (descr[0] == '>')
    return makeError("header: big-endian data (descr '" + descr +
                     "') is not supported; save a little-endian array, e.g. "
                     "a.astype(a.dtype.newbyteorder('<'))");
  if (descr[0] != '<')
    return makeError("header: unsupported byte order in descr '" + descr + "'");
  return descr.str();
}

//===----------------------------------------------------------------------===//
// Header parsing
//===----------------------------------------------------------------------===//

struct HeaderValue {
  enum Kind { String, Bool, Tuple } kind = String;
  std::string text;
  bool flag = false;
  std::vector<int64_t> tuple;
};
using HeaderDict = std::vector<std::pair<std::string, HeaderValue>>;

struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  bool hasComment = false;
  std::string commentDtype;
  std::vector<int64_t> commentShape;
};

/// Parses the Python literals of a header: a dict of strings, True/False and tuples of
/// non-negative integers. Every step consumes input or fails, so garbage cannot hang it.
class LiteralParser {
public:
  explicit LiteralParser(StringRef text) : text(text) {}

  llvm::Error parseDict(HeaderDict &dict) {
    if (!consume('{'))
      return error("expected '{' (the header is not a dictionary)");
    while (!consume('}')) {
      std::string key;
      if (llvm::Error e = parseString(key))
        return e;
      if (!consume(':'))
        return error("expected ':' after key '" + key + "'");
      HeaderValue value;
      if (llvm::Error e = parseValue(value))
        return e;
      for (const auto &entry : dict)
        if (entry.first == key)
          return error("duplicate key '" + key + "'");
      dict.emplace_back(key, std::move(value));
      if (!consume(',') && peek() != '}')
        return error("expected ',' or '}'");
    }
    return llvm::Error::success();
  }

  void skipSpace() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  char peek() {
    skipSpace();
    return pos < text.size() ? text[pos] : 0;
  }
  bool atEnd() {
    skipSpace();
    return pos >= text.size();
  }
  StringRef rest() const { return text.drop_front(pos); }
  void skip(size_t n) { pos += n; }

private:
  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }

  llvm::Error error(const llvm::Twine &message) {
    return makeError(message + " at offset " + llvm::Twine(pos));
  }

  llvm::Error parseString(std::string &result) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return error("expected a string");
    ++pos;
    while (pos < text.size() && text[pos] != quote && text[pos] != '\n') {
      if (text[pos] == '\\' && pos + 1 < text.size())
        ++pos;
      result += text[pos++];
    }
    if (pos >= text.size() || text[pos] != quote)
      return error("unterminated string");
    ++pos;
    return llvm::Error::success();
  }

  llvm::Error parseValue(HeaderValue &value) {
    char c = peek();
    if (c == '\'' || c == '"') {
      value.kind = HeaderValue::String;
      return parseString(value.text);
    }
    if (c == '(') {
      value.kind = HeaderValue::Tuple;
      return parseTuple(value.tuple);
    }
    for (bool flag : {true, false}) {
      StringRef word = flag ? "True" : "False";
      if (rest().starts_with(word) &&
          (rest().size() == word.size() ||
           !std::isalnum(static_cast<unsigned char>(rest()[word.size()])))) {
        value.kind = HeaderValue::Bool;
        value.flag = flag;
        pos += word.size();
        return llvm::Error::success();
      }
    }
    return error("expected a string, True, False or a tuple");
  }

  llvm::Error parseTuple(std::vector<int64_t> &tuple) {
    ++pos; // '('
    bool sawComma = false;
    while (!consume(')')) {
      char c = peek();
      if (!std::isdigit(static_cast<unsigned char>(c)))
        return error(c == '-' ? "negative dimension" : "expected a non-negative integer");
      int64_t value = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        int digit = text[pos++] - '0';
        if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
          return error("integer too large");
        value = value * 10 + digit;
      }
      tuple.push_back(value);
      if (consume(','))
        sawComma = true;
      else if (peek() != ')')
        return error("expected ',' or ')'");
    }
    if (tuple.size() == 1 && !sawComma)
      return error("(" + llvm::Twine(tuple[0]) + ") is not a tuple; write (" +
                   llvm::Twine(tuple[0]) + ",)");
    return llvm::Error::success();
  }

  StringRef text;
  size_t pos = 0;
};

/// Checks that `dict` has exactly the keys `expected` with values of the given kinds.
llvm::Error checkKeys(const HeaderDict &dict,
                      ArrayRef<std::pair<StringRef, HeaderValue::Kind>> expected) {
  static const char *const kKindNames[] = {"a string", "True or False", "a tuple of integers"};
  for (const auto &entry : dict)
    if (!llvm::any_of(expected, [&](auto key) { return key.first == entry.first; }))
      return makeError("unexpected key '" + entry.first + "'");
  for (const auto &[key, kind] : expected) {
    StringRef name = key;
    auto it = llvm::find_if(dict, [&](const auto &entry) { return entry.first == name; });
    if (it == dict.end())
      return makeError("missing key '" + name + "'");
    if (it->second.kind != kind)
      return makeError("'" + name + "' must be " + kKindNames[kind]);
  }
  return llvm::Error::success();
}

const HeaderValue &lookup(const HeaderDict &dict, StringRef key) {
  return llvm::find_if(dict, [&](const auto &entry) { return entry.first == key; })->second;
}

/// Parses the header text: the dict, then optionally "# lowbit: {...}" up to the end of line.
llvm::Expected<NpyHeader> parseHeader(StringRef text) {
  LiteralParser parser(text);
  HeaderDict dict;
  if (llvm::Error e = parser.parseDict(dict))
    return std::move(e);
  if (llvm::Error e = checkKeys(dict, {{"descr", HeaderValue::String},
                                       {"fortran_order", HeaderValue::Bool},
                                       {"shape", HeaderValue::Tuple}}))
    return std::move(e);
  NpyHeader header;
  header.descr = lookup(dict, "descr").text;
  header.fortranOrder = lookup(dict, "fortran_order").flag;
  header.shape = lookup(dict, "shape").tuple;

  if (parser.peek() == '#') {
    StringRef comment = parser.rest().take_until([](char c) { return c == '\n'; });
    parser.skip(comment.size());
    StringRef body = comment.drop_front(1).ltrim(" \t");
    if (body.consume_front("lowbit:")) {
      LiteralParser commentParser(body);
      HeaderDict commentDict;
      llvm::Error e = commentParser.parseDict(commentDict);
      if (!e && !commentParser.atEnd())
        e = makeError("unexpected text after the dictionary");
      if (!e)
        e = checkKeys(commentDict, {{"dtype", HeaderValue::String}, {"shape", HeaderValue::Tuple}});
      if (e)
        return makeError("lowbit comment: " + llvm::toString(std::move(e)));
      header.hasComment = true;
      header.commentDtype = lookup(commentDict, "dtype").text;
      header.commentShape = lookup(commentDict, "shape").tuple;
    }
  }
  if (!parser.atEnd())
    return makeError("unexpected text after the dictionary: '" + parser.rest().take_front(20) +
                     "'");
  return header;
}

/// The element type and logical shape a header describes.
llvm::Error resolveHeader(MLIRContext *context, const NpyHeader &header, Type &type,
                          std::vector<int64_t> &shape) {
  if (header.fortranOrder)
    return makeError("header: fortran_order True is not supported (save a C-order array, "
                     "e.g. np.ascontiguousarray(a))");
  llvm::Expected<std::string> descr = normalizeDescr(header.descr);
  if (!descr)
    return descr.takeError();
  if (!header.hasComment) {
    type = canonicalType(context, *descr);
    if (!type && (*descr)[1] == 'V')
      return makeError("header: descr '" + header.descr +
                       "' (raw bytes) needs a lowbit comment naming the element type");
    if (!type)
      return makeError("header: unsupported descr '" + header.descr + "'");
    shape = header.shape;
    return llvm::Error::success();
  }
  llvm::Expected<Type> parsed = parseTypeText(context, header.commentDtype);
  if (!parsed)
    return makeError("header: lowbit comment: " + llvm::toString(parsed.takeError()));
  if (llvm::Expected<int64_t> size = storageSize(*parsed, header.commentShape); !size)
    return makeError("header: lowbit comment: " + llvm::toString(size.takeError()));
  // Files written by ml_dtypes use raw bytes ('<V2', '|V1'): any descr of the right item size.
  std::string expectedDescr = npyDescr(*parsed);
  bool descrAgrees = *descr == expectedDescr ||
                     ((*descr)[1] == 'V' && descr->substr(2) == expectedDescr.substr(2));
  std::vector<int64_t> expectedShape = npyShape(*parsed, header.commentShape);
  if (!descrAgrees || expectedShape != header.shape)
    return makeError("header: lowbit comment (" + header.commentDtype + ", shape " +
                     formatNumpyShape(header.commentShape) + ") disagrees with descr '" +
                     header.descr + "' and shape " + formatNumpyShape(header.shape) +
                     ": it is stored as '" + expectedDescr + "' with shape " +
                     formatNumpyShape(expectedShape));
  type = *parsed;
  shape = header.commentShape;
  return llvm::Error::success();
}

/// parseNpy without the file name in front of its errors.
llvm::Expected<HostTensor> parseContents(MLIRContext *context, StringRef contents) {
  if (!contents.starts_with(kMagic))
    return makeError("not a .npy file (it does not start with \"\\x93NUMPY\")");
  if (contents.size() < 10)
    return makeError("header: truncated");
  unsigned major = uint8_t(contents[6]), minor = uint8_t(contents[7]);
  if (major < 1 || major > 3 || minor != 0)
    return makeError("unsupported .npy format version " + llvm::Twine(major) + "." +
                     llvm::Twine(minor) + " (1.0, 2.0 and 3.0 are supported)");
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t prefix = 8 + lengthBytes;
  if (contents.size() < prefix)
    return makeError("header: truncated");
  uint64_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= uint64_t(uint8_t(contents[8 + i])) << (8 * i);
  if (contents.size() - prefix < headerLength)
    return makeError("header: truncated (" + llvm::Twine(headerLength) + " bytes announced, " +
                     llvm::Twine(contents.size() - prefix) + " present)");

  llvm::Expected<NpyHeader> header = parseHeader(contents.substr(prefix, headerLength));
  if (!header)
    return makeError("header: " + llvm::toString(header.takeError()));
  HostTensor tensor;
  if (llvm::Error e = resolveHeader(context, *header, tensor.elementType, tensor.shape))
    return std::move(e);
  llvm::Expected<int64_t> size = storageSize(tensor.elementType, tensor.shape);
  if (!size)
    return makeError("header: " + llvm::toString(size.takeError()));
  StringRef data = contents.drop_front(prefix + headerLength);
  if (int64_t(data.size()) != *size)
    return makeError("data: expected " + llvm::Twine(*size) + " bytes for shape " +
                     formatNumpyShape(tensor.shape) + " of " + typeToString(tensor.elementType) +
                     ", found " + llvm::Twine(data.size()));
  tensor.bytes.assign(data.bytes_begin(), data.bytes_end());
  return tensor;
}

} // namespace

llvm::Expected<HostTensor> parseNpy(MLIRContext *context, StringRef name, StringRef contents) {
  llvm::Expected<HostTensor> tensor = parseContents(context, contents);
  if (!tensor)
    return makeError(name + ": " + llvm::toString(tensor.takeError()));
  return tensor;
}

llvm::Expected<HostTensor> readNpyFile(MLIRContext *context, StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path + ": cannot read: " + buffer.getError().message());
  return parseNpy(context, path, (*buffer)->getBuffer());
}

std::string serializeNpy(const HostTensor &tensor) {
  Type type = tensor.elementType;
  std::string header = "{'descr': '" + npyDescr(type) + "', 'fortran_order': False, 'shape': " +
                       formatNumpyShape(npyShape(type, tensor.shape)) + ", }";
  if (needsComment(type, tensor.shape))
    header += " # lowbit: {'dtype': '" + typeToString(type) +
              "', 'shape': " + formatNumpyShape(tensor.shape) + "}";
  // Pad with spaces so that the data starts at a multiple of 64 bytes; end with '\n'.
  size_t prefix = 10;
  if (llvm::alignTo(prefix + header.size() + 1, 64) - prefix > 0xFFFF)
    prefix = 12;
  size_t headerLength = llvm::alignTo(prefix + header.size() + 1, 64) - prefix;
  header.resize(headerLength - 1, ' ');
  header += '\n';

  std::string result = kMagic.str();
  result += char(prefix == 10 ? 1 : 2);
  result += char(0);
  for (size_t i = 0; i < prefix - 8; ++i)
    result += char((headerLength >> (8 * i)) & 0xFF);
  result += header;
  result.append(tensor.bytes.begin(), tensor.bytes.end());
  return result;
}

llvm::Error writeNpyFile(StringRef path, const HostTensor &tensor) {
  llvm::Expected<int64_t> size = storageSize(tensor.elementType, tensor.shape);
  if (!size)
    return makeError(path + ": " + llvm::toString(size.takeError()));
  if (*size != int64_t(tensor.bytes.size()))
    return makeError(path + ": the tensor holds " + llvm::Twine(tensor.bytes.size()) +
                     " bytes, its type and shape need " + llvm::Twine(*size));
  std::string tempPath = (path + ".tmp." + llvm::Twine(llvm::sys::Process::getProcessId())).str();
  std::error_code ec;
  {
    llvm::raw_fd_ostream os(tempPath, ec, llvm::sys::fs::OF_None);
    if (ec)
      return makeError(path + ": cannot create '" + tempPath + "': " + ec.message());
    os << serializeNpy(tensor);
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
    }
  }
  if (!ec)
    ec = llvm::sys::fs::rename(tempPath, path);
  if (ec) {
    llvm::sys::fs::remove(tempPath);
    return makeError(path + ": cannot write: " + ec.message());
  }
  return llvm::Error::success();
}

} // namespace lowbit
