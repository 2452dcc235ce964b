# cmake -DIN=x.cu -DOUT=x.cpp -P rewrite_launches.cmake: a CUDA source as C++ for the emulator.
# Each `kernel<<<grid, block, shared, stream>>>(` becomes
# `::irk_emu::launch(::irk_emu::Config{grid, block, shared, stream}, "kernel", [&](auto&&... a) { kernel(a...); }, bound)(`,
# where bound is the kernel's __launch_bounds__ when it is defined in the same file (0 otherwise), so
# that the emulator refuses a block larger than the bound as a GPU does.
file(READ "${IN}" text)
set(launch "<<<(([^>]|>[^>]|>>[^>])*)>>>\\(")
string(REGEX MATCHALL "__launch_bounds__\\([^)]*\\)[ \t\n]*[A-Za-z_][A-Za-z_0-9]*\\(" bounded "${text}")
foreach(declaration ${bounded})
  string(REGEX REPLACE "__launch_bounds__\\(([^)]*)\\)[ \t\n]*([A-Za-z_0-9]+)\\(" "\\2" kernel "${declaration}")
  string(REGEX REPLACE "__launch_bounds__\\(([^)]*)\\).*" "\\1" bound "${declaration}")
  string(REGEX REPLACE "(^|[^A-Za-z_0-9])${kernel}${launch}"
         "\\1::irk_emu::launch(::irk_emu::Config{\\2}, \"${kernel}\", [&](auto&&... irk_emu_a) { ${kernel}(irk_emu_a...); }, static_cast<int>(${bound}))("
         text "${text}")
endforeach()
string(REGEX REPLACE "([A-Za-z_][A-Za-z_0-9]*)${launch}"
       "::irk_emu::launch(::irk_emu::Config{\\2}, \"\\1\", [&](auto&&... irk_emu_a) { \\1(irk_emu_a...); })("
       text "${text}")
if(text MATCHES ">>>\\(")
  message(FATAL_ERROR "${IN}: a launch the emulator's rewrite does not understand (kernel<<<...>>>( on one line)")
endif()
file(WRITE "${OUT}" "#include <cuda_runtime.h>\n#line 1 \"${IN}\"\n${text}")
