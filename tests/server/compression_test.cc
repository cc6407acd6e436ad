// Static files are compressed with gzip, never with Brotli: cpp-httplib's Brotli runs at its
// highest quality, which took 11.6 s of CPU to send the dashboard's 1.1 MB chart library.
#include <gtest/gtest.h>

#include <fstream>

#include "api_fixture.h"

namespace voronka {
namespace {

class CompressionTest : public testing::ApiFixture {};

TEST_F(CompressionTest, ABrowserOfferingBrotliGetsGzip) {
  // A script of 20 000 bytes in a web folder of its own, served by a server of its own.
  testing::TempDir web;
  const std::string script(20000, 'x');
  std::ofstream(web.path() + "/app.js") << script;
  HttpServer server(*runtime_);
  ServerOptions options;
  options.web_root = web.path();
  ASSERT_TRUE(server.MountStatic(options).ok());
  int port = server.BindAnyPort("127.0.0.1").value();
  std::thread thread([&] { (void)server.Serve(); });
  httplib::Client client("127.0.0.1", port);
  client.set_decompress(false);

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
  server.Stop();
  thread.join();
}

}  // namespace
}  // namespace voronka
