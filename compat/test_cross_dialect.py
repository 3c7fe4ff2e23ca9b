"""A session created through any dialect is read by both vendors' SDKs, unmodified: TrueFoundry's through the
truefoundry dialect, Everruns' through the everruns dialect. The creating call goes through the SDK where one is
installed, and through plain HTTP for Agentcloud and Recoup (no Python SDK)."""

from __future__ import annotations

import asyncio
import importlib.util

import httpx
import pytest

from conftest import EVERRUNS_VERSION

HAS_TF = importlib.util.find_spec("truefoundry_gateway_sdk") is not None
HAS_EVERRUNS = importlib.util.find_spec("everruns_sdk") is not None


def create_truefoundry(gateway, world) -> str:
    if HAS_TF:
        from truefoundry_gateway_sdk import TrueFoundryGateway
        tf = TrueFoundryGateway(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token, max_retries=0)
        return tf.agents.sessions.create(agent_name=world.agent_name).data.id
    r = httpx.post(f"{gateway.url}/{world.tenant}/v1/agents/sessions", json={"agent_name": world.agent_name},
                   headers={"Authorization": f"Bearer {world.token}"})
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def create_everruns(gateway, world) -> str:
    if HAS_EVERRUNS:
        from everruns_sdk import Everruns

        async def main():
            async with Everruns(api_key=world.everruns_key, base_url=gateway.url) as ev:
                return (await ev.sessions.create(agent_id=world.agent_everruns_id, title="from everruns")).id
        return asyncio.run(main())
    r = httpx.post(f"{gateway.url}/v1/sessions", json={"agent_id": world.agent_everruns_id},
                   headers={"Authorization": world.everruns_key})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def create_agentcloud(gateway, world) -> str:
    r = httpx.post(f"{gateway.url}/{world.team}/forms/session/add", json={"id": world.agent_agentcloud_id},
                   headers={"Authorization": f"Bearer {world.token}"})
    assert r.status_code == 200, r.text
    object_id = r.json()["redirect"].rsplit("/", 1)[1]
    return gateway.session_ids(object_id, world.tenant)["truefoundry"]


def create_recoup(gateway, world) -> str:
    r = httpx.post(f"{gateway.url}/api/sessions", json={"title": "from recoup"},
                   headers={"Authorization": f"Bearer {world.token}"})
    assert r.status_code == 200, r.text
    return r.json()["session"]["id"]


CREATORS = {"truefoundry": create_truefoundry, "everruns": create_everruns, "agentcloud": create_agentcloud,
            "recoup": create_recoup}
@pytest.fixture(scope="module")
def created(gateway, world) -> dict[str, str]:
    """One session created through each dialect, read by every test below."""
    return {dialect: create(gateway, world) for dialect, create in CREATORS.items()}


AGENT = {"truefoundry": "helper", "everruns": "helper", "agentcloud": "helper", "recoup": "recoup"}


@pytest.mark.skipif(not HAS_TF, reason="truefoundry-gateway-sdk is not installed in this environment")
@pytest.mark.parametrize("dialect", CREATORS)
def test_truefoundry_sdk_reads_a_session_created_through(gateway, world, created, dialect):
    from truefoundry_gateway_sdk import TrueFoundryGateway
    session_id = created[dialect]
    tf = TrueFoundryGateway(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token, max_retries=0)
    s = tf.agents.sessions.get(session_id).data
    assert (s.type, s.id, s.agent_name) == ("session", session_id, AGENT[dialect])
    # alice's credentials carry no slug: the subject id stands in (the SDK requires a string)
    assert (s.created_by_subject.subject_id, s.created_by_subject.subject_type,
            s.created_by_subject.subject_slug) == ("alice", "user", "alice")


@pytest.mark.skipif(not HAS_EVERRUNS, reason="everruns-sdk is not installed in this environment")
@pytest.mark.parametrize("dialect", CREATORS)
def test_everruns_sdk_reads_a_session_created_through(gateway, world, created, dialect):
    from everruns_sdk import Everruns
    session_id = created[dialect]

    async def main():
        async with Everruns(api_key=world.everruns_key, base_url=gateway.url) as ev:
            return await ev.sessions.get(session_id)
    s = asyncio.run(main())
    assert s.id == session_id
    assert s.organization_id.startswith("org_")
    # no turn yet, whichever dialect created it (Recoup shows the same session as `running`)
    assert s.status == "started"
    if dialect != "recoup":
        assert s.agent_id == world.agent_everruns_id
    if EVERRUNS_VERSION == "0.2":
        assert s.harness_id.startswith("harness_")
