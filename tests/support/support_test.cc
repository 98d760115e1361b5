#include <signal.h>

#include <gtest/gtest.h>

#include "tests/support/subprocess.h"

namespace slo::testing {
namespace {

TEST(SubprocessTest, CapturesOutputAndExitStatus) {
  std::string err;
  auto p = Subprocess::Start({"sh", "-c", "echo hello; echo world >&2; exit 3"}, &err);
  ASSERT_TRUE(p) << err;
  auto line = p->WaitForLine([](const std::string& l) { return l == "world"; },
                             std::chrono::seconds(10));
  ASSERT_TRUE(line.has_value()) << p->Output();
  EXPECT_EQ(p->Wait(std::chrono::seconds(10)), 3);
  EXPECT_NE(p->Output().find("hello"), std::string::npos);
}

TEST(SubprocessTest, ReportsAProgramThatCannotStart) {
  std::string err;
  auto p = Subprocess::Start({"/nonexistent/program"}, &err);
  EXPECT_FALSE(p);
  EXPECT_NE(err.find("/nonexistent/program"), std::string::npos);
}

TEST(SubprocessTest, StopEndsALongRunningProcess) {
  std::string err;
  auto p = Subprocess::Start({"sleep", "600"}, &err);
  ASSERT_TRUE(p) << err;
  EXPECT_TRUE(p->Running());
  EXPECT_EQ(p->Stop(), 128 + SIGTERM);
}

TEST(SubprocessTest, PassesExtraEnvironment) {
  std::string err;
  auto p = Subprocess::Start({"sh", "-c", "echo v=$SLO_TEST_VALUE"}, &err, {{"SLO_TEST_VALUE", "42"}});
  ASSERT_TRUE(p) << err;
  EXPECT_TRUE(p->WaitForLine([](const std::string& l) { return l == "v=42"; },
                             std::chrono::seconds(10)));
}

TEST(HttpRequestTest, FailsCleanlyWhenNothingListens) {
  int port = PickFreePort();
  ASSERT_GT(port, 0);
  auto r = HttpRequest("GET", "http://127.0.0.1:" + std::to_string(port) + "/",
                       "", {}, std::chrono::seconds(2));
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST(HttpRequestTest, TalksToARealServer) {
  // python3's http.server on an OS-chosen port serves this directory.
  TempDir dir;
  WriteFile(dir.File("hello.txt"), "hi there");
  std::string err;
  auto p = Subprocess::Start({"python3", "-u", "-c",
                              "import http.server,functools,sys\n"
                              "h=functools.partial(http.server.SimpleHTTPRequestHandler,directory=sys.argv[1])\n"
                              "s=http.server.HTTPServer(('127.0.0.1',0),h)\n"
                              "print('port',s.server_address[1],flush=True)\n"
                              "s.serve_forever()\n",
                              dir.path()},
                             &err);
  ASSERT_TRUE(p) << err;
  auto line = p->WaitForLine([](const std::string& l) { return l.rfind("port ", 0) == 0; },
                             std::chrono::seconds(10));
  ASSERT_TRUE(line) << p->Output();
  auto r = HttpRequest("GET", "http://127.0.0.1:" + line->substr(5) + "/hello.txt");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "hi there");
  EXPECT_EQ(HttpRequest("GET", "http://127.0.0.1:" + line->substr(5) + "/missing").status, 404);
}

TEST(TempDirTest, RemovesItselfWithItsFiles) {
  std::string path;
  {
    TempDir dir;
    path = dir.path();
    WriteFile(dir.File("a"), "x");
    EXPECT_EQ(ReadFile(dir.File("a")), "x");
  }
  EXPECT_TRUE(ReadFile(path + "/a").empty());
}

}  // namespace
}  // namespace slo::testing
