// HTTPS with a self-signed certificate made by the openssl command.
#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

TEST_F(ApiTlsTest, ServesHttps) {
  if (!have_openssl_) GTEST_SKIP() << "no openssl command to make a certificate";
  ASSERT_TRUE(server_->tls());
  httplib::SSLClient client("127.0.0.1", server_->port());
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(10);
  auto r = client.Get("/health");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  auto plain = client_->Get("/health");
  EXPECT_FALSE(plain && plain->status == 200) << "plain HTTP is not served on the TLS port";
}

TEST(ApiTlsStartTest, MissingCertificateIsAClearError) {
  testing::TempDir dir;
  auto config = LoadConfig({{"OCTOPUS_HOME", (dir / "home").string()}});
  ASSERT_TRUE(config.ok());
  auto lib = Library::Open(*config);
  ASSERT_TRUE(lib.ok());
  ApiServerOptions options;
  options.tls_cert = dir / "absent.pem";
  options.tls_key = dir / "absent.key";
  auto server = ApiServer::Start(**lib, options);
  EXPECT_FALSE(server.ok());
}

}  // namespace
}  // namespace octopus::http
