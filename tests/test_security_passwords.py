"""The password rules: long enough, not common or guessable, not the person's own name or e-mail."""

import pytest

from portal.security.passwords import Passwords, password_problem


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "too_short"),
        ("x" * 129, "too_long"),
        ("password1234", "too_common"),
        ("aaaaaaaaaaaaaa", "too_common"),
        ("qwertyuiop12", "too_common"),  # a keyboard walk
        ("iloveyou2023", "too_common"),  # a breach-list password with a year
        ("mariamaria123", "too_personal"),
        ("MariaLopez1958!", "too_personal"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert password_problem(password, email="maria@example.org", name="Maria Lopez") == problem


@pytest.mark.parametrize("password", ["correct horse battery staple", "a long and unusual passphrase", "Tr0ub4dor&3xyz-lake"])
def test_strong_passwords_pass(password):
    assert password_problem(password, email="maria@example.org", name="Maria Lopez") is None


def test_hashes_are_argon2id_and_verify_only_the_right_password():
    passwords = Passwords(time_cost=1, memory_cost=1024)
    stored = passwords.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert passwords.verify(stored, "correct horse battery staple")
    assert not passwords.verify(stored, "correct horse battery stapler")
    assert not passwords.verify(None, "anything at all")
    assert not passwords.verify("not a hash", "anything at all")
