#pragma once

// The receiving side of sd_notify for tests: a bound AF_UNIX datagram socket.

#include <string>

namespace replicad::testing {

// Binds a datagram socket to `name`: a path, or "@name" for an abstract socket. Returns the
// descriptor, or -1 with errno set.
int BindDatagramSocket(const std::string& name);

}  // namespace replicad::testing
