#!/usr/bin/env bash
# Installs every build, test and run dependency of eqvk from Debian/Ubuntu packages.
# Non-interactive and idempotent: when everything is already installed it only checks (well under a second).
# Needs root or sudo for apt-get. Usage: tools/setup.sh
set -euo pipefail

PACKAGES=(
  cmake g++ ninja-build pkg-config git clang-format  # build, formatting check
  libvulkan-dev libvulkan-volk-dev glslang-tools # Vulkan headers, volk (run-time loader), GLSL → SPIR-V
  libfmt-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev doctest-dev
  mesa-vulkan-drivers vulkan-validationlayers vulkan-tools  # lavapipe, validation layer, vulkaninfo
  libxxhash-dev                                  # XXH3 content hashes (dataset manifests, model identity)
  libspirv-cross-c-shared-dev                    # SPIR-V reflection in the kernel-registry tests
  slurm-wlm munge                                # tools/slurm_local.sh: a real job array in CI (daemons started by the script)
  python3-numpy                                  # tools/ scripts and test-data checks (/usr/bin/python3)
  clang libclang-rt-14-dev                       # libFuzzer harnesses (tests/fuzz, tools/fuzz.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
