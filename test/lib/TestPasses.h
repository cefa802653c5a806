//===- TestPasses.h - Test-only passes of lowbit-opt --------------*- C++ -*-===//
#ifndef LOWBIT_TEST_LIB_TESTPASSES_H
#define LOWBIT_TEST_LIB_TESTPASSES_H

namespace lowbit::test {

/// Registers tile-test-layout-codegen.
void registerTestPasses();

} // namespace lowbit::test

#endif // LOWBIT_TEST_LIB_TESTPASSES_H
