// lvsnft_gen: writes a synthetic config of S services x R real servers for
// scale tests and benchmarks.
//
//   lvsnft_gen --services S --reals R [--mode nat|fullnat|dr|mixed]
//              [--table-size M] [--bump SERVICE] [--interface DEV]
//              [--scheduler S]
//
// Service i has VIP 10.{i/250}.{i%250}.1 port 80 (IPv4, TCP); real servers
// are 172.16.x.y with distinct addresses per service. "mixed" cycles
// nat, fullnat, dr (dr uses mh with --table-size, default 251). --bump K
// changes the weight of real server 0 of service K (a one-RS change).
// --scheduler S (default wrr) is the scheduler of the nat and fullnat
// services; with mh they get --table-size only when it is given (else
// lvsnft's default, 4093).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct Args {
  int services = 100, reals = 10, table_size = 251, bump = -1;
  std::string mode = "mixed", interface = "eth0", scheduler = "wrr";
  bool table_size_given = false;
};

bool Parse(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--services")
      a.services = std::atoi(v.c_str());
    else if (k == "--reals")
      a.reals = std::atoi(v.c_str());
    else if (k == "--mode")
      a.mode = v;
    else if (k == "--table-size")
      a.table_size = std::atoi(v.c_str()), a.table_size_given = true;
    else if (k == "--scheduler")
      a.scheduler = v;
    else if (k == "--bump")
      a.bump = std::atoi(v.c_str());
    else if (k == "--interface")
      a.interface = v;
    else
      return false;
  }
  return argc % 2 == 1 && a.services > 0 && a.reals > 0 && a.services <= 60000;
}

const char* ModeOf(const Args& a, int i) {
  if (a.mode != "mixed") return a.mode.c_str();
  static const char* kCycle[] = {"nat", "fullnat", "dr"};
  return kCycle[i % 3];
}

void Service(const Args& a, int i) {
  const char* mode = ModeOf(a, i);
  bool dr = std::strcmp(mode, "dr") == 0;
  std::string sched = dr ? "mh" : a.scheduler;
  bool sized = dr || (sched == "mh" && a.table_size_given);
  std::printf(
      "%s    {\"name\": \"s%d\", \"vip\": \"10.%d.%d.1\", \"ports\": [80], "
      "\"mode\": \"%s\", \"scheduler\": \"%s\"%s, \"real_servers\": [",
      i ? ",\n" : "", i, i / 250, i % 250, mode, sched.c_str(),
      sized ? (", \"mh_table_size\": " + std::to_string(a.table_size)).c_str()
            : "");
  for (int r = 0; r < a.reals; ++r) {
    long n = static_cast<long>(i) * a.reals + r;
    int weight = (i == a.bump && r == 0) ? 5 : 1;
    std::printf("%s{\"address\": \"172.%ld.%ld.%ld\"%s, \"weight\": %d}",
                r ? ", " : "", 16 + n / 62500, (n % 62500) / 250, n % 250 + 1,
                dr ? "" : ", \"port\": 8080", weight);
  }
  std::printf("]}");
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!Parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: lvsnft_gen --services S --reals R [--mode "
                 "nat|fullnat|dr|mixed] "
                 "[--table-size M] [--bump SERVICE] [--interface DEV] "
                 "[--scheduler S]\n");
    return 2;
  }
  std::printf(
      "{\n  \"version\": 1,\n  \"director\": {\"interface\": \"%s\", "
      "\"local_addresses\": [\"192.168.1.100\"], \"manage_vips\": false},\n"
      "  \"services\": [\n",
      a.interface.c_str());
  for (int i = 0; i < a.services; ++i) Service(a, i);
  std::printf("\n  ]\n}\n");
  return 0;
}
