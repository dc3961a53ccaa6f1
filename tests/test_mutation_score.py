"""The mutation score stays true: `make mutate` records it, and `make test` holds it to the minimum.

Mutation testing takes minutes, so `make test` does not run it; it checks what the last run
recorded (tests/mutation_score.json) against the code as it is now. A change to a mutated
module, or a pure module left out of the scope, fails here until `make mutate` is run again.
"""

import json
from pathlib import Path

from tests.mutation import MINIMUM, ROOT, SCORE_FILE, digests, scope

PURE = sorted(
    [str(path.relative_to(ROOT)) for path in (ROOT / "widget_server" / "core").glob("*.py")] + ["static_build/cdn.py"]
)


def recorded() -> dict:
    return json.loads(SCORE_FILE.read_text())


def test_every_pure_module_is_mutated():
    assert scope() == PURE


def test_the_score_was_taken_of_the_code_as_it_is():
    changed = sorted(name for name, digest in digests().items() if recorded()["modules"].get(name) != digest)
    assert not changed, f"changed since `make mutate` recorded the score: {changed}; run `make mutate`"
    assert sorted(recorded()["modules"]) == scope()


def test_the_score_is_at_least_the_minimum():
    record = recorded()
    share = 100 * record["killed"] / record["counted"]
    assert share >= MINIMUM, f"mutation score {share:.1f}% < {MINIMUM:g}%; survivors: {record['survivors']}"


def test_the_minimum_is_what_the_docs_say():
    assert f"at least {MINIMUM:g}%" in Path(ROOT / "docs" / "testing.md").read_text()
