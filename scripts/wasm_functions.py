#!/usr/bin/env python3
"""Function sizes by name in a wasm file: where the bytes of a build go, and what a change moved.

    python3 scripts/wasm_functions.py WASM [--top N] [--grep REGEX] [--diff OTHER.wasm]

WASM is best the linked wasm before wasm-bindgen and wasm-opt, which still has its names:
`target/wasm32-unknown-unknown/release/fuota-console.wasm` after `trunk build --release`. The
sizes are of each function's body in the code section (raw bytes, before wasm-opt and brotli), so
they say where code comes from, not what a file weighs after compression. Names are demangled
(Rust's legacy `_ZN…` scheme; `_R…` v0 names are shown as they are). Examples:

    --grep 'core::slice::sort'      every copy of the standard library's sort, and their sum
    --diff old.wasm                 what grew and what shrank, by name, from old.wasm to WASM
"""
import argparse
import collections
import re
import sys


def leb(data: bytes, at: int) -> tuple[int, int]:
    """An unsigned LEB128 number at `at`, and where the next field starts."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def imported_functions(data: bytes, at: int) -> int:
    """How many functions the import section imports (they come first in the function index space)."""
    count, at = leb(data, at)
    functions = 0
    for _ in range(count):
        for _name in range(2):  # module, then field
            length, at = leb(data, at)
            at += length
        kind = data[at]
        at += 1
        if kind == 0:  # function: its type index
            _, at = leb(data, at)
            functions += 1
        elif kind == 1:  # table: element type, then limits
            at += 1
            flags = data[at]
            at += 1
            _, at = leb(data, at)
            if flags & 1:
                _, at = leb(data, at)
        elif kind == 2:  # memory: limits
            flags = data[at]
            at += 1
            _, at = leb(data, at)
            if flags & 1:
                _, at = leb(data, at)
        elif kind == 3:  # global: value type, mutability
            at += 2
        else:
            sys.exit(f"wasm_functions: import kind {kind} not understood")
    return functions


def functions(path: str) -> list[tuple[str, int]]:
    """(name, body size) of every function defined in the file."""
    data = open(path, "rb").read()
    if data[:4] != b"\0asm":
        sys.exit(f"wasm_functions: {path} is not a wasm file")
    at, imported, sizes, names = 8, 0, [], {}
    while at < len(data):
        section = data[at]
        size, at = leb(data, at + 1)
        end = at + size
        if section == 2:
            imported = imported_functions(data, at)
        elif section == 10:
            count, body = leb(data, at)
            for _ in range(count):
                length, body = leb(data, body)
                sizes.append(length)
                body += length
        elif section == 0:
            length, sub = leb(data, at)
            if data[sub:sub + length] == b"name":
                sub += length
                while sub < end:
                    kind = data[sub]
                    sub_size, sub = leb(data, sub + 1)
                    if kind == 1:  # function names
                        count, entry = leb(data, sub)
                        for _ in range(count):
                            index, entry = leb(data, entry)
                            length, entry = leb(data, entry)
                            names[index] = data[entry:entry + length].decode(errors="replace")
                            entry += length
                    sub += sub_size
        at = end
    return [(demangle(names.get(imported + i, f"function {imported + i}")), size) for i, size in enumerate(sizes)]


ESCAPES = [("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("$C$", ","), ("$u7b$", "{"),
           ("$u7d$", "}"), ("$BP$", "*"), ("$u5b$", "["), ("$u5d$", "]"), ("$u27$", "'"), ("$LP$", "("),
           ("$RP$", ")"), ("$u2b$", "+"), ("$u3d$", "="), ("..", "::")]


def demangle(name: str) -> str:
    """A legacy-mangled Rust name as a path (`_ZN4core3fmt5write17h…E` → `core::fmt::write`)."""
    if not name.startswith("_ZN"):
        return name
    at, parts = 3, []
    while at < len(name) and name[at].isdigit():
        digits = re.match(r"\d+", name[at:]).group(0)
        at += len(digits)
        parts.append(name[at:at + int(digits)])
        at += int(digits)
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()  # the hash that tells instances apart
    path = "::".join(parts)
    for escape, text in ESCAPES:
        path = path.replace(escape, text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wasm")
    parser.add_argument("--top", type=int, default=30, help="how many rows to print (default 30)")
    parser.add_argument("--grep", help="only the functions whose name matches this regular expression")
    parser.add_argument("--diff", metavar="OTHER", help="sizes by name against OTHER (an older build)")
    args = parser.parse_args()

    rows = functions(args.wasm)
    if args.grep:
        rows = [(n, s) for n, s in rows if re.search(args.grep, n)]
    print(f"{args.wasm}: {len(rows)} functions, {sum(s for _, s in rows):,} bytes of code")
    if args.diff:
        old = functions(args.diff)
        if args.grep:
            old = [(n, s) for n, s in old if re.search(args.grep, n)]
        before, after = collections.Counter(), collections.Counter()
        for name, size in old:
            before[name] += size
        for name, size in rows:
            after[name] += size
        print(f"{args.diff}: {len(old)} functions, {sum(before.values()):,} bytes of code")
        changes = {n: after[n] - before[n] for n in set(before) | set(after) if after[n] != before[n]}
        for name, change in sorted(changes.items(), key=lambda c: -abs(c[1]))[:args.top]:
            print(f"{change:+9,}  {name[:160]}")
        return
    for name, size in sorted(rows, key=lambda r: -r[1])[:args.top]:
        print(f"{size:9,}  {name[:160]}")


if __name__ == "__main__":
    main()
