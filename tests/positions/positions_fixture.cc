// A separate process for store tests that need one:
//   positions_fixture commit DIR STREAM N   commits N checkpoints, then dies by SIGKILL
//   positions_fixture hold DIR              opens the store, prints "ready", waits for EOF

#include <signal.h>

#include <iostream>
#include <string>

#include "positions/store.h"

using replicad::positions::Checkpoint;

int main(int argc, char** argv) {
  const std::string mode = argc > 2 ? argv[1] : "";
  auto store = replicad::positions::OpenRocksDbStore(argv[2]);
  if (!store.ok()) {
    std::cout << "error: " << store.status().message() << std::endl;
    return 1;
  }
  if (mode == "commit" && argc == 5) {
    const int count = std::stoi(argv[4]);
    for (int i = 1; i <= count; ++i) {
      Checkpoint checkpoint{"postgres",
                            {"lsn-" + std::to_string(i)},
                            std::chrono::system_clock::now(),
                            static_cast<std::uint64_t>(i),
                            0};
      if (!(*store)->Commit(argv[3], checkpoint).ok()) {
        return 1;
      }
    }
    std::cout << "committed " << count << std::endl;
    raise(SIGKILL);  // no destructor, no close: as if the machine lost the process
  }
  if (mode == "hold") {
    std::cout << "ready" << std::endl;
    std::string ignored;
    while (std::getline(std::cin, ignored)) {
    }
    return 0;
  }
  return 2;
}
