// What the controller and the simulator write (DecisionLine) is what `audit` reads.
#include <gtest/gtest.h>

#include "controller/audit/audit_time.h"
#include "controller/audit/record.h"
#include "controller/audit/why.h"
#include "controller/record/decision_json.h"

namespace slo::controller::audit {
namespace {

policies::Decision SampleDecision() {
  policies::Decision d;
  d.inputs.arrival_rate_rps = 12.4;
  d.inputs.queue_depth = 3;
  d.inputs.service_time_s = 1.1;
  d.inputs.sample_age_s = 6.0;
  d.inputs.ready_replicas = 4;
  // in_flight and latency_s missing: must come back as missing, not 0.
  policies::ModelResult erlang;
  erlang.name = "erlangC";
  erlang.replicas = 6;
  erlang.detail = {{"servers", 96}, {"offeredLoadErlangs", 13.64}};
  erlang.note = "Erlang-C needs 96 slots (6 replicas) for p99 TTFT <= 2 s at 13.6 Erlangs";
  policies::ModelResult mgc;
  mgc.name = "mgc";
  mgc.missing_inputs = {"serviceTimeScv"};
  d.models = {erlang, mgc};
  d.binding_model = "erlangC";
  d.current_replicas = 4;
  d.recommended_replicas = 7;
  d.desired_replicas = 6;
  d.limits = {policies::Limit::kMaxReplicas};
  d.reason = policies::Reason::kAtMaxReplicas;
  d.message = "erlangC asks for 7 replicas; clamped to maxReplicas 6";
  d.overload = policies::Overload{1, 0.12};
  return d;
}

DecisionContext SampleContext() {
  DecisionContext ctx;
  ctx.ts = FormatRfc3339Millis(1795429925.123);
  ctx.autoscaler_namespace = "serving";
  ctx.autoscaler_name = "chat";
  ctx.target_api_version = "apps/v1";
  ctx.target_kind = "Deployment";
  ctx.target_name = "vllm-chat";
  ctx.actuated = true;
  ctx.controller_version = "0.1.0";
  ctx.controller_commit = "abc1234";
  ctx.controller_instance = "ctl-0";
  return ctx;
}

TEST(DecisionLineRoundTrip, AuditReadsWhatTheWriterWrites) {
  const std::string line = DecisionLine(SampleDecision(), SampleContext());
  StringTable strings;
  ParseOutcome out = ParseRecord(line, strings);
  ASSERT_EQ(out.status, ParseStatus::kDecision) << out.error << "\n" << line;
  const AuditRecord& r = out.record;
  EXPECT_EQ(FormatRfc3339Ms(r.ts_ms), "2026-11-23T10:32:05.123Z");
  EXPECT_EQ(strings.Get(r.target), "serving/chat");
  EXPECT_EQ(r.current_replicas, 4);
  EXPECT_EQ(r.recommended_replicas, 7);
  EXPECT_EQ(r.desired_replicas, 6);
  EXPECT_EQ(strings.Get(r.reason), "AtMaxReplicas");
  EXPECT_EQ(strings.Get(r.binding_model), "erlangC");
  EXPECT_EQ(strings.Get(r.instance), "ctl-0");
  EXPECT_EQ(strings.Get(r.commit), "abc1234");
  EXPECT_TRUE(r.actuated);
  EXPECT_TRUE(r.at_max);
  EXPECT_DOUBLE_EQ(r.arrival_rate_rps, 12.4);
  EXPECT_FALSE(Has(r.in_flight));
  EXPECT_FALSE(Has(r.latency_s));

  const DecisionDetail d = ParseDetail(line);
  ASSERT_EQ(d.models.size(), 2u);
  EXPECT_EQ(d.models[0].note, SampleDecision().models[0].note);
  EXPECT_FALSE(d.models[1].replicas.has_value());
  EXPECT_EQ(d.models[1].missing_inputs, std::vector<std::string>{"serviceTimeScv"});
  EXPECT_EQ(d.limits, std::vector<std::string>{"maxReplicas"});
  EXPECT_EQ(d.overload_shortfall, 1);
  EXPECT_EQ(d.latency_threshold_s, 2.0);
  EXPECT_EQ(d.ready_replicas, 4);
  EXPECT_EQ(d.target_name, "vllm-chat");
}

}  // namespace
}  // namespace slo::controller::audit
