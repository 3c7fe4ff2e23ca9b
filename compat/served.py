"""The operations the gateway serves, read from the documents: an operation marked `x-gateway-served: false` in
specs/ is declared ahead of its adapter (specs/README.md, "Served operations"). A test of an SDK method whose
operation is not served yet is skipped with a reason naming the branch that brings it, so the skips disappear by
themselves when that branch removes the marker."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SPECS = Path(__file__).resolve().parent.parent / "specs"
METHODS = {"get", "put", "post", "delete", "patch"}
# Where the operations still pending are being built (issue #13, item 2)
BRANCH = {"truefoundry": "t13-truefoundry", "everruns": "e13-everruns", "agentcloud": "a13-agentcloud",
          "recoup": "r13-recoup"}


def _operations(dialect: str) -> dict[str, bool]:
    """operationId -> served, for every document of the dialect."""
    out: dict[str, bool] = {}
    for doc in sorted((SPECS / dialect).glob("*.yaml")):
        for item in (yaml.safe_load(doc.read_text()).get("paths") or {}).values():
            for method, op in item.items():
                if method in METHODS and "operationId" in op:
                    out[op["operationId"]] = op.get("x-gateway-served", True) is not False
    return out


OPERATIONS = {dialect: _operations(dialect) for dialect in BRANCH}


def served(dialect: str, operation: str) -> bool:
    if operation not in OPERATIONS[dialect]:
        raise KeyError(f"no operation {operation} in specs/{dialect}")
    return OPERATIONS[dialect][operation]


def requires(dialect: str, *operations: str):
    """Skips the test while the gateway does not serve one of these operations (by operationId) of the dialect."""
    missing = [op for op in operations if not served(dialect, op)]
    return pytest.mark.skipif(bool(missing), reason=f"the gateway does not serve {dialect} {', '.join(missing)} "
                                                    f"yet (x-gateway-served: false; branch {BRANCH[dialect]})")
