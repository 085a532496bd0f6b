"""argon2id hashing and the password rules."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
# zxcvbn's 0-4 scale; 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_ZXCVBN_SCORE = 3
MAX_LENGTH = 128

# The most common passwords of breach corpora that meet the length rule, and the portal's own words.
TRIVIAL = frozenset(
    {
        "123456789012", "password1234", "passwordpassword", "qwertyuiopas", "111111111111",
        "iloveyou1234", "123123123123", "abcdefghijkl", "qwerty123456", "password123!",
        "letmeinletmein", "welcome12345", "changeme1234", "administrator", "000000000000",
        "1q2w3e4r5t6y", "qwertyqwerty", "aaaaaaaaaaaa", "123456123456", "passw0rdpassw0rd",
        "communityhealth", "healthportal", "portalpassword", "demo-portal-pass",
    }
)


class Passwords:
    def __init__(self, time_cost: int, memory_cost: int):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
        # Verifying against this when there is no account makes both paths take the same time.
        self._dummy = self._hasher.hash("no account has this password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password is refused, or None. The message is English; callers translate it."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in TRIVIAL or len(set(lowered)) <= 3:
        return "too_common"
    local = email.split("@", 1)[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and name.lower().replace(" ", "") in lowered.replace(" ", "")):
        return "too_personal"
    # zxcvbn knows the common passwords of breach corpora, keyboard walks, dates and dictionary words.
    if zxcvbn(password, user_inputs=[email, name, *name.split(), "community", "health", "portal"])["score"] < MIN_ZXCVBN_SCORE:
        return "too_common"
    return None
