#include "controller/prom/observer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "tests/controller/prom/fake_querier.h"

namespace slo::controller::prom {
namespace {

constexpr double kNow = 1'000'000.0;
constexpr double kInf = std::numeric_limits<double>::infinity();

// What a fleet serving one model reports.
struct Fleet {
  std::map<std::string, std::string> labels;  // the series' labels
  double completion = 8.0;
  double growth = 2.0;
  double queue = 3.0;
  double running = 12.0;
  double service = 1.5;
  double prefill = 0.2;
  double latency = 0.9;
  double oldest_ts = kNow - 5;
  std::vector<std::pair<std::string, double>> buckets = {{"1", 5}, {"3", 10}, {"+Inf", 10}};
};

// Answers vLLM preset queries for every fleet (ignoring the matchers: the observer must split
// the result by labels itself, and must drop series of other autoscalers).
QueryResult Answer(const std::vector<Fleet>& fleets, const std::string& q) {
  std::vector<Sample> out;
  auto add = [&](const Fleet& f, double v, std::map<std::string, std::string> extra = {}) {
    Sample s{f.labels, kNow, v};
    for (auto& [k, val] : extra) s.labels[k] = val;
    out.push_back(s);
  };
  for (const auto& f : fleets) {
    if (q.find("timestamp(") != std::string::npos)
      add(f, f.oldest_ts);
    else if (q.find("deriv(") != std::string::npos)
      add(f, f.growth);
    else if (q.find("histogram_quantile") != std::string::npos)
      add(f, f.latency);
    else if (q.find("_bucket") != std::string::npos) {
      for (auto& [le, v] : f.buckets) add(f, v, {{"le", le}});
    } else if (q.find("request_success_total") != std::string::npos)
      add(f, f.completion);
    else if (q.find("inference_time_seconds_sum") != std::string::npos)
      add(f, f.service);
    else if (q.find("prefill_time_seconds_sum") != std::string::npos)
      add(f, f.prefill);
    else if (q.find("num_requests_waiting{") != std::string::npos)
      add(f, f.queue);
    else if (q.find("num_requests_running{") != std::string::npos)
      add(f, f.running);
  }
  return VectorResult(out);
}

ObserveRequest Req(std::string key, std::string ns, std::map<std::string, std::string> sel,
                   std::string url = "") {
  ObserveRequest r;
  r.key = std::move(key);
  r.namespace_ = std::move(ns);
  r.name = r.key;
  r.metrics.label_selector = std::move(sel);
  if (!url.empty()) r.metrics.prometheus_url = url;
  return r;
}

const std::string kUrl = "http://prom:9090";

TEST(MetricsObserver, OneQueryPerTemplateForManyAutoscalers) {
  std::vector<Fleet> fleets;
  std::vector<ObserveRequest> reqs;
  for (int i = 0; i < 20; ++i) {
    std::string model = "model-" + std::to_string(i);
    Fleet f;
    f.labels = {{"model_name", model}};
    f.queue = i;
    fleets.push_back(f);
    reqs.push_back(Req("serving/" + model, "serving", {{"model_name", model}}));
  }
  FakePrometheusQuerier fake(
      [&](const std::string&, const std::string& q) { return Answer(fleets, q); });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  auto results = obs.ObservePass(reqs, kNow);
  // 9 vLLM templates (ttft latency), one group: 9 queries for 20 autoscalers.
  EXPECT_EQ(obs.queries_last_pass(), 9);
  EXPECT_EQ(fake.calls.size(), 9u);
  for (const auto& c : fake.calls) {
    EXPECT_EQ(c.url, kUrl);
    EXPECT_DOUBLE_EQ(c.eval_time_s, kNow);
    EXPECT_NE(c.promql.find(R"(model_name=~"model-0|model-1|model-10|)"), std::string::npos)
        << c.promql;
  }
  ASSERT_EQ(results.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    const auto& r = results.at("serving/model-" + std::to_string(i));
    EXPECT_TRUE(r.prometheus_error.empty());
    ASSERT_TRUE(r.observation.queue_depth.has_value());
    EXPECT_DOUBLE_EQ(*r.observation.queue_depth, i) << "split by model_name";
    EXPECT_DOUBLE_EQ(*r.observation.in_flight, 12.0);
    EXPECT_DOUBLE_EQ(*r.observation.arrival_rate_rps, 10.0);  // 8 completions + 2 growth
    EXPECT_DOUBLE_EQ(*r.observation.service_time_s, 1.5);
    EXPECT_DOUBLE_EQ(*r.observation.prefill_time_s, 0.2);
    EXPECT_DOUBLE_EQ(*r.observation.latency_s, 0.9);
    EXPECT_NEAR(*r.observation.service_time_scv, (7.0 / 3.0) / 1.5625 - 1.0, 1e-9);
    EXPECT_DOUBLE_EQ(*r.observation.sample_age_s, 5.0);
    EXPECT_EQ(r.inputs.at("queueDepth").status, InputStatus::kOk);
  }
  EXPECT_EQ(obs.queries_total(), 9);
}

TEST(MetricsObserver, GroupsByUrlLabelSetAndQuantile) {
  std::vector<ObserveRequest> reqs = {
      Req("a", "ns", {{"model_name", "a"}}),
      Req("b", "ns", {{"model_name", "b"}}),
      Req("c", "ns", {{"model_name", "c"}}, "http://other:9090"),  // other URL
      Req("d", "ns", {{"app", "d"}}),                              // other label set
      Req("e", "ns", {{"model_name", "e"}}),
  };
  reqs[4].latency_percentile = 95;  // other quantile: only the latency query differs
  FakePrometheusQuerier fake(
      [](const std::string&, const std::string&) { return VectorResult({}); });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  obs.ObservePass(reqs, kNow);
  // {a,b,e} share 8 templates + 2 latency quantiles; c: 9; d: 9.
  EXPECT_EQ(obs.queries_last_pass(), 10 + 9 + 9);
  std::set<std::string> urls;
  for (const auto& c : fake.calls) urls.insert(c.url);
  EXPECT_EQ(urls, (std::set<std::string>{kUrl, "http://other:9090"}));
}

TEST(MetricsObserver, EmptyResultIsMissingNeverZero) {
  FakePrometheusQuerier fake(
      [](const std::string&, const std::string&) { return VectorResult({}); });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  auto r = obs.ObservePass({Req("a", "ns", {{"model_name", "a"}})}, kNow).at("a");
  EXPECT_TRUE(r.prometheus_error.empty());
  EXPECT_FALSE(r.observation.arrival_rate_rps.has_value());
  EXPECT_FALSE(r.observation.queue_depth.has_value());
  EXPECT_FALSE(r.observation.in_flight.has_value());
  EXPECT_FALSE(r.observation.service_time_s.has_value());
  EXPECT_FALSE(r.observation.latency_s.has_value());
  EXPECT_FALSE(r.observation.sample_age_s.has_value());
  EXPECT_EQ(r.inputs.at("queueDepth").status, InputStatus::kMissing);
  EXPECT_EQ(r.inputs.at("queueDepth").error, "empty result");
}

TEST(MetricsObserver, NonFiniteValuesAreMissing) {
  Fleet f;
  f.labels = {{"model_name", "a"}};
  f.latency = std::numeric_limits<double>::quiet_NaN();  // histogram_quantile with no traffic
  f.service = kInf;
  FakePrometheusQuerier fake(
      [&](const std::string&, const std::string& q) { return Answer({f}, q); });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  auto r = obs.ObservePass({Req("a", "ns", {{"model_name", "a"}})}, kNow).at("a");
  EXPECT_FALSE(r.observation.latency_s.has_value());
  EXPECT_FALSE(r.observation.service_time_s.has_value());
  EXPECT_EQ(r.inputs.at("latency").status, InputStatus::kMissing);
  EXPECT_TRUE(r.observation.queue_depth.has_value());
}

TEST(MetricsObserver, OldSamplesAreStale) {
  Fleet f;
  f.labels = {{"model_name", "a"}};
  f.oldest_ts = kNow - 120;  // Prometheus' 5-minute lookback still returns it
  FakePrometheusQuerier fake(
      [&](const std::string&, const std::string& q) { return Answer({f}, q); });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  auto req = Req("a", "ns", {{"model_name", "a"}});
  req.max_sample_age_s = 60;
  auto r = obs.ObservePass({req}, kNow).at("a");
  ASSERT_TRUE(r.observation.sample_age_s.has_value());
  EXPECT_DOUBLE_EQ(*r.observation.sample_age_s, 120.0);
  EXPECT_FALSE(r.observation.queue_depth.has_value()) << "stale counts as missing";
  EXPECT_FALSE(r.observation.arrival_rate_rps.has_value());
  EXPECT_EQ(r.inputs.at("queueDepth").status, InputStatus::kStale);
  ASSERT_TRUE(r.inputs.at("queueDepth").value.has_value()) << "the value stays in diagnostics";
  EXPECT_DOUBLE_EQ(*r.inputs.at("queueDepth").value, 3.0);

  req.max_sample_age_s = 300;  // same data, looser limit: fresh
  auto fresh = obs.ObservePass({req}, kNow).at("a");
  EXPECT_EQ(fresh.inputs.at("queueDepth").status, InputStatus::kOk);
  EXPECT_TRUE(fresh.observation.queue_depth.has_value());
}

TEST(MetricsObserver, PrometheusErrorIsReported) {
  FakePrometheusQuerier fake([](const std::string&, const std::string&) {
    QueryResult r;
    r.error_type = "timeout";
    r.error = "query timed out";
    return r;
  });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  auto r = obs.ObservePass({Req("a", "ns", {})}, kNow).at("a");
  EXPECT_NE(r.prometheus_error.find("timeout: query timed out"), std::string::npos)
      << r.prometheus_error;
  EXPECT_EQ(r.inputs.at("queueDepth").status, InputStatus::kError);
  EXPECT_EQ(r.inputs.at("arrivalRate").status, InputStatus::kError);
  EXPECT_FALSE(r.observation.queue_depth.has_value());
}

TEST(MetricsObserver, NoUrlIsAnError) {
  FakePrometheusQuerier fake(
      [](const std::string&, const std::string&) { return VectorResult({}); });
  MetricsObserver obs(&fake, {});
  auto r = obs.ObservePass({Req("a", "ns", {})}, kNow).at("a");
  EXPECT_NE(r.prometheus_error.find("no Prometheus URL"), std::string::npos);
  EXPECT_TRUE(fake.calls.empty());
}

TEST(MetricsObserver, NamespaceIsolationSplitsByNamespace) {
  Fleet mine;
  mine.labels = {{"model_name", "m"}, {"namespace", "team-a"}};
  mine.queue = 1;
  Fleet theirs;
  theirs.labels = {{"model_name", "m"}, {"namespace", "team-b"}};
  theirs.queue = 50;
  FakePrometheusQuerier fake([&](const std::string&, const std::string& q) {
    return Answer({mine, theirs}, q);
  });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl, .namespace_isolation = true});
  // team-a's CR even names team-b in its selector: isolation overrides it.
  auto results =
      obs.ObservePass({Req("a", "team-a", {{"model_name", "m"}, {"namespace", "team-b"}}),
                       Req("b", "team-b", {{"model_name", "m"}})},
                      kNow);
  EXPECT_EQ(obs.queries_last_pass(), 9);  // same label set {model_name, namespace}: one group
  EXPECT_DOUBLE_EQ(*results.at("a").observation.queue_depth, 1);
  EXPECT_DOUBLE_EQ(*results.at("b").observation.queue_depth, 50);
  EXPECT_EQ(
      results.at("a").inputs.at("queueDepth").query,
      R"(sum by (model_name,namespace) (vllm:num_requests_waiting{model_name="m",namespace="team-a"}))")
      << "diagnostics must not show other namespaces";
  for (const auto& c : fake.calls) {
    EXPECT_NE(c.promql.find(R"(namespace=~"team-a|team-b")"), std::string::npos) << c.promql;
    EXPECT_NE(c.promql.find("by (model_name,namespace"), std::string::npos) << c.promql;
  }
}

TEST(MetricsObserver, CustomQueriesRunPerAutoscalerWithInjectedMatchers) {
  FakePrometheusQuerier fake([](const std::string&, const std::string& q) {
    if (q.find("two_series") != std::string::npos) {
      return VectorResult({{{{"a", "1"}}, kNow, 1}, {{{"a", "2"}}, kNow, 2}});
    }
    return VectorResult({{{}, kNow, 4.0}});
  });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl, .namespace_isolation = true});
  std::vector<ObserveRequest> reqs;
  for (const char* name : {"x", "y"}) {
    ObserveRequest r = Req(name, "team-a", {{"app", name}});
    r.metrics.preset = MetricsPreset::kCustom;
    r.metrics.queries = {{"arrivalRate", "sum(rate(my_requests_total[1m]))"},
                         {"queueDepth", R"(sum(my_queue{namespace="team-b"}) or sum(two_series))"},
                         {"inFlight", R"(sum(x{a="unterminated}))"}};
    reqs.push_back(r);
  }
  auto results = obs.ObservePass(reqs, kNow);
  EXPECT_EQ(obs.queries_last_pass(), 4);  // 2 valid custom queries x 2 autoscalers
  const auto& x = results.at("x");
  EXPECT_EQ(x.inputs.at("arrivalRate").query,
            R"(sum(rate(my_requests_total{app="x",namespace="team-a"}[1m])))");
  EXPECT_DOUBLE_EQ(*x.observation.arrival_rate_rps, 4.0);
  EXPECT_EQ(
      x.inputs.at("queueDepth").query,
      R"(sum(my_queue{namespace="team-b",app="x",namespace="team-a"}) or sum(two_series{app="x",namespace="team-a"}))");
  EXPECT_EQ(x.inputs.at("queueDepth").status, InputStatus::kError);
  EXPECT_NE(x.inputs.at("queueDepth").error.find("returned 2 series"), std::string::npos);
  EXPECT_EQ(x.inputs.at("inFlight").status, InputStatus::kError);
  EXPECT_NE(x.inputs.at("inFlight").error.find("unterminated string"), std::string::npos);
  EXPECT_FALSE(x.observation.in_flight.has_value());
  EXPECT_EQ(results.at("y").inputs.at("arrivalRate").query,
            R"(sum(rate(my_requests_total{app="y",namespace="team-a"}[1m])))");
}

