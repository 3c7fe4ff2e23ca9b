"""Fixtures: gateways started as a user would start them, provisioned through the CLI.

Everruns' SDK from 0.1.3 on requires `harness_id` on Session, which the seed's Session does not have: those SDKs
run against a gateway with `gateway.dialects.everruns.version = "0.2"` (the vendor's API 0.2 shape); earlier ones,
and Schemathesis, against the default (the seed's shape)."""

from __future__ import annotations

import concurrent.futures
import importlib.metadata
import os
from pathlib import Path

import pytest

from gateway import Gateway
from proxy import CuttingProxy

WORK = Path(os.environ.get("COMPAT_WORK", Path(__file__).parent / "target"))


def installed(dist: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(p) for p in importlib.metadata.version(dist).split(".")[:3])
    except importlib.metadata.PackageNotFoundError:
        return None


EVERRUNS_SDK = installed("everruns-sdk")
# 0.1.3 made harness_id required and agent_id optional (the vendor's API 0.2 Session)
EVERRUNS_VERSION = "0.2" if EVERRUNS_SDK and EVERRUNS_SDK >= (0, 1, 3) else "seed"

_pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
_started: dict[str, concurrent.futures.Future] = {}


def _launch(name: str, env: dict[str, str], admin: bool = False) -> concurrent.futures.Future:
    if name not in _started:
        def run():
            WORK.mkdir(parents=True, exist_ok=True)
            gw = Gateway(name, env, WORK).start()
            try:
                gw.world = gw.provision("acme", admin=admin)
            except Exception:
                gw.stop()
                raise
            return gw
        _started[name] = _pool.submit(run)
    return _started[name]


def _sdk_env() -> tuple[str, dict[str, str]]:
    if EVERRUNS_VERSION == "seed":
        return "sdk", {}
    return "sdk-everruns-" + EVERRUNS_VERSION, {"GATEWAY_DIALECT_EVERRUNS_VERSION": EVERRUNS_VERSION}


def pytest_collection_finish(session):
    """Start the gateways the collected tests need, in parallel, before the first test waits for one."""
    if session.config.option.collectonly:
        return
    files = {Path(str(item.fspath)).name for item in session.items}
    if any(f != "test_schemathesis.py" for f in files):
        _launch(*_sdk_env())
    if "test_schemathesis.py" in files:
        _launch("fuzz", {}, admin=True)


@pytest.fixture(scope="session")
def gateway() -> Gateway:
    """The gateway the SDK suites talk to, with its provisioned world in `gateway.world`."""
    gw = _launch(*_sdk_env()).result()
    yield gw


@pytest.fixture(scope="session")
def fuzz_gateway() -> Gateway:
    """A gateway of its own for Schemathesis (default settings), so fuzzed admin calls touch nothing else."""
    gw = _launch("fuzz", {}, admin=True).result()
    yield gw


@pytest.fixture(scope="session")
def world(gateway):
    return gateway.world


@pytest.fixture
def cutting_proxy(gateway) -> CuttingProxy:
    """A proxy to the SDK gateway that cuts the first SSE connection mid-stream (proxy.py)."""
    proxy = CuttingProxy(gateway.url).start()
    yield proxy
    proxy.stop()


def pytest_sessionfinish(session, exitstatus):
    for future in _started.values():
        try:
            gw = future.result(timeout=300)
        except Exception:
            continue
        if exitstatus not in (0, 5) and os.environ.get("COMPAT_SHOW_LOG", "1") == "1":
            print(f"\n--- {gw.name} gateway log (tail) ---\n{gw.log_tail()}")
        gw.stop()
    _pool.shutdown(wait=False)
