#!/usr/bin/env bash
# Install the peers `make bench-peers` measures against, only those found
# missing (Debian packages, as .ci/deps does for the build itself):
# liquid-dsp (libliquid-dev), libfec (libfec-dev), VOLK (libvolk2-dev), GSL,
# ns-3's schedulers (libns3-dev, with g++ for bench_evq_ns3.cc).
set -euo pipefail
missing=()
need_file() { [ -e "$1" ] || missing+=("$2"); }
need_file /usr/include/liquid/liquid.h libliquid-dev
need_file /usr/include/fec.h libfec-dev
need_file /usr/include/volk/volk.h libvolk2-dev
need_file /usr/include/gsl/gsl_rng.h libgsl-dev
need_file /usr/include/ns3/map-scheduler.h libns3-dev
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v objcopy >/dev/null 2>&1 || missing+=(binutils)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "bench-peers: installing missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
