#!/usr/bin/env bash
# Gives a promoted digest its release tag in the registry, with crane (go-containerregistry), and checks it:
#
#   scripts/retag.sh IMAGE DIGEST TAG      e.g. scripts/retag.sh ghcr.io/acme/echo sha256:3c9e... v1.3.0
#
# IMAGE is the app's repository (apps/<app>.ts `image`, as `release --json` prints it), DIGEST the promoted
# digest (sha256:<64 hex>), TAG the release tag. promote.yml runs it for each promoted change that gives a
# digest a new tag, before the commit is pushed (see the workflow).
#
#   - TAG already points at DIGEST: nothing to do (idempotent; a re-run of the same promotion passes).
#   - TAG does not exist: `crane tag IMAGE@DIGEST TAG`, then the digest behind the new tag is read back and
#     must be DIGEST.
#   - TAG points at another digest: refused. A release tag is immutable; nothing is changed.
#
# "Does not exist" is decided by the repository's tag list (`crane ls`), never by a failed read alone: a
# registry that cannot be read (login, permission, network) is a refusal, not a reason to tag.
#
# Exit 0: IMAGE:TAG is DIGEST (one line on stdout says whether it was already, or tagged and verified).
# Exit 1: refused, one line on stderr (`retag: refused: ...`). Exit 2: usage.
# Needs `crane` on PATH, logged in to the registry (`crane auth login`) with push rights for a new tag.
set -euo pipefail

usage() {
  echo "usage: scripts/retag.sh IMAGE DIGEST TAG (e.g. ghcr.io/acme/echo sha256:<64 hex> v1.3.0): $1" >&2
  exit 2
}
(( $# == 3 )) || usage "expected 3 arguments, got $#"
image=$1 digest=$2 tag=$3
# The repository without tag or digest (the app spec's rule), a sha256 digest, and an OCI tag.
[[ "$image" =~ ^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$ ]] \
  || usage "IMAGE must be a repository without tag or digest, got \"$image\""
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || usage "DIGEST must be sha256:<64 hex>, got \"$digest\""
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage "TAG is not a valid tag, got \"$tag\""

ref="$image:$tag"
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT

refuse() {
  echo "retag: refused: $1" >&2
  exit 1
}
# crane's own error, on one line (its last non-empty line, without "Error: "), for the refusal message.
why() {
  local line
  line=$(grep -v '^[[:space:]]*$' "$errfile" | tail -n 1 || true)
  line=${line#Error: }
  echo "${line:0:300}"
}

# 1. Where does the tag point now?
if current=$(crane digest "$ref" 2> "$errfile"); then
  if [[ "$current" == "$digest" ]]; then
    echo "retag: $ref already points at $digest; nothing to do"
    exit 0
  fi
  refuse "$ref already points at $current, not the promoted $digest: a release tag is immutable; release this digest under a new tag (nothing was changed)"
fi
read_error=$(why)

# 2. The read failed: only the tag list tells "no such tag" from "cannot read".
if ! tags=$(crane ls "$image" 2> "$errfile"); then
  refuse "cannot read the tags of $image ($(why)); check the registry login and its permissions (nothing was changed)"
fi
if grep -qxF -- "$tag" <<< "$tags"; then
  refuse "$ref exists but its digest cannot be read ($read_error); not tagging over it"
fi

# 3. Tag the digest, then read the tag back.
if ! crane tag "$image@$digest" "$tag" > /dev/null 2> "$errfile"; then
  refuse "could not tag $image@$digest as $tag ($(why)); the login needs push rights (GHCR: packages: write and write access to the package)"
fi
if ! after=$(crane digest "$ref" 2> "$errfile"); then
  refuse "tagged $ref, but it cannot be read back ($(why)); check it by hand: crane digest $ref"
fi
if [[ "$after" != "$digest" ]]; then
  refuse "after tagging, $ref points at $after, not the promoted $digest (another writer?); not releasing it"
fi
echo "retag: $ref -> $digest (tagged, verified)"
