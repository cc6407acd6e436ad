// Stopping a server: Stop() ends Serve() also when it comes before the serving thread has
// started listening (cpp-httplib's stop() alone does nothing then, and the loop never ends).
#include <gtest/gtest.h>

#include <thread>

#include "api_fixture.h"

namespace voronka {
namespace {

class ServerStopTest : public testing::ApiFixture {};

TEST_F(ServerStopTest, AStopRightAfterTheServingThreadStartsEndsIt) {
  for (int round = 0; round < 20; ++round) {
    HttpServer server(*runtime_);
    ASSERT_TRUE(server.BindAnyPort("127.0.0.1").ok());
    std::thread serving([&server] { (void)server.Serve(); });
    server.Stop();
    serving.join();  // hangs (and the test times out) when the stop is lost
  }
}

}  // namespace
}  // namespace voronka
