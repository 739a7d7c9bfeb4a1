# The C++ runtime linked into the lvsnft executable (GCC: libstdc++.a and
# libgcc.a, which ship with g++ itself), so that the dynamic loader no
# longer binds ~1700 libstdc++ symbols at every start: `lvsnft --version`
# and `lvsnft ctl status` take about 0.9 ms less CPU (BENCHMARKS.md §1b).
# Every shared library lvsnft loads is C, so no second copy of the C++
# runtime meets this one; dpkg-shlibdeps then leaves libstdc++6 and
# libgcc-s1 out of the .deb's Depends, as the binary no longer needs
# them. Only the production binary: the test binaries stay as they are.
#
# Measured and left out (no gain at the start): -Wl,--as-needed and
# -Wl,-O1 (no library was unneeded), -Wl,-z,now (our own lazy PLT
# entries are few), -fvisibility=hidden (our code is in static archives
# linked into a PIE: nothing of it is exported or interposable).
option(LVSNFT_STATIC_RUNTIME
       "Link libstdc++ and libgcc statically into lvsnft (faster start)" ON)
if(LVSNFT_STATIC_RUNTIME AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND
   NOT LVSNFT_SANITIZE)
  target_link_options(lvsnft PRIVATE -static-libstdc++ -static-libgcc)
endif()
