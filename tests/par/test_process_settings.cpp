#include <gtest/gtest.h>

#include "dixc/par/process_settings.hpp"

namespace {

using dixc::par::huge_page_mode_of;
using dixc::par::malloc_huge_pages_requested;
using dixc::par::tunables_with_malloc_huge_pages;

TEST(ProcessSettings, ReadsTheBracketedHugePageMode) {
  EXPECT_EQ(huge_page_mode_of("always [madvise] never"), "madvise");
  EXPECT_EQ(huge_page_mode_of("[always] madvise never"), "always");
  EXPECT_EQ(huge_page_mode_of("always madvise [never]"), "never");
  EXPECT_EQ(huge_page_mode_of(""), "");  // no such file
  EXPECT_EQ(huge_page_mode_of("] madvise ["), "");
}

TEST(ProcessSettings, AddsMallocHugePagesOnlyInMadviseMode) {
  EXPECT_EQ(tunables_with_malloc_huge_pages(nullptr, "madvise"), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_malloc_huge_pages("", "madvise"), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_malloc_huge_pages("glibc.malloc.arena_max=2", "madvise"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_malloc_huge_pages(nullptr, "always"), "");  // the kernel gives them anyway
  EXPECT_EQ(tunables_with_malloc_huge_pages(nullptr, "never"), "");
  EXPECT_EQ(tunables_with_malloc_huge_pages(nullptr, ""), "");
}

TEST(ProcessSettings, KeepsTheUsersChoice) {
  EXPECT_EQ(tunables_with_malloc_huge_pages("glibc.malloc.hugetlb=0", "madvise"), "");
  EXPECT_EQ(tunables_with_malloc_huge_pages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2", "madvise"), "");
  // after the re-execution the setting is there: no second one
  EXPECT_EQ(tunables_with_malloc_huge_pages(tunables_with_malloc_huge_pages(nullptr, "madvise").c_str(), "madvise"),
            "");
}

TEST(ProcessSettings, TellsWhetherMallocAsksForHugePages) {
  EXPECT_FALSE(malloc_huge_pages_requested(nullptr));
  EXPECT_FALSE(malloc_huge_pages_requested("glibc.malloc.arena_max=2"));
  EXPECT_FALSE(malloc_huge_pages_requested("glibc.malloc.hugetlb=0"));
  EXPECT_TRUE(malloc_huge_pages_requested("glibc.malloc.hugetlb=1"));
  EXPECT_TRUE(malloc_huge_pages_requested("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2"));
  EXPECT_FALSE(malloc_huge_pages_requested("glibc.malloc.hugetlb="));
}

}  // namespace
