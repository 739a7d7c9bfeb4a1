// lvsnft: Linux Virtual Server on nftables. Thin CLI over the libraries.
#include "cli/commands.h"

int main(int argc, char** argv) { return lvsnft::cli::RunCli(argc, argv, {}); }
