// Apply's report is made on a second thread while the kernel processes the
// transaction (CommitInput::while_sending); it must equal the one made after
// the commit, and be dropped whenever the attempt did not commit.
#include <gtest/gtest.h>

#include <atomic>
#include <new>

#include "base/side_work.h"
#include "compiler/lower.h"
#include "director/director.h"
#include "director/snapshot.h"
#include "faults.h"
#include "kernel/sim/sim_host.h"
#include "kernel/sim/sim_nft.h"
#include "sim_encode.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

using testing::LoadExample;
using testing::SimpleEncode;

// The simulated kernel decides the outcome first (it reads the delta and
// the desired tables, which the real one has encoded into the batch before
// sending), then the caller's work runs on a second thread, as the netlink
// kernel runs it during sendmsg.
class SendingNft : public test_support::ForwardingNft {
 public:
  using ForwardingNft::ForwardingNft;
  Result<CommitResult> Commit(const CommitInput& in) override {
    CommitInput plain = in;
    plain.while_sending = nullptr;
    auto r = inner_->Commit(plain);
    if (in.while_sending) {
      ++runs;
      SideWork side(in.while_sending);
    }
    return r;
  }
  int runs = 0;
};

// Two directors over two kernels: one whose kernel runs the work during
// the send, one whose kernel never calls it (everything after the commit).
struct OverlapTest : ::testing::Test {
  struct Side {
    FakeNft nft;
    SendingNft sending{&nft};
    FakeHost host;
    MemStateStore store;
    DirectorEnv env;
    std::unique_ptr<Director> dir;
    explicit Side(bool overlap)
        : env{overlap ? static_cast<NftKernel*>(&sending) : &nft, &host, &host,
              &store, SimpleEncode} {
      host.AddLink("eth0");
      host.SetSysctl("net/ipv4/ip_forward", "0");
      dir = std::make_unique<Director>(env);
    }
  };
  Side overlap{true}, plain{false};
  plan::Plan plan_;
  Result<DirectorReport> Apply(Side& s, const Config& c, ApplyOptions o = {}) {
    plan_ = Lower(c);
    plan::ExpandSlotTables(plan_);
    return s.dir->Apply(plan_, o);
  }
  // The snapshot the overlapping side keeps in memory stands for the
  // kernel: the diff needs no dump and finds it in sync.
  void ExpectSnapshotInSync() {
    int dumps = overlap.nft.dumps();
    auto d = overlap.dir->Diff(plan_);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d->in_sync());
    EXPECT_EQ(overlap.nft.dumps(), dumps);
  }
  // The snapshot the store holds, encoded (empty when there is none).
  static std::string Saved(Side& s) {
    auto snap = s.store.LoadSnapshot();
    return snap ? EncodeSnapshot(*snap) : "";
  }
};

std::string Lines(const DirectorReport& r) {
  std::string out;
  for (const auto& l : r.lines) {
    out += l.service + " " + l.sign + " " + l.what + "\n";
  }
  return out;
}

TEST_F(OverlapTest, PreparedReportAndSnapshotEqualTheSequentialOnes) {
  Config cfg = LoadExample("nat.json");
  for (int step = 0; step < 2; ++step) {
    for (size_t lines : {size_t{0}, size_t{1}}) {
      if (step == 1) cfg.services[0].real_servers[1].weight += 1;
      ApplyOptions o;
      o.max_lines = lines;  // 1: only per-service counts
      auto a = Apply(overlap, cfg, o);
      auto b = Apply(plain, cfg, o);
      ASSERT_TRUE(a.ok()) << a.status().message();
      ASSERT_TRUE(b.ok()) << b.status().message();
      EXPECT_EQ(a->committed, b->committed);
      EXPECT_EQ(Lines(*a), Lines(*b));
      EXPECT_EQ(a->counts.has_value(), b->counts.has_value());
      EXPECT_EQ(a->nft_changes, b->nft_changes);
      EXPECT_EQ(a->host_changes, b->host_changes);
      EXPECT_EQ(a->stale_slots, b->stale_slots);
      EXPECT_EQ(a->genid, b->genid);
      EXPECT_EQ(Saved(overlap), Saved(plain));
    }
  }
  EXPECT_EQ(overlap.sending.runs, 3);  // the in-sync applies send nothing
  ExpectSnapshotInSync();
}

// A refused transaction ran the work too: nothing of it may be kept (the
// store keeps the last commit's snapshot, and after a foreign write moved
// the generation id to the one the refused commit would have made, the
// diff still sees the change pending).
TEST_F(OverlapTest, RefusedCommitKeepsNothingOfTheWork) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(overlap, cfg).ok());
  std::string before = Saved(overlap);
  test_support::FaultyNft faulty(&overlap.sending);
  overlap.env.nft = &faulty;
  overlap.dir = std::make_unique<Director>(overlap.env);
  cfg.services[0].real_servers[1].weight += 1;
  auto r = Apply(overlap, cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(overlap.sending.runs, 2);
  EXPECT_EQ(Saved(overlap), before);
  overlap.nft.ForeignWrite();
  overlap.env.nft = &overlap.sending;
  auto d = overlap.dir->Diff(plan_);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_FALSE(d->in_sync());
}

// A restarted attempt (another writer moved the generation id) prepares
// again from its own recomputed delta.
TEST_F(OverlapTest, RestartedAttemptPreparesAgain) {
  Config cfg = LoadExample("nat.json");
  overlap.nft.RaceNextCommits(1);
  auto r = Apply(overlap, cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(overlap.sending.runs, 2);
  auto snap = overlap.store.LoadSnapshot();
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->genid, *overlap.nft.GenId());
  auto b = Apply(plain, cfg);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Lines(*r), Lines(*b));
  ExpectSnapshotInSync();
}

TEST(SideWorkTest, RunsOnAnotherThreadAndHasFinishedWhenDestroyed) {
  std::atomic<bool> done{false};
  std::thread::id worker;
  {
    SideWork side([&] {
      worker = std::this_thread::get_id();
      done = true;
    });
  }
  EXPECT_TRUE(done);
  EXPECT_NE(worker, std::this_thread::get_id());
}

// An exception of the work (std::bad_alloc above all) reaches the thread
// that joins, where main's handler turns it into an error message; thrown
// on the side thread it would end the process in std::terminate.
TEST(SideWorkTest, JoinRethrowsTheWorksException) {
  SideWork side([] { throw std::bad_alloc(); });
  EXPECT_THROW(side.Join(), std::bad_alloc);
  EXPECT_NO_THROW(side.Join());
}

}  // namespace
}  // namespace lvsnft::netlink
