#include "daemon/cli.h"

#include <algorithm>
#include <iostream>

namespace replicad::daemon {

std::string Args::Get(std::string_view flag) const {
  const auto it = flags.find(flag);
  return it == flags.end() ? "" : it->second;
}

std::string CommandHelp(const Command& command) {
  std::string out = "Usage: replicad " + std::string(command.name) + " " +
                    std::string(command.usage) + "\n\n" + std::string(command.description) +
                    "\n\nOptions:\n";
  std::size_t width = 6;
  for (const Flag& flag : command.flags) {
    width = std::max(width, flag.name.size() + flag.value_name.size() + 3);
  }
  auto line = [&](std::string left, std::string_view doc) {
    left.resize(width + 2, ' ');
    out += "  " + left + std::string(doc) + "\n";
  };
  for (const Flag& flag : command.flags) {
    line("--" + std::string(flag.name) +
             (flag.value_name.empty() ? "" : " " + std::string(flag.value_name)),
         flag.doc);
  }
  line("--help", "Show this help.");
  return out;
}

int UsageError(const Command& command, std::string_view message) {
  std::cerr << "replicad " << command.name << ": " << message << "\nUsage: replicad "
            << command.name << " " << command.usage << "\n(see replicad " << command.name
            << " --help)\n";
  return kExitUsage;
}

std::optional<Args> ParseArgs(const Command& command, const std::vector<std::string>& arguments,
                              int& exit_code) {
  Args args;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "--help" || argument == "-h") {
      std::cout << CommandHelp(command);
      exit_code = kExitOk;
      return std::nullopt;
    }
    if (!argument.starts_with("--")) {
      args.positional.push_back(argument);
      continue;
    }
    std::string name = argument.substr(2);
    std::optional<std::string> value;
    if (const std::size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    const auto flag = std::find_if(command.flags.begin(), command.flags.end(),
                                   [&](const Flag& f) { return f.name == name; });
    if (flag == command.flags.end()) {
      exit_code = UsageError(command, "unknown option --" + name);
      return std::nullopt;
    }
    if (flag->value_name.empty()) {
      if (value) {
        exit_code = UsageError(command, "--" + name + " takes no value");
        return std::nullopt;
      }
      value = "";
    } else if (!value) {
      if (i + 1 >= arguments.size()) {
        exit_code = UsageError(command, "--" + name + " needs " + std::string(flag->value_name));
        return std::nullopt;
      }
      value = arguments[++i];
    }
    args.flags[name] = *value;
  }
  if (args.positional.size() < command.min_positional ||
      args.positional.size() > command.max_positional) {
    exit_code = UsageError(command, args.positional.size() < command.min_positional
                                        ? "missing arguments"
                                        : "unexpected argument '" + args.positional.back() + "'");
    return std::nullopt;
  }
  return args;
}

}  // namespace replicad::daemon
