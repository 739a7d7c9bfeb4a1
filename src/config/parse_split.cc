#include "config/parse_split.h"

#include <iterator>
#include <system_error>
#include <thread>
#include <vector>

#include "config/reread.h"
#include "config/service_stream.h"

namespace lvsnft::parse_detail {
namespace {

/// Sink of the first thread's reader: streams the entries before `half`
/// and jumps over the rest, which the second thread reads.
class FrontHalf : public ServiceStream {
 public:
  FrontHalf(Config& cfg, const std::string& file, std::string_view text,
            const ServiceSpans& spans, size_t half)
      : ServiceStream(cfg, file), text_(text), spans_(spans), half_(half) {}
  size_t Skip(size_t index, size_t at) override {
    if (index != half_ || at != Offset(spans_.items[half_])) return 0;
    ++jumps_;
    const std::string_view last = spans_.items.back();
    return Offset(last) + last.size();
  }
  /// True when the reader jumped over the second half exactly once.
  bool jumped() const { return jumps_ == 1; }

 private:
  size_t Offset(std::string_view part) const {
    return static_cast<size_t>(part.data() - text_.data());
  }

  std::string_view text_;
  const ServiceSpans& spans_;
  size_t half_;
  int jumps_ = 0;
};

/// Reads entries `from`.. of `spans` one by one into `out`; false at the
/// first problem.
bool ReadBack(const ServiceSpans& spans, size_t from, const std::string& file,
              std::vector<Service>& out) {
  Diagnostics d(file);
  ConfigParser parser(d);
  out.resize(spans.items.size() - from);
  for (size_t j = from; j < spans.items.size(); ++j) {
    // ParseAt would take a byte order mark there as the start of a text.
    if (spans.items[j].starts_with("\xEF\xBB\xBF")) return false;
    // The entries lie at depth 2 of the file (root object, services array).
    auto doc = json::ParseAt(spans.items[j], spans.starts[j], 2, d);
    if (!doc) return false;
    parser.ParseServiceAt(doc->root(), ServicePointer(j), out[j - from]);
    if (d.HasErrors()) return false;
  }
  return true;
}

/// The first entry of the second half: the entries from it on hold about
/// half of the entries' bytes.
size_t Middle(const ServiceSpans& spans) {
  const char* first = spans.items.front().data();
  const std::string_view last = spans.items.back();
  auto middle = (last.data() + last.size() - first) / 2;
  size_t half = 1;
  while (half + 1 < spans.items.size() &&
         spans.items[half].data() - first < middle)
    ++half;
  return half;
}

}  // namespace

bool ParseSplit(std::string_view text, const std::string& file, Config& cfg,
                size_t min_bytes) {
  // A value and the ',', ':' or ']' that only it has take two bytes: under
  // this size the sequential read's value limit cannot reject the text.
  if (text.size() < min_bytes || (text.size() + 1) / 2 > json::kMaxValues)
    return false;
  auto spans = ScanServices(text);
  if (!spans || spans->items.size() < 2) return false;
  size_t half = Middle(*spans);
  std::vector<Service> back;
  bool back_ok = false;
  std::thread second;
  try {
    second = std::thread([&] { back_ok = ReadBack(*spans, half, file, back); });
  } catch (const std::system_error&) {
    return false;
  }
  FrontHalf front(cfg, file, text, *spans, half);
  Diagnostics d(file);
  auto doc = json::Parse(text, d, json::kDefaultLimits, &front);
  if (doc) ConfigParser(d).ParseRoot(doc->root(), cfg, &front.diags());
  second.join();
  if (!doc || d.HasErrors() || front.diags().HasErrors() || !back_ok ||
      !front.jumped())
    return false;
  cfg.services.insert(cfg.services.end(), std::make_move_iterator(back.begin()),
                      std::make_move_iterator(back.end()));
  return true;
}

}  // namespace lvsnft::parse_detail
