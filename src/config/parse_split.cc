#include "config/parse_split.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "base/side_work.h"
#include "config/reread.h"
#include "config/service_stream.h"

namespace lvsnft::parse_detail {
namespace {

/// The services[] entries shared out between the two readers while they
/// run: the first takes them from the front as the JSON reader meets
/// them, the second from the back once its scan has found where they lie.
/// Each entry is taken under the lock, so the readers meet wherever the
/// work splits evenly, and the scan costs the first reader no wait.
class Claims {
 public:
  /// The first reader is before entry `index`: true when the second has
  /// taken it (and so every entry after it); otherwise it is the first's.
  bool FrontMeetsBack(size_t index) {
    std::lock_guard lock(mu_);
    if (index >= back_) return true;
    front_ = index + 1;
    return false;
  }
  /// The scan found `count` entries: the second reader may take them.
  void Open(size_t count) {
    std::lock_guard lock(mu_);
    back_ = count;
  }
  /// The entry the second reader takes next, or nullopt when the readers
  /// have met.
  std::optional<size_t> BackTake() {
    std::lock_guard lock(mu_);
    if (back_ <= front_) return std::nullopt;
    return --back_;
  }

 private:
  std::mutex mu_;
  size_t front_ = 0;        ///< Entries [0, front_) are the first's.
  size_t back_ = SIZE_MAX;  ///< Entries [back_, count) are the second's.
};

/// Sink of the first thread's reader: streams its entries and, at the
/// first entry the second thread took, jumps to the end of the array.
class FrontPart : public ServiceStream {
 public:
  FrontPart(Config& cfg, const std::string& file, std::string_view text,
            const std::optional<ServiceSpans>& spans, Claims& claims)
      : ServiceStream(cfg, file), text_(text), spans_(spans), claims_(claims) {}
  size_t Skip(size_t index, size_t at) override {
    if (jumped_at_ || !claims_.FrontMeetsBack(index)) return 0;
    // The scan was published before the claim (Claims' lock orders them).
    const std::vector<std::string_view>& items = spans_->items;
    if (index >= items.size() || at != Offset(items[index])) {
      lost_ = true;  // the scan disagrees with the reader: read it all
      return 0;
    }
    jumped_at_ = index;
    return Offset(items.back()) + items.back().size();
  }
  /// The first entry the reader jumped over, if it jumped.
  std::optional<size_t> jumped_at() const { return jumped_at_; }
  /// True when the reader met the second thread's entries where the scan
  /// did not place them (the result is not whole).
  bool lost() const { return lost_; }

 private:
  size_t Offset(std::string_view part) const {
    return static_cast<size_t>(part.data() - text_.data());
  }

  std::string_view text_;
  const std::optional<ServiceSpans>& spans_;
  Claims& claims_;
  std::optional<size_t> jumped_at_;
  bool lost_ = false;
};

/// Reads the entries of `spans` the second thread takes, from the back,
/// one by one into `out` (last entry first); false at the first problem.
bool ReadBack(const ServiceSpans& spans, Claims& claims,
              const std::string& file, std::vector<Service>& out) {
  Diagnostics d(file);
  ConfigParser parser(d);
  while (std::optional<size_t> j = claims.BackTake()) {
    // ParseAt would take a byte order mark there as the start of a text.
    if (spans.items[*j].starts_with("\xEF\xBB\xBF")) return false;
    // The entries lie at depth 2 of the file (root object, services array).
    auto doc = json::ParseAt(spans.items[*j], spans.starts[*j], 2, d);
    if (!doc) return false;
    parser.ParseServiceAt(doc->root(), ServicePointer(*j), out.emplace_back());
    if (d.HasErrors()) return false;
  }
  return true;
}

}  // namespace

bool ParseSplit(std::string_view text, const std::string& file, Config& cfg,
                size_t min_bytes, size_t* second_read) {
  // A value and the ',', ':' or ']' that only it has take two bytes: under
  // this size the sequential read's value limit cannot reject the text.
  if (text.size() < min_bytes || (text.size() + 1) / 2 > json::kMaxValues)
    return false;
  Claims claims;
  std::optional<ServiceSpans> spans;
  std::vector<Service> back;  // the second thread's entries, last first
  bool back_ok = true;
  SideWork second([&] {
    spans = ScanServices(text);
    if (!spans) return;
    back.reserve(spans->items.size() / 2 + 1);
    claims.Open(spans->items.size());
    back_ok = ReadBack(*spans, claims, file, back);
  });
  FrontPart front(cfg, file, text, spans, claims);
  Diagnostics d(file);
  auto doc = json::Parse(text, d, json::kDefaultLimits, &front);
  if (doc) ConfigParser(d).ParseRoot(doc->root(), cfg, &front.diags());
  second.Join();
  if (!doc || d.HasErrors() || front.diags().HasErrors() || front.lost())
    return false;
  // Whole when the reader jumped exactly over the entries the second
  // thread read (all of them read well), or when it took none.
  size_t taken =
      front.jumped_at() ? spans->items.size() - *front.jumped_at() : 0;
  if (!back_ok || back.size() != taken) return false;
  if (second_read) *second_read = taken;
  cfg.services.insert(cfg.services.end(),
                      std::make_move_iterator(back.rbegin()),
                      std::make_move_iterator(back.rend()));
  return true;
}

}  // namespace lvsnft::parse_detail
