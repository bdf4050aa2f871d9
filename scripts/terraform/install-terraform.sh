#!/usr/bin/env bash
# Installs the Terraform CLI ${TF_VERSION} into /usr/local/bin on a Linux CI machine (CodeBuild),
# verifying the download against HashiCorp's published SHA-256 sums. Used by buildspec.yml and
# buildspec_apply.yml.
set -euo pipefail

: "${TF_VERSION:?set TF_VERSION, e.g. 1.11.4}"

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

if command -v terraform >/dev/null 2>&1 && terraform version | head -1 | grep -q "v${TF_VERSION}\$"; then
  echo "terraform ${TF_VERSION} already installed"
  exit 0
fi

zip="terraform_${TF_VERSION}_linux_${arch}.zip"
base="https://releases.hashicorp.com/terraform/${TF_VERSION}"
workdir="$(mktemp -d)"
trap 'rm -rf "${workdir}"' EXIT

curl -fsSL --retry 3 -o "${workdir}/${zip}" "${base}/${zip}"
curl -fsSL --retry 3 -o "${workdir}/SHA256SUMS" "${base}/terraform_${TF_VERSION}_SHA256SUMS"
(cd "${workdir}" && grep " ${zip}\$" SHA256SUMS | sha256sum -c -)
unzip -o -q "${workdir}/${zip}" -d /usr/local/bin terraform
terraform version
