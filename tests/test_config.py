"""Settings: one table, read from the environment, documented in the README."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cisem_graph.config import PROJECT_ROOT, SETTINGS, Settings
from cisem_graph.errors import ConfigError

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_table_and_the_dataclass_agree():
    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(Settings)]
    defaults = Settings()
    for setting in SETTINGS:
        if setting.default is not None and setting.name != "service_allowlist":
            assert getattr(defaults, setting.name) == setting.default, setting.name


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    assert f"| `{setting.name}` |" in README


@pytest.mark.parametrize("name, raw, expected", [
    ("query_timeout", "2.5", 2.5),
    ("port", "8080", 8080),
    ("service_allowlist", "https://a.example/sparql https://b.example/sparql",
     ("https://a.example/sparql", "https://b.example/sparql")),
    ("dist_dir", "/tmp/x", Path("/tmp/x")),
])
def test_environment_overrides_defaults(name, raw, expected):
    settings = Settings.from_env({f"CISEM_{name.upper()}": raw})
    assert getattr(settings, name) == expected


def test_flags_override_the_environment():
    settings = Settings.from_env({"CISEM_PORT": "8080"}, port=9090)
    assert settings.port == 9090


def test_a_bad_value_names_the_variable():
    with pytest.raises(ConfigError, match="CISEM_PORT"):
        Settings.from_env({"CISEM_PORT": "eighty"})


def test_a_base_without_a_separator_is_refused():
    with pytest.raises(ConfigError, match="base_iri"):
        Settings(base_iri="https://example.org/cisem")
