// controller/reconcile/decision_sink.h: the decision log as a file or stdout, one JSON line per
// decision, flushed line by line.
//
// Nothing is lost: when the file cannot be written (disk full, removed directory), the line goes
// to stderr with a marker, and the sink keeps trying the file on the next line. SIGHUP-style
// reopen is not needed: the file is opened in append mode and reopened after a failure, so
// logrotate's copytruncate and move-then-create both work.
//
// Thread-safety: Write() may be called from any thread.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "controller/reconcile/ports.h"

namespace slo::controller {

class FileDecisionSink : public DecisionSink {
 public:
  // path "" or "-" = stdout.
  explicit FileDecisionSink(std::string path);
  ~FileDecisionSink() override;
  void Write(const std::string& line) override;
  void Flush();
  int failures() const { return failures_; }

 private:
  bool Open();

  std::string path_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  int failures_ = 0;
  std::mutex mu_;
};

}  // namespace slo::controller
