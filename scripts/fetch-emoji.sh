#!/usr/bin/env bash
# Builds the emoji retrieval dataset: an ImageFolder DEST/<unified-code>/{google,twitter}.png with one
# class per emoji that both Google and Twitter draw (base emoji only, no skin-tone variants), 64x64 PNGs
# taken from the emoji-datasource npm packages. Needs only bash, node/npm and tar.
#
#   scripts/fetch-emoji.sh [DEST]      (DEST defaults to data/emoji; never commit it)
#
# The tarballs are cached in $EMOJI_CACHE (default .emoji-cache at the repository root) and checked
# against the sha512 pinned below. Running it again when DEST is complete does nothing.
set -euo pipefail

VERSION=16.0.0
declare -A SHA512=(
  [google]='ZRexfzs7MVoLnmzZmNsO4TKhnAJp5D++Vm6PpUpH/jEQQlemp3l88CjZ+DoZ2faM9R4QxZkOPJCoT8DlPhfQ3A=='
  [twitter]='7F+uCuHH+7Qnrc15P5tnbvKkg9E6tlzi4MnT2uW1RlN4pLYTza6cP/dstIfSDMtpjFLWuZewWg8jBbuL2eyELQ=='
)
VENDORS=(google twitter)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/data/emoji}
CACHE=${EMOJI_CACHE:-$ROOT/.emoji-cache}
MARKER="$DEST/.complete"
STAMP="emoji-datasource $VERSION vendors=${VENDORS[*]}"

if [[ -f "$MARKER" ]] && [[ "$(head -n1 "$MARKER")" == "$STAMP" ]]; then
  echo "$DEST is complete ($(sed -n 2p "$MARKER") classes); nothing to do"
  exit 0
fi

sha512_of() {
  node -e 'const c=require("crypto"),f=require("fs");
    process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

mkdir -p "$CACHE"
for v in "${VENDORS[@]}"; do
  pkg="emoji-datasource-$v"
  tgz="$CACHE/$pkg-$VERSION.tgz"
  if [[ ! -f "$tgz" ]] || [[ "$(sha512_of "$tgz")" != "${SHA512[$v]}" ]]; then
    rm -f "$tgz"
    echo "fetching $pkg@$VERSION"
    (cd "$CACHE" && npm pack --silent "$pkg@$VERSION" >/dev/null)
  fi
  got=$(sha512_of "$tgz")
  if [[ "$got" != "${SHA512[$v]}" ]]; then
    echo "error: $tgz has sha512-$got, expected sha512-${SHA512[$v]}" >&2
    exit 1
  fi
  if [[ ! -f "$CACHE/$v/.extracted" ]]; then
    rm -rf "$CACHE/$v"
    mkdir -p "$CACHE/$v"
    tar -xzf "$tgz" -C "$CACHE/$v" --strip-components=1 package/emoji.json "package/img/$v/64"
    touch "$CACHE/$v/.extracted"
  fi
done

# Build beside DEST and move into place, so an interrupted run never leaves a DEST that looks complete.
TMP="$DEST.partial"
rm -rf "$TMP"
mkdir -p "$TMP"
count=$(node - "$CACHE" "$TMP" "${VENDORS[@]}" <<'JS'
const fs = require("fs"), path = require("path");
const [cache, out, ...vendors] = process.argv.slice(2);
// Both packages ship the same emoji.json; the first vendor's copy is the index.
const entries = JSON.parse(fs.readFileSync(path.join(cache, vendors[0], "emoji.json"), "utf8"));
let n = 0;
for (const e of entries) {
  // Only base entries: skin-tone variants live in e.skin_variations and are left out.
  if (!vendors.every(v => e["has_img_" + v])) continue;
  const srcs = vendors.map(v => path.join(cache, v, "img", v, "64", e.image));
  if (!srcs.every(s => fs.existsSync(s))) continue;
  const dir = path.join(out, e.unified);
  fs.mkdirSync(dir, { recursive: true });
  vendors.forEach((v, i) => fs.copyFileSync(srcs[i], path.join(dir, v + ".png")));
  n++;
}
process.stdout.write(String(n));
JS
)
printf '%s\n%s\n' "$STAMP" "$count" > "$TMP/.complete"
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
mv "$TMP" "$DEST"
echo "wrote $count emoji classes to $DEST"
