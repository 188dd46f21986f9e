"""Staff accounts: scrypt hashes (never the password), a file only its owner reads, managed by
``cisem-graph user add|remove|list``."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from cisem_graph.cli import cli
from cisem_graph.staff.users import Users, hash_password, read_users, verify_password

PASSWORD = "una password di prova"


def run(users_file, *args, stdin: str | None = None):
    return CliRunner().invoke(cli, ["user", *args], input=stdin,
                              env={"CISEM_STAFF_USERS_FILE": str(users_file)})


def test_a_hash_is_scrypt_salted_and_checks_only_its_password():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$16384$8$1$") and first != second  # a salt of its own
    assert PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + " ", first)
    assert not verify_password(PASSWORD, "plain:" + PASSWORD)
    assert not verify_password(PASSWORD, "scrypt$not$a$hash")


def test_user_add_writes_a_hash_readable_by_its_owner_only(tmp_path):
    users_file = tmp_path / "users.json"
    result = run(users_file, "add", "maria", "--full-name", "Maria Esempio (fittizia)",
                 "--email", "maria@example.org", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    text = users_file.read_text()
    assert PASSWORD not in text
    stored = json.loads(text)["users"]["maria"]
    assert stored["full_name"] == "Maria Esempio (fittizia)" and stored["email"] == "maria@example.org"
    assert verify_password(PASSWORD, stored["password"])
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert Users(users_file).authenticate("maria", PASSWORD).name == "maria"
    assert Users(users_file).authenticate("maria", "wrong password here") is None
    assert Users(users_file).authenticate("nobody", PASSWORD) is None


def test_user_add_asks_twice_when_not_given_on_stdin(tmp_path):
    users_file = tmp_path / "users.json"
    result = run(users_file, "add", "luca", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert verify_password(PASSWORD, read_users(users_file)["luca"].password)


@pytest.mark.parametrize("name, password, needle", [
    ("maria", "short", "12 characters"),
    ("Maria Rossi", PASSWORD, "lower-case"),
    ("../etc", PASSWORD, "lower-case"),
], ids=["short-password", "name-with-space", "name-with-path"])
def test_user_add_refuses_bad_names_and_short_passwords(tmp_path, name, password, needle):
    users_file = tmp_path / "users.json"
    result = run(users_file, "add", name, "--password-stdin", stdin=password + "\n")
    assert result.exit_code == 2 and needle in result.output
    assert not users_file.exists()


def test_a_new_password_changes_the_fingerprint_and_remove_removes(tmp_path):
    users_file = tmp_path / "users.json"
    run(users_file, "add", "maria", "--password-stdin", stdin=PASSWORD + "\n")
    before = read_users(users_file)["maria"].fingerprint
    result = run(users_file, "add", "maria", "--password-stdin", stdin="un'altra password lunga\n")
    assert "changed the password" in result.output
    assert read_users(users_file)["maria"].fingerprint != before
    listed = run(users_file, "list")
    assert listed.output.startswith("maria\t")
    assert run(users_file, "remove", "maria").exit_code == 0
    assert read_users(users_file) == {}
    assert run(users_file, "remove", "maria").exit_code == 1


def test_user_commands_need_the_setting():
    result = CliRunner().invoke(cli, ["user", "list"], env={"CISEM_STAFF_USERS_FILE": ""})
    assert result.exit_code == 2 and "staff_users_file" in result.output
