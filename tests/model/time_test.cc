#include "model/time.h"

#include <gtest/gtest.h>

namespace voronka {

TEST(TimeTest, ParsesRfc3339WithOffsets) {
  // 10:00 in Moscow (+03:00) is 07:00 UTC.
  EXPECT_EQ(ParseInstant("2024-03-01T10:00:00+03:00").value(),
            ParseInstant("2024-03-01T07:00:00Z").value());
  EXPECT_EQ(FormatInstant(ParseInstant("2024-03-01T10:00:00+03:00").value()),
            "2024-03-01T07:00:00Z");
  EXPECT_EQ(FormatInstant(ParseInstant("2024-03-01 10:00:00.25-01:30").value()),
            "2024-03-01T11:30:00.250000Z");
  EXPECT_EQ(ParseInstant("1970-01-01T00:00:00Z").value().micros, 0);
  EXPECT_EQ(FormatInstant(Instant{-1}), "1969-12-31T23:59:59.999999Z");
}

TEST(TimeTest, RejectsMalformedTimestamps) {
  for (const char* bad : {"2024-03-01", "2024-03-01T10:00:00", "2024-02-30T10:00:00Z",
                          "2024-13-01T10:00:00Z", "2024-03-01T25:00:00Z", "yesterday",
                          "2024-03-01T10:00:00+0300", "2024-03-01T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseInstant(bad).ok()) << bad;
  }
}

TEST(TimeTest, CalendarArithmetic) {
  EXPECT_EQ(FormatDate(ParseDate("2024-02-29").value()), "2024-02-29");
  EXPECT_FALSE(ParseDate("2023-02-29").ok());
  EXPECT_EQ(Weekday(ParseDate("2024-03-04").value()), 0);  // a Monday
  EXPECT_EQ(Weekday(ParseDate("2024-03-10").value()), 6);  // a Sunday
  EXPECT_EQ(FormatDate(AddMonths(ParseDate("2024-01-31").value(), 1)), "2024-02-29");
  EXPECT_EQ(FormatDate(AddMonths(ParseDate("2024-03-15").value(), -3)), "2023-12-15");
  EXPECT_EQ(FormatDate(AddMonths(ParseDate("2024-03-15").value(), -12)), "2023-03-15");
}

TEST(TimeTest, LocalDatesInZones) {
  auto moscow = TimeZone::Find("Europe/Moscow").value();
  // 23:30 Moscow on March 31 is 20:30 UTC: still March 31 locally.
  Instant late = ParseInstant("2024-03-31T20:30:00Z").value();
  EXPECT_EQ(FormatDate(moscow.DateOf(late)), "2024-03-31");
  EXPECT_EQ(FormatDate(TimeZone::Utc().DateOf(late)), "2024-03-31");
  // 21:30 UTC is already April 1 in Moscow.
  EXPECT_EQ(FormatDate(moscow.DateOf(ParseInstant("2024-03-31T21:30:00Z").value())), "2024-04-01");
  EXPECT_EQ(FormatInstant(moscow.StartOf(ParseDate("2024-04-01").value())), "2024-03-31T21:00:00Z");
}

TEST(TimeTest, DaylightSavingInWarsaw) {
  auto warsaw = TimeZone::Find("Europe/Warsaw").value();
  // Winter: +01:00; summer (from 2024-03-31 02:00 local): +02:00.
  EXPECT_EQ(FormatInstant(warsaw.StartOf(ParseDate("2024-03-31").value())), "2024-03-30T23:00:00Z");
  EXPECT_EQ(FormatInstant(warsaw.StartOf(ParseDate("2024-04-01").value())), "2024-03-31T22:00:00Z");
  EXPECT_EQ(FormatDate(warsaw.DateOf(ParseInstant("2024-03-31T22:30:00Z").value())), "2024-04-01");
  EXPECT_FALSE(TimeZone::Find("Mars/Olympus").ok());
}

// DateOf keeps the offset of the last span it looked up: instants on either side of a change,
// in either order and between two zones, each get their own span's offset.
TEST(TimeTest, DatesAcrossAnOffsetChangeInAnyOrder) {
  auto warsaw = TimeZone::Find("Europe/Warsaw").value();
  auto moscow = TimeZone::Find("Europe/Moscow").value();
  auto date = [](const TimeZone& zone, const char* at) {
    return FormatDate(zone.DateOf(ParseInstant(at).value()));
  };
  // 2024-10-27 01:00 UTC Warsaw leaves summer time (+02:00 -> +01:00).
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(date(warsaw, "2024-10-26T22:30:00Z"), "2024-10-27");  // 00:30 summer time
    EXPECT_EQ(date(warsaw, "2024-10-27T22:30:00Z"), "2024-10-27");  // 23:30 winter time
    EXPECT_EQ(date(moscow, "2024-10-27T22:30:00Z"), "2024-10-28");  // 01:30 in Moscow
    EXPECT_EQ(date(warsaw, "2024-10-26T21:30:00Z"), "2024-10-26");  // 23:30 summer time
    EXPECT_EQ(date(warsaw, "2024-10-27T23:00:00Z"), "2024-10-28");  // midnight, winter time
    EXPECT_EQ(date(warsaw, "1900-01-01T12:00:00Z"), "1900-01-01");  // before any change
  }
}

}  // namespace voronka
