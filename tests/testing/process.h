// Test helpers: a temporary data directory and a `voronka serve` child process.
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace voronka::testing {

// A fresh directory under the system temp dir, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("voronka-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// A TCP port free on loopback at the moment of asking.
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

// The voronka binary under test (CTest passes VORONKA_BIN).
inline std::string VoronkaBinary() {
  const char* path = std::getenv("VORONKA_BIN");
  return path != nullptr ? path : "";
}

// What a `voronka ...` command printed and how it ended.
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command to the end.
inline CommandResult RunCommand(const std::string& shell_command) {
  std::string command = shell_command + " 2>&1";
  CommandResult result;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Runs `voronka <arguments>` to the end, as a person types it in a shell.
inline CommandResult RunVoronka(const std::string& arguments) {
  return RunCommand(VoronkaBinary() + " " + arguments);
}

// `voronka serve --data DIR --port P` as a child process, stopped with SIGKILL at the end.
class ServeProcess {
 public:
  ServeProcess(const std::string& data_dir, int port) : port_(port) {
    std::string binary = VoronkaBinary();
    std::string port_text = std::to_string(port);
    pid_ = fork();
    if (pid_ == 0) {
      // Quiet child: the test reads the API, not the console.
      freopen("/dev/null", "w", stdout);
      execl(binary.c_str(), binary.c_str(), "serve", "--data", data_dir.c_str(), "--port",
            port_text.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ServeProcess() { Kill(); }

  // Waits until /api/v1/health answers; false after `timeout`.
  bool WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(0, 200000);
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto response = client.Get("/api/v1/health"); response && response->status == 200) {
        return true;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
};

}  // namespace voronka::testing
