"""Schemathesis, a second and independent generator of contract tests, against every document in specs/ with the
gateway behind it: auth and real ids from provisioning, the five response checks, bounded examples.

A failure prints Schemathesis' own report (with a curl command to reproduce each case)."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

SPECS = Path(__file__).resolve().parent.parent / "specs"
# The served-operations switch (specs/README.md, "Served operations"): an operation marked `x-gateway-served: false`
# is declared ahead of its adapter, so Schemathesis leaves it out; a document with no served operation is left out.
SERVED_KEY = "x-gateway-served"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


# The admin API's testing endpoints (reset, fault rules, journal) exist only with gateway.testing.enabled, which the
# gateway under Schemathesis runs without: a generated reset or fault rule would wipe or break the rest of the run.
# They are left out here as the gateway's served admin document (/openapi/admin.yaml) leaves them out, and are
# covered by ResetFaultsJournalIT (every response validated against admin.yaml).
TESTING_PATHS = "/admin/v1/testing"


def served_copy(doc: Path) -> tuple[dict, int, int]:
    """The document without its unserved operations, with the number of operations kept and removed."""
    tree = yaml.safe_load(doc.read_text())
    kept = removed = 0
    for path, item in (tree.get("paths") or {}).items():
        for method in [m for m in item if m in METHODS]:
            if item[method].get(SERVED_KEY, True) is False or path.startswith(TESTING_PATHS):
                del item[method]
                removed += 1
            else:
                kept += 1
    return tree, kept, removed


DOCUMENTS = sorted(str(p.relative_to(SPECS)) for p in SPECS.glob("*/*.yaml") if served_copy(p)[1] > 0)
CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_schema_conformance", "response_headers_conformance"])
MAX_EXAMPLES = os.environ.get("COMPAT_ST_MAX_EXAMPLES", "10")
PARALLEL = int(os.environ.get("COMPAT_ST_PARALLEL", "3"))
SEED = os.environ.get("COMPAT_ST_SEED", "20261205")


@pytest.fixture(scope="module")
def real(fuzz_gateway):
    """Sessions in every dialect, and a key the admin document may revoke, made through the public APIs."""
    gw, w = fuzz_gateway, fuzz_gateway.world
    bearer = {"Authorization": f"Bearer {w.token}"}
    tf = httpx.post(f"{gw.url}/{w.tenant}/v1/agents/sessions", json={"agent_name": w.agent_name}, headers=bearer)
    assert tf.status_code == 201, tf.text
    ac = httpx.post(f"{gw.url}/{w.team}/forms/session/add", json={"id": w.agent_agentcloud_id}, headers=bearer)
    assert ac.status_code == 200, ac.text
    rc = httpx.post(f"{gw.url}/api/sessions", json={}, headers=bearer)
    assert rc.status_code == 200, rc.text
    key = httpx.post(f"{gw.url}/admin/v1/tenants/{w.tenant}/api-keys",
                     json={"dialect": "recoup", "name": "revocable", "subject_id": "carol"},
                     headers={"Authorization": f"Bearer {w.admin_token}"})
    assert key.status_code == 201, key.text
    public_id = tf.json()["data"]["id"]
    return {"session": public_id, "agentcloud_session": ac.json()["redirect"].rsplit("/", 1)[1],
            "recoup_session": rc.json()["session"]["id"], "key": key.json()["key"]["id"]}


def target(doc: str, gw, w, real) -> tuple[str, dict[str, str], dict[str, list[str]]]:
    """Base URL, headers and real values for one document: path parameters by name, body properties as body.X."""
    dialect = doc.split("/")[0]
    bearer = {"Authorization": f"Bearer {w.token}"}
    if dialect == "truefoundry":
        return f"{gw.url}/{w.tenant}", bearer, {"sessionId": [real["session"]], "body.agent_name": [w.agent_name]}
    if dialect == "everruns":
        return gw.url, {"Authorization": w.everruns_key}, {"session_id": [real["session"]],
                                                           "body.agent_id": [w.agent_everruns_id]}
    if dialect == "agentcloud":
        return gw.url, bearer, {"resourceSlug": [w.team], "sessionId": [real["agentcloud_session"]],
                                "body.id": [w.agent_agentcloud_id]}
    if dialect == "recoup":
        return gw.url, bearer, {"sessionId": [real["recoup_session"]]}
    if doc == "admin/health.yaml":
        return gw.url, {}, {}
    return gw.url, {"Authorization": f"Bearer {w.admin_token}"}, {
        "tenant": [w.tenant], "sessionId": [real["session"], real["agentcloud_session"]], "keyId": [real["key"]]}


def command(doc: str, gw, real, workdir: Path) -> tuple[list[str], dict[str, str]]:
    url, headers, ids = target(doc, gw, gw.world, real)
    served = SPECS / doc
    tree, _, removed = served_copy(served)
    if removed:
        served = workdir / Path(doc).name
        served.write_text(yaml.safe_dump(tree, sort_keys=False))
    cmd = [sys.executable, "-m", "schemathesis.cli", "run", str(served), "--url", url, "--checks", CHECKS,
           "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--phases", "examples,coverage,fuzzing",
           "--generation-database", "none", "--no-color", "--workers", "1", "--request-timeout", "20",
           "--suppress-health-check", "all", "--output-truncate", "false"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "st_hooks", "COMPAT_REAL_IDS": json.dumps(ids),
           "PYTHONPATH": str(Path(__file__).parent)}
    return cmd, env


@pytest.fixture(scope="module")
def runs(fuzz_gateway, real, tmp_path_factory):
    """Every document's run, started together (at most PARALLEL at a time): most of a run is waiting on the
    network and on Python's start, so they overlap well even on two cores."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL)

    def run(doc):
        workdir = tmp_path_factory.mktemp("st")
        cmd, env = command(doc, fuzz_gateway, real, workdir)
        return subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=900)
    futures = {doc: pool.submit(run, doc) for doc in DOCUMENTS}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_schemathesis(runs, doc):
    r = runs[doc].result()
    summary = [line for line in r.stdout.splitlines() if " passed" in line or " failed" in line]
    phases = [line.strip() for line in r.stdout.splitlines() if "(in " in line and "Loaded" not in line]
    print(f"{doc}: {summary[-1].strip('= ') if summary else r.stdout[-300:]} [{'; '.join(phases)}]")
    assert r.returncode == 0, f"schemathesis on {doc} exited {r.returncode}\n{r.stdout}\n{r.stderr}"
