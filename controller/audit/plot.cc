#include "controller/audit/plot.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "controller/audit/audit_time.h"
#include "controller/audit/format.h"

namespace slo::controller::audit {
namespace {

constexpr double kWidth = 960;
constexpr double kLeft = 70;
constexpr double kRight = 70;
constexpr double kChartH = 140;
constexpr double kGap = 36;
constexpr double kTitleH = 28;
constexpr double kPanelH = kTitleH + kChartH + kGap + kChartH + 40;

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A "nice" axis maximum >= v.
double NiceMax(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

struct Series {
  std::vector<std::pair<double, double>> points;  // (x px, value); NaN value = break
};

// Path of a series; step = hold each value until the next point.
std::string PathData(const Series& s, double y0, double h, double vmax, bool step) {
  std::string d;
  bool pen = false;
  for (const auto& [x, v] : s.points) {
    if (std::isnan(v)) {
      pen = false;
      continue;
    }
    const double y = y0 + h - std::min(v, vmax) / vmax * h;
    if (!pen) {
      d += fmt::format("M{:.1f},{:.1f}", x, y);
      pen = true;
    } else if (step) {
      d += fmt::format("H{:.1f}V{:.1f}", x, y);
    } else {
      d += fmt::format("L{:.1f},{:.1f}", x, y);
    }
  }
  return d;
}

// Keeps at most one point per half pixel: the last one, which is what a step line shows.
void Thin(Series& s) {
  std::vector<std::pair<double, double>> out;
  for (const auto& p : s.points) {
    if (!out.empty() && p.first - out.back().first < 0.5 &&
        std::isnan(p.second) == std::isnan(out.back().second)) {
      out.back().second = std::isnan(p.second) ? p.second : std::max(out.back().second, p.second);
      continue;
    }
    out.push_back(p);
  }
  s.points = std::move(out);
}

void Axis(std::string& svg, double y0, double vmax, const char* label, bool right,
          const char* color) {
  const double x = right ? kWidth - kRight : kLeft;
  for (int i = 0; i <= 4; ++i) {
    const double v = vmax * i / 4;
    const double y = y0 + kChartH - kChartH * i / 4;
    if (!right) {
      svg += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#eee"/>)", kLeft,
                         y, kWidth - kRight, y);
    }
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="10" text-anchor="{}" fill="{}">{}</text>)",
                       right ? x + 4 : x - 4, y + 3, right ? "start" : "end", color,
                       FormatNumber(v));
  }
  svg += fmt::format(
      R"svg(<text x="{:.1f}" y="{:.1f}" font-size="11" fill="{}" text-anchor="middle" transform="rotate(-90 {:.1f} {:.1f})">{}</text>)svg",
      right ? x + 48 : x - 50, y0 + kChartH / 2, color, right ? x + 48 : x - 50, y0 + kChartH / 2,
      label);
  svg += "\n";
}

}  // namespace

