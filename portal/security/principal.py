"""Who is asking: the signed-in person as the security layer sees them."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    id: uuid.UUID
    name: str
    email: str
    roles: frozenset[str]
    language: str

    def has_any(self, roles) -> bool:
        return bool(self.roles & set(roles))
