#!/bin/bash
# make size: what the core (the header without ODEUS_AUTH_MBEDTLS) costs a
# firmware, on Cortex-M4 and on x86-64:
#   - .text .rodata .data .bss of the implementation object (every function);
#   - the growth of a linked program that validates, builds, sends over a stub
#     I/O and maps the answer (tests/size_prog.c) over the same program
#     without the library: what a firmware doing the job really pays;
#   - what that program pulls in from the C library (no heap, no printf
#     family, no abort, no floating point);
#   - the worst stack depth of every public function: the frames of
#     -fstack-usage summed along the deepest chain of the call graph
#     (-fcallgraph-info=su); an indirect call follows the library's own
#     callbacks of its type that the function's family installs (see below).
# Fails when the core's flash on Cortex-M4 (program growth: .text + .rodata +
# .data) exceeds SIZE_FLASH_MAX (12288), when validation and request writing
# alone exceed SIZE_REQUEST_MAX (4608), when a public function on the device
# path (validate, exchange) needs more stack than SIZE_PATH_STACK_MAX (768)
# or any public function more than SIZE_STACK_MAX (1024), when the call
# graph has a cycle (recursion: no bound can be proven), when a forbidden
# symbol is pulled in, or when odeus_auth.h has more than SIZE_LINES_MAX
# (6000) lines. The report also lands in docs/FIGURES.md (tests/figures.sh).
# ODEUS_INC names the directory holding odeus_auth.h (default: the repository).
set -u
cd "$(dirname "$0")/.." || exit 2
INC=$(cd "${ODEUS_INC:-.}" && pwd) || exit 2
OUT=build/size
FLASH_MAX=${SIZE_FLASH_MAX:-12288}
REQUEST_MAX=${SIZE_REQUEST_MAX:-4608}
STACK_MAX=${SIZE_STACK_MAX:-1024}
PATH_STACK_MAX=${SIZE_PATH_STACK_MAX:-768}
LINES_MAX=${SIZE_LINES_MAX:-6000}
rm -rf "$OUT"; mkdir -p "$OUT/arm" "$OUT/x86"
# Everything printed is also the report docs/FIGURES.md gets, once tee ends.
exec 3>&1 > >(tee "$OUT/report.txt")
TEE=$!
sh tests/deps.sh arm || exit 2

ARM_CC="arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections"
ARM_LD="--specs=nano.specs --specs=nosys.specs -Wl,--gc-sections"
# No PIE on x86-64, so constant tables of pointers stay in .rodata as on a
# microcontroller instead of moving to .data.rel.ro.
X86_CC="gcc -Os -ffunction-sections -fdata-sections -fno-pie"
X86_LD="-no-pie -Wl,--gc-sections"
WARN="-std=c99 -Wall -Wextra"
FAIL=0
fail() { echo "FAIL: $*"; FAIL=1; }

printf '#define ODEUS_AUTH_IMPLEMENTATION\n#include "odeus_auth.h"\n' > "$OUT/impl.c"

# ---- 1. the implementation object, with stack usage and call graph --------
build_impl() {  # $1 = arm|x86, $2... = compiler
  local t=$1; shift
  (cd "$OUT/$t" && "$@" $WARN -I"$INC" -fstack-usage -fcallgraph-info=su \
     -c ../impl.c -o impl.o) || { echo "size: the core does not compile for $t"; exit 1; }
}
# shellcheck disable=SC2086
build_impl arm $ARM_CC
# shellcheck disable=SC2086
build_impl x86 $X86_CC

