#include "controller/reconcile/decision_sink.h"

namespace slo::controller {

FileDecisionSink::FileDecisionSink(std::string path) : path_(std::move(path)) { Open(); }

FileDecisionSink::~FileDecisionSink() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ != nullptr) {
    std::fflush(file_);
    if (owned_) std::fclose(file_);
  }
}

bool FileDecisionSink::Open() {
  if (path_.empty() || path_ == "-") {
    file_ = stdout;
    owned_ = false;
    return true;
  }
  file_ = std::fopen(path_.c_str(), "a");
  owned_ = file_ != nullptr;
  return file_ != nullptr;
}

void FileDecisionSink::Write(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ == nullptr) Open();
  bool ok = file_ != nullptr && std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
            std::fputc('\n', file_) != EOF && std::fflush(file_) == 0;
  if (ok) return;
  ++failures_;
  std::fprintf(stderr, "slo-autoscaler: cannot write the decision log %s; the record follows\n%s\n",
               path_.c_str(), line.c_str());
  std::fflush(stderr);
  if (file_ != nullptr && owned_) std::fclose(file_);
  file_ = nullptr;  // reopen on the next line
}

void FileDecisionSink::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ != nullptr) std::fflush(file_);
}

}  // namespace slo::controller
