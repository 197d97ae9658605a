#!/usr/bin/env python3
"""Which functions refer to a function, in a wasm linked with `--emit-relocs`: the callers, and the
functions that take its address (a `fmt` function handed to a formatting call, a vtable's entry).

    python3 scripts/wasm_refs.py WASM REGEX

WASM is the linked wasm before wasm-bindgen and wasm-opt, which keeps its relocations and names:
`target/wasm32-unknown-unknown/release/fuota-console.wasm` after `trunk build --release` (its
`--emit-relocs` comes from `build.rs`). REGEX is matched against the names of the functions
referred to, as `wasm_functions.py` shows them (legacy names demangled, `_R…` v0 names as they
are, so `float.*Display` finds `_RNvXs7_…4core3fmt5floatdNtB7_7Display3fmt`). Calls show up in a disassembly too; an
address taken does not (it is a table index in the code), which is what this is for: it is how
the first part's last users of float formatting were found:

    python3 scripts/wasm_refs.py target/wasm32-unknown-unknown/release/fuota-console.wasm 'float.*Display'

Each line is how the function is referred to (`call` or `address`) and the function that does it;
which part that function landed in is the splitter's (`wasm-split-cli WASM DIR`, then
`wasm_functions.py DIR/main.wasm --grep …`).
"""
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from wasm_functions import demangle, imported_functions, leb  # noqa: E402

# Relocation types that carry an addend (the tool-conventions' Linking.md).
WITH_ADDEND = {3, 4, 5, 8, 9, 11, 14, 15, 16, 17, 21, 22, 23, 25}
# R_WASM_FUNCTION_INDEX_LEB (a call) and the table-index types (an address taken).
KINDS = {0: "call", 1: "address", 2: "address", 12: "address", 18: "address", 19: "address", 24: "address", 26: "call"}


def string(data: bytes, at: int) -> tuple[str, int]:
    length, at = leb(data, at)
    return data[at:at + length].decode(errors="replace"), at + length


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1].strip())
    path, wanted = sys.argv[1], re.compile(sys.argv[2])
    data = pathlib.Path(path).read_bytes()
    sections, at = [], 8
    while at < len(data):
        kind, (size, start) = data[at], leb(data, at + 1)
        name = string(data, start)[0] if kind == 0 else None
        sections.append((kind, start, start + size, name))
        at = start + size
    imported = next((imported_functions(data, s) for k, s, _, _ in sections if k == 2), 0)

    # Each function body's place in the code section, and the function names.
    code_start = next(s for k, s, _, _ in sections if k == 10)
    count, at = leb(data, code_start)
    bodies = []
    for index in range(count):
        length, body = leb(data, at)
        bodies.append((at - code_start, body + length - code_start, imported + index))
        at = body + length
    names = {}
    for kind, start, end, name in sections:
        if name == "name":
            sub = string(data, start)[1]
            while sub < end:
                sub_kind, (sub_size, sub) = data[sub], leb(data, sub + 1)
                if sub_kind == 1:
                    entries, entry = leb(data, sub)
                    for _ in range(entries):
                        index, entry = leb(data, entry)
                        names[index], entry = string(data, entry)
                sub += sub_size

    # The linking section's symbols: a relocation names a symbol, a function symbol its index.
    linking = next(((s, e) for k, s, e, n in sections if n == "linking"), None)
    if linking is None:
        sys.exit(f"wasm_refs: {path} has no linking section (was it linked with --emit-relocs?)")
    symbols = []
    at = leb(data, string(data, linking[0])[1])[1]  # past the name and the version
    while at < linking[1]:
        sub_kind, (sub_size, payload) = data[at], leb(data, at + 1)
        if sub_kind == 8:  # WASM_SYMBOL_TABLE
            entries, sub = leb(data, payload)
            for _ in range(entries):
                kind, (flags, sub) = data[sub], leb(data, sub + 1)
                if kind in (0, 2, 4, 5):  # function, global, tag, table: an index, maybe a name
                    index, sub = leb(data, sub)
                    if not flags & 0x10 or flags & 0x40:
                        sub = string(data, sub)[1]
                    symbols.append(index if kind == 0 else None)
                elif kind == 1:  # data: a name, and where it lies when defined
                    sub = string(data, sub)[1]
                    if not flags & 0x10:
                        for _ in range(3):
                            sub = leb(data, sub)[1]
                    symbols.append(None)
                else:  # section
                    sub = leb(data, sub)[1]
                    symbols.append(None)
        at = payload + sub_size

    targets = {i for i, f in enumerate(symbols) if f is not None and wanted.search(demangle(names.get(f, "")))}
    if not targets:
        sys.exit(f"wasm_refs: no function matches {sys.argv[2]!r}")
    print("referred to: " + "; ".join(sorted({demangle(names[symbols[t]]) for t in targets})))

    def function_at(offset: int) -> str:
        return next((demangle(names.get(i, f"function {i}")) for s, e, i in bodies if s <= offset < e), "?")

    seen = []
    for kind, start, end, name in sections:
        if name not in ("reloc.CODE", "reloc.DATA"):
            continue
        at = leb(data, string(data, start)[1])[1]  # past the name and the target section
        entries, at = leb(data, at)
        for _ in range(entries):
            reloc, (offset, at) = data[at], leb(data, at + 1)
            symbol, at = leb(data, at)
            if reloc in WITH_ADDEND:
                at = leb(data, at)[1]
            if symbol not in targets:
                continue
            if name == "reloc.DATA":
                seen.append(f"{'address':8} (in the data section: a vtable or a constant)")
            elif reloc in KINDS:
                seen.append(f"{KINDS[reloc]:8} {function_at(offset)}")
    for line in sorted(set(seen)):
        print(f"{seen.count(line):4}  {line[:180]}")


if __name__ == "__main__":
    main()
