// POST /photos: multipart uploads, streamed part by part into staging files
// on the store's filesystem, then handed to Library::Ingest, which moves
// them in or removes them. No file is held whole in memory, and a part that
// did not arrive complete is never ingested.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "core/file_util.h"
#include "core/photo_json.h"
#include "http/error_map.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

// A file being written in the staging folder; removed on destruction unless
// handed over to the library.
class StagedFile {
 public:
  static Result<StagedFile> Create(const std::filesystem::path& dir) {
    std::string templ = (dir / "upload-XXXXXX").string();
    const int fd = ::mkostemp(templ.data(), O_CLOEXEC);
    if (fd < 0) return Status::IoError("cannot create a staging file in " + dir.string(), errno);
    return StagedFile(UniqueFd(fd), templ);
  }
  StagedFile(StagedFile&& o) noexcept = default;
  StagedFile& operator=(StagedFile&&) = delete;
  ~StagedFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  Status Write(const char* data, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_.get(), data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Status::IoError("cannot write the staging file " + path_.string(), errno);
      }
      data += w;
      n -= static_cast<std::size_t>(w);
    }
    return Status::Ok();
  }
  // Closes the descriptor and gives up ownership of the path.
  std::filesystem::path Release() {
    fd_ = UniqueFd();
    return std::exchange(path_, {});
  }

 private:
  StagedFile(UniqueFd fd, std::filesystem::path path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::filesystem::path path_;
};

struct PartResult {
  int status = 0;
  nlohmann::json body;
};

// The state of one upload request, fed by the multipart parser.
class UploadSession {
 public:
  UploadSession(ServerState& state, UserId owner) : state_(state), owner_(owner) {}

  bool BeginPart(const httplib::MultipartFormData& part) {
    if (!Finish()) return false;
    if (part.name != "file") return true;  // other fields are ignored
    ++files_;
    filename_ = part.filename.empty() ? "upload" : part.filename;
    bytes_ = 0;
    too_large_ = false;
    auto staged = StagedFile::Create(state_.library.StagingDir());
    if (!staged.ok()) return Fail(staged.status());
    staged_.emplace(std::move(staged).value());
    return true;
  }

  bool Write(const char* data, std::size_t n) {
    if (!staged_) return true;  // not a file part, or already refused
    bytes_ += n;
    if (bytes_ > state_.config.max_upload_bytes) {
      // Keep reading (and dropping) the rest, so that the connection stays
      // in step and the client gets this answer.
      too_large_ = true;
      staged_.reset();
      return true;
    }
    if (Status s = staged_->Write(data, n); !s.ok()) return Fail(s);
    return true;
  }

  // Ends the current part: ingests it, or records why not. False on a
  // server-side failure that should stop the request.
  bool Finish() {
    if (too_large_) {
      too_large_ = false;
      Record(Status::TooLarge("file too large: over the limit of " +
                              FormatSize(state_.config.max_upload_bytes)));
      return true;
    }
    if (!staged_) return true;
    std::optional<StagedFile> staged = std::exchange(staged_, std::nullopt);
    IngestRequest request;
    request.filename = filename_;
    request.consume_source = true;
    request.source = staged->Release();  // the library removes it on any outcome
    auto result = state_.library.Ingest(owner_, request);
    if (!result.ok()) {
      Record(result.status());
      return true;
    }
    nlohmann::json record = PhotoToJson(result->photo);
    if (result->outcome == IngestOutcome::kDuplicate) {
      record["duplicate"] = true;
      results_.push_back({200, std::move(record)});
    } else {
      results_.push_back({201, std::move(record)});
    }
    return true;
  }

  // Drops a part that did not arrive whole.
  void Abandon() {
    staged_.reset();
    too_large_ = false;
  }

  int files() const { return files_; }
  const std::optional<Status>& failure() const { return failure_; }
  std::vector<PartResult>& results() { return results_; }

 private:
  void Record(const Status& status) {
    const HttpError e = ToHttpError(status);
    if (e.code == "internal") spdlog::error("upload failed: {}", status.ToString());
    results_.push_back(
        {e.status,
         {{"error", {{"code", e.code}, {"message", e.message}}}, {"filename", filename_}}});
  }
  bool Fail(const Status& status) {
    failure_ = status;
    staged_.reset();
    return false;
  }

  ServerState& state_;
  const UserId owner_;
  std::optional<StagedFile> staged_;
  std::string filename_;
  std::int64_t bytes_ = 0;
  bool too_large_ = false;
  int files_ = 0;
  std::optional<Status> failure_;
  std::vector<PartResult> results_;
};

void Upload(ServerState& state, const httplib::Request& req, httplib::Response& res,
            const Caller& caller, const httplib::ContentReader& reader) {
  if (!req.is_multipart_form_data()) {
    // Drain the body so the connection can carry the answer.
    reader([](const char*, std::size_t) { return true; });
    return SendError(res, 400, "bad_request",
                     "expected a multipart/form-data body with one or more 'file' fields");
  }
  // Fail before receiving anything when the account is already full.
  if (Status s = state.library.CheckQuota(caller.user.id, 1); !s.ok()) {
    // A multipart body can only be read through the multipart reader.
    reader([](const httplib::MultipartFormData&) { return true; },
           [](const char*, std::size_t) { return true; });
    return SendStatus(res, s);
  }
  UploadSession session(state, caller.user.id);
  const bool read =
      reader([&](const httplib::MultipartFormData& part) { return session.BeginPart(part); },
             [&](const char* data, std::size_t n) { return session.Write(data, n); });
  if (!read) {
    session.Abandon();
    if (session.failure()) return SendStatus(res, *session.failure());
    if (res.status == 413) return SendError(res, 413, "too_large", "request too large");
    return SendError(res, 400, "bad_request", "malformed multipart body");
  }
  if (!session.Finish() && session.failure()) return SendStatus(res, *session.failure());
  if (session.files() == 0) {
    return SendError(res, 400, "bad_request", "no 'file' field in the multipart body");
  }
  auto& results = session.results();
  if (results.size() == 1) return SendJson(res, results[0].status, results[0].body);
  // Several files: each keeps its own status; the response has theirs when
  // they agree, and 207 when they differ.
  int status = results[0].status;
  nlohmann::json list = nlohmann::json::array();
  for (auto& r : results) {
    if (r.status != status) status = 207;
    list.push_back({{"status", r.status}, {"result", std::move(r.body)}});
  }
  SendJson(res, status, {{"results", std::move(list)}});
}

}  // namespace

void AddUploadRoutes(RouteTable& table, ServerState& state) {
  ServerState* s = &state;
  table.Add({"POST", "/api/v1/photos", Access::kUser, nullptr,
             [s](const httplib::Request& req, httplib::Response& res, const Caller& c,
                 const httplib::ContentReader& reader) { Upload(*s, req, res, c, reader); }});
}

}  // namespace octopus::http
