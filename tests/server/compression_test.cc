// Answers are compressed with gzip, never with Brotli: cpp-httplib's Brotli runs at its
// highest quality, which took 11.6 s of CPU to send the dashboard's 1.1 MB chart library.
// Static files carry an ETag, so a reload gets 304s instead of the files again.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "api_fixture.h"

namespace voronka {
namespace {

using testing::Browser;

// A web folder of its own (web/ with a script of 20 000 bytes and an index, beside a file that
// must not be served), served by a server of its own.
class CompressionTest : public testing::ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    std::filesystem::create_directory(web_.path() + "/web");
    std::ofstream(web_.path() + "/web/app.js") << script_;
    std::ofstream(web_.path() + "/web/index.html") << "<html></html>";
    std::ofstream(web_.path() + "/secret.txt") << "not for the web";
    static_server_ = std::make_unique<HttpServer>(*runtime_);
    ServerOptions options;
    options.web_root = web_.path() + "/web";
    ASSERT_TRUE(static_server_->MountStatic(options).ok());
    static_port_ = static_server_->BindAnyPort("127.0.0.1").value();
    static_thread_ = std::thread([this] { (void)static_server_->Serve(); });
    static_client_ = std::make_unique<httplib::Client>("127.0.0.1", static_port_);
    static_client_->set_decompress(false);
  }
  void TearDown() override {
    static_server_->Stop();
    static_thread_.join();
    ApiFixture::TearDown();
  }

  testing::TempDir web_;
  const std::string script_ = std::string(20000, 'x');
  std::unique_ptr<HttpServer> static_server_;
  int static_port_ = 0;
  std::thread static_thread_;
  std::unique_ptr<httplib::Client> static_client_;
};

TEST_F(CompressionTest, ABrowserOfferingBrotliGetsGzip) {
  httplib::Client& client = *static_client_;
  const std::string& script = script_;

  // What Chromium sends with every request.
  auto response = client.Get("/app.js", {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(response->body.size(), script.size());
  // Brotli alone: the file comes as it is.
  response = client.Get("/app.js", {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(response->body, script);
  // gzip refused with q=0: as it is.
  response = client.Get("/app.js", {{"Accept-Encoding", "gzip;q=0, br"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->get_header_value("Content-Encoding"), "");
}

TEST_F(CompressionTest, ApiAnswersAreGzipNotBrotli) {
  // A report answer of the fixture's data, asked the way a browser asks.
  Browser admin = Login("admin");
  httplib::Client client("127.0.0.1", port_);
  client.set_decompress(false);
  httplib::Headers headers = {{"Cookie", admin.cookie},
                              {"X-CSRF-Token", admin.csrf},
                              {"Accept-Encoding", "gzip, deflate, br, zstd"}};
  auto meta = client.Get("/api/v1/meta", headers);
  ASSERT_TRUE(meta);
  ASSERT_EQ(meta->status, 200);
  // The meta answer of the fixture is over the 1 KB below which nothing is compressed.
  ASSERT_GT(std::stoul(meta->get_header_value("Content-Length")), 0u);
  EXPECT_NE(meta->get_header_value("Content-Encoding"), "br");
  if (meta->get_header_value("Content-Encoding") == "gzip") {
    EXPECT_EQ(meta->get_header_value("Vary"), "Accept-Encoding");
  }
  // No answer of the server is Brotli, whatever its size (a small error here).
  auto refused = client.Get("/api/v1/settings", {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(refused->body, R"({"error":"login required"})");
}

TEST_F(CompressionTest, AnUnchangedFileIsAnsweredWith304) {
  auto first = static_client_->Get("/app.js");
  ASSERT_TRUE(first);
  std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(first->get_header_value("Cache-Control"), "no-cache");
  auto again = static_client_->Get("/app.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_EQ(again->body, "");
  // The file changes: a new ETag and the new bytes.
  std::ofstream(web_.path() + "/web/app.js") << "let changed = true;";
  auto changed = static_client_->Get("/app.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(changed->body, "let changed = true;");
  EXPECT_NE(changed->get_header_value("ETag"), etag);
  EXPECT_EQ(changed->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
}

TEST_F(CompressionTest, TheFolderIsTheLimitAndAFolderServesItsIndex) {
  auto index = static_client_->Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<html></html>");
  auto missing = static_client_->Get("/nothing.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/web/../../etc/passwd"}) {
    auto climbed = static_client_->Get(path);
    ASSERT_TRUE(climbed) << path;
    EXPECT_NE(climbed->body, "not for the web") << path;
    EXPECT_NE(climbed->status, 200) << path;
  }
}

}  // namespace
}  // namespace voronka
