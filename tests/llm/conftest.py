"""Shared fixtures: the demo home and the shipped int8 resolver, loaded once per session."""

import pytest
import torch

from devices.homefile import DEMO_HOME, load_home
from hub.core.home import Home
from llm.resolver import Resolver

# One thread, as the hub runs the resolver: with the other core busy (a broker, whisper, another test
# process) torch's second thread makes each sentence far slower, not faster.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def demo_home() -> Home:
    return load_home(DEMO_HOME)


@pytest.fixture(scope="session")
def resolver() -> Resolver:
    return Resolver.load(device="cpu")


@pytest.fixture(scope="session")
def resolver_fp32() -> Resolver:
    return Resolver.load(device="cpu", mode="fp32")
