#include "controller/runtime/endpoints.h"

#include <civetweb.h>

#include <cstring>
#include <exception>
#include <prometheus/exposer.h>

namespace slo::controller {

std::string CivetListenSpec(const std::string& addr) {
  if (!addr.empty() && addr[0] == ':') return addr.substr(1);
  return addr;
}

int HealthEndpoint::Handle(::mg_connection* conn, void* cbdata) {
  auto* route = static_cast<Route*>(cbdata);
  Probe p;
  try {
    p = route->ready ? route->server->readyz_() : route->server->healthz_();
  } catch (const std::exception& e) {
    p = {false, e.what()};
  }
  std::string body = (p.ok ? "ok: " : "not ok: ") + p.message + "\n";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
            "Connection: close\r\n\r\n",
            p.ok ? 200 : 503, p.ok ? "OK" : "Service Unavailable", body.size());
  mg_write(conn, body.data(), body.size());
  return p.ok ? 200 : 503;
}

std::unique_ptr<HealthEndpoint> HealthEndpoint::Start(const std::string& addr,
                                                      std::function<Probe()> healthz,
                                                      std::function<Probe()> readyz,
                                                      std::string* error) {
  std::unique_ptr<HealthEndpoint> server(new HealthEndpoint());
  server->healthz_ = std::move(healthz);
  server->readyz_ = std::move(readyz);
  std::string ports = CivetListenSpec(addr);
  const char* options[] = {"listening_ports", ports.c_str(), "num_threads", "2", nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof callbacks);
  server->ctx_ = mg_start(&callbacks, nullptr, options);
  if (server->ctx_ == nullptr) {
    if (error) *error = "cannot listen on " + addr + " for /healthz and /readyz";
    return nullptr;
  }
  mg_set_request_handler(server->ctx_, "/healthz$", &HealthEndpoint::Handle,
                         &server->health_route_);
  mg_set_request_handler(server->ctx_, "/readyz$", &HealthEndpoint::Handle,
                         &server->ready_route_);
  mg_server_port port_info[4];
  int n = mg_get_server_ports(server->ctx_, 4, port_info);
  if (n > 0) server->port_ = port_info[0].port;
  return server;
}

HealthEndpoint::~HealthEndpoint() {
  if (ctx_ != nullptr) mg_stop(ctx_);
}

std::unique_ptr<MetricsEndpoint> MetricsEndpoint::Start(
    const std::string& addr, std::shared_ptr<prometheus::Registry> registry, std::string* error) {
  std::unique_ptr<MetricsEndpoint> server(new MetricsEndpoint());
  try {
    server->exposer_ = std::make_unique<prometheus::Exposer>(CivetListenSpec(addr), 2);
  } catch (const std::exception& e) {
    if (error) *error = "cannot listen on " + addr + " for /metrics: " + e.what();
    return nullptr;
  }
  server->exposer_->RegisterCollectable(registry);
  auto ports = server->exposer_->GetListeningPorts();
  if (!ports.empty()) server->port_ = ports[0];
  return server;
}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace slo::controller
