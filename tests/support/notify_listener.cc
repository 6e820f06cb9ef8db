// Plays systemd's side of sd_notify: binds a datagram socket and prints each message received
// on one line, its assignments separated by tabs ("RELOADING=1\tMONOTONIC_USEC=123").
// Usage: notify_listener SOCKET   (a path, or @name for an abstract socket; prints "listening"
// once bound; runs until killed)

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "tests/support/datagram_socket.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: notify_listener SOCKET\n");
    return 2;
  }
  const int fd = replicad::testing::BindDatagramSocket(argv[1]);
  if (fd < 0) {
    std::perror("notify_listener");
    return 1;
  }
  std::printf("listening\n");
  std::fflush(stdout);
  std::array<char, 4096> buffer;
  for (;;) {
    const ssize_t size = recv(fd, buffer.data(), buffer.size(), 0);
    if (size < 0) {
      continue;
    }
    std::string message(buffer.data(), static_cast<std::size_t>(size));
    std::replace(message.begin(), message.end(), '\n', '\t');
    std::printf("%s\n", message.c_str());
    std::fflush(stdout);
  }
}
