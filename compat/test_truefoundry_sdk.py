"""TrueFoundry's own Python SDK (truefoundry-gateway-sdk), unmodified, against the gateway's truefoundry dialect.

Every session-level method of the SDK has a test; a method whose route the gateway does not serve yet is skipped
(served.py). Errors must arrive as the SDK's own error types, with the status and envelope of the document."""

from __future__ import annotations

from datetime import datetime

import pytest
from truefoundry_gateway_sdk import (ConflictError, ForbiddenError, NotFoundError, TrueFoundryGateway,
                                     UnauthorizedError, UnprocessableEntityError)
from truefoundry_gateway_sdk.agents import AgentSessionClient

from served import requires

pytestmark = pytest.mark.truefoundry


def client(gateway, token, tenant=None) -> TrueFoundryGateway:
    """The client as a TrueFoundry user builds it: base URL `{gateway}/{tenantName}`, API key = the bearer token."""
    return TrueFoundryGateway(base_url=f"{gateway.url}/{tenant or gateway.world.tenant}", api_key=token,
                              max_retries=0)


def high_level(gateway, token) -> AgentSessionClient:
    return AgentSessionClient(base_url=f"{gateway.url}/{gateway.world.tenant}", api_key=token, max_retries=0)


def timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_session(s, world, slug):
    assert s.type == "session"
    assert s.id.startswith("session_") and len(s.id) == len("session_") + 32
    assert s.agent_name == world.agent_name
    assert s.title is None
    assert (s.created_by_subject.subject_id, s.created_by_subject.subject_type,
            s.created_by_subject.subject_slug) == ("alice", "user", slug)
    assert timestamp(s.created_at) == timestamp(s.updated_at)


def test_create(gateway, world):
    created = client(gateway, world.token).agents.sessions.create(agent_name=world.agent_name)
    # without a sub_slug claim the gateway shows the subject id: the SDK's Subject requires a string
    assert_session(created.data, world, slug="alice")


def test_create_with_subject_slug(gateway, world):
    created = client(gateway, world.stranger_token).agents.sessions.create(agent_name=world.agent_name).data
    assert (created.created_by_subject.subject_id, created.created_by_subject.subject_type,
            created.created_by_subject.subject_slug) == ("bob", "user", "bob-slug")


def test_get(gateway, world):
    tf = client(gateway, world.token)
    created = tf.agents.sessions.create(agent_name=world.agent_name).data
    assert tf.agents.sessions.get(created.id).data == created


def test_high_level_create_session_and_get_session(gateway, world):
    hl = high_level(gateway, world.token)
    session = hl.create_session(agent_name=world.agent_name)
    assert session.agent_name == world.agent_name and session.title is None
    again = hl.get_session(session.id)
    assert (again.id, again.agent_name, again.created_by_subject, again.created_at) == (
        session.id, session.agent_name, session.created_by_subject, session.created_at)


def test_get_by_a_manager_of_the_agent(gateway, world):
    """alice manages the agent, so she reads the session bob created."""
    created = client(gateway, world.stranger_token).agents.sessions.create(agent_name=world.agent_name).data
    assert created.created_by_subject.subject_id == "bob"
    assert client(gateway, world.token).agents.sessions.get(created.id).data == created


def test_get_unknown_session_raises_not_found(gateway, world):
    with pytest.raises(NotFoundError) as e:
        client(gateway, world.token).agents.sessions.get("session_" + "0" * 32)
    assert e.value.status_code == 404
    assert e.value.body.error.code == "session_not_found"
    assert e.value.body.error.type == "not_found_error"


def test_create_for_unknown_agent_raises_not_found(gateway, world):
    with pytest.raises(NotFoundError) as e:
        client(gateway, world.token).agents.sessions.create(agent_name="no-such-agent")
    assert (e.value.status_code, e.value.body.error.code, e.value.body.error.param) == (
        404, "agent_not_found", "agent_name")


def test_create_with_empty_agent_name_raises_unprocessable_entity(gateway, world):
    with pytest.raises(UnprocessableEntityError) as e:
        client(gateway, world.token).agents.sessions.create(agent_name="")
    assert (e.value.status_code, e.value.body.error.code, e.value.body.error.param) == (
        422, "invalid_request_body", "agent_name")


def test_create_with_a_taken_id_raises_conflict(gateway, world):
    """The document's 409 is reachable with a client-chosen id, sent through the SDK's request options."""
    tf = client(gateway, world.token)
    options = {"additional_body_parameters": {"id": "compat-fixed-id-1"}}
    assert tf.agents.sessions.create(agent_name=world.agent_name, request_options=options).data.id == \
        "compat-fixed-id-1"
    with pytest.raises(ConflictError) as e:
        tf.agents.sessions.create(agent_name=world.agent_name, request_options=options)
    assert (e.value.status_code, e.value.body.error.code) == (409, "session_exists")


@pytest.mark.parametrize("call", ["create", "get"])
def test_bad_token_raises_unauthorized(gateway, world, call):
    tf = client(gateway, "not-a-jwt")
    with pytest.raises(UnauthorizedError) as e:
        tf.agents.sessions.create(agent_name=world.agent_name) if call == "create" else \
            tf.agents.sessions.get("session_" + "0" * 32)
    assert (e.value.status_code, e.value.body.error.code, e.value.body.error.type) == (
        401, "unauthenticated", "authentication_error")


def test_token_of_another_tenant_raises_unauthorized(gateway, world):
    with pytest.raises(UnauthorizedError) as e:
        client(gateway, world.other_tenant_token).agents.sessions.create(agent_name=world.agent_name)
    assert (e.value.status_code, e.value.body.error.code) == (401, "tenant_mismatch")


def test_session_of_another_subject_raises_forbidden(gateway, world):
    created = client(gateway, world.token).agents.sessions.create(agent_name=world.agent_name).data
    with pytest.raises(ForbiddenError) as e:
        client(gateway, world.stranger_token).agents.sessions.get(created.id)
    assert (e.value.status_code, e.value.body.error.code) == (403, "session_forbidden")


def test_another_tenant_session_raises_not_found(gateway, world):
    created = client(gateway, world.token).agents.sessions.create(agent_name=world.agent_name).data
    with pytest.raises(NotFoundError):
        client(gateway, world.other_tenant_token, tenant=world.tenant + "-other").agents.sessions.get(created.id)


# -- methods whose routes land with the lifecycle (#12) and conversation issues --------------------------------

@requires("truefoundry", "listSessions")
def test_list_pages_through_sessions(gateway, world):
    tf = client(gateway, world.token)
    ids = {tf.agents.sessions.create(agent_name=world.agent_name).data.id for _ in range(3)}
    pager = tf.agents.sessions.list(agent_name=world.agent_name, limit=2)
    seen = [s.id for s in pager]
    assert ids <= set(seen) and len(seen) == len(set(seen))


@requires("truefoundry", "listSessions")
def test_high_level_list_sessions(gateway, world):
    hl = high_level(gateway, world.token)
    created = hl.create_session(agent_name=world.agent_name)
    assert created.id in {s.id for s in hl.list_sessions(agent_name=world.agent_name, limit=100)}


@requires("truefoundry", "cancelSession")
def test_cancel(gateway, world):
    tf = client(gateway, world.token)
    created = tf.agents.sessions.create(agent_name=world.agent_name).data
    tf.agents.sessions.cancel(created.id)
