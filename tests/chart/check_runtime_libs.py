#!/usr/bin/env python3
"""Checks that the Dockerfile's runtime stage installs every shared library the binary needs.

  check_runtime_libs.py BINARY DOCKERFILE

No container engine is needed: the binary built on this Debian 12 machine is inspected instead.
  - `readelf -d` gives the libraries the binary links directly (NEEDED); `ldd` gives every library
    loaded, with its path; `dpkg -S` maps each path to its Debian package.
  - The runtime stage is the last `FROM` of the Dockerfile; its `apt-get install` line is read
    (backslash continuations joined, options dropped).
  - Each package of a directly linked library must be named on that line. Each package of a
    library loaded only indirectly must be named there or be a dependency (Depends/Pre-Depends,
    followed recursively through the installed packages) of a named package, since apt installs
    those by itself.
  - The runtime stage must also run as USER 65532, use the binary as ENTRYPOINT and copy it from
    the build stage; the build stage must use scripts/install-deps.sh and make.
Exit 0 when all hold, 1 with one line per problem. Standard library only.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout


def needed_sonames(binary: str) -> list[str]:
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", run("readelf", "-d", binary))


def loaded_libraries(binary: str) -> dict[str, str]:
    """soname -> path, from ldd (the vdso has no file and is skipped)."""
    libs = {}
    for line in run("ldd", binary).splitlines():
        m = re.match(r"\s*(\S+) => (/\S+)", line)
        if m:
            libs[m.group(1)] = m.group(2)
            continue
        m = re.match(r"\s*(/\S+) \(0x", line)  # the dynamic loader
        if m:
            libs[os.path.basename(m.group(1))] = m.group(1)
    return libs


def _path_forms(path: str) -> list[str]:
    """`path` and its real path, each also in the other /lib <-> /usr/lib form (merged /usr:
    libc6 registers /lib/..., libstdc++6 registers /usr/lib/..., ldd may print either)."""
    forms = []
    for p in (path, os.path.realpath(path)):
        forms += [p, p[len("/usr"):] if p.startswith("/usr/") else "/usr" + p]
    return list(dict.fromkeys(forms))


_owner_cache: dict[str, str] = {}


def packages_of(paths: list[str]) -> dict[str, str | None]:
    """path -> the Debian package that owns it (None if none), with one `dpkg -S` call."""
    todo = [f for p in paths for f in _path_forms(p) if f not in _owner_cache]
    if todo:
        out = subprocess.run(["dpkg", "-S", *todo], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            # "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6"
            owner, _, file = line.rpartition(": ")
            if owner and ", " not in owner:
                _owner_cache[file.strip()] = owner.split(":")[0].strip()
        for f in todo:
            _owner_cache.setdefault(f, "")
    result = {}
    for p in paths:
        owners = [_owner_cache.get(f) for f in _path_forms(p)]
        result[p] = next((o for o in owners if o), None)
    return result


def package_of(path: str) -> str | None:
    return packages_of([path])[path]


def runtime_stage(dockerfile_text: str) -> tuple[str, str]:
    """(build stages, runtime stage) text, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", dockerfile_text)
    lines = [ln for ln in joined.splitlines() if not ln.lstrip().startswith("#")]
    froms = [i for i, ln in enumerate(lines) if re.match(r"\s*FROM\s", ln, re.I)]
    if not froms:
        return "", ""
    return "\n".join(lines[:froms[-1]]), "\n".join(lines[froms[-1]:])


def apt_packages(stage: str) -> list[str]:
    pkgs = []
    for m in re.finditer(r"apt-get\s+install\s+([^&;|\n]*)", stage):
        pkgs += [t for t in m.group(1).split() if not t.startswith("-")]
    return pkgs


def dependency_closure(packages: list[str]) -> set[str]:
    """The packages plus everything they depend on (as installed on this machine)."""
    deps = {}
    out = run("dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\n")
    for line in out.splitlines():
        name, _, rest = line.partition("\t")
        names = deps.setdefault(name, set())
        for alt in rest.split(","):
            first = alt.split("|")[0].strip().split(" ")[0].split(":")[0]  # what apt picks
            if first:
                names.add(first)
    seen, todo = set(), list(packages)
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(deps.get(p, ()))
    return seen


def check(binary: str, dockerfile: str) -> list[str]:
    problems = []
    if not os.access(binary, os.X_OK):
        return [f"{binary}: not an executable (build it first)"]
    with open(dockerfile, encoding="utf-8") as f:
        build, runtime = runtime_stage(f.read())
    if not runtime:
        return [f"{dockerfile}: no FROM"]
    if not re.search(r"^\s*FROM\s+debian:12-slim\b", runtime, re.M | re.I):
        problems.append("runtime stage: must be FROM debian:12-slim")
    if not re.search(r"^\s*USER\s+65532(:65532)?\s*$", runtime, re.M):
        problems.append("runtime stage: must run as USER 65532")
    if not re.search(r'^\s*ENTRYPOINT\s+\["[^"]*/slo-autoscaler"\]', runtime, re.M):
        problems.append("runtime stage: ENTRYPOINT must be the slo-autoscaler binary (exec form)")
    if not re.search(r"^\s*COPY\s+--from=\S+\s+\S*slo-autoscaler\s", runtime, re.M):
        problems.append("runtime stage: must COPY the binary from the build stage")
    if re.search(r"-dev\b", " ".join(apt_packages(runtime))):
        problems.append("runtime stage: installs a -dev package")
    if not re.search(r"^\s*FROM\s+debian:12\s", build, re.M | re.I):
        problems.append("build stage: must be FROM debian:12")
    for needle in ("scripts/install-deps.sh", "make test"):
        if needle not in build:
            problems.append(f"build stage: does not run {needle}")

    listed = apt_packages(runtime)
    if not listed:
        return problems + ["runtime stage: no apt-get install line"]
    closure = dependency_closure(listed)
    direct = set(needed_sonames(binary))
    loaded = loaded_libraries(binary)
    if not direct or not loaded:
        problems.append(f"{binary}: readelf/ldd found no libraries")
    owners = packages_of(list(loaded.values()))
    for soname, path in sorted(loaded.items()):
        pkg = owners[path]
        if pkg is None:
            problems.append(f"{soname} ({path}): no Debian package owns it")
        elif soname in direct and pkg not in listed:
            problems.append(f"{soname}: linked directly; its package {pkg} is not on the runtime apt-get install line")
        elif pkg not in closure:
            problems.append(f"{soname}: package {pkg} is neither on the apt-get install line nor a dependency of one there")
        else:
            how = "listed" if pkg in listed else "dependency"
            print(f"  {soname:32} {pkg:28} {how}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    problems = check(argv[0], argv[1])
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"check_runtime_libs: {argv[1]} installs every library {argv[0]} needs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