# ---- 2. the linked program, with and without the library ------------------
build_prog() {  # $1 = arm|x86, $2 = variant (full|empty|request|answer), $3 = flags, rest = compiler
  local t=$1 v=$2 extra=$3; shift 3
  # shellcheck disable=SC2086
  "$@" $WARN -I"$INC" $extra tests/size_prog.c -o "$OUT/$t/prog-$v.elf" ${LDX} \
    > "$OUT/$t/prog-$v.log" 2>&1 || { cat "$OUT/$t/prog-$v.log"; echo "size: the probe does not link ($t, $v)"; exit 1; }
}
# shellcheck disable=SC2086
LDX=$ARM_LD build_prog arm full "" $ARM_CC
# shellcheck disable=SC2086
LDX=$ARM_LD build_prog arm empty -DSIZE_EMPTY $ARM_CC
# shellcheck disable=SC2086
LDX=$X86_LD build_prog x86 full "" $X86_CC
# shellcheck disable=SC2086
LDX=$X86_LD build_prog x86 empty -DSIZE_EMPTY $X86_CC
# Each half alone, for a firmware that does the other half its own way.
for part in request answer; do
  PART_FLAG=-DSIZE_PART_$(tr '[:lower:]' '[:upper:]' <<< "$part")
  # shellcheck disable=SC2086
  LDX=$ARM_LD build_prog arm "$part" "$PART_FLAG" $ARM_CC
  # shellcheck disable=SC2086
  LDX=$X86_LD build_prog x86 "$part" "$PART_FLAG" $X86_CC
done
PROBE_OK=1
for v in full request answer; do "$OUT/x86/prog-$v.elf" || PROBE_OK=0; done
PATHNAME="odeus_exchange_begin/run/end, the begin's check listing the config's problems"

# Section sums: $1 = size tool, $2 = file. Prints "text rodata data bss".
sections() {
  "$1" -A "$2" | awk '
    $1 ~ /^\.text/   { t += $2 } $1 ~ /^\.rodata/ { r += $2 }
    $1 ~ /^\.data/   { d += $2 } $1 ~ /^\.bss/    { b += $2 }
    END { printf "%d %d %d %d\n", t, r, d, b }'
}
read -r AO_T AO_R AO_D AO_B < <(sections arm-none-eabi-size "$OUT/arm/impl.o")
read -r XO_T XO_R XO_D XO_B < <(sections size "$OUT/x86/impl.o")
read -r AF_T AF_R AF_D AF_B < <(sections arm-none-eabi-size "$OUT/arm/prog-full.elf")
read -r AE_T AE_R AE_D AE_B < <(sections arm-none-eabi-size "$OUT/arm/prog-empty.elf")
read -r XF_T XF_R XF_D XF_B < <(sections size "$OUT/x86/prog-full.elf")
read -r XE_T XE_R XE_D XE_B < <(sections size "$OUT/x86/prog-empty.elf")
AG_T=$((AF_T - AE_T)); AG_R=$((AF_R - AE_R)); AG_D=$((AF_D - AE_D)); AG_B=$((AF_B - AE_B))
XG_T=$((XF_T - XE_T)); XG_R=$((XF_R - XE_R)); XG_D=$((XF_D - XE_D)); XG_B=$((XF_B - XE_B))
AO_FLASH=$((AO_T + AO_R + AO_D)); XO_FLASH=$((XO_T + XO_R + XO_D))
AG_FLASH=$((AG_T + AG_R + AG_D)); XG_FLASH=$((XG_T + XG_R + XG_D))
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

