#include "sim/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "sim/observer.h"

namespace slo::sim {
namespace {

constexpr double kWidth = 1000, kLeft = 70, kRight = 150, kPanelH = 200, kGap = 50, kTop = 40;

struct Series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;  // (t_s, value)
};

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

double NiceMax(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

void Panel(std::ostringstream& os, double y0, const std::string& title, const std::string& unit,
           const std::vector<Series>& series, double t_end, std::optional<double> hline,
           const std::string& hline_name, double cap = 0) {
  double ymax = hline.value_or(0);
  for (const auto& s : series)
    for (const auto& p : s.points) ymax = std::max(ymax, p.second);
  if (cap > 0) ymax = std::min(ymax, cap);  // values above are drawn at the top edge
  ymax = NiceMax(ymax * 1.05);
  const double w = kWidth - kLeft - kRight;
  auto X = [&](double t) { return kLeft + (t_end > 0 ? t / t_end : 0) * w; };
  auto Y = [&](double v) { return y0 + kPanelH - std::clamp(v / ymax, 0.0, 1.0) * kPanelH; };
  os << "<text x=\"" << kLeft << "\" y=\"" << Fmt(y0 - 8) << "\" class=\"t\">" << Escape(title)
     << "</text>\n";
  os << "<rect x=\"" << kLeft << "\" y=\"" << Fmt(y0) << "\" width=\"" << Fmt(w)
     << "\" height=\"" << kPanelH << "\" fill=\"#fafafa\" stroke=\"#999\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = ymax * i / 4;
    os << "<line x1=\"" << kLeft << "\" x2=\"" << Fmt(kLeft + w) << "\" y1=\"" << Fmt(Y(v))
       << "\" y2=\"" << Fmt(Y(v)) << "\" stroke=\"#e4e4e4\"/>";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v);
    os << "<text x=\"" << kLeft - 6 << "\" y=\"" << Fmt(Y(v) + 4)
       << "\" text-anchor=\"end\" class=\"a\">" << buf << "</text>\n";
  }
  os << "<text x=\"" << 14 << "\" y=\"" << Fmt(y0 + kPanelH / 2) << "\" class=\"a\" transform=\"rotate(-90 14 "
     << Fmt(y0 + kPanelH / 2) << ")\" text-anchor=\"middle\">" << Escape(unit) << "</text>\n";
  const double step_min = std::max(1.0, std::ceil(NiceMax(t_end / 60.0 / 8)));
  for (double m = 0; m * 60 <= t_end; m += step_min) {
    os << "<text x=\"" << Fmt(X(m * 60)) << "\" y=\"" << Fmt(y0 + kPanelH + 14)
       << "\" text-anchor=\"middle\" class=\"a\">" << static_cast<long long>(m) << " min</text>\n";
  }
  double ly = y0 + 12;
  for (const auto& s : series) {
    if (s.points.empty()) continue;
    os << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"1.3\" points=\"";
    for (const auto& p : s.points) os << Fmt(X(p.first)) << "," << Fmt(Y(p.second)) << " ";
    os << "\"/>\n";
    os << "<rect x=\"" << Fmt(kLeft + w + 10) << "\" y=\"" << Fmt(ly - 8) << "\" width=\"12\" height=\"4\" fill=\""
       << s.color << "\"/><text x=\"" << Fmt(kLeft + w + 26) << "\" y=\"" << Fmt(ly - 3)
       << "\" class=\"a\">" << Escape(s.name) << "</text>\n";
    ly += 16;
  }
  if (hline) {
    os << "<line x1=\"" << kLeft << "\" x2=\"" << Fmt(kLeft + w) << "\" y1=\"" << Fmt(Y(*hline))
       << "\" y2=\"" << Fmt(Y(*hline)) << "\" stroke=\"#d62728\" stroke-dasharray=\"6,4\"/>\n";
    os << "<text x=\"" << Fmt(kLeft + w + 10) << "\" y=\"" << Fmt(ly) << "\" class=\"a\" fill=\"#d62728\">"
       << Escape(hline_name) << "</text>\n";
  }
}

}  // namespace

std::string RenderSvg(const SimResult& result, const policies::SloSpec& slo,
                      const std::string& title) {
  const auto& tl = result.timeline;
  const double t_end = tl.empty() ? 1 : static_cast<double>(tl.size());
  // Averages over buckets so a long run stays ~600 points per series.
  const size_t bucket = std::max<size_t>(1, tl.size() / 600);
  Series arrivals{"arrivals/s", "#1f77b4", {}}, in_system{"queued+running", "#ff7f0e", {}};
  Series ready{"ready", "#2ca02c", {}}, desired{"desired", "#9467bd", {}},
      starting{"starting", "#8c564b", {}};
  for (size_t i = 0; i < tl.size(); i += bucket) {
    double a = 0, q = 0, r = 0, d = 0, s = 0;
    const size_t end = std::min(tl.size(), i + bucket);
    for (size_t j = i; j < end; ++j) {
      a += tl[j].arrivals;
      q += tl[j].queue_depth + tl[j].in_flight;
      r += tl[j].ready;
      d += tl[j].desired;
      s += tl[j].starting;
    }
    const double k = static_cast<double>(end - i);
    const double t = static_cast<double>(i);
    arrivals.points.emplace_back(t, a / k);
    in_system.points.emplace_back(t, q / k);
    ready.points.emplace_back(t, r / k);
    desired.points.emplace_back(t, d / k);
    starting.points.emplace_back(t, s / k);
  }
  std::map<int64_t, std::vector<double>> per_minute;
  for (const auto& rec : result.requests) {
    if (rec.finish_s < 0) continue;
    per_minute[static_cast<int64_t>(std::floor(rec.arrival_s / 60))].push_back(
        SloLatency(slo.latency_metric, rec));
  }
  char pname[48];
  std::snprintf(pname, sizeof(pname), "p%g latency", slo.latency_percentile);
  Series p99{pname, "#17becf", {}};
  for (auto& [minute, v] : per_minute) {
    p99.points.emplace_back(static_cast<double>(minute) * 60 + 30, Percentile(v, slo.latency_percentile));
  }
  std::ostringstream os;
  const double height = kTop + 3 * (kPanelH + kGap) + 10;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\""
     << Fmt(height) << "\" viewBox=\"0 0 " << kWidth << " " << Fmt(height)
     << "\" font-family=\"sans-serif\">\n<style>.t{font-size:14px;font-weight:bold}"
        ".a{font-size:11px}</style>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  const auto& s = result.summary;
  char head[256];
  std::snprintf(head, sizeof(head),
                " | attainment %.2f%% | p99 %.2f s | %.2f GPU-hours | %lld scale events",
                100 * s.slo_attainment, s.latency_p99_s, s.gpu_seconds / 3600,
                static_cast<long long>(s.scale_events));
  os << "<text x=\"" << kLeft << "\" y=\"20\" class=\"t\">" << Escape(title + head) << "</text>\n";
  double y = kTop + 20;
  Panel(os, y, "Load", "requests", {arrivals, in_system}, t_end, std::nullopt, "");
  y += kPanelH + kGap;
  Panel(os, y, "Replicas", "replicas", {ready, desired, starting}, t_end, std::nullopt, "");
  y += kPanelH + kGap;
  char slo_name[64];
  std::snprintf(slo_name, sizeof(slo_name), "SLO %.2f s", slo.latency_threshold_s);
  Panel(os, y, "Latency (per minute of arrival)", "seconds", {p99}, t_end,
        slo.latency_threshold_s, slo_name, 5 * slo.latency_threshold_s);
  os << "</svg>\n";
  return os.str();
}

}  // namespace slo::sim
