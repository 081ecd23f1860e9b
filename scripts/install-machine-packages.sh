#!/usr/bin/env bash
# Debian packages the control machine needs: the lab (nspawn, debootstrap, iproute2, dpkg-dev
# for the offline package repository), the SSH client, ansible-core (real ansible-vault for the
# vault compatibility tests, ansible-playbook for the benchmarks) and promtool/amtool for the
# alert rule tests, shellcheck and jq for the role script tests, nft for checking rendered
# rulesets inside a throwaway namespace (`unshare -n nft -c`: the machine's own ruleset is never touched). apt-get update runs only when something is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(systemd-container debootstrap iproute2 iputils-ping openssh-client dpkg-dev ansible-core curl ca-certificates shellcheck jq nftables util-linux)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# promtool and amtool, extracted from Debian's packages without installing them (installing
# prometheus would start a server in the machine's own namespace).
bash "$(dirname "$0")/fetch-promtool.sh"
