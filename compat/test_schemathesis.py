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

from served import served

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


# Streams: Schemathesis reads a whole response, checks its status, Content-Type and headers, and leaves a body that is
# not JSON unvalidated (the frames are validated by the ITs through SseFrames and, in this suite, by the vendors'
# SDKs). A stream that ends by itself is fuzzed like any operation (TrueFoundry's create turn and subscribe end after
# turn.done; the agents answer with `echo`). A stream that never ends by design is left out: every call would run
# into the request timeout. Everruns' GET /v1/sessions/{id}/sse stays open and is cycled by the server every 5
# minutes (events.yaml); test_everruns_conversation.py streams it through the SDK.
ENDLESS_STREAMS = {("everruns/events.yaml", "/v1/sessions/{session_id}/sse", "get")}


def served_copy(doc: Path) -> tuple[dict, int, int]:
    """The document without its unserved operations, with the number of operations kept and removed."""
    tree = yaml.safe_load(doc.read_text())
    name = str(doc.relative_to(SPECS)) if doc.is_relative_to(SPECS) else doc.name
    kept = removed = 0
    for path, item in (tree.get("paths") or {}).items():
        for method in [m for m in item if m in METHODS]:
            if item[method].get(SERVED_KEY, True) is False or path.startswith(TESTING_PATHS) or (
                    name, path, method) in ENDLESS_STREAMS:
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
    turns = []
    if served("truefoundry", "createTurn"):
        # a finished turn, so that turn paths reach a real one (its events are only listed once it is over)
        turn = httpx.post(f"{gw.url}/{w.tenant}/v1/agents/sessions/{public_id}/turns", headers=bearer, timeout=30,
                          json={"input": [{"type": "user.message", "content": "hello"}]})
        assert turn.status_code == 200, turn.text
        first = next(line for line in turn.text.splitlines() if line.startswith("data:"))
        turns.append(json.loads(first[len("data:"):])["turn_id"])
    return {"session": public_id, "agentcloud_session": ac.json()["redirect"].rsplit("/", 1)[1],
            "recoup_session": rc.json()["session"]["id"], "key": key.json()["key"]["id"], "turns": turns}


def target(doc: str, gw, w, real) -> tuple[str, dict[str, str], dict[str, list[str]]]:
    """Base URL, headers and real values for one document: path parameters by name, body properties as body.X."""
    dialect = doc.split("/")[0]
    bearer = {"Authorization": f"Bearer {w.token}"}
    if dialect == "truefoundry":
        return f"{gw.url}/{w.tenant}", bearer, {"sessionId": [real["session"]], "turnId": real["turns"],
                                                "body.agent_name": [w.agent_name]}
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
    # Made here, in this thread: pytest's tmp_path_factory is not thread-safe (two threads creating the base
    # directory at once made one mktemp fail with "st is not a normalized and relative path" in a CI run).
    workdirs = {doc: tmp_path_factory.mktemp("st") for doc in DOCUMENTS}

    def run(doc):
        workdir = workdirs[doc]
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
