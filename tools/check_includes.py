#!/usr/bin/env python3
"""Include rules: every `#include "<module>/..."` in src/<module>/** must be allowed by the module map.

The map is the ```include-rules block of docs/architecture.md (its syntax is described there), so the
documented arrows and the checked ones are the same text. ctest runs this as `include_rules`.
Standard library only; runs with any python3. Usage: tools/check_includes.py [repository root]
"""
import re
import sys
from pathlib import Path

SOURCE_SUFFIXES = {".h", ".hpp", ".cpp", ".cc", ".c", ".inl"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def parse_map(doc):
    """Returns (modules, files): module -> set of allowed targets, file path -> set of extra targets."""
    text = doc.read_text(encoding="utf-8")
    block = re.search(r"^```include-rules\n(.*?)^```", text, re.S | re.M)
    if not block:
        sys.exit(f"{doc}: no ```include-rules block")
    modules, files = {}, {}
    for n, line in enumerate(block.group(1).splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        left, sep, right = line.partition(":")
        if not sep:
            sys.exit(f"{doc}: include-rules line {n}: expected '<module> : <deps>'")
        targets = {t.strip() for t in right.split(",") if t.strip() and t.strip() != "-"}
        for name in left.split():
            table = files if "/" in name else modules
            table.setdefault(name, set()).update(targets)
    return modules, files


def check_map(modules, files, src):
    """The map itself: every src/ folder is a module, no unknown targets or files, no cycles."""
    problems = []
    present = {p.name for p in src.iterdir() if p.is_dir()}
    problems += [f"src/{m}/ is not in the module map" for m in sorted(present - modules.keys())]
    problems += [f"module map names {m}, but src/{m}/ does not exist" for m in sorted(modules.keys() - present)]
    for owner, targets in list(modules.items()) + list(files.items()):
        for t in sorted(targets):
            if t != "*" and not t.startswith("<") and t not in modules:
                problems.append(f"module map: {owner} lists unknown module {t}")
    for f in sorted(files):
        if not (src / f).is_file():
            problems.append(f"module map names src/{f}, which does not exist")
        elif f.split("/")[0] not in modules:
            problems.append(f"module map: src/{f} is not inside a module")

    def visit(m, path):
        if m in path:
            cycle = path[path.index(m):]
            i = cycle.index(min(cycle))  # one report per cycle, whichever module the walk started at
            cycle = cycle[i:] + cycle[:i]
            return [f"module map has a cycle: {' -> '.join(cycle + cycle[:1])}"]
        deps = modules.get(m, set()) - {"*", m}
        return [p for d in sorted(deps) if not d.startswith("<") for p in visit(d, path + [m])]

    for m in sorted(modules):
        if "*" not in modules[m]:
            problems += visit(m, [])
    return sorted(set(problems))


def check_sources(modules, files, src):
    guarded = {t[1:-1] for ts in modules.values() for t in ts if t.startswith("<")}
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        rel = path.relative_to(src).as_posix()
        module = rel.split("/")[0]
        allowed = modules.get(module, set()) | files.get(rel, set()) | {module}
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            where, (quote, name) = f"src/{rel}:{n}", m.groups()
            if "*" in allowed:
                continue
            if quote == '"' and name.startswith("../"):
                problems.append(f'{where}: #include "{name}" is relative; includes are rooted at src/')
            elif quote == '"' and name.split("/")[0] in modules and "/" in name:
                target = name.split("/")[0]
                if target not in allowed:
                    rule = ", ".join(sorted(modules.get(module, set()))) or "-"
                    problems.append(f'{where}: {module} may not include "{name}" ({module} : {rule})')
            elif quote == "<":
                for g in guarded:
                    if name.startswith(g) and f"<{g}>" not in allowed:
                        problems.append(f"{where}: {module} may not include <{name}> (only modules "
                                        f"listing <{g}> in the module map may)")
    return problems


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    doc, src = root / "docs" / "architecture.md", root / "src"
    modules, files = parse_map(doc)
    problems = check_map(modules, files, src) + check_sources(modules, files, src)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include-rule violation(s); the map is the include-rules block of {doc}")
        return 1
    print(f"include rules: {len(modules)} modules, src/ follows {doc.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