TEST(MetricsObserver, CustomQueryOverridesOnePresetInput) {
  Fleet f;
  f.labels = {{"model_name", "a"}};
  FakePrometheusQuerier fake([&](const std::string&, const std::string& q) {
    if (q.find("gateway_requests_total") != std::string::npos)
      return VectorResult({{{}, kNow, 42.0}});
    return Answer({f}, q);
  });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  auto req = Req("a", "ns", {{"model_name", "a"}});
  req.metrics.queries = {{"arrivalRate", "sum(rate(gateway_requests_total[1m]))"}};
  auto r = obs.ObservePass({req}, kNow).at("a");
  EXPECT_EQ(obs.queries_last_pass(), 7 + 1);  // completion and growth templates replaced
  EXPECT_DOUBLE_EQ(*r.observation.arrival_rate_rps, 42.0);
  EXPECT_DOUBLE_EQ(*r.observation.queue_depth, 3.0);
  EXPECT_EQ(r.inputs.count("completionRate"), 0u);
}

TEST(MetricsObserver, InvalidLabelSelectorIsRefused) {
  FakePrometheusQuerier fake(
      [](const std::string&, const std::string&) { return VectorResult({}); });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  auto r = obs.ObservePass({Req("a", "ns", {{"bad\"}", "v"}})}, kNow).at("a");
  EXPECT_NE(r.prometheus_error.find("invalid label name"), std::string::npos);
  EXPECT_TRUE(fake.calls.empty());
}

TEST(MetricsObserver, LabelValuesAreEscapedInBatchedQueries) {
  FakePrometheusQuerier fake(
      [](const std::string&, const std::string&) { return VectorResult({}); });
  MetricsObserver obs(&fake, {.default_prometheus_url = kUrl});
  obs.ObservePass(
      {Req("a", "ns", {{"model_name", "a.b\"c"}}), Req("b", "ns", {{"model_name", "x|y"}})}, kNow);
  ASSERT_FALSE(fake.calls.empty());
  EXPECT_NE(fake.calls[0].promql.find(R"(model_name=~"a\\.b\"c|x\\|y")"), std::string::npos)
      << fake.calls[0].promql;
}

}  // namespace
}  // namespace slo::controller::prom
