// Tests for schedule.h: the original GINN snapshot list, log and every specs, the final iteration, bad specs.
#include "ginn/train/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <limits>

#include "ginn/core/error.h"

namespace ginn {
namespace {

TEST(schedule_test, ginn_schedule_has_431_entries_plus_final) {
    const auto its = snapshot_iterations("ginn", 1280000);
    ASSERT_EQ(its.size(), 432u);
    EXPECT_EQ(its.front(), 0);
    EXPECT_EQ(its[49], 49);
    EXPECT_EQ(its[50], 50);
    EXPECT_EQ(its[75], 100);
    EXPECT_EQ(its[76], 105);  // 102 and 104 are not in the original
    EXPECT_EQ(its[123], 199);
    EXPECT_EQ(its[124], 200);
    EXPECT_EQ(its[430], 1270000);
    EXPECT_EQ(its[431], 1280000);
    EXPECT_TRUE(std::is_sorted(its.begin(), its.end()));
    EXPECT_EQ(std::count(its.begin(), its.end(), 9500), 1);
    EXPECT_EQ(std::count(its.begin(), its.end(), 9000), 1);
    EXPECT_EQ(std::count(its.begin(), its.end(), 635000), 1);
    EXPECT_EQ(std::count(its.begin(), its.end(), 636000), 0);
}

TEST(schedule_test, ginn_schedule_drops_what_lies_beyond_total) {
    const auto its = snapshot_iterations("ginn", 1000);
    EXPECT_EQ(its.back(), 1000);
    EXPECT_EQ(its[its.size() - 2], 980);
    EXPECT_EQ(snapshot_iterations("ginn", 0), std::vector<int64_t>{0});
}

TEST(schedule_test, every_k) {
    EXPECT_EQ(snapshot_iterations("every:500", 1000), (std::vector<int64_t>{0, 500, 1000}));
    EXPECT_EQ(snapshot_iterations("every:400", 1000), (std::vector<int64_t>{0, 400, 800, 1000}));
}

TEST(schedule_test, log_n_is_spaced_in_log_one_plus_it) {
    const auto its = snapshot_iterations("log:5", 9999);
    EXPECT_EQ(its, (std::vector<int64_t>{0, 9, 99, 999, 9999}));
    const auto many = snapshot_iterations("log:200", 1280000);
    EXPECT_EQ(many.front(), 0);
    EXPECT_EQ(many.back(), 1280000);
    EXPECT_LE(many.size(), 200u);
    EXPECT_GT(many.size(), 150u);  // duplicates among the first iterations collapse
    EXPECT_TRUE(std::adjacent_find(many.begin(), many.end(), std::greater_equal<>()) == many.end());
}

TEST(schedule_test, malformed_specs_throw) {
    for (const char* bad : {"", "gin", "log:", "log:0", "every:-3", "every:x", "log:12abc"})
        EXPECT_THROW(snapshot_iterations(bad, 100), Error) << bad;
}

TEST(schedule_test, snapshot_counts_are_bounded_before_allocating) {
    EXPECT_THROW(snapshot_iterations("log:999999999999", 100), Error);
    EXPECT_THROW(snapshot_iterations("log:100001", 1000000000), Error);
    EXPECT_EQ(snapshot_iterations("log:100000", 10).size(), 11u);  // the limit itself is allowed
    EXPECT_THROW(snapshot_iterations("every:1", 100000), Error);    // 100,001 snapshots
    EXPECT_EQ(snapshot_iterations("every:1", 99999).size(), 100000u);
}

TEST(schedule_test, huge_totals_do_not_overflow) {
    const int64_t top = std::numeric_limits<int64_t>::max();
    EXPECT_THROW(snapshot_iterations("every:999999999999", top), Error);  // 9.2 million snapshots
    const auto every = snapshot_iterations("every:100000000000000", top);   // 1e14: 92,234 steps + the final one
    ASSERT_EQ(every.size(), 92235u);
    EXPECT_EQ(every[92233], int64_t{92233} * 100000000000000);
    EXPECT_EQ(every.back(), top);
    const auto log = snapshot_iterations("log:50", top);
    EXPECT_EQ(log.front(), 0);
    EXPECT_EQ(log.back(), top);
    EXPECT_TRUE(std::adjacent_find(log.begin(), log.end(), std::greater_equal<>()) == log.end());
    EXPECT_EQ(snapshot_iterations("ginn", top).size(), 432u);
}

TEST(schedule_test, note_says_when_log_points_collapse) {
    // log:100 over 3000 iterations: the first points lie below 1 apart and round to the same iteration.
    const size_t got = snapshot_iterations("log:100", 3000).size();
    ASSERT_LT(got, 100u);
    EXPECT_EQ(snapshot_schedule_note("log:100", 3000),
              "log:100 gives " + std::to_string(got) + " distinct iterations after rounding to whole iterations");
    EXPECT_EQ(snapshot_schedule_note("log:5", 9999), "");  // 0, 9, 99, 999, 9999: nothing collapses
    EXPECT_EQ(snapshot_schedule_note("every:10", 100), "");
    EXPECT_EQ(snapshot_schedule_note("ginn", 1280000), "");
}

}  // namespace
}  // namespace ginn