echo "== odeus_auth core footprint (make size) =="
echo "Cortex-M4: arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) -mcpu=cortex-m4 -mthumb -Os, function/data sections, newlib-nano, --gc-sections"
echo "x86-64:    gcc $(gcc -dumpversion) -Os, function/data sections, no PIE, --gc-sections"
echo "program:   $PATHNAME"
echo
printf '%-36s %8s %8s %8s %8s %10s\n' "bytes" ".text" ".rodata" ".data" ".bss" "flash"
printf '%-36s %8d %8d %8d %8d %10d\n' "Cortex-M4 object (every function)" "$AO_T" "$AO_R" "$AO_D" "$AO_B" "$AO_FLASH"
printf '%-36s %8d %8d %8d %8d %10d\n' "Cortex-M4 program growth" "$AG_T" "$AG_R" "$AG_D" "$AG_B" "$AG_FLASH"
printf '%-36s %8d %8d %8d %8d %10d\n' "x86-64 object (every function)" "$XO_T" "$XO_R" "$XO_D" "$XO_B" "$XO_FLASH"
printf '%-36s %8d %8d %8d %8d %10d\n' "x86-64 program growth" "$XG_T" "$XG_R" "$XG_D" "$XG_B" "$XG_FLASH"
echo "(growth = program minus the same program without the library: $AE_T/$AE_R/$AE_D/$AE_B bytes on Cortex-M4)"
flash_of() {  # $1 = program: its flash (.text + .rodata + .data)
  local t r d
  read -r t r d _ < <(sections arm-none-eabi-size "$1")
  echo $((t + r + d))
}
AE_FLASH=$((AE_T + AE_R + AE_D))
echo
echo "Cortex-M4 program growth by half (the same probe doing one half only):"
AR_FLASH=$(($(flash_of "$OUT/arm/prog-request.elf") - AE_FLASH))
printf '  %-54s %6d B\n' "check + stream the request" "$AR_FLASH"
printf '  %-54s %6d B\n' "parse + map the answer (odeus_answer_*)" \
  $(($(flash_of "$OUT/arm/prog-answer.elf") - AE_FLASH))
printf '  %-54s %6d B\n' "both, through odeus_exchange_*" "$AG_FLASH"
if [ "$PROBE_OK" = 1 ]; then echo "probes run on x86-64: the request was sent, the answer read and mapped (exit 0)"
else fail "a probe program did not do its job on x86-64"; fi
echo
arm-none-eabi-nm -S "$OUT/arm/prog-empty.elf" | awk 'NF == 4 { print $4 }' | sort -u > "$OUT/arm/empty.syms"
arm-none-eabi-nm -S "$OUT/arm/prog-full.elf" | awk 'NF == 4 { print $4, $2, tolower($3) }' | sort -k1,1 |
  join -v 1 - "$OUT/arm/empty.syms" | while read -r name size type; do
    echo "$((16#$size)) $type $name"
  done | sort -rn > "$OUT/arm/added.syms"
echo "the Cortex-M4 program growth by part (the symbols the library adds, by name; a helper"
echo "inlined into a function counts in that function's part):"
awk '{ n = $3
       if (n ~ /^(oa_http_|odeus_http_)/) p = "HTTP/1.1 response parser"
       else if (n ~ /^(oa_json_|odeus_json_)/) p = "JSON reader"
       else if (n ~ /^oa_msg_/) p = "message of an error answer"
       else if (n ~ /^(oa_ans_|odeus_answer_|oa_status_result$)/) p = "answer mapper"
       else if (n ~ /^(oa_x_|odeus_exchange_)/) p = "exchange"
       else p = "validation, request writer and shared code"
       b[p] += $1
       if ($2 == "r") named += $1 }
     END { for (p in b) { printf "  %6d B  %s\n", b[p], p; all += b[p] }
           printf "  %6d B  %s\n", rodata - named, "string constants (they have no symbol)"
           printf "  %6d B  %s\n", growth - all - (rodata - named), "the probe'"'"'s own calls, alignment" }' \
  growth="$AG_FLASH" rodata="$AG_R" "$OUT/arm/added.syms" | sort -rn
echo
echo "largest symbols the library adds to the Cortex-M4 program (bytes, t = code, r = constant):"
head -n 15 "$OUT/arm/added.syms" | awk '{ printf "  %6d %s  %s\n", $1, $2, $3 }'

# ---- 3. RAM the caller provides (sizeof of the public state structs) -------
{
  printf '#include "odeus_auth.h"\n'
  printf '#include "odeus_auth.h"\n' | gcc -E -P -I"$INC" -x c - |
    sed -n 's/^ *typedef struct \(odeus_[a-z0-9_]*\) {.*/\1/p' | sort -u |
    while read -r s; do printf 'char size_of_%s[sizeof(%s)];\n' "$s" "$s"; done
} > "$OUT/structs.c"
struct_sizes() {  # $1 = nm tool, $2 = arch: "name bytes" per struct
  "$1" -S "$OUT/$2/structs.o" | while read -r _ size _ name; do
    case $name in size_of_*) echo "${name#size_of_} $((16#$size))" ;; esac
  done | sort
}
echo
echo "caller-owned state (sizeof, Cortex-M4 / x86-64):"
# shellcheck disable=SC2086
if $ARM_CC $WARN -I"$INC" -c "$OUT/structs.c" -o "$OUT/arm/structs.o" &&
   $X86_CC $WARN -I"$INC" -c "$OUT/structs.c" -o "$OUT/x86/structs.o"; then
  join <(struct_sizes arm-none-eabi-nm arm) <(struct_sizes nm x86) |
    awk '$1 ~ /^odeus_(exchange|answer_reader|answer|url|problem|config|auth_field)$/ { printf "  %-24s %6d %6d\n", $1, $2, $3 }'
