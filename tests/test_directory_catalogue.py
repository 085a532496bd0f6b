"""The seed catalogue (resources_catalog/): a sound HSDS package in our canonical form, big enough to be real."""

from __future__ import annotations

import io
from pathlib import Path

from sqlmodel import func, select

from portal.demo import CATALOGUE, FOOD_BANK_ID, LEGAL_AID_ID
from portal.directory.hsds_commands import export_hsds, import_hsds
from portal.directory.models import Location, Organization, Schedule, Service, ServiceAtLocation
from portal.directory.synonyms import directory_synonyms  # noqa: F401  (imported to fail early if broken)


def test_the_catalogue_imports_and_exports_to_the_same_files(db, tmp_path):
    out = io.StringIO()
    assert import_hsds(db, CATALOGUE, out) == 0, out.getvalue()
    assert export_hsds(db, tmp_path, io.StringIO()) == 0
    for path in sorted(CATALOGUE.glob("*.csv")) + [CATALOGUE / "datapackage.json"]:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_catalogue_is_big_and_varied_enough(db):
    assert import_hsds(db, CATALOGUE, io.StringIO()) == 0
    with db() as s:
        count = lambda model: s.exec(select(func.count()).select_from(model)).one()  # noqa: E731
        assert count(Organization) >= 60 and count(Service) >= 150 and count(Location) >= 100
        assert s.get(Organization, FOOD_BANK_ID).email == "partner@example.org"
        assert s.get(Organization, LEGAL_AID_ID).email == "partner2@example.org"
        food_bank_services = s.exec(select(func.count()).select_from(Service).where(Service.organization_id == FOOD_BANK_ID)).one()
        assert food_bank_services >= 3
        kinds = {
            "by appointment": Schedule.attending_type.ilike("%appointment%"),
            "monthly": Schedule.freq == "MONTHLY",
            "exception": Schedule.freq.is_(None) & Schedule.valid_from.is_not(None),
            "overnight": Schedule.closes_at < Schedule.opens_at,
            "seasonal": (Schedule.freq == "WEEKLY") & Schedule.valid_to.is_not(None),
        }
        for kind, condition in kinds.items():
            assert s.exec(select(func.count()).select_from(Schedule).where(condition)).one() > 0, kind
        assert s.exec(select(func.count()).select_from(ServiceAtLocation)).one() >= count(Service) - 10


def test_every_catalogue_zip_is_a_real_one_near_its_location(db):
    from portal.directory.filters import zip_centre
    from portal.directory.models import Address
    from portal.search.geo import miles_between

    assert import_hsds(db, CATALOGUE, io.StringIO()) == 0
    with db() as s:
        rows = s.exec(select(Address, Location).join(Location, Location.id == Address.location_id)).all()
    assert rows
    for address, location in rows:
        centre = zip_centre(address.postal_code)
        assert centre is not None, address.postal_code
        assert miles_between(centre, (location.latitude, location.longitude)) < 2, address.postal_code


def test_the_catalogue_readme_names_the_taxonomy():
    text = (Path(CATALOGUE) / "README.md").read_text(encoding="utf-8")
    assert "Open Eligibility" in text and "food-pantry" in text


def test_every_category_name_can_be_shown_in_spanish():
    import csv

    from portal.directory.category_names import CATEGORY_NAMES
    from portal.i18n import translations

    rows = list(csv.DictReader(io.StringIO((CATALOGUE / "taxonomy_terms.csv").read_text(encoding="utf-8"))))
    categories = {row["name"] for row in rows if row["taxonomy"] != "Community Health Portal listing facts"}
    assert categories <= set(CATEGORY_NAMES)
    spanish = translations("es")._catalog  # "WIC" and "Legal" are the same words in Spanish: check presence
    assert [name for name in categories if not spanish.get(name)] == []
