#!/usr/bin/env bash
# Makes sure a Java 17 runtime is there for ansible-rulebook (its rules engine runs on the JVM),
# as the end-to-end test of the hwc.res.infer_service_events source needs. As root on Debian or
# Ubuntu it installs openjdk-17-jre-headless with apt-get; otherwise it says what to install.
set -euo pipefail

java_major() {
    # `java -version` prints e.g.: openjdk version "17.0.15" 2025-04-15 (on stderr)
    java -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'
}

if command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] 2>/dev/null; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "eda: ansible-rulebook needs a Java 17 (or newer) runtime on PATH, and there is none." >&2
    echo "eda: install one, e.g. 'sudo apt-get install openjdk-17-jre-headless' on Debian or Ubuntu," >&2
    echo "eda: 'sudo dnf install java-17-openjdk-headless' on Fedora or RHEL, then run this again." >&2
    exit 1
fi
echo "eda: installing openjdk-17-jre-headless with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq openjdk-17-jre-headless </dev/null >/dev/null 2>&1; then
    apt-get update -qq </dev/null >/dev/null
    apt-get install -y -qq openjdk-17-jre-headless </dev/null >/dev/null
fi
if [ "$(java_major)" -lt 17 ] 2>/dev/null || [ -z "$(java_major)" ]; then
    echo "eda: openjdk-17-jre-headless is installed but 'java -version' does not report Java 17 or newer;" >&2
    echo "eda: check which java is first on PATH (update-alternatives --config java)." >&2
    exit 1
fi
