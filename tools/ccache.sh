# Sourced by the build scripts: LAUNCHER holds the CMake arguments that put
# ccache in front of the compilers when the machine has it, which makes
# rebuilds after a small change quick (a fresh CI machine has none and
# builds everything once).
LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
