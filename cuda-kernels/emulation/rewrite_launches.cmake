# cmake -DIN=x.cu -DOUT=x.cpp -P rewrite_launches.cmake: a CUDA source as C++ for the emulator.
# Each `kernel<<<grid, block, shared, stream>>>(` becomes
# `::irk_emu::launch({grid, block, shared, stream}, "kernel", [&](auto&&... a) { kernel(a...); })(`.
file(READ "${IN}" text)
string(REGEX REPLACE "([A-Za-z_][A-Za-z_0-9]*)<<<(([^>]|>[^>]|>>[^>])*)>>>\\("
       "::irk_emu::launch(::irk_emu::Config{\\2}, \"\\1\", [&](auto&&... irk_emu_a) { \\1(irk_emu_a...); })("
       text "${text}")
if(text MATCHES ">>>\\(")
  message(FATAL_ERROR "${IN}: a launch the emulator's rewrite does not understand (kernel<<<...>>>( on one line)")
endif()
file(WRITE "${OUT}" "#include <cuda_runtime.h>\n#line 1 \"${IN}\"\n${text}")
