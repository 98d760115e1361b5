// tests/support/subprocess.h: helpers for tests that run real servers (the test API server,
// Prometheus, the controller binary, a simulated inference server).
//
// Example:
//   TempDir dir;
//   std::string err;
//   auto server = Subprocess::Start({"python3", "tests/apiserver/apiserver.py", "--port", "0"}, &err);
//   ASSERT_TRUE(server) << err;
//   auto line = server->WaitForLine([](const std::string& l) { return l.rfind("listening on", 0) == 0; },
//                                   std::chrono::seconds(10));
//   ASSERT_TRUE(line) << server->Output();
//   // ... the destructor sends SIGTERM, then SIGKILL after a grace period.
//
// Thread-safety: a Subprocess is used from one test thread; a reader thread collects its output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace slo::testing {

class Subprocess {
 public:
  // Starts argv[0] (looked up on PATH) with stdout and stderr captured together. env entries
  // are added to (or override) the parent's environment. Returns nullptr and sets *error when
  // the process cannot be started.
  static std::unique_ptr<Subprocess> Start(const std::vector<std::string>& argv,
                                           std::string* error,
                                           const std::map<std::string, std::string>& env = {},
                                           const std::string& cwd = "");
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // The first output line (from the start) for which pred is true, waiting up to timeout.
  std::optional<std::string> WaitForLine(const std::function<bool(const std::string&)>& pred,
                                         std::chrono::milliseconds timeout);
  // Everything the process printed so far (stdout and stderr).
  std::string Output() const;
  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int signal_number);
  // Waits up to timeout for the process to exit; its exit status (128+signal when killed), or
  // nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after grace. Returns the exit status.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  Subprocess(pid_t pid, int out_fd);
  void ReadLoop();

  pid_t pid_;
  int out_fd_;
  std::optional<int> exit_status_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string output_;
  bool eof_ = false;
  std::thread reader_;
};

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close). For
// servers that cannot report the port they bound themselves.
int PickFreePort();

// A blocking HTTP/1.1 request with Connection: close (no TLS). For talking to test servers.
struct HttpResponse {
  int status = 0;  // 0 = no response (connection failed or timed out)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;
};
HttpResponse HttpRequest(const std::string& method, const std::string& url,
                         const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Repeats probe every interval until it returns true or timeout passes.
bool PollUntil(const std::function<bool()>& probe, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(100));

// The source tree root ($SLO_SOURCE_DIR, set by slo_add_test) and binary dir ($SLO_BINARY_DIR);
// without them, the directories this library was configured with.
std::string SourceDir();
std::string BinaryDir();
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

}  // namespace slo::testing
