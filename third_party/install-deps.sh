#!/bin/sh
# install-deps.sh -- installs the Debian packages of third_party/packages.txt
# that are missing, with apt-get (through sudo when not root). Quiet and
# quick when everything is there: make run, make test and make bench call it
# every time.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt" | awk '{print $1}')

missing=
for p in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
# npm: only when the nodejs package does not bundle it (NodeSource's nodejs
# does, and conflicts with Debian's npm), so it is looked at after nodejs.
need_npm() { ! command -v npm >/dev/null 2>&1; }
[ -z "$missing" ] && ! need_npm && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=
elif command -v sudo >/dev/null 2>&1; then
    sudo=sudo
else
    echo "install-deps: missing packages:$missing; run as root or install sudo" >&2
    exit 1
fi

echo "install-deps: installing$missing$(need_npm && echo " npm")" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
[ -z "$missing" ] || $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
if need_npm; then
    $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