else
  echo "  (could not compile the struct sizes)"
fi

# ---- 4. what the program pulls in ------------------------------------------
# Symbols of the full program that the empty one lacks, library names aside.
added() {  # $1 = nm tool, $2 = arch
  comm -13 <("$1" "$OUT/$2/prog-empty.elf" | awk '{ print $NF }' | sed 's/@.*//' | sort -u) \
           <("$1" "$OUT/$2/prog-full.elf" | awk '{ print $NF }' | sed 's/@.*//' | sort -u) |
    grep -v -E '^(oa_|odeus_|on_body$|stub_send$|stub_recv$|main$)' | grep -v -E '\.[0-9]+$'
}
FORBID='^_*(malloc|calloc|realloc|free|_malloc_r|_free_r|_calloc_r|_realloc_r|sbrk|_sbrk|_sbrk_r|abort|__assert_func|__assert_fail|__stack_chk_fail)$'
FORBID="$FORBID"'|printf|scanf|^_?puts$|fputs|fwrite|putchar|__sfvwrite|__swsetup|^_?IO_|^__sf'
FORBID="$FORBID"'|^__aeabi_[df][a-z0-9]+$|^__aeabi_u?[il]2[df]$|^__(add|sub|mul|div|neg|cmp|eq|ne|lt|le|gt|ge|unord|pow)[sdtx]f[0-9]$'
FORBID="$FORBID"'|^__fix(uns)?[sdtx]f[sdt]i$|^__float(un)?[sdt]i[sdtx]f$|^__(extend|trunc)[sdtx]f[sdtx]f2$|^(sqrt|pow|log|exp|floor|ceil|fmod)f?$'
echo
for t in arm x86; do
  if [ $t = arm ]; then NM="arm-none-eabi-nm"; name=Cortex-M4; else NM="nm"; name=x86-64; fi
  syms=$(added $NM $t | tr '\n' ' ')
  bad=$(added $NM $t | grep -E "$FORBID" | tr '\n' ' ')
  echo "pulled in from the C library ($name): ${syms:-nothing}"
  [ -n "$bad" ] && fail "the program pulls in $bad($name)"
done
echo "(forbidden: malloc/calloc/realloc/free, the printf family, abort, floating-point helpers)"

# ---- 5. stack: worst depth of every public function -------------------------
AST=""
if command -v clang > /dev/null; then
  clang -std=c99 -I"$INC" -fsyntax-only -Xclang -ast-dump=json "$OUT/impl.c" > "$OUT/ast.json" 2> /dev/null &&
    AST="$OUT/ast.json"
fi
echo
python3 - "$OUT/arm/impl.ci" "$OUT/x86/impl.ci" "$AST" "$STACK_MAX" "$PATH_STACK_MAX" <<'PY' || FAIL=1
# Worst stack depth of every public function. Frames and direct calls come
# from gcc (-fcallgraph-info=su, after inlining). An indirect call goes to a
# callback of the caller (not counted: it comes on top) or to one of the
# library's own functions whose address the library takes: clang's AST gives
# the pointer type at each call site and every function whose address is
# taken, and where. A public function can only meet the callbacks installed
# by its family (the public functions taking the same object as their first
# argument, such as odeus_answer_begin/feed/finish) or by anything they call;
# of those, the ones of the call site's type are followed.
import json, re, sys
from collections import defaultdict

