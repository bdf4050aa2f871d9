#!/usr/bin/env bash
# Installs the Debian packages the local stack needs when the machine lacks them:
# a Java runtime for DynamoDB Local (the jar that amplify-dynamodb-simulator ships).
# Everything else comes from the npm registry through `npm install`.
set -euo pipefail
if command -v java >/dev/null 2>&1; then
  echo "java present: $(java -version 2>&1 | head -1)"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends openjdk-17-jre-headless
java -version
