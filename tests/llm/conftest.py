"""Shared fixtures: the demo home and the shipped int8 resolver, loaded once per session."""

import pytest

from devices.homefile import DEMO_HOME, load_home
from devices.models import Home
from llm.resolver import Resolver


@pytest.fixture(scope="session")
def demo_home() -> Home:
    return load_home(DEMO_HOME)


@pytest.fixture(scope="session")
def resolver() -> Resolver:
    return Resolver.load(device="cpu")


@pytest.fixture(scope="session")
def resolver_fp32() -> Resolver:
    return Resolver.load(device="cpu", mode="fp32")
