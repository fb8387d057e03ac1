#!/usr/bin/env bash
# Installs what building and running PartnerHub needs on Debian or Ubuntu, skipping what is present:
# PostgreSQL (server binaries for the embedded cluster), and the libxml2 and OpenSSL headers.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "PartnerHub needs the Swift 6.2 (or newer) toolchain on PATH: see https://www.swift.org/install/" >&2
    exit 1
fi

packages=(postgresql postgresql-contrib libxml2-dev libssl-dev pkg-config)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} ..."
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
