#include "model/money.h"

#include <gtest/gtest.h>

namespace voronka {

TEST(MoneyTest, ParsesDecimals) {
  EXPECT_EQ(ParseMoney("150000.00").value(), 15000000);
  EXPECT_EQ(ParseMoney("150000").value(), 15000000);
  EXPECT_EQ(ParseMoney("0.5").value(), 50);
  EXPECT_EQ(ParseMoney(".05").value(), 5);
  EXPECT_EQ(ParseMoney("-3.10").value(), -310);
  EXPECT_EQ(ParseMoney("1.500").value(), 150);  // trailing zeros beyond cents are exact
}

TEST(MoneyTest, RejectsWhatIsNotADecimal) {
  for (const char* bad : {"12,5", "", "-", ".", "1e3", "1.005", "12 000", "abc", "1.2.3"}) {
    auto result = ParseMoney(bad);
    EXPECT_FALSE(result.ok()) << bad;
  }
  EXPECT_EQ(ParseMoney("12,5").message(), "'12,5' is not a decimal amount");
}

TEST(MoneyTest, FormatsTwoDecimals) {
  EXPECT_EQ(FormatMoney(15000000), "150000.00");
  EXPECT_EQ(FormatMoney(-5), "-0.05");
  EXPECT_EQ(FormatMoney(0), "0.00");
  EXPECT_EQ(FormatMoney(INT64_MIN), "-92233720368547758.08");
}

}  // namespace voronka