ci_arm, ci_x86, ast_path, stack_max = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
path_max = int(sys.argv[5]) if len(sys.argv) > 5 else stack_max
# the device path: what a firmware runs to validate and apply over its io
PATH = ('odeus_validate_config', 'odeus_exchange_begin', 'odeus_exchange_run', 'odeus_exchange_end')
UNROLL = 2  # only for a figure when recursion is found: the request model nests one level

site_types = defaultdict(set)   # (file, line) -> pointer types called there
taken = defaultdict(set)        # installer function (None: a file-scope table) -> (name, type)
calls = defaultdict(set)        # source-level direct calls
first_arg = {}                  # function -> the object type of its first parameter
typedefs = {}
if ast_path:
    sys.setrecursionlimit(100000)
    ast = json.load(open(ast_path))
    cur = {'file': '', 'line': 0}
    def loc(d):
        if not isinstance(d, dict) or not d:
            return None
        if 'spellingLoc' in d or 'expansionLoc' in d:
            r = None
            for k, v in d.items():
                if k in ('spellingLoc', 'expansionLoc'):
                    r = loc(v) or r
            return r
        if 'file' in d: cur['file'] = d['file'].split('/')[-1]
        if 'line' in d: cur['line'] = d['line']
        return (cur['file'], cur['line'])
    def qual(t):
        return t.get('desugaredQualType', t.get('qualType', '')) if t else ''
    def strip(n):
        while n.get('kind') in ('ImplicitCastExpr', 'ParenExpr', 'UnaryOperator') and n.get('inner'):
            if n.get('kind') == 'UnaryOperator' and n.get('opcode') != '*':
                break
            n = n['inner'][0]
        return n
    def direct_callee(n):
        c = strip(n['inner'][0])
        ref = c.get('referencedDecl', {})
        if c.get('kind') == 'DeclRefExpr' and ref.get('kind') == 'FunctionDecl':
            return c
        return None
    direct = set()
    def walk(n, fn):
        kind = n.get('kind')
        begin = None
        if kind == 'TypedefDecl' and 'name' in n:
            typedefs[n['name']] = n.get('type', {}).get('qualType', n['name'])
        if kind == 'FunctionDecl' and any(c.get('kind') == 'CompoundStmt' for c in n.get('inner', [])):
            fn = n['name']
            parms = [c for c in n.get('inner', []) if c.get('kind') == 'ParmVarDecl']
            if parms:
                t = parms[0].get('type', {}).get('qualType', '')
                obj = re.sub(r'\b(const|volatile|struct)\b|\*|\s', '', t)
                if '*' in t and obj.startswith('odeus_'):
                    first_arg[fn] = obj
        if kind == 'CallExpr' and n.get('inner'):
            c = direct_callee(n)
            if c is not None:
                direct.add(c.get('id'))
                if fn: calls[fn].add(c['referencedDecl']['name'])
        if kind == 'DeclRefExpr':
            ref = n.get('referencedDecl', {})
            if ref.get('kind') == 'FunctionDecl' and n.get('id') not in direct:
                taken[fn].add((ref['name'], ref.get('type', {}).get('qualType', '')))
        for k, v in n.items():
            if k == 'loc':
                loc(v)
            elif k == 'range':
                begin = loc(v.get('begin'))
                loc(v.get('end'))
            elif isinstance(v, dict) and 'kind' in v:
                walk(v, fn)
            elif isinstance(v, list):
                for c in v:
                    if isinstance(c, dict) and 'kind' in c:
                        walk(c, fn)
        if kind == 'CallExpr' and n.get('inner') and begin and direct_callee(n) is None:
            site_types[begin].add(qual(n['inner'][0].get('type')))
    walk(ast, None)

def canon(t):
    """A type with every typedef expanded and the pointer to function dropped."""
    for _ in range(20):
        new = re.sub(r'(?<!struct )(?<!enum )(?<!union )\b([A-Za-z_]\w*)\b',
                     lambda m: typedefs.get(m.group(1), m.group(1)), t)
        if new == t:
            break
        t = new
    return re.sub(r'\s+', '', t.replace('(*)', ''))

