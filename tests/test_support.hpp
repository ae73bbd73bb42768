// Shared helpers for storyline's tests: paths, files, running the CLI.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace testsupport {

inline std::string source_dir() { return STORYLINE_SOURCE_DIR; }
inline std::string shared_dir() { return STORYLINE_SHARED_DIR; }
inline std::string binary() { return STORYLINE_BINARY; }

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

// A fresh temporary folder per call.
inline std::filesystem::path temp_dir(const std::string& tag) {
  static int n = 0;
  auto p = std::filesystem::temp_directory_path() /
           ("storyline-test-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs `storyline ARGS` through the shell; stdout and stderr captured.
inline RunResult run(const std::string& args, const std::string& stdin_file = "") {
  static int n = 0;
  auto dir = std::filesystem::temp_directory_path();
  std::string out = (dir / ("sl-out-" + std::to_string(::getpid()) + "-" + std::to_string(++n))).string();
  std::string err = out + ".err";
  std::string cmd = "'" + binary() + "' " + args + " >'" + out + "' 2>'" + err + "'";
  if (!stdin_file.empty()) cmd += " <'" + stdin_file + "'";
  else cmd += " </dev/null";
  int rc = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

inline bool has_shared() { return std::filesystem::is_directory(shared_dir() + "/seeds"); }

}  // namespace testsupport
