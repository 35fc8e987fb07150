// Request framing through a raw socket: chunked JSON bodies, bodies without
// a length and oversized bodies are refused before they are read, and the
// unread bytes are never parsed as another request.
#include <cstdio>

#include "tests/http/api_fixture.h"
#include "tests/http/raw_http.h"

namespace octopus::http {
namespace {

std::string Chunked(const std::string& body) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", body.size());
  return size + body + "\r\n0\r\n\r\n";
}

std::string LoginBody(const std::string& password) {
  return nlohmann::json{{"username", "alice"}, {"password", password}}.dump();
}

// Registration is open, so that a smuggled registration would be served
// (and leave its user behind) were it ever parsed.
class BodyFramingTest : public ApiOpenRegistrationTest {
 protected:
  // Sends `bytes` on a new connection and reads one response (none of its
  // body when `to_head`), then, if `expect_close`, on until the server
  // closes.
  RawResponse Exchange(const std::string& bytes, bool expect_close, bool to_head = false) {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(c.Send(bytes));
    return c.ReadResponse(expect_close, to_head);
  }
  // Sends `head` only (the body, if any, is never sent), then reads the
  // response and on until the server closes.
  RawResponse HeadOnly(const std::string& head) { return Exchange(head, /*expect_close=*/true); }
  // A whole request hidden in another's body: registering "smuggled". If
  // the server ever parses it, that user exists.
  static std::string SmuggledRegistration() {
    const std::string inner =
        nlohmann::json{{"username", "smuggled"}, {"password", "pw pw pw pw"}}.dump();
    return "POST /api/v1/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(inner.size()) + "\r\n\r\n" + inner;
  }
  std::string ErrorCodeOf(const RawResponse& r) {
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "<no error body>";
    return j["error"].value("code", "<no code>");
  }
};

TEST_F(BodyFramingTest, ChunkedJsonIsRefusedBeforeItsBodyIsRead) {
  NewUser("alice");
  // The server answers from the headers alone and closes: were it reading
  // the chunked body (with no limit), it would wait here for the chunks.
  const RawResponse r = HeadOnly(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(r.status, 411) << r.body;
  EXPECT_EQ(ErrorCodeOf(r), "length_required");
  EXPECT_EQ(r.headers.count("connection") ? r.headers.at("connection") : "", "close");
  EXPECT_TRUE(r.closed) << "the unread body must not stay on the connection";
}

TEST_F(BodyFramingTest, ChunkedJsonOverTheLimitIsNotParsed) {
  NewUser("alice");
  // A well-formed login, chunked, four times over the JSON limit: before
  // the fix it was read whole and answered (401, wrong password).
  const std::string body = LoginBody(std::string(4 * options_.max_json_bytes, 'x'));
  RawConnection c(server_->port());
  ASSERT_TRUE(c.ok());
  const bool sent = c.Send(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      Chunked(body));
  const RawResponse r = c.ReadResponse(/*expect_close=*/true);
  // The server closes without reading the body, so the end of our send may
  // meet a reset that also discards its answer; it must never be a parse.
  if (sent && r.status != 0) {
    EXPECT_EQ(r.status, 411) << r.body;
  }
  EXPECT_NE(r.status, 401) << "the oversized chunked body was read and parsed";
  EXPECT_NE(r.status, 200);
}

TEST_F(BodyFramingTest, SmallChunkedJsonIsRefusedToo) {
  NewUser("alice");
  RawConnection c(server_->port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(
      c.Send("POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"));
  const RawResponse r = c.ReadResponse(/*expect_close=*/true);
  EXPECT_EQ(r.status, 411);
  // A body with a Content-Length on a fresh connection still works.
  const std::string body = LoginBody("correct horse");
  EXPECT_EQ(
      Exchange("POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
               "Connection: close\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body,
               /*expect_close=*/false)
          .status,
      200);
}

TEST_F(BodyFramingTest, JsonWithoutALengthHasNoBody) {
  NewUser("alice");
  // No Content-Length and no Transfer-Encoding: no body (RFC 9112 6.3).
  // The library alone would read "to the end of the body", that is until
  // the client closed or the read timed out (30 s); the answer comes at
  // once (well before that timeout), and the connection carries the next
  // request.
  RawConnection c(server_->port());
  ASSERT_TRUE(c.ok());
  c.SetReceiveTimeout(15);
  ASSERT_TRUE(c.Send(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\r\n"));
  const RawResponse r = c.ReadResponse(/*expect_close=*/false);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCodeOf(r), "bad_request");
  ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse(/*expect_close=*/false).status, 200);
}

TEST_F(BodyFramingTest, ABareLogoutPostRevokesTheToken) {
  // `curl -X POST` sends neither a length nor a body; that used to be 411,
  // and the token stayed valid.
  const std::string token = NewUser("alice");
  RawConnection c(server_->port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.Send("POST /api/v1/auth/logout HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                     token + "\r\n\r\n"));
  const RawResponse r = c.ReadResponse(/*expect_close=*/false);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Get("/api/v1/users/me", token)->status, 401);
}

TEST_F(BodyFramingTest, AmbiguousLengthsAre400) {
  for (const std::string& framing :
       {std::string("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"),
        std::string("Content-Length: 2\r\nContent-Length: 3\r\n"),
        std::string("Content-Length: 2x\r\n"), std::string("Content-Length: -1\r\n")}) {
    const RawResponse r = HeadOnly("POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n" + framing +
                                   "Content-Type: application/json\r\n\r\n");
    EXPECT_EQ(r.status, 400) << framing;
    EXPECT_TRUE(r.closed) << framing;
  }
}

// The oversized body carries a second request. The server refuses the first
// from its Content-Length without reading the body; if it then kept the
// connection, it would parse the body as the next request and register
// "smuggled" (what a proxy in front would take for another client's
// request).
TEST_F(BodyFramingTest, AnUnreadBodyIsNeverParsedAsARequest) {
  NewUser("alice");
  const std::string smuggled = SmuggledRegistration();
  for (const std::string& outer :
       {// Too large for a JSON body.
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
            std::to_string(options_.max_json_bytes + 1) + "\r\n\r\n",
        // A body on a GET, which the library would never read.
        "GET /health HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(smuggled.size()) +
            "\r\n\r\n"}) {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.Send(outer));
    const RawResponse r = c.ReadResponse(/*expect_close=*/false);
    EXPECT_TRUE(r.status == 413 || r.status == 400) << r.status << " " << r.body;
    // The rest arrives after the answer; the server must not read it.
    c.Send(smuggled + std::string(1024, ' '));
    const RawResponse next = c.ReadResponse(/*expect_close=*/true);
    EXPECT_EQ(next.status, 0) << "a second response came: " << next.body;
  }
  // Reading on until the server closed means it handled all it ever will.
  EXPECT_EQ(library_->FindUser("smuggled").status().code(), Code::kNotFound);
}

// HEAD answers have no body, so the library never writes the error body
// that ends a refused connection elsewhere, and reads on. A HEAD whose body
// holds a whole request, placed right after the headers or at the edges of
// the library's 2 and 4 KiB read buffers, must get its refusal and then a
// closed connection: no second answer, no registration.
TEST_F(BodyFramingTest, AHeadWithABodyCannotSmuggleARequest) {
  const std::string smuggled = SmuggledRegistration();
  for (const std::size_t at : {std::size_t{0}, std::size_t{2048}, std::size_t{4096}}) {
    SCOPED_TRACE(at);
    const std::string start = "HEAD /health HTTP/1.1\r\nHost: t\r\n";
    auto head = [&](std::size_t filler) {
      return start + "Content-Length: " + std::to_string(filler + smuggled.size()) + "\r\n\r\n";
    };
    // The filler puts the smuggled request at byte `at` of the stream (or
    // just after the headers when they are longer).
    std::size_t filler = 0;
    while (head(filler).size() + filler < at) ++filler;
    const RawResponse r = Exchange(head(filler) + std::string(filler, 'x') + smuggled,
                                   /*expect_close=*/true, /*to_head=*/true);
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(r.closed) << "the connection stayed open after a refused HEAD";
    EXPECT_EQ(r.after, "") << "a body or a second response came";
  }
  EXPECT_EQ(library_->FindUser("smuggled").status().code(), Code::kNotFound);
}

class CorsBodyFramingTest : public BodyFramingTest {
 public:
  CorsBodyFramingTest() { settings_["OCTOPUS_CORS_ORIGIN"] = "*"; }
};

// A CORS preflight is answered before any route; with a body, it is
// refused like any other bodiless request, and the connection ends.
TEST_F(CorsBodyFramingTest, APreflightWithABodyCannotSmuggleARequest) {
  const std::string smuggled = "GET /api/v1/users/me HTTP/1.1\r\nHost: t\r\n\r\n";
  const std::string preflight =
      "OPTIONS /api/v1/photos HTTP/1.1\r\nHost: t\r\nOrigin: https://a.example\r\n"
      "Access-Control-Request-Method: GET\r\n";
  const RawResponse r = Exchange(
      preflight + "Content-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled,
      /*expect_close=*/true);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.after, "") << "a second response came";
  // Without a body, the preflight is answered as before.
  EXPECT_EQ(Exchange(preflight + "Connection: close\r\n\r\n", /*expect_close=*/true).status, 204);
}

class ChunkedUploadTest : public ApiTest {
 public:
  ChunkedUploadTest() { options_.max_upload_request_bytes = 256 * 1024; }

 protected:
  std::string MultipartBody(const std::string& jpeg, const std::string& pad = "") {
    return "--b0undary\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n" + pad +
           "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"file\"; "
           "filename=\"c.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" +
           jpeg + "\r\n--b0undary--\r\n";
  }
  RawResponse PostChunked(const std::string& token, const std::string& body) {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.ok());
    // Headers first, then the chunks in pieces: a chunked body the server
    // reads while it arrives.
    c.Send("POST /api/v1/photos HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"
           "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    constexpr std::size_t kPiece = 16 * 1024;
    bool sent = true;
    for (std::size_t at = 0; at < body.size() && sent; at += kPiece) {
      const std::string piece = body.substr(at, kPiece);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      sent = c.Send(size + piece + "\r\n");
    }
    if (sent) c.Send("0\r\n\r\n");
    return c.ReadResponse(/*expect_close=*/true);
  }
};

TEST_F(ChunkedUploadTest, ChunkedUploadWithinTheCapIsStored) {
  const std::string token = NewUser("alice");
  const std::string jpeg = testing::MakeJpeg(64, 48, 1);
  const RawResponse r = PostChunked(token, MultipartBody(jpeg));
  EXPECT_EQ(r.status, 201) << r.body;
  const auto me = Json(Get("/api/v1/users/me", token));
  EXPECT_EQ(me["photo_count"], 1);
  EXPECT_EQ(me["used_bytes"], jpeg.size());
}

TEST_F(ChunkedUploadTest, ChunkedUploadOverTheWholeRequestCapIs413) {
  const std::string token = NewUser("alice");
  // The padding sits in a non-file field, which no per-file limit sees;
  // only the whole-request cap, counted as the chunks arrive, stops it.
  const RawResponse r =
      PostChunked(token, MultipartBody(testing::MakeJpeg(64, 48, 1),
                                       std::string(2 * options_.max_upload_request_bytes, 'p')));
  // The server stops reading at the cap and closes; the rest of our send
  // may be met with a reset that loses the answer, but never a 201.
  if (r.status != 0) {
    EXPECT_EQ(r.status, 413) << r.body;
  }
  const auto me = Json(Get("/api/v1/users/me", token));
  EXPECT_EQ(me["photo_count"], 0);
  EXPECT_EQ(me["used_bytes"], 0);
}

}  // namespace
}  // namespace octopus::http