site_canon = {k: {canon(t) for t in v} for k, v in site_types.items()}
fn_type = {}
for inst, pairs in taken.items():
    for name, t in pairs:
        fn_type[name] = canon(t)

def installed(roots):
    """Callbacks that the functions reachable from roots install (at the source level)."""
    seen, todo, cbs = set(), list(roots), set(name for name, _ in taken.get(None, ()))
    while todo:
        f = todo.pop()
        if f in seen: continue
        seen.add(f)
        todo.extend(calls.get(f, ()))
        for name, _ in taken.get(f, ()):
            cbs.add(name)
            todo.append(name)
    return cbs

def load(path):
    frame, kind, edges = {}, {}, defaultdict(list)
    for line in open(path):
        m = re.match(r'node: \{ title: "([^"]+)" label: "([^"]*)"', line)
        if m:
            b = re.search(r'\\n(\d+) bytes \(([^)]*)\)', m.group(2))
            if b:
                frame[m.group(1)] = int(b.group(1)); kind[m.group(1)] = b.group(2)
            continue
        m = re.match(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)" label: "([^"]*)"', line)
        if m:
            edges[m.group(1)].append((m.group(2), m.group(3)))
    return frame, kind, edges

def base(title):
    return title.split(':')[-1].split('.')[0]

def analyse(path):
    frame, kind, edges = load(path)
    by_base = defaultdict(list)
    for t in frame:
        by_base[base(t)].append(t)
    def node_of(name):
        c = by_base.get(name, [])
        plain = [t for t in c if '.' not in t.split(':')[-1]]
        return (plain or c or [None])[0]
    public = sorted(t for t in frame if ':' not in t and t.startswith('odeus_'))
    family = defaultdict(list)
    for t in public:
        family[first_arg.get(t, t)].append(t)
    def succ_for(allowed):
        succ = defaultdict(set)
        for src, lst in edges.items():
            for dst, where in lst:
                if dst == '__indirect_call':
                    f, l = where.rsplit(':', 2)[0].split('/')[-1], int(where.rsplit(':', 2)[1])
                    for t in site_canon.get((f, l), ()):
                        for name in allowed:
                            n = node_of(name)
                            if fn_type.get(name) == t and n: succ[src].add(n)
                elif dst in frame:
                    succ[src].add(dst)
        return succ
    res, cycles, seen_cycles = {}, [], set()
    for root in public:
        allowed = installed(family[first_arg.get(root, root)])
        succ = succ_for(allowed)
        # strongly connected components reachable from root (iterative Tarjan)
        index, low, on, stack, comp, sccs, counter = {}, {}, set(), [], {}, [], [0]
        work = [(root, iter(sorted(succ[root])))]
        index[root] = low[root] = 0; counter[0] = 1; stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]; counter[0] += 1
                    stack.append(nxt); on.add(nxt); work.append((nxt, iter(sorted(succ[nxt]))))
                elif nxt in on:
                    low[v] = min(low[v], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop(); on.discard(w); members.append(w)
                    if w == v: break
                for w in members: comp[w] = len(sccs)
                sccs.append(members)
        cyclic = set()
        for i, c in enumerate(sccs):
            if len(c) > 1 or c[0] in succ[c[0]]:
                cyclic.add(i)
                key = tuple(sorted(base(m) for m in c))
                if key not in seen_cycles:
                    seen_cycles.add(key); cycles.append(key)
        # sccs come out callees first: depth in one pass
        depth, via = {}, {}
        for i, members in enumerate(sccs):
            own = sum(frame[m] for m in members) * (UNROLL if i in cyclic else 1)
            best, arg = 0, None
            for m in members:
                for s2 in succ[m]:
                    j = comp[s2]
                    if j != i and depth[j] > best:
                        best, arg = depth[j], j
            depth[i], via[i] = own + best, arg
        chain, i = [], via[comp[root]]
        while i is not None:
            chain.append('+'.join(base(m) for m in sccs[i]) + (' x%d' % UNROLL if i in cyclic else ''))
            i = via[i]
        res[root] = (depth[comp[root]], chain)
    dyn = {t: k for t, k in kind.items() if k.startswith('dynamic') and k != 'dynamic,bounded'}
    return res, cycles, dyn

arm, cyc_arm, dyn_arm = analyse(ci_arm)
x86, cyc_x86, _ = analyse(ci_x86)
ok = True
print('stack: worst depth of each public function (bytes; frames of -fstack-usage along the deepest chain)')
print('%-30s %6s %6s  %s' % ('function', 'M4', 'x86-64', 'deepest chain on Cortex-M4'))
for name in sorted(arm):
    d, ch = arm[name]
    dx = x86.get(name, (0,))[0]
    limit = path_max if name in PATH else stack_max
    flag = '  > %d: FAIL' % limit if d > limit else ''
    if d > limit: ok = False
    print('%-30s %6d %6d  %s%s' % (name, d, dx, ' > '.join(ch) or '-', flag))
worst_path = max([arm[n][0] for n in PATH if n in arm] or [0])
print('device path (validate + exchange): worst %d bytes on Cortex-M4 (target at most %d)' % (worst_path, path_max))
if not ast_path:
    print('note: clang missing: every indirect call is counted as a callback of the caller')
print('worst: %d bytes on Cortex-M4 (limit %d). On top: the libc leaves (memcpy, strlen...) and the' % (
    max([v[0] for v in arm.values()] or [0]), stack_max))
print('caller\'s own callbacks; indirect calls follow the library\'s callbacks that the function\'s')
print('family installs (functions taking the same object, e.g. odeus_answer_begin/feed/finish).')
for c in cyc_arm or cyc_x86:
    ok = False
    print('FAIL: recursion: %s (a cycle in the call graph: no bound can be proven; figures above count it %d deep)' % (
        ' <-> '.join(c), UNROLL))
for t, k in sorted(dyn_arm.items()):
    ok = False
    print('FAIL: %s has a dynamic stack frame (%s)' % (base(t), k))
sys.exit(0 if ok else 1)
PY

# ---- 6. the references and the verdict ---------------------------------------
echo
echo "reference (published), measured the same way:"
printf '  %-44s %10s %10s %16s\n' "" "flash" "stack" "program growth"
printf '  %-44s %10s %10s %16s\n' "odeus_auth core, Cortex-M4 (this build)" "$(kb "$AG_FLASH")" "see above" "+$(kb "$AG_FLASH")"
printf '  %-44s %10s %10s %16s\n' "FreeRTOS coreHTTP + llhttp + coreJSON" "24.8 KB" "800 B" "-"
printf '  %-44s %10s %10s %16s\n' "cJSON" "6.8 KB" "-" "+32 KB"
echo "  (cJSON's program pulls in malloc, the printf family and floating point)"
echo
# target NAME VALUE MAX UNIT: one line of the verdict, failing above MAX.
target() {
  if [ "$2" -gt "$3" ]; then fail "$1: $2 $4, over the target of $3"
  else printf '%-62s %7d %s (target at most %d)\n' "$1:" "$2" "$4" "$3"; fi
}
LINES=$(wc -l < "$INC/odeus_auth.h")
echo "targets:"
target "Cortex-M4 -Os growth, validate + one exchange over an io" "$AG_FLASH" "$FLASH_MAX" B
target "  of that, validation and request writing alone" "$AR_FLASH" "$REQUEST_MAX" B
target "odeus_auth.h lines, transport included" "$LINES" "$LINES_MAX" lines
echo "(the stack targets are checked in the table above)"
# What the transport adds for a firmware (TLS layer and client, no POSIX;
# mbedTLS reported apart): tests/lwip/size.sh.
echo
bash tests/lwip/size.sh || FAIL=1
if [ "$FAIL" = 0 ]; then echo "size: PASS"; else echo "size: FAIL"; fi
exec 1>&3 3>&-
wait "$TEE"
bash tests/figures.sh size "$OUT/report.txt"
exit "$FAIL"
