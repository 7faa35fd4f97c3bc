#!/bin/bash
# tests/figures.sh SECTION REPORT: puts REPORT (what make size or make bench
# printed) into docs/FIGURES.md as SECTION, between its markers, so the
# figures there are always what a run measured, never copied by hand.
# `make figures` runs both and rewrites the file.
set -u
cd "$(dirname "$0")/.." || exit 2
section=$1 report=$2 doc=docs/FIGURES.md
mkdir -p docs
[ -f "$doc" ] || printf '# Figures\n\nWritten by `make size` and `make bench` (`make figures` runs both); never edited by hand.\n' > "$doc"
grep -q "^<!-- $section -->\$" "$doc" || printf '\n<!-- %s -->\n<!-- /%s -->\n' "$section" "$section" >> "$doc"
{
  printf '<!-- %s -->\n' "$section"
  printf '## make %s\n\n' "$section"
  printf 'Measured %s on %s (%s, %s cores).\n\n' "$(date -u +%Y-%m-%d)" "$(uname -m)" \
    "$(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release 2>/dev/null || uname -s)" "$(nproc)"
  echo '```'
  sed 's/\x1b\[[0-9;]*m//g' "$report"
  echo '```'
  printf '<!-- /%s -->\n' "$section"
} > "$doc.part"
awk -v s="$section" -v part="$doc.part" '
  $0 == "<!-- " s " -->" { while ((getline line < part) > 0) print line; skip = 1; next }
  $0 == "<!-- /" s " -->" { skip = 0; next }
  !skip' "$doc" > "$doc.new" && mv "$doc.new" "$doc"
rm -f "$doc.part"
