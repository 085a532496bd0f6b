"""Reading and checking form fields: every problem becomes a message next to its field."""

from __future__ import annotations

import re

from portal.i18n import _

EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def query_text(params, name: str, limit: int) -> str:
    """A search or filter value from the address bar: trimmed, cut to size, without control characters
    (PostgreSQL refuses NUL in text; none of them belongs in a search)."""
    return CONTROL.sub("", params.get(name, "").replace("\x00", "")).strip()[:limit]


class Form:
    """The values a person sent (kept to show them again) and the errors found in them."""

    def __init__(self, data=None):
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self._data = data

    def raw(self, name: str) -> str:
        value = self._data.get(name, "") if self._data is not None else ""
        return value if isinstance(value, str) else ""

    def text(self, name: str, *, label: str, required: bool = True, max_length: int = 200) -> str:
        value = self.raw(name).strip()
        self.values[name] = value[: max_length * 2]
        if CONTROL.search(value):
            self.errors[name] = _("%(label)s contains characters we cannot store.", label=label)
        elif required and not value:
            self.errors[name] = _("%(label)s is required.", label=label)
        elif len(value) > max_length:
            self.errors[name] = _("%(label)s must be %(max)d characters or fewer.", label=label, max=max_length)
        return value

    def email(self, name: str = "email", *, label: str | None = None, required: bool = True) -> str:
        label = label or _("Email")
        value = self.text(name, label=label, required=required, max_length=254)
        if value and name not in self.errors and not EMAIL.match(value):
            self.errors[name] = _("Enter an email address like name@example.org.")
        return value.lower()

    def secret(self, name: str, *, label: str, max_length: int = 128) -> str:
        """A password: never kept to be shown again."""
        value = self.raw(name)
        if not value:
            self.errors[name] = _("%(label)s is required.", label=label)
        elif len(value) > max_length:
            self.errors[name] = _("%(label)s must be %(max)d characters or fewer.", label=label, max=max_length)
        return value

    def choice(self, name: str, choices, *, label: str) -> str:
        value = self.raw(name)
        self.values[name] = value if value in choices else ""
        if value not in choices:
            self.errors[name] = _("Choose one of the options for %(label)s.", label=label)
        return value

    def choices(self, name: str, allowed, *, label: str, required: bool = True) -> list[str]:
        """Several ticked boxes of one name; anything not offered is refused."""
        values = [value for value in (self._data.getlist(name) if self._data is not None else []) if isinstance(value, str)]
        chosen = [value for value in allowed if value in values]
        self.values[name] = chosen
        if len(chosen) != len(set(values)):
            self.errors[name] = _("Choose only from the options for %(label)s.", label=label)
        elif required and not chosen:
            self.errors[name] = _("Choose at least one option for %(label)s.", label=label)
        return chosen

    def checkbox(self, name: str) -> bool:
        checked = self.raw(name) in ("on", "1", "true", "yes")
        self.values[name] = "on" if checked else ""
        return checked

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.errors