std::string PlotSvg(const LogData& data, const std::vector<IntegrityEvent>& events) {
  std::map<std::string, uint32_t> targets;  // sorted by name
  for (const auto& r : data.records) targets.emplace(data.strings.Get(r.target), r.target);
  const double height = 40 + std::max<size_t>(targets.size(), 1) * kPanelH;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="sans-serif">)"
      "\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      kWidth, height, kWidth, height);
  if (data.records.empty()) {
    return svg + R"(<text x="20" y="30">no decisions matched</text></svg>)" + "\n";
  }
  const int64_t t0 = data.records.front().ts_ms;
  const int64_t t1 = std::max(data.records.back().ts_ms, t0 + 1000);
  const double plot_w = kWidth - kLeft - kRight;
  auto x_of = [&](int64_t t) {
    return kLeft + plot_w * static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
  };
  svg += fmt::format(
      R"(<text x="{}" y="22" font-size="14">Scaling decisions {} to {} ({} decisions)</text>)"
      "\n",
      kLeft, FormatRfc3339Ms(t0), FormatRfc3339Ms(t1), data.records.size());
  double panel_y = 40;
  for (const auto& [name, id] : targets) {
    Series current, desired, rate, queue;
    int32_t max_replicas = 1;
    double max_rate = 0, max_queue = 0;
    for (const auto& r : data.records) {
      if (r.target != id) continue;
      const double x = x_of(r.ts_ms);
      current.points.emplace_back(x, r.current_replicas < 0 ? NAN : r.current_replicas);
      desired.points.emplace_back(x, r.desired_replicas < 0 ? NAN : r.desired_replicas);
      rate.points.emplace_back(x, r.arrival_rate_rps);
      queue.points.emplace_back(x, r.queue_depth);
      max_replicas = std::max({max_replicas, r.current_replicas, r.desired_replicas});
      if (Has(r.arrival_rate_rps)) max_rate = std::max(max_rate, r.arrival_rate_rps);
      if (Has(r.queue_depth)) max_queue = std::max(max_queue, r.queue_depth);
    }
    // Hold the last value to the end of the window.
    for (Series* s : {&current, &desired}) {
      if (!s->points.empty()) s->points.emplace_back(x_of(t1), s->points.back().second);
    }
    for (Series* s : {&current, &desired, &rate, &queue}) Thin(*s);
    const double rep_max = NiceMax(max_replicas);
    const double rate_max = NiceMax(max_rate);
    const double queue_max = NiceMax(max_queue);
    const double y_rep = panel_y + kTitleH;
    const double y_in = y_rep + kChartH + kGap;
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" font-size="13" font-weight="bold">{}</text>)"
                       "\n",
                       kLeft, panel_y + 18, Escape(name));
    Axis(svg, y_rep, rep_max, "replicas", false, "#333");
    Axis(svg, y_in, rate_max, "arrival req/s", false, "#1f77b4");
    Axis(svg, y_in, queue_max, "queue depth", true, "#ff7f0e");
    for (double y0 : {y_rep, y_in}) {
      svg += fmt::format(
          R"(<rect x="{}" y="{:.1f}" width="{}" height="{}" fill="none" stroke="#999"/>)" "\n",
          kLeft, y0, plot_w, kChartH);
      for (int i = 0; i <= 4; ++i) {
        const int64_t t = t0 + (t1 - t0) * i / 4;
        svg += fmt::format(
            R"(<text x="{:.1f}" y="{:.1f}" font-size="10" text-anchor="middle">{}</text>)", x_of(t),
            y0 + kChartH + 13, FormatClock(t));
      }
      svg += "\n";
    }
    svg += fmt::format(
        R"(<path d="{}" fill="none" stroke="#2ca02c" stroke-width="1.5"><title>current replicas</title></path>)"
        "\n",
        PathData(current, y_rep, kChartH, rep_max, true));
    svg += fmt::format(
        R"(<path d="{}" fill="none" stroke="#d62728" stroke-width="1.2" stroke-dasharray="5,3"><title>desired replicas</title></path>)"
        "\n",
        PathData(desired, y_rep, kChartH, rep_max, true));
    svg += fmt::format(
        R"(<path d="{}" fill="none" stroke="#1f77b4" stroke-width="1.2"><title>arrival rate (req/s)</title></path>)"
        "\n",
        PathData(rate, y_in, kChartH, rate_max, false));
    svg += fmt::format(
        R"(<path d="{}" fill="none" stroke="#ff7f0e" stroke-width="1.2"><title>queue depth</title></path>)"
        "\n",
        PathData(queue, y_in, kChartH, queue_max, false));
    // Legend.
    svg += fmt::format(
        R"(<g font-size="10"><line x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}" stroke="#2ca02c" stroke-width="2"/><text x="{3}" y="{4:.1f}">current</text>)"
        R"(<line x1="{5}" y1="{1:.1f}" x2="{6}" y2="{1:.1f}" stroke="#d62728" stroke-dasharray="5,3"/><text x="{7}" y="{4:.1f}">desired</text></g>)"
        "\n",
        kWidth - kRight - 190, panel_y + 14, kWidth - kRight - 170, kWidth - kRight - 166,
        panel_y + 17, kWidth - kRight - 110, kWidth - kRight - 90, kWidth - kRight - 86);
    size_t markers = 0;
    for (const auto& e : events) {
      if (++markers > 500) break;  // keep the file small on very noisy logs
      const bool mine = e.target == id;
      const bool controller = e.target == 0;
      if (!mine && !controller) continue;
      const double x = x_of(e.ts_ms);
      svg += fmt::format(
          R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="1"><title>{4}</title></line>)"
          "\n",
          x, y_rep, y_rep + kChartH, controller ? "#888" : "#e00",
          Escape(std::string(IntegrityKindName(e.kind)) + ": " + e.message));
    }
    panel_y += kPanelH;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace slo::controller::audit
