#!/usr/bin/env bash
# Prints the bytes of a first visit (every file of the built site): raw, gzip -9 and brotli -q 11.
set -euo pipefail
DIR="${1:-dist}"
printf '%-44s %10s %10s %10s\n' file raw gzip brotli
total_raw=0; total_gz=0; total_br=0
while IFS= read -r f; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-44s %10d %10d %10d\n' "${f#"$DIR"/}" "$raw" "$gz" "$br"
done < <(find "$DIR" -type f | sort)
printf '%-44s %10d %10d %10d\n' TOTAL "$total_raw" "$total_gz" "$total_br"
