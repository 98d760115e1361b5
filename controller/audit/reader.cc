#include "controller/audit/reader.h"

#include <dirent.h>
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "controller/audit/audit_time.h"

namespace slo::controller::audit {
namespace {

constexpr std::array<std::string_view, kSkipKinds> kSkipNames = {
    "blank", "non-JSON", "other record types", "malformed JSON", "truncated",
    "over-long",  "invalid UTF-8", "invalid decisions", "duplicates"};

void Skip(SkipKind kind, uint32_t file, uint64_t line_no, std::string detail, LogData& data) {
  const auto k = static_cast<size_t>(kind);
  ++data.skipped[k];
  SkipExample& ex = data.examples[k];
  if (ex.set) return;
  ex.set = true;
  ex.where = data.inputs[file] + ":" + std::to_string(line_no);
  ex.detail = std::move(detail);
}

// The start of a line, printable and short, for examples.
std::string Excerpt(std::string_view line) {
  std::string out;
  for (char c : line.substr(0, 60)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (line.size() > 60) out += "...";
  return "\"" + out + "\"";
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool HasGlobChars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

}  // namespace

std::string_view SkipKindName(SkipKind k) { return kSkipNames[static_cast<size_t>(k)]; }

uint64_t LogData::TotalSkipped() const {
  uint64_t total = 0;
  for (uint64_t n : skipped) total += n;
  return total;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Fast path: 8 ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

std::string_view StripLogPrefixes(std::string_view line) {
  // kubectl logs --prefix: "[pod/NAME/CONTAINER] "
  if (line.starts_with("[pod/")) {
    const size_t close = line.find("] ");
    if (close != std::string_view::npos) line.remove_prefix(close + 2);
  }
  // kubectl logs --timestamps: an RFC 3339 time and one space.
  if (!line.empty() && line[0] >= '0' && line[0] <= '9') {
    const size_t n = Rfc3339PrefixLength(line);
    if (n > 0 && n < line.size() && line[n] == ' ') line.remove_prefix(n + 1);
  }
  return line;
}

void ConsumeLine(std::string_view line, bool unterminated, uint32_t file, uint64_t line_no,
                 const ReadOptions& opts, LogData& data) {
  ++data.lines;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t first = 0;
  while (first < line.size() && IsSpace(line[first])) ++first;
  if (first == line.size()) {
    Skip(SkipKind::kBlank, file, line_no, "", data);
    return;
  }
  if (!IsValidUtf8(line)) {
    Skip(SkipKind::kInvalidUtf8, file, line_no, Excerpt(line), data);
    return;
  }
  std::string_view body = StripLogPrefixes(line.substr(first));
  while (!body.empty() && IsSpace(body.front())) body.remove_prefix(1);
  if (body.empty() || body.front() != '{') {
    Skip(SkipKind::kNonJson, file, line_no, Excerpt(line), data);
    return;
  }
  ParseOutcome out = ParseRecord(body, data.strings);
  switch (out.status) {
    case ParseStatus::kDecision:
      out.record.file = file;
      out.record.line = line_no;
      if (opts.keep_raw) out.record.raw.assign(body);
      data.records.push_back(std::move(out.record));
      return;
    case ParseStatus::kOtherType:
      Skip(SkipKind::kOtherType, file, line_no, out.error, data);
      return;
    case ParseStatus::kInvalid:
      Skip(SkipKind::kInvalidDecision, file, line_no, out.error, data);
      return;
    case ParseStatus::kMalformed: {
      const bool ended_early = out.error.find("end of input") != std::string::npos;
      Skip(ended_early || unterminated ? SkipKind::kTruncated : SkipKind::kMalformed, file,
           line_no, out.error, data);
      return;
    }
  }
}

std::string ReadStream(std::FILE* stream, const std::string& name, const ReadOptions& opts,
                       LogData& data) {
  const auto file = static_cast<uint32_t>(data.inputs.size());
  data.inputs.push_back(name);
  constexpr size_t kChunk = 1 << 20;
  auto buf = std::make_unique<char[]>(kChunk);
  std::string carry;
  bool discarding = false;  // inside an over-long line
  uint64_t line_no = 0;
  for (;;) {
    const size_t n = std::fread(buf.get(), 1, kChunk, stream);
    if (n == 0) break;
    data.bytes += n;
    const char* p = buf.get();
    const char* end = p + n;
    while (p < end) {
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (nl == nullptr) {
        if (!discarding) {
          carry.append(p, static_cast<size_t>(end - p));
          if (carry.size() > opts.max_line_bytes) {
            discarding = true;
            carry.clear();
            carry.shrink_to_fit();
          }
        }
        break;
      }
      ++line_no;
      const std::string_view segment(p, static_cast<size_t>(nl - p));
      if (discarding) {
        ++data.lines;
        Skip(SkipKind::kOverLong, file, line_no,
             "longer than " + std::to_string(opts.max_line_bytes) + " bytes", data);
        discarding = false;
      } else if (!carry.empty()) {
        carry.append(segment);
        if (carry.size() > opts.max_line_bytes) {
          ++data.lines;
          Skip(SkipKind::kOverLong, file, line_no,
               "longer than " + std::to_string(opts.max_line_bytes) + " bytes", data);
        } else {
          ConsumeLine(carry, false, file, line_no, opts, data);
        }
        carry.clear();
      } else if (segment.size() > opts.max_line_bytes) {
        ++data.lines;
        Skip(SkipKind::kOverLong, file, line_no,
             "longer than " + std::to_string(opts.max_line_bytes) + " bytes", data);
      } else {
        ConsumeLine(segment, false, file, line_no, opts, data);
      }
      p = nl + 1;
    }
  }
  if (std::ferror(stream)) {
    return "cannot read " + name + ": " + std::strerror(errno);
  }
  if (discarding) {
    ++data.lines;
    Skip(SkipKind::kOverLong, file, line_no + 1,
         "longer than " + std::to_string(opts.max_line_bytes) + " bytes", data);
  } else if (!carry.empty()) {
    ConsumeLine(carry, true, file, line_no + 1, opts, data);
  }
  return "";
}

void MergeRecords(LogData& data) {
  auto& recs = data.records;
  std::stable_sort(recs.begin(), recs.end(),
                   [](const AuditRecord& a, const AuditRecord& b) { return a.ts_ms < b.ts_ms; });
  size_t out = 0;
  size_t group_start = 0;  // first kept record with the current ts
  for (size_t i = 0; i < recs.size(); ++i) {
    if (out == 0 || recs[out - 1].ts_ms != recs[i].ts_ms) group_start = out;
    bool duplicate = false;
    for (size_t j = group_start; j < out; ++j) {
      if (recs[j].hash == recs[i].hash && recs[j].target == recs[i].target &&
          recs[j].instance == recs[i].instance && recs[j].desired_replicas == recs[i].desired_replicas) {
        duplicate = true;
        break;
      }
    }
    if (duplicate) {
      Skip(SkipKind::kDuplicate, recs[i].file, recs[i].line,
           "the same record was read before (overlapping inputs?)", data);
      continue;
    }
    if (out != i) recs[out] = std::move(recs[i]);
    ++out;
  }
  recs.resize(out);
}

std::string ExpandInputs(const std::vector<std::string>& args, std::vector<std::string>* paths) {
  for (const std::string& arg : args) {
    if (arg == "-") {
      paths->push_back(arg);
      continue;
    }
    struct stat st {};
    if (::stat(arg.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        std::vector<std::string> files;
        if (DIR* dir = ::opendir(arg.c_str())) {
          while (dirent* e = ::readdir(dir)) {
            const std::string file = arg + "/" + e->d_name;
            struct stat fst {};
            if (e->d_name[0] != '.' && ::stat(file.c_str(), &fst) == 0 && S_ISREG(fst.st_mode)) {
              files.push_back(file);
            }
          }
          ::closedir(dir);
        } else {
          return "--log " + arg + ": cannot read directory: " + std::strerror(errno);
        }
        if (files.empty()) return "--log " + arg + ": directory has no files";
        std::sort(files.begin(), files.end());
        paths->insert(paths->end(), files.begin(), files.end());
      } else {
        paths->push_back(arg);
      }
      continue;
    }
    if (HasGlobChars(arg)) {
      glob_t g{};
      const int rc = ::glob(arg.c_str(), 0, nullptr, &g);
      if (rc != 0) {
        ::globfree(&g);
        return "--log " + arg + ": no file matches";
      }
      for (size_t i = 0; i < g.gl_pathc; ++i) paths->push_back(g.gl_pathv[i]);
      ::globfree(&g);
      continue;
    }
    return "--log " + arg + ": " + std::strerror(errno);
  }
  return "";
}

std::string ReadLogs(const std::vector<std::string>& paths, const ReadOptions& opts,
                     LogData& data) {
  for (const std::string& path : paths) {
    if (path == "-") {
      if (auto err = ReadStream(stdin, "<stdin>", opts, data); !err.empty()) return err;
      continue;
    }
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return "--log " + path + ": " + std::strerror(errno);
    std::string err = ReadStream(f, path, opts, data);
    std::fclose(f);
    if (!err.empty()) return "--log " + path + ": " + err;
  }
  MergeRecords(data);
  return "";
}

std::string SkipReport(const LogData& data) {
  std::string out = "read " + std::to_string(data.lines) + " lines from " +
                    std::to_string(data.inputs.size()) +
                    (data.inputs.size() == 1 ? " input" : " inputs") + ": " +
                    std::to_string(data.records.size()) + " decisions";
  const uint64_t total = data.TotalSkipped();
  if (total == 0) return out + "; nothing skipped\n";
  out += "; skipped " + std::to_string(total) + ":";
  bool first = true;
  for (size_t k = 0; k < kSkipKinds; ++k) {
    if (data.skipped[k] == 0) continue;
    out += (first ? " " : ", ") + std::to_string(data.skipped[k]) + " " +
           std::string(kSkipNames[k]);
    first = false;
  }
  out += "\n";
  for (size_t k = 0; k < kSkipKinds; ++k) {
    const SkipExample& ex = data.examples[k];
    if (data.skipped[k] == 0 || !ex.set || static_cast<SkipKind>(k) == SkipKind::kBlank) continue;
    out += "  first " + std::string(kSkipNames[k]) + ": " + ex.where;
    if (!ex.detail.empty()) out += ": " + ex.detail;
    out += "\n";
  }
  return out;
}

}  // namespace slo::controller::audit
