"""The web dashboard and HTTP API (FastAPI + uvicorn inside the hub's loop)."""

from hub.web.app import WebServer, create_app, start_web

__all__ = ["WebServer", "create_app", "start_web"]
