"""Schemathesis against the live server's OpenAPI document: no 5xx, responses as documented."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
import requests

from tests.web.conftest import ARTIFACTS, Web

pytestmark = pytest.mark.asyncio(loop_scope="module")
LAUNCHER = """
import sys
import schemathesis.transport.requests as transport
from schemathesis.cli import schemathesis

counted = transport._count_opened_connections

def count_opened_connections(session):
    # urllib3-future (pulled in by niquests) replaces urllib3 here; its pool container has no keys().
    # The count only decides whether to resend a request on a dropped keep-alive connection.
    try:
        return counted(session)
    except AttributeError:
        return 0

transport._count_opened_connections = count_opened_connections
sys.argv[0] = "st"
sys.exit(schemathesis())
"""
EXAMPLES = int(os.environ.get("HEARTH_SCHEMATHESIS_EXAMPLES", "20"))


async def test_the_openapi_document_covers_the_api(web: Web) -> None:
    document = (await asyncio.to_thread(requests.get, web.url + "/api/openapi.json", timeout=10)).json()
    paths = set(document["paths"])
    for path in ("/api/entities", "/api/entities/{entity_id}", "/api/command", "/api/say", "/api/listen",
                 "/api/scenes", "/api/automations/{automation_id}", "/api/timers/{timer_id}", "/api/traces",
                 "/api/health"):
        assert path in paths, path
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "security" not in document["paths"]["/api/health"]["get"]
    assert document["paths"]["/api/entities"]["get"]["security"] == [{"HTTPBearer": []}]


async def test_schemathesis_finds_no_server_errors_or_schema_violations(web: Web, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / "schemathesis.json"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LAUNCHER, "run", web.url + "/api/openapi.json", "--checks", "all",
        # schema-valid but impossible requests (an intent the hub lacks, a control the device lacks, an area
        # that does not exist, an upload that is not WAV) are answered 4xx on purpose
        "--exclude-checks", "positive_data_acceptance",
        "--max-examples", str(EXAMPLES), "--workers", "1", "--no-shrink", "--seed", "1",
        "--phases", "examples,coverage,fuzzing", "--request-timeout", "20",
        "--header", f"Authorization: Bearer {web.token}",
        "--exclude-path", "/api/speak",  # synthesising hundreds of random texts is slow; tested on its own
        "--report", "json", "--report-json-path", str(report),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=tmp_path)
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    (ARTIFACTS / "schemathesis.txt").write_text(text)
    assert process.returncode == 0, text[-6000:]
    result = json.loads(report.read_text())
    assert result["complete"] is True and result["failures"] == [] and result["errors"] == []
    assert result["operations"]["tested"] == result["operations"]["selected"] >= 20
    assert result["test_cases"]["generated"] > 300 and result["test_cases"]["errored"] == 0
