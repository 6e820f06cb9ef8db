#pragma once

// Runs a child process for tests: argv, optional stdin text and extra environment; collects
// stdout, stderr and how it ended.

#include <map>
#include <string>
#include <vector>

namespace replicad::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = "",
                         const std::map<std::string, std::string>& environment = {});

// A started child whose stdin stays open until Close(); stdout is read line by line.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  std::string ReadLine();  // "" at end of output
  // Closes stdin and waits; returns the exit code (-1 if killed by a signal).
  int Close();
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
};

// The directory name is unique; it and its contents are removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

}  // namespace replicad::testing
