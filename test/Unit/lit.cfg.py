# -*- Python -*-
# GoogleTest binaries named *Tests under build/test/Unit, each test case counted by lit.
import os

import lit.formats

config.name = "lowbit-unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.lowbit_obj_root, "test", "Unit")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(config.llvm_build_mode, "Tests")
