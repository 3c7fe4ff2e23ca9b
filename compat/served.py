"""The operations the gateway serves, per dialect: a test of an SDK method whose operation is not listed here is
skipped with that reason. Add an operation when its route lands (issue #12: lifecycle; later: conversations)."""

SERVED = {
    "truefoundry": {"create", "get", "list", "cancel"},
    "everruns": {"create", "get", "list", "delete", "cancel", "pin"},
    "agentcloud": {"create", "get"},
    "recoup": {"create", "get"},
}

import pytest  # noqa: E402


def requires(dialect: str, operation: str):
    """Skips the test while the gateway does not serve this operation of this dialect."""
    return pytest.mark.skipif(operation not in SERVED[dialect],
                              reason=f"the gateway does not serve {dialect} {operation} yet")
