#include "tests/support/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace slo::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string ErrnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::unique_ptr<Subprocess> Subprocess::Start(const std::vector<std::string>& argv,
                                              std::string* error,
                                              const std::map<std::string, std::string>& env,
                                              const std::string& cwd) {
  if (argv.empty()) {
    if (error) *error = "empty argv";
    return nullptr;
  }
  // Build the environment before fork (no allocation after fork).
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    if (error) *error = ErrnoText("pipe");
    return nullptr;
  }
  int err_pipe[2];  // reports an exec failure to the parent
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    if (error) *error = ErrnoText("pipe");
    close(fds[0]);
    close(fds[1]);
    return nullptr;
  }
  pid_t pid = fork();
  if (pid < 0) {
    if (error) *error = ErrnoText("fork");
    return nullptr;
  }
  if (pid == 0) {
    setpgid(0, 0);  // own process group: Stop() signals the whole group
    // If the test process dies without running destructors (abort, sanitizer report), the
    // server it started must not live on.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(err_pipe[1], &e, sizeof e);
      _exit(127);
    }
    execvpe(argp[0], argp.data(), envp.data());
    int e = errno;
    (void)!write(err_pipe[1], &e, sizeof e);
    _exit(127);
  }
  close(fds[1]);
  close(err_pipe[1]);
  int child_errno = 0;
  ssize_t n = read(err_pipe[0], &child_errno, sizeof child_errno);
  close(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    waitpid(pid, nullptr, 0);
    close(fds[0]);
    if (error) *error = "cannot start " + argv[0] + ": " + std::strerror(child_errno);
    return nullptr;
  }
  return std::unique_ptr<Subprocess>(new Subprocess(pid, fds[0]));
}

Subprocess::Subprocess(pid_t pid, int out_fd) : pid_(pid), out_fd_(out_fd) {
  reader_ = std::thread([this] { ReadLoop(); });
}

Subprocess::~Subprocess() {
  Stop(std::chrono::seconds(5));
  if (reader_.joinable()) reader_.join();
  close(out_fd_);
}

void Subprocess::ReadLoop() {
  char buf[4096];
  while (true) {
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (n <= 0) {
      eof_ = true;
      cv_.notify_all();
      return;
    }
    output_.append(buf, static_cast<size_t>(n));
    cv_.notify_all();
  }
}

std::optional<std::string> Subprocess::WaitForLine(
    const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  size_t scanned = 0;
  while (true) {
    size_t nl;
    while ((nl = output_.find('\n', scanned)) != std::string::npos) {
      std::string line = output_.substr(scanned, nl - scanned);
      scanned = nl + 1;
      if (pred(line)) return line;
    }
    if (eof_) return std::nullopt;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
  }
}

std::string Subprocess::Output() const {
  std::lock_guard<std::mutex> lock(mu_);
  return output_;
}

bool Subprocess::Running() { return !Wait(std::chrono::milliseconds(0)).has_value(); }

void Subprocess::Signal(int signal_number) {
  if (!exit_status_) kill(pid_, signal_number);
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    if (r < 0 && errno != EINTR) {
      exit_status_ = -1;
      return exit_status_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int Subprocess::Stop(std::chrono::milliseconds grace) {
  if (!exit_status_) {
    kill(-pid_, SIGTERM);  // the process group, so children of a shell die too
    kill(pid_, SIGTERM);
    if (!Wait(grace)) {
      kill(-pid_, SIGKILL);
      kill(pid_, SIGKILL);
      Wait(std::chrono::seconds(10));
    }
  }
  return exit_status_.value_or(-1);
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "slo-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) std::abort();  // cannot happen on a sane machine
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

namespace {

struct ParsedUrl {
  std::string host;
  std::string port;
  std::string target;
};

std::optional<ParsedUrl> ParseUrl(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  ParsedUrl p;
  p.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  p.host = colon == std::string::npos ? authority : authority.substr(0, colon);
  p.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  return p;
}

std::string DecodeChunked(const std::string& body) {
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos) break;
    size_t len = std::strtoul(body.substr(pos, eol - pos).c_str(), nullptr, 16);
    if (len == 0) break;
    out.append(body, eol + 2, len);
    pos = eol + 2 + len + 2;
  }
  return out;
}

}  // namespace

HttpResponse HttpRequest(const std::string& method, const std::string& url,
                         const std::string& body, const std::map<std::string, std::string>& headers,
                         std::chrono::milliseconds timeout) {
  HttpResponse resp;
  auto parsed = ParseUrl(url);
  if (!parsed) {
    resp.error = "unsupported URL: " + url;
    return resp;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(parsed->host.c_str(), parsed->port.c_str(), &hints, &res) != 0 || !res) {
    resp.error = "cannot resolve " + parsed->host;
    return resp;
  }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  int rc = fd < 0 ? -1 : connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0) {
    resp.error = ErrnoText("connect " + url);
    if (fd >= 0) close(fd);
    return resp;
  }
  std::ostringstream req;
  req << method << " " << parsed->target << " HTTP/1.1\r\nHost: " << parsed->host << ":"
      << parsed->port << "\r\nConnection: close\r\nContent-Length: " << body.size() << "\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req << k << ": " << v << "\r\n";
    if (strcasecmp(k.c_str(), "content-type") == 0) has_type = true;
  }
  if (!body.empty() && !has_type) req << "Content-Type: application/json\r\n";
  req << "\r\n" << body;
  std::string out = req.str();
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      resp.error = ErrnoText("send");
      close(fd);
      return resp;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  auto deadline = Clock::now() + timeout;
  char buf[8192];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      resp.error = "timeout";
      close(fd);
      return resp;
    }
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/", 0) != 0 || head_end == std::string::npos) {
    resp.error = raw.empty() ? "connection closed without a response" : "malformed response";
    return resp;
  }
  std::istringstream head(raw.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  resp.status = std::atoi(line.substr(line.find(' ') + 1).c_str());
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    resp.headers[name] = value;
  }
  resp.body = raw.substr(head_end + 4);
  auto te = resp.headers.find("transfer-encoding");
  if (te != resp.headers.end() && te->second.find("chunked") != std::string::npos) {
    resp.body = DecodeChunked(resp.body);
  }
  return resp;
}

bool PollUntil(const std::function<bool()>& probe, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    if (probe()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

std::string SourceDir() {
  const char* v = std::getenv("SLO_SOURCE_DIR");
  return v ? v : SLO_TEST_SOURCE_DIR;
}

std::string BinaryDir() {
  const char* v = std::getenv("SLO_BINARY_DIR");
  return v ? v : SLO_TEST_BINARY_DIR;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace slo::testing
