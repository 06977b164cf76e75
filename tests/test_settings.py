from pathlib import Path

import pytest

from backchannel.errors import ConfigError
from backchannel.settings import PROJECT_ROOT, Settings, load_settings, setting_help


def test_settings_layers_env_over_file_over_defaults(tmp_path: Path) -> None:
    config = tmp_path / "bc.toml"
    config.write_text('port = 9000\nhost = "0.0.0.0"\nstore_raw_text = true\n')
    s = load_settings(config, env={"BACKCHANNEL_PORT": "9100"})
    assert s.port == 9100  # env wins over file
    assert s.host == "0.0.0.0"  # file wins over default
    assert s.store_raw_text is True
    assert s.smtp_port == Settings().smtp_port


def test_settings_database_defaults_into_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    assert s.database_path == tmp_path / "backchannel.sqlite"
    assert Settings(database=tmp_path / "x.db").database_path == tmp_path / "x.db"


def test_settings_pii_policy_from_env_updates_default() -> None:
    s = load_settings(env={"BACKCHANNEL_PII_POLICY": "PERSON=keep,url=redact"})
    assert s.pii_policy["PERSON"] == "keep"
    assert s.pii_policy["URL"] == "redact"
    assert s.pii_policy["US_SSN"] == "redact"


@pytest.mark.parametrize(
    "env, code",
    [
        ({"BACKCHANNEL_PORT": "eighty"}, "C002"),
        ({"BACKCHANNEL_PII_POLICY": "PERSON=shred"}, "C002"),
        ({"BACKCHANNEL_STORE_RAW_TEXT": "maybe"}, "C002"),
    ],
)
def test_settings_bad_values_say_which_setting(env: dict[str, str], code: str) -> None:
    with pytest.raises(ConfigError, match=code):
        load_settings(env=env)


def test_settings_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("port = = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad, env={})


def test_settings_unknown_setting_is_rejected(tmp_path: Path) -> None:
    config = tmp_path / "bc.toml"
    config.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="Unknown setting 'colour'"):
        load_settings(config, env={})


def test_settings_every_setting_is_documented_in_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in setting_help() if f"`{name}`" not in readme]
    assert not missing, f"README does not document settings: {missing}"
