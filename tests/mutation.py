"""`make mutate`: mutation testing of the pure core, with a closing line and the survivors.

    python -m tests.mutation            (what `make mutate` runs)
    python -m tests.mutation --again    (only the last run's survivors again, after new tests)

Runs mutmut over the modules and tests that `[tool.mutmut]` in pyproject.toml names, on both
cores, then prints every survivor that is not listed as equivalent (with its reason) under
`[tool.trustwidgets.equivalent_mutants]`, and one closing line:

    mutation: K killed of N (P%)

where N leaves the equivalent mutants out and K counts killed and timed-out mutants. Exits 1
when a listed equivalent no longer exists or is now killed (the list must follow the code).

It records the figure, with a SHA-256 of every mutated module, in tests/mutation_score.json;
tests/test_mutation_score.py (so `make test`) fails when the score is under MINIMUM or when a
module changed since the run that recorded it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DETECTED = {"killed", "timeout"}
SCORE_FILE = ROOT / "tests" / "mutation_score.json"
MINIMUM = 97.0  # percent of the non-equivalent mutants killed


def scope() -> list[str]:
    """The modules `[tool.mutmut] only_mutate` names (globs resolved), relative to the root."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns: list[str] = config["tool"]["mutmut"]["only_mutate"]
    return sorted({str(path.relative_to(ROOT)) for pattern in patterns for path in ROOT.glob(pattern)})


def digests() -> dict[str, str]:
    return {name: sha256((ROOT / name).read_bytes()).hexdigest() for name in scope()}


def equivalents() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found: dict[str, str] = config.get("tool", {}).get("trustwidgets", {}).get("equivalent_mutants", {})
    return found


def statuses() -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name:
            found[name] = status
    return found


def main() -> int:
    jobs = str(os.cpu_count() or 2)
    again = sys.argv[1:] == ["--again"]
    if again:  # new tests can only kill more: the last survivors are run again, for the same code
        last = json.loads(SCORE_FILE.read_text())
        if last["modules"] != digests():
            print("the core changed since the last run: run `make mutate` (the whole run)")
            return 1
        names = last["survivors"]
        if not (ROOT / "mutants").is_dir():
            print("no mutants/ from the last run here: run `make mutate` (the whole run)")
            return 1
    else:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        names = []
    if names or not again:
        subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", jobs, *names], cwd=ROOT, check=True)
    found = statuses()
    known = equivalents()
    # Listed as equivalent, but gone or now killed: mutant numbers shift when code changes, so
    # an entry may come to name another mutant; the list must follow the code.
    stale = sorted(name for name in known if found.get(name, "killed") in DETECTED or name not in found)
    counted = {name: status for name, status in found.items() if name not in known}
    survivors = sorted(name for name, status in counted.items() if status not in DETECTED)
    killed = len(counted) - len(survivors)
    by_status = Counter(counted.values())
    print()
    print(f"statuses: {', '.join(f'{status} {n}' for status, n in sorted(by_status.items()))}")
    print(f"equivalent (listed with a reason in pyproject.toml): {len(found) - len(counted)}")
    for name in survivors:
        print(f"survived: {name} ({counted[name]})  -> python -m mutmut show {name}")
    for name in stale:
        print(f"stale equivalent entry ({found.get(name, 'no such mutant now')}): {name}")
    share = 100 * killed / len(counted) if counted else 100.0
    print(f"mutation: {killed} killed of {len(counted)} ({share:.1f}%)")
    record = {"killed": killed, "counted": len(counted), "survivors": survivors, "modules": digests()}
    SCORE_FILE.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"recorded in {SCORE_FILE.relative_to(ROOT)}; the minimum is {MINIMUM:g}%")
    return 1 if stale or share < MINIMUM else 0


if __name__ == "__main__":
    sys.exit(main())
