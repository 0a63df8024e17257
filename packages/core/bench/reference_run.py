"""One run of the Python reference harness (github.com/ajinb/sre-harness) in a fresh process, the
mirror of bench/one-run.mjs: a scripted model calling one read-only tool that returns the same JSON
string. Prints one JSON line like one-run.mjs. Not part of the reference; it only imports it.

Usage: python3 bench/reference_run.py <path-to-reference-checkout> <steps> <memory|file>   (0 steps: load only)
"""

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(sys.argv[1], "src"))
steps = int(sys.argv[2])
kind = sys.argv[3]

from sre_harness.guardrails import Guardrails  # noqa: E402
from sre_harness.harness import Harness  # noqa: E402
from sre_harness.model import Action  # noqa: E402
from sre_harness.observability import Tracer  # noqa: E402
from sre_harness.tools import ToolRegistry, ToolSpec  # noqa: E402

OUTPUT = json.dumps(
    {"service": "checkout", "status": "Running", "ready": "3/3", "restarts": 0}, separators=(",", ":")
)


class Scripted:
    def __init__(self, n):
        self.left = n

    def decide(self, context, catalog):
        self.left -= 1
        if self.left > 0:
            return Action(tool="get_status", args={"service": "checkout"})
        return Action(final="checkout is healthy")


if steps == 0:  # load the modules only (what bench/instructions.mjs subtracts)
    raise SystemExit(0)

tmp = tempfile.mkdtemp(prefix="sre-ref-run-") if kind == "file" else None
t0 = time.perf_counter()
registry = ToolRegistry()
registry.register(ToolSpec("get_status", "status of a service", lambda service: OUTPUT))
f = open(os.path.join(tmp, "run.jsonl"), "w") if tmp else None
tracer = Tracer(sink=(lambda line: f.write(line + "\n")) if f else None)
harness = Harness(Scripted(steps), registry, Guardrails({"get_status"}, step_budget=steps), tracer)
result = harness.run("is checkout healthy?")
if f:
    f.close()
ms = (time.perf_counter() - t0) * 1000
if tmp:
    os.remove(os.path.join(tmp, "run.jsonl"))
    os.rmdir(tmp)
if result.stopped_reason != "completed":
    raise SystemExit(f"run ended {result.stopped_reason}")
print(json.dumps({"impl": "python", "sink": kind, "steps": steps, "ms": ms, "usPerStep": ms * 1000 / steps}))
