"""Starts the gateway as a user would (./gateway serve on a free port, fresh data) and provisions through its CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "gateway"
SCRIPT = Path(__file__).resolve().parent / "responder.yaml"
SECRET = "compat-suite-secret-0123456789abcdef0123456789abcdef"
LISTENING = re.compile(r"listening on [^ ]*:(\d+);")
CLI_JAVA_OPTS = "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k"
START_TIMEOUT = float(os.environ.get("COMPAT_START_TIMEOUT", "120"))


@dataclass
class World:
    """What provisioning made, in one tenant: an agent, tokens and keys, and the ids each dialect shows."""

    tenant: str
    agent_name: str
    agent_everruns_id: str
    scripted_agent_name: str
    scripted_everruns_id: str
    agent_agentcloud_id: str
    team: str
    account: str
    token: str
    stranger_token: str
    other_tenant_token: str
    admin_token: str | None
    everruns_key: str
    other_tenant_everruns_key: str


class Gateway:
    """One gateway process with its own data directory; stopped with SIGTERM, as an operator would."""

    def __init__(self, name: str, env: dict[str, str] | None = None, workdir: Path | None = None):
        self.name = name
        self.workdir = Path(tempfile.mkdtemp(prefix=f"compat-{name}-", dir=workdir))
        self.env = {
            **os.environ,
            "GATEWAY_DATA_DIR": str(self.workdir / "data"),
            "GATEWAY_JWT_SECRET": SECRET,
            "GATEWAY_PORT": "0",
            "GATEWAY_BIND": "127.0.0.1",
            "GATEWAY_RESPONDER_SCRIPT": str(SCRIPT),
            **(env or {}),
        }
        for inherited in ("GATEWAY_CONFIG", "GATEWAY_URL", "GATEWAY_TOKEN", "GATEWAY_DB_URL"):
            if inherited not in (env or {}):
                self.env.pop(inherited, None)
        self.log_path = self.workdir / "gateway.log"
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Gateway":
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen([str(LAUNCHER), "serve"], cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gateway {self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            m = LISTENING.search(self.log_path.read_text(errors="replace"))
            if m:
                self.port = int(m.group(1))
                if self._ready():
                    self.env["GATEWAY_URL"] = self.url
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gateway {self.name} not ready after {START_TIMEOUT}s:\n{self.log_tail()}")

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health/ready", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if os.environ.get("COMPAT_KEEP_DATA") != "1":
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- the command line ------------------------------------------------------------------------------------

    def cli(self, *args: str) -> subprocess.Popen:
        # The CLI's calls are short: the client compiler alone starts them faster (GATEWAY_JAVA_OPTS is the
        # launcher's documented knob).
        env = {**self.env, "GATEWAY_JAVA_OPTS": self.env.get("COMPAT_CLI_JAVA_OPTS", CLI_JAVA_OPTS)}
        return subprocess.Popen([str(LAUNCHER), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    @staticmethod
    def result(p: subprocess.Popen) -> str:
        out, err = p.communicate(timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(p.args)} exited with {p.returncode}: {err}")
        return out.strip()

    def provision(self, tenant: str, agent: str = "helper", admin: bool = False) -> World:
        """An agent answered by the default responder (created first: it also creates the tenant), then the agent
        `scripted` (the `script` responder, compat/responder.yaml), tokens and keys, the CLI calls in parallel."""
        made = json.loads(self.result(self.cli("agent", "create", "--tenant", tenant, "--name", agent,
                                               "--manager", "alice")))
        account = str(uuid.uuid4())
        team = made["team"]
        calls = {
            "scripted": self.cli("agent", "create", "--tenant", tenant, "--name", "scripted", "--manager", "alice",
                                 "--responder", "script"),
            # alice: no sub_slug claim (the common case), a member of the agent's team, with a Recoup account
            "token": self.cli("token", "--tenant", tenant, "--subject", "alice", "--team", team,
                              "--account", account),
            # bob has a slug, and is neither an owner nor a manager: TrueFoundry refuses him alice's sessions
            "stranger_token": self.cli("token", "--tenant", tenant, "--subject", "bob", "--subject-slug",
                                       "bob-slug"),
            "other_tenant_token": self.cli("token", "--tenant", tenant + "-other", "--subject", "alice"),
            "everruns_key": self.cli("key", "create", "--tenant", tenant, "--dialect", "everruns", "--name",
                                     "compat", "--subject", "alice", "--subject-type", "user"),
            "other_tenant_everruns_key": self.cli("key", "create", "--tenant", tenant + "-other", "--dialect",
                                                  "everruns", "--name", "compat", "--subject", "alice",
                                                  "--subject-type", "user"),
        }
        if admin:
            calls["admin_token"] = self.cli("token", "--tenant", tenant, "--subject", "ops", "--admin")
        out = {k: self.result(p) for k, p in calls.items()}
        scripted = json.loads(out["scripted"])
        return World(tenant=tenant, agent_name=agent, agent_everruns_id=made["ids"]["everruns"],
                     scripted_agent_name="scripted", scripted_everruns_id=scripted["ids"]["everruns"],
                     agent_agentcloud_id=made["ids"]["agentcloud"], team=team, account=account,
                     token=out["token"], stranger_token=out["stranger_token"],
                     other_tenant_token=out["other_tenant_token"], admin_token=out.get("admin_token"),
                     everruns_key=json.loads(out["everruns_key"])["secret"],
                     other_tenant_everruns_key=json.loads(out["other_tenant_everruns_key"])["secret"])

    def session_ids(self, any_id: str, tenant: str) -> dict[str, str]:
        """Every id a session has (./gateway session show)."""
        return json.loads(self.result(self.cli("session", "show", any_id, "--tenant", tenant)))["ids"]
