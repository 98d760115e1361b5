#include "controller/k8s/api_error.h"

#include <gtest/gtest.h>

namespace slo::controller::k8s {
namespace {

TEST(K8sResourcePathTest, ParsesCoreGroupAndNamespacedPaths) {
  struct Case {
    std::string path;
    ResourcePath want;
  };
  const std::vector<Case> cases = {
      {"/api/v1/pods", {"", "v1", "", "pods", "", ""}},
      {"/api/v1/namespaces/serving/pods/p1?x=1", {"", "v1", "serving", "pods", "p1", ""}},
      {"/api/v1/namespaces/serving", {"", "v1", "", "namespaces", "serving", ""}},
      {"/apis/apps/v1/namespaces/serving/deployments/web/scale",
       {"apps", "v1", "serving", "deployments", "web", "scale"}},
      {"/apis/slo-autoscaler.io/v1alpha1/inferenceautoscalers?watch=true",
       {"slo-autoscaler.io", "v1alpha1", "", "inferenceautoscalers", "", ""}},
      {"/apis/apps/v1", {"apps", "v1", "", "", "", ""}},
      {"/healthz", {}},
  };
  for (const auto& c : cases) {
    ResourcePath got = ParseResourcePath(c.path);
    EXPECT_EQ(got.group, c.want.group) << c.path;
    EXPECT_EQ(got.version, c.want.version) << c.path;
    EXPECT_EQ(got.namespace_name, c.want.namespace_name) << c.path;
    EXPECT_EQ(got.resource, c.want.resource) << c.path;
    EXPECT_EQ(got.name, c.want.name) << c.path;
    EXPECT_EQ(got.subresource, c.want.subresource) << c.path;
  }
}

TEST(K8sKubeVerbTest, MapsMethodsToVerbs) {
  struct Case {
    std::string method;
    std::string path;
    std::string want;
  };
  for (const auto& c :
       std::vector<Case>{{"GET", "/api/v1/namespaces/a/pods", "list"},
                         {"GET", "/api/v1/namespaces/a/pods/p", "get"},
                         {"GET", "/api/v1/pods?allowWatchBookmarks=true&watch=true", "watch"},
                         {"GET", "/api/v1/pods?watch=1", "watch"},
                         {"GET", "/api/v1/pods?nowatch=true", "list"},
                         {"POST", "/api/v1/namespaces/a/events", "create"},
                         {"PUT", "/apis/coordination.k8s.io/v1/namespaces/a/leases/l", "update"},
                         {"PATCH", "/apis/apps/v1/namespaces/a/deployments/d/scale", "patch"},
                         {"DELETE", "/api/v1/namespaces/a/pods/p", "delete"}}) {
    EXPECT_EQ(KubeVerb(c.method, c.path), c.want) << c.method << " " << c.path;
  }
}

TEST(K8sApiErrorTest, ForbiddenNamesVerbResourceNamespaceAndGroup) {
  ApiError e = ErrorFromResponse(
      "PATCH", "/apis/apps/v1/namespaces/serving/deployments/web/scale", 403,
      R"({"kind":"Status","reason":"Forbidden","message":"deployments.apps \"web\" is forbidden"})");
  EXPECT_EQ(e.message.rfind("forbidden: the controller's service account cannot patch "
                            "deployments/scale in namespace serving (apps); grant it in the "
                            "ClusterRole",
                            0),
            0u)
      << e.message;
  EXPECT_FALSE(e.retryable);
  EXPECT_TRUE(e.IsForbidden());
  EXPECT_EQ(e.verb, "patch");
  EXPECT_EQ(e.resource, "deployments/scale");
}

TEST(K8sApiErrorTest, ForbiddenClusterWideListSaysSo) {
  ApiError e = ErrorFromResponse("GET", "/api/v1/nodes", 403, "");
  EXPECT_NE(e.message.find("cannot list nodes at cluster scope"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("(core)"), std::string::npos) << e.message;
}

TEST(K8sApiErrorTest, UnauthorizedExplainsCredentials) {
  ApiError e = ErrorFromResponse("GET", "/api/v1/namespaces/x/pods/p", 401, "Unauthorized");
  EXPECT_NE(e.message.find("rejected the controller's credentials"), std::string::npos);
  EXPECT_NE(e.message.find("get pods in namespace x"), std::string::npos) << e.message;
  EXPECT_FALSE(e.retryable);
}

TEST(K8sApiErrorTest, ClassifiesStatusCodes) {
  struct Case {
    int status;
    bool retryable;
    std::string reason;
  };
  for (const auto& c : std::vector<Case>{{404, false, "NotFound"},
                                         {409, false, "Conflict"},
                                         {410, false, "Expired"},
                                         {422, false, ""},
                                         {429, true, "TooManyRequests"},
                                         {500, true, "InternalError"},
                                         {503, true, "InternalError"}}) {
    ApiError e = ErrorFromResponse("GET", "/api/v1/pods", c.status, "not json");
    EXPECT_EQ(e.retryable, c.retryable) << c.status;
    EXPECT_EQ(e.reason, c.reason) << c.status;
  }
  ApiError st =
      ErrorFromResponse("GET", "/api/v1/pods", 503,
                        R"({"kind":"Status","reason":"ServiceUnavailable","message":"m"})", 4);
  EXPECT_EQ(st.reason, "ServiceUnavailable");
  EXPECT_EQ(st.retry_after_s, 4);
  EXPECT_EQ(st.Describe(), "list pods: HTTP 503 ServiceUnavailable: m");
}

TEST(K8sRedactSecretTest, ReplacesEveryOccurrence) {
  EXPECT_EQ(RedactSecret("a tok b tok", "tok"), "a [REDACTED] b [REDACTED]");
  EXPECT_EQ(RedactSecret("nothing", ""), "nothing");
  EXPECT_EQ(RedactSecret("toktok", "tok"), "[REDACTED][REDACTED]");
}

}  // namespace
}  // namespace slo::controller::k8s
