// controller/runtime/endpoints.h: the controller's own HTTP endpoints.
//
//   MetricsEndpoint  /metrics on --metrics-addr (prometheus-cpp's pull exposer)
//   HealthEndpoint   /healthz and /readyz on --health-addr (civetweb)
//
// Addresses are "HOST:PORT" or ":PORT" (all interfaces); port 0 lets the OS pick, and port()
// tells which. Start failures (address in use, bad address) are returned, never thrown.
//
// Example:
//   std::string err;
//   auto health = HealthEndpoint::Start("127.0.0.1:0", [&] { return Probe{true, "ok"}; },
//                                       [&] { return Probe{synced, "cache synced"}; }, &err);
//
// Thread-safety: the probe functions are called from civetweb's worker threads.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <prometheus/registry.h>

struct mg_context;
struct mg_connection;
namespace prometheus {
class Exposer;
}

namespace slo::controller {

struct Probe {
  bool ok = false;
  std::string message;
};

// "HOST:PORT" or ":PORT" to civetweb's listening_ports form ("HOST:PORT" or "PORT").
std::string CivetListenSpec(const std::string& addr);

class HealthEndpoint {
 public:
  static std::unique_ptr<HealthEndpoint> Start(const std::string& addr,
                                               std::function<Probe()> healthz,
                                               std::function<Probe()> readyz, std::string* error);
  ~HealthEndpoint();
  int port() const { return port_; }

 private:
  struct Route {
    HealthEndpoint* server;
    bool ready;  // /readyz (true) or /healthz (false)
  };
  HealthEndpoint() = default;
  static int Handle(::mg_connection* conn, void* cbdata);

  Route health_route_{this, false};
  Route ready_route_{this, true};
  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::function<Probe()> healthz_;
  std::function<Probe()> readyz_;
};

class MetricsEndpoint {
 public:
  static std::unique_ptr<MetricsEndpoint> Start(const std::string& addr,
                                                std::shared_ptr<prometheus::Registry> registry,
                                                std::string* error);
  ~MetricsEndpoint();
  int port() const { return port_; }

 private:
  MetricsEndpoint() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace slo::controller
