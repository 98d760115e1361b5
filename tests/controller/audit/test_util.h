// tests/controller/audit/test_util.h: helpers shared by the audit tests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "controller/audit/reader.h"

namespace slo::controller::audit::testing {

// The source tree (ctest sets SLO_SOURCE_DIR; else the working directory).
inline std::string SourceDir() {
  const char* dir = std::getenv("SLO_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

inline std::string Fixture(const std::string& name) {
  return SourceDir() + "/tests/testdata/audit/" + name;
}

// A minimal valid decision line; extra is spliced in before the closing brace.
inline std::string Decision(const std::string& ts, const std::string& name, int current,
                            int desired, const std::string& reason, bool actuated,
                            const std::string& extra = "") {
  return R"({"ts":")" + ts + R"(","type":"ScalingDecision","autoscaler":{"namespace":"ns","name":")" +
         name + R"("},"inputs":{"arrivalRateRps":10.5,"queueDepth":2,"inFlight":null,)"
         R"("serviceTimeSeconds":1.2,"latencySeconds":null,"sampleAgeSeconds":5},)"
         R"("currentReplicas":)" + std::to_string(current) + R"(,"desiredReplicas":)" +
         std::to_string(desired) + R"(,"reason":")" + reason + R"(","actuated":)" +
         (actuated ? "true" : "false") + extra + "}";
}

// A temporary directory removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "audit_test_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Reads text as one input named "mem".
inline LogData ReadText(const std::string& text, ReadOptions opts = {}) {
  LogData data;
  std::FILE* f = ::fmemopen(const_cast<char*>(text.data()), text.size(), "rb");
  if (text.empty()) f = std::tmpfile();
  ReadStream(f, "mem", opts, data);
  std::fclose(f);
  MergeRecords(data);
  return data;
}

}  // namespace slo::controller::audit::testing
