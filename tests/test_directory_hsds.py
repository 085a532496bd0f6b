"""HSDS 3.1 import and export, checked against the official schemas and example package."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import pytest
from sqlalchemy import func, select

from portal.directory.hsds_commands import export_hsds, import_hsds
from portal.directory.hsds_export import descriptor
from portal.directory.hsds_spec import OBJECTS, fields
from portal.directory.models import Location, Service
from portal.search.models import SearchChange
from tests.hsds_reference import errors, official_descriptor, reference_dir

DANGLING = [
    ("locations.csv", "organization_id", "985e4a42-bd9f-4edc-911d-0243a4640aca"),
    ("contacts.csv", "organization_id", "ae67a707-5893-4225-b0b1-320ab9cb596b"),
    ("contacts.csv", "service_at_location_id", "93eaf18d-1cd2-4ec7-bffb-3c9172ee5070"),
    ("service_areas.csv", "service_at_location_id", "af69894e-7bed-11ef-a85c-07e0918a608c"),
    ("taxonomy_terms.csv", "taxonomy_id", "07ff6aee-a219-438c-b694-d2fcb6c5373b"),
    ("service_capacity.csv", "service_id", "f75b808e-7bdb-11ef-afaa-ab00a77dc5c4"),
    ("service_capacity.csv", "unit_id", "187a37a2-7b40-11ef-9790-dbf7623d4407"),
]
# Where each dangling reference is pointed in the repaired copy: the first row of the table it names.
REPAIR_TARGET = {"organization_id": "organizations.csv", "service_at_location_id": "service_at_location.csv",
                 "taxonomy_id": "taxonomies.csv", "service_id": "services.csv", "unit_id": "units.csv"}


def _run(command, sessions, path) -> tuple[int, str]:
    out = io.StringIO()
    return command(sessions, path, out), out.getvalue()


def _counts(db) -> dict[str, int]:
    with db() as s:
        return {name: s.execute(select(func.count()).select_from(model)).scalar_one() for name, (model, _) in OBJECTS.items()}


def _rewrite(path, column, value, row_filter=lambda row: True):
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = list(rows[0])
    for row in rows:
        if row_filter(row):
            row[column] = value
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def official(tmp_path):
    copy = tmp_path / "official"
    shutil.copytree(reference_dir() / "examples" / "csv", copy)
    return copy


@pytest.fixture
def repaired(official):
    for filename, column, _ in DANGLING:
        target = next(csv.DictReader(io.StringIO((official / REPAIR_TARGET[column]).read_text(encoding="utf-8"))))["id"]
        _rewrite(official / filename, column, target)
    return official


def test_the_official_example_is_refused_and_each_dangling_reference_named(db, official):
    code, out = _run(import_hsds, db, official)
    assert code == 1 and "nothing imported: 7 problem(s)" in out
    for filename, column, missing in DANGLING:
        assert any(line.strip().startswith(f"{filename} row 2, {column}: refers to") and missing in line
                   for line in out.splitlines()), (filename, column)
    assert sum(_counts(db).values()) == 0


def test_a_repaired_copy_imports_and_importing_it_again_changes_nothing(db, repaired, tmp_path):
    code, out = _run(import_hsds, db, repaired)
    assert code == 0, out
    first = _counts(db)
    assert all(first[name] == 1 for name in OBJECTS)
    _run(export_hsds, db, tmp_path / "a")
    assert _run(import_hsds, db, repaired)[0] == 0
    assert _counts(db) == first
    _run(export_hsds, db, tmp_path / "b")
    assert _package_bytes(tmp_path / "a") == _package_bytes(tmp_path / "b")
    with db() as s:
        assert s.execute(select(SearchChange.doc_id)).scalars().all() == ["ac148810-d857-441c-9679-408f346de14b"] * 2


def _package_bytes(folder) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_round_trip_export_import_export_gives_the_same_data(db, repaired, tmp_path, settings):
    from portal.database import Sessions, create_database_engine
    from portal.migrate import migrate
    from portal.settings import Settings

    assert _run(import_hsds, db, repaired)[0] == 0
    _run(export_hsds, db, tmp_path / "first")
    other = Settings(env="development", database_url=f"sqlite:///{tmp_path / 'other.db'}")
    engine = create_database_engine(other)
    migrate(other, engine)
    try:
        code, out = _run(import_hsds, Sessions(engine), tmp_path / "first")
        assert code == 0, out
        _run(export_hsds, Sessions(engine), tmp_path / "second")
    finally:
        engine.dispose()
    assert _package_bytes(tmp_path / "first") == _package_bytes(tmp_path / "second")


def test_what_we_export_validates_against_the_official_schemas(db, repaired, tmp_path):
    assert _run(import_hsds, db, repaired)[0] == 0
    with db.begin() as s:  # our extension columns travel as attributes; give them values to export
        s.execute(Service.__table__.update().values(capacity_status="waitlist"))
        s.execute(Location.__table__.update().values(timezone="America/Denver"))
    _run(export_hsds, db, tmp_path / "out")
    for name, (_, filename) in OBJECTS.items():
        specs = {spec.name: spec for spec in fields(name)}
        for row in csv.DictReader(io.StringIO((tmp_path / "out" / filename).read_text(encoding="utf-8"))):
            document = {k: (float(v) if specs[k].kind == "number" else v) for k, v in row.items() if v != ""}
            # In a table a capacity names its unit by unit_id; the nested `unit` is JSON's form of it.
            found = [e for e in errors(name, document) if not (name == "service_capacity" and "'unit' is a required" in e)]
            assert found == [], (name, row)
    services = json.loads((tmp_path / "out" / "services.json").read_text())
    assert len(services) == 1
    assert errors("service", services[0]) == []
    values = {a.get("value") for a in services[0]["attributes"]}
    assert "waitlist" in values


def test_our_descriptor_matches_the_official_one_where_the_official_one_is_sound(db):
    official = {r["name"]: r for r in official_descriptor()["resources"]}
    ours = {r["name"]: r for r in descriptor()["resources"]}
    assert set(ours) == set(official)
    for name, resource in ours.items():
        assert resource["path"] == official[name]["path"]
        if name in {"service_capacity", "unit", "url"}:
            continue  # broken upstream (reference README): ours follows the JSON schemas
        assert [(f["name"], f["type"]) for f in resource["schema"]["fields"]] == \
               [(f["name"], f["type"]) for f in official[name]["schema"]["fields"]], name
        theirs = {(fk["fields"], fk["reference"]["resource"]) for fk in official[name]["schema"].get("foreignKeys", [])}
        assert {(fk["fields"], fk["reference"]["resource"]) for fk in resource["schema"].get("foreignKeys", [])} == theirs


def test_the_official_json_examples_import(db):
    for example in ("service_full.json", "service_list.json"):
        code, out = _run(import_hsds, db, reference_dir() / "examples" / example)
        assert code == 0, out
    with db() as s:
        service = s.get(Service, __import__("uuid").UUID("ac148810-d857-441c-9679-408f346de14b"))
        assert service.name == "Community Counselling" and service.minimum_age == 12


def test_a_zip_of_a_package_imports(db, repaired, tmp_path):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in repaired.iterdir():
            out.write(path, f"hsds/{path.name}")
    assert _run(import_hsds, db, archive)[0] == 0
    assert _counts(db)["service"] == 1


@pytest.mark.parametrize(("filename", "column", "value", "message"), [
    ("services.csv", "minimum_age", "twelve", "minimum_age: must be a number, not 'twelve'"),
    ("services.csv", "status", "open", "status: must be one of active, inactive, defunct, temporarily closed, not 'open'"),
    ("services.csv", "assured_date", "01/02/2026", "assured_date: must be a date as YYYY-MM-DD"),
    ("services.csv", "last_modified", "2026-01-02T10:00:00", "last_modified: needs a time zone"),
    ("services.csv", "name", "", "name: is required"),
    ("services.csv", "organization_id", "not-a-uuid", "organization_id: must be a UUID"),
    ("schedules.csv", "opens_at", "9am", "opens_at: must be a time of day as HH:MM"),
    ("schedules.csv", "freq", "DAILY", "freq: must be one of WEEKLY, MONTHLY"),
    ("phones.csv", "service_id", "11111111-2222-4333-8444-555555555555", "service_id: refers to service 11111111-2222-4333-8444-555555555555"),
    ("addresses.csv", "address_type", "home", "address_type: must be one of physical, postal, virtual"),
])
def test_a_malformed_package_is_refused_whole_with_a_precise_error(db, repaired, filename, column, value, message):
    _rewrite(repaired / filename, column, value)
    code, out = _run(import_hsds, db, repaired)
    assert code == 1
    assert f"{filename} row 2, {message}" in out
    assert sum(_counts(db).values()) == 0


def test_a_package_with_many_problems_lists_every_one(db, repaired):
    _rewrite(repaired / "services.csv", "status", "open")
    _rewrite(repaired / "phones.csv", "number", "")
    (repaired / "languages.csv").write_text("id,name\nnot-a-uuid,English\n", encoding="utf-8")
    code, out = _run(import_hsds, db, repaired)
    assert code == 1
    assert "services.csv row 2, status" in out and "phones.csv row 2, number: is required" in out
    assert "languages.csv row 2, id: must be a UUID" in out


def test_duplicate_ids_unknown_columns_and_a_bad_extension_value_are_refused(db, repaired):
    rows = (repaired / "units.csv").read_text(encoding="utf-8").splitlines()
    (repaired / "units.csv").write_text("\n".join(rows + rows[1:]) + "\n", encoding="utf-8")
    text = (repaired / "funding.csv").read_text(encoding="utf-8").splitlines()
    (repaired / "funding.csv").write_text("\n".join([text[0] + ",secret_column"] + [r + ",x" for r in text[1:]]) + "\n", encoding="utf-8")
    with (repaired / "attributes.csv").open("a", encoding="utf-8") as out:
        out.write("0d6f2b8e-1111-4a2b-9c3d-4e5f6a7b8c9d,ac148810-d857-441c-9679-408f346de14b,"
                  "3d5e7f90-1a2b-4c3d-9e4f-5a6b7c8d9e03,,service,full-ish,\n")
    code, out = _run(import_hsds, db, repaired)
    assert code == 1
    assert "units.csv row 3, id:" in out
    assert "funding.csv: has columns HSDS does not define: secret_column" in out
    assert "attributes.csv row 3, value: must be one of has_capacity, waitlist, no_capacity, assessment_required" in out


def test_not_a_package_says_so(db, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    code, out = _run(import_hsds, db, tmp_path / "notes.txt")
    assert code == 1 and "is not a data package folder" in out
    (tmp_path / "bad.json").write_text("{not json")
    code, out = _run(import_hsds, db, tmp_path / "bad.json")
    assert code == 1 and "is not JSON" in out
    assert _run(import_hsds, db, tmp_path / "missing")[0] == 2


def test_listing_text_is_exported_exactly_as_written(db, tmp_path):
    from tests.factories import make_service

    name = '<script>alert("x")</script> & "Ñandú", pantry'
    with db.begin() as s:
        make_service(s, name=name, description="Line one\nline two, with a comma")
    assert _run(export_hsds, db, tmp_path)[0] == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "services.csv").read_text(encoding="utf-8"))))
    assert rows[0]["name"] == name and rows[0]["description"] == "Line one\nline two, with a comma"
    assert json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))[0]["name"] == name
