#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace replicad::testing {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    read = fds[0];
    write = fds[1];
  }
};

int Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra,
          Pipe& in, Pipe& out, Pipe* err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  if (err != nullptr) {
    posix_spawn_file_actions_adddup2(&actions, err->write, 2);
  }
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (!extra.contains(entry.substr(0, entry.find('=')))) {
      environment.push_back(entry);
    }
  }
  for (const auto& [key, value] : extra) {
    environment.push_back(key + "=" + value);
  }
  std::vector<char*> env_pointers;
  for (std::string& entry : environment) {
    env_pointers.push_back(entry.data());
  }
  env_pointers.push_back(nullptr);
  std::vector<char*> arg_pointers;
  for (const std::string& arg : argv) {
    arg_pointers.push_back(const_cast<char*>(arg.c_str()));
  }
  arg_pointers.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, arg_pointers.data(),
                             env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  close(in.read);
  close(out.write);
  if (err != nullptr) {
    close(err->write);
  }
  return pid;
}

void WaitFor(int pid, int& exit_code, int& signal) {
  int status = 0;
  waitpid(pid, &status, 0);
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input,
                         const std::map<std::string, std::string>& environment) {
  Pipe in, out, err;
  const int pid = Spawn(argv, environment, in, out, &err);
  if (!input.empty()) {
    (void)!write(in.write, input.data(), input.size());
  }
  close(in.write);
  ProcessResult result;
  pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
  int open_count = 2;
  char buffer[4096];
  while (open_count > 0) {
    poll(fds, 2, -1);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  WaitFor(pid, result.exit_code, result.signal);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  Pipe in, out;
  pid_ = Spawn(argv, {}, in, out, nullptr);
  stdin_fd_ = in.write;
  stdout_fd_ = out.read;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Close();
  }
}

std::string ChildProcess::ReadLine() {
  std::string line;
  char c;
  while (read(stdout_fd_, &c, 1) == 1 && c != '\n') {
    line += c;
  }
  return line;
}

int ChildProcess::Close() {
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
  int exit_code = -1, signal = 0;
  if (pid_ > 0) {
    WaitFor(pid_, exit_code, signal);
    pid_ = -1;
  }
  return exit_code;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "replicad-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(const std::string& name, const std::string& contents) const {
  const std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::binary) << contents;
  return file;
}

}  // namespace replicad::testing
