"""A real Home Assistant core for tests: installed into its own venv, booted on loopback, onboarded.

The venv is cached under $HEARTH_HA_VENV (default ~/.cache/hearth/ha-<version>) so only the first
run pays for the install (about 2 minutes here).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import websockets

HA_VERSION = os.environ.get("HEARTH_HA_VERSION", "2024.1.6")
HA_EXTRA = [  # what the integrations we load would otherwise pip-install at boot (we boot with --skip-pip)
    "paho-mqtt==1.6.1", "janus==1.0.0", "hassil==1.5.1", "home-assistant-intents==2024.1.2",
    "Pillow==10.1.0", "PyQRCode==1.2.1", "pyotp==2.8.0", "SQLAlchemy==2.0.23", "fnv-hash-fast==0.5.0",
    "psutil-home-assistant==0.0.1",
]
CLIENT_ID = "http://127.0.0.1/"

CONFIGURATION = """
homeassistant:
  name: Hearth Test Home
  latitude: 52.0
  longitude: 4.0
  elevation: 0
  unit_system: metric
  time_zone: UTC
  country: NL
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
config:
onboarding:
intent:
conversation:
intent_script:
  PorchReport:
    speech:
      text: The porch is quiet
input_boolean:
  porch:
    name: Porch
  desk:
    name: Desk
light:
  - platform: template
    lights:
      porch_light:
        unique_id: porch_light
        friendly_name: Porch Light
        value_template: "{{{{ is_state('input_boolean.porch', 'on') }}}}"
        turn_on: {{service: input_boolean.turn_on, target: {{entity_id: input_boolean.porch}}}}
        turn_off: {{service: input_boolean.turn_off, target: {{entity_id: input_boolean.porch}}}}
      kitchen_ceiling:
        unique_id: ha_kitchen_ceiling
        friendly_name: Kitchen Ceiling
        value_template: "{{{{ is_state('input_boolean.desk', 'on') }}}}"
        turn_on: {{service: input_boolean.turn_on, target: {{entity_id: input_boolean.desk}}}}
        turn_off: {{service: input_boolean.turn_off, target: {{entity_id: input_boolean.desk}}}}
"""


def venv_dir() -> Path:
    return Path(os.environ.get("HEARTH_HA_VENV", Path.home() / ".cache" / "hearth" / f"ha-{HA_VERSION}"))


def ensure_installed() -> Path:
    """The `hass` executable, installing Home Assistant core into its venv when missing."""
    venv = venv_dir()
    hass = venv / "bin" / "hass"
    marker = venv / f".installed-{HA_VERSION}-{len(HA_EXTRA)}"
    if marker.exists() and hass.exists():
        return hass
    shutil.rmtree(venv, ignore_errors=True)
    python = shutil.which("python3.11") or sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, f"homeassistant=={HA_VERSION}", *HA_EXTRA], check=True)
    marker.touch()
    return hass


@dataclass
class HomeAssistant:
    url: str
    config_dir: Path
    process: subprocess.Popen[bytes]
    token: str = ""

    # --- HTTP ------------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                form: dict[str, str] | None = None) -> Any:
        headers = {}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as err:
            raise RuntimeError(f"{method} {path}: {err.code} {err.read().decode()[:300]}") from None
        try:
            return json.loads(text) if text else None
        except json.JSONDecodeError:
            return text

    def states(self) -> dict[str, dict[str, Any]]:
        return {s["entity_id"]: s for s in self.request("GET", "/api/states")}

    def call_service(self, domain: str, service: str, **data: Any) -> Any:
        return self.request("POST", f"/api/services/{domain}/{service}", data)

    # --- WebSocket -------------------------------------------------------------------------------

    async def ws(self, *commands: dict[str, Any]) -> list[Any]:
        """Send commands over the WebSocket API; returns their results in order."""
        uri = self.url.replace("http", "ws", 1) + "/api/websocket"
        async with websockets.connect(uri, max_size=None) as sock:
            assert json.loads(await sock.recv())["type"] == "auth_required"
            await sock.send(json.dumps({"type": "auth", "access_token": self.token}))
            assert json.loads(await sock.recv())["type"] == "auth_ok"
            results = []
            for number, command in enumerate(commands, start=1):
                await sock.send(json.dumps({"id": number, **command}))
                while True:
                    reply = json.loads(await sock.recv())
                    if reply.get("id") == number and reply["type"] == "result":
                        break
                if not reply["success"]:
                    raise RuntimeError(f"{command['type']}: {reply['error']}")
                results.append(reply["result"])
            return results

    # --- set-up ---------------------------------------------------------------------------------

    def onboard(self) -> None:
        """Create the owner through onboarding, then a long-lived token."""
        code = self.request("POST", "/api/onboarding/users", {
            "client_id": CLIENT_ID, "name": "Test Owner", "username": "owner", "password": "hearth-test-pw",
            "language": "en"})["auth_code"]
        tokens = self.request("POST", "/auth/token", form={
            "grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID})
        self.token = tokens["access_token"]
        (long_lived,) = asyncio.run(self.ws({"type": "auth/long_lived_access_token",
                                              "client_name": "hearth-tests", "lifespan": 30}))
        self.token = long_lived

    def setup_mqtt(self, port: int) -> dict[str, Any]:
        """Add the MQTT integration against the test broker through the config-flow API."""
        flow = self.request("POST", "/api/config/config_entries/flow", {"handler": "mqtt"})
        result = self.request("POST", f"/api/config/config_entries/flow/{flow['flow_id']}",
                              {"broker": "127.0.0.1", "port": port})
        if result.get("type") != "create_entry":
            raise RuntimeError(f"MQTT config flow did not finish: {result}")
        return result

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def boot(hass: Path, config_dir: Path, port: int, timeout: float = 120) -> HomeAssistant:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(port=port))
    log = open(config_dir / "hass.out", "ab")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen([str(hass), "-c", str(config_dir), "--skip-pip"], stdout=log, stderr=log)
    ha = HomeAssistant(f"http://127.0.0.1:{port}", config_dir, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Home Assistant exited ({process.returncode}); see {config_dir}/home-assistant.log")
        try:
            ha.request("GET", "/api/onboarding")
            return ha
        except (urllib.error.URLError, ConnectionError, OSError, RuntimeError):
            time.sleep(1)
    ha.stop()
    raise RuntimeError(f"Home Assistant did not answer within {timeout:g} s; see {config_dir}/home-assistant.log")
