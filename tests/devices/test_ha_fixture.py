"""Home Assistant's fixture format: `domain`, `is_exposed`, ids with capitals; unexposed means untargetable."""

from pathlib import Path

import pytest

from devices.homefile import dump_home, load_home, parse_home
from hub.core.errors import ConfigError, ExecutionError
from hub.core.targets import TargetQuery, match_targets
from llm.templates import TemplateMatcher

FIXTURE = Path(__file__).parent.parent / "data" / "ha_fixture_home.yaml"


def test_ha_fixture_loads() -> None:
    home = load_home(FIXTURE)
    assert [f.name for f in home.floors] == ["Ground", "Loft"]
    assert home.entity("sensor.price_per_kW") is not None
    assert home.entity("cover.attic_blind").device_class == "blind"  # type: ignore[union-attr]
    assert [e.id for e in home.entities if not e.exposed] == ["lock.secret_safe"]
    assert home.entity("valve.pond").state == "closed"  # type: ignore[union-attr]
    again = parse_home(dump_home(home))
    assert again == home


def test_a_domain_that_contradicts_the_id_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"<string>:2: entities\[0\]\.domain: 'switch' does not match"):
        parse_home("entities:\n  - {id: light.a, name: A, domain: switch}\n")
    with pytest.raises(ConfigError, match=r"is_exposed: must be true or false"):
        parse_home("entities:\n  - {id: light.a, name: A, is_exposed: maybe}\n")


def test_unexposed_entities_are_never_targeted() -> None:
    home = load_home(FIXTURE)
    with pytest.raises(ExecutionError, match="There is no device called Secret Safe"):
        match_targets(home, TargetQuery(name="Secret Safe", domains=("lock",)))
    with pytest.raises(ExecutionError, match="There are no locks"):
        match_targets(home, TargetQuery(domains=("lock",)))
    matcher = TemplateMatcher.load()
    assert matcher.match("unlock the secret safe", home) is None
    assert matcher.match("turn on the reading lamp", home) is not None


def test_registry_keeps_exposure(tmp_path: Path) -> None:
    from devices.registry import Registry

    registry = Registry.open(tmp_path / "hearth.db")
    try:
        registry.import_home(load_home(FIXTURE))
        assert not registry.load_home().entity("lock.secret_safe").exposed  # type: ignore[union-attr]
    finally:
        registry.close()


def test_hearth_home_import_takes_an_ha_fixture(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent.parent
    env = {**os.environ, "HEARTH_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(root)}
    env.pop("HEARTH_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "hub", "home", "import", str(FIXTURE)], check=False,
                          cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Imported 2 floors, 3 areas and 7 entities")
