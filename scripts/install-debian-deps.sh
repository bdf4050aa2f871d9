#!/usr/bin/env bash
# Installs the Debian packages the local stack and its tests need when the machine lacks them:
#  - a Java runtime for DynamoDB Local (the jar that amplify-dynamodb-simulator ships);
#  - chromium-headless-shell, the headless Chromium the chat page's browser test drives with
#    playwright-core (test/integration/chat-browser.test.ts; CHROMIUM_PATH points elsewhere).
# Everything else comes from the npm registry through `npm install`. Safe to run again: it installs
# only what is missing.
set -euo pipefail
missing=()
if command -v java >/dev/null 2>&1; then
  echo "java present: $(java -version 2>&1 | head -1)"
else
  missing+=(openjdk-17-jre-headless)
fi
if [ -x /usr/bin/chromium-headless-shell ] || command -v chromium-headless-shell >/dev/null 2>&1; then
  echo "chromium-headless-shell present: $(chromium-headless-shell --version 2>/dev/null | head -1)"
else
  missing+=(chromium-headless-shell)
fi
[ "${#missing[@]}" -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
java -version
chromium-headless-shell --version
