# Debian 12 packages storyline needs to build, test and render (sourced by setup.sh and test.sh).
STORYLINE_PACKAGES=(
  g++ cmake pkg-config           # toolchain
  libgraphviz-dev                # cgraph + gvc (layout and SVG/PNG/PDF rendering)
  libboost-graph-dev             # Boost.Graph: analytics, GraphML
  nlohmann-json3-dev             # JSON in and out
  libcli11-dev                   # command line
  libre2-dev                     # linear-time regular expressions for the TIMEX3 rules
  libmimalloc-dev                # faster malloc for the command and benchmarks (optional in CMake)
  doctest-dev                    # unit tests
  libbenchmark-dev               # benchmarks (bench/)
  fonts-dejavu-core              # the diagrams' font
  python3                        # evaluation scripts
  python3-distributed            # Dask: tools/dask_extract.py and its local-cluster test (issue 7)
  clang libclang-rt-14-dev       # sanitizer + libFuzzer build (build-asan, tools/fuzz.sh; issue 8)
)

install_missing() {
  local missing=()
  for p in "${STORYLINE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "storyline: installing ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "storyline: error: missing packages (${missing[*]}); run this script as root" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
