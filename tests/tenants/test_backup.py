"""The backup drill: a demo district is backed up, damaged, restored, and compared table by table and file by file.

The archive is written by pg_dump from its own connection, so the district's rows must be committed:
these tests write outside the per-test transaction (like the live-server tests) and leave the district
as they found it. The comparisons are the test's own (row counts, an md5 of each table's ordered rows,
the district's public rows, sha256 of each file), not the restore's internal checks.
Run the module whole (or with `-k` keeping `province_wide`): pytest-django makes the test database
only when a collected test is marked django_db, and the committed tests cannot be.
"""
import hashlib
import io
import json
import os
import stat
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from psycopg import sql as pgsql

from accounts.models import User
from geo.models import AdministrativeUnit
from province.models import CycleRollup, InvestmentRollup, ProjectPoint, RollupRefresh
from tenants import backup
from tenants.models import District, DistrictDomain

SLUG = "yen-phong"
SCHEMA = "d258"
NOT_SIGNED = "the archive was not made by this site or was changed; nothing was changed"


def table_states(schema):
    """{table: (rows, md5 of the rows' text in order)} for every table of the schema, computed here, not by tenants.backup."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [name for (name,) in cursor.fetchall()]
        states = {}
        for table in tables:
            cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) FROM "{schema}"."{table}" t')
            states[table] = cursor.fetchone()
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s ORDER BY sequencename", [schema])
        states["sequences"] = cursor.fetchall()
    return states


def public_state(unit_ids):
    """The district's rows in public, as the ORM reads them."""
    connection.set_schema_to_public()
    users = User.objects.filter(unit_id__in=unit_ids).order_by("id")
    district = District.objects.get(schema_name=SCHEMA)
    return {
        "district": list(District.objects.filter(schema_name=SCHEMA).values()),
        "domains": list(DistrictDomain.objects.filter(tenant=district).order_by("id").values()),
        "units": [(u.pk, u.code, u.name, u.parent_id, u.geom.wkb.hex()) for u in AdministrativeUnit.objects.filter(pk__in=unit_ids).order_by("pk")],
        "users": list(users.values()),
        "groups": list(User.groups.through.objects.filter(user__in=users).order_by("id").values()),
        "rollup": list(InvestmentRollup.objects.filter(district_code="258").order_by("id").values()),
        "refresh": list(RollupRefresh.objects.filter(district_code="258").values()),
        "points": list(ProjectPoint.objects.filter(district_code="258").order_by("id").values("id", "code", "total_investment")),
        "cycles": list(CycleRollup.objects.filter(schema_name=SCHEMA).order_by("id").values()),
    }


def file_states(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def committed(django_db_setup, django_db_blocker, settings, tmp_path):
    """Writes that commit, on the test database, with MEDIA_ROOT in a scratch folder."""
    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        yield tmp_path
        connection.set_schema_to_public()


@pytest.fixture
def district_with_files(committed):
    """Yên Phong with files as its rows name them: meeting minutes in the old layout (meetings/<year>/),
    an attachment in the per-district layout (d258/…), and a file in MEDIA_ROOT/d258/ that no row names;
    and two plan cycles, which the province copies (province.CycleRollup, refreshed by core.signals)."""
    from core.signals import announce_cycle_changed
    from plans.models import PlanCycle
    from proposals.models import Attachment, Proposal, VillageMeeting

    media = committed / "media"
    yen_phong = District.objects.get(slug=SLUG)
    head = User.objects.get(username="thon.09193-01")
    files = {
        "meetings/2026/bien-ban-thon-dong.pdf": b"%PDF-1.4 bien ban hop thon Dong\n",
        "meetings/2026/bien-ban-thon-doai.pdf": b"%PDF-1.4 bien ban hop thon Doai\n",
        f"{SCHEMA}/proposals/3f9c2a.jpg": b"\xff\xd8\xff\xe0 anh de xuat",
        f"{SCHEMA}/exports/ke-hoach.docx": b"PK\x03\x04 ke hoach",
    }
    for name, data in files.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
    connection.set_tenant(yen_phong)
    meetings = list(VillageMeeting.objects.order_by("id")[:2])
    assert len(meetings) == 2
    VillageMeeting.objects.filter(pk=meetings[0].pk).update(minutes="meetings/2026/bien-ban-thon-dong.pdf")
    VillageMeeting.objects.filter(pk=meetings[1].pk).update(minutes="meetings/2026/bien-ban-thon-doai.pdf")
    attachment = Attachment.objects.create(
        proposal=Proposal.objects.order_by("id").first(), file=f"{SCHEMA}/proposals/3f9c2a.jpg", name="anh.jpg",
        content_type="image/jpeg", size=len(files[f"{SCHEMA}/proposals/3f9c2a.jpg"]), uploaded_by=head,
    )
    team = User.objects.get(username="xa.09193")
    cycles = [PlanCycle.objects.create(commune_id=AdministrativeUnit.objects.get(code=code).pk, plan_year=2031, step=step, created_by=team)
              for code, step in (("09193", "draft"), ("09196", "team"))]
    # Made behind the services' back, so announced as the services do: the province copies the cycles.
    announce_cycle_changed(sender=PlanCycle, district=yen_phong, commune_ids=[c.commune_id for c in cycles])
    connection.set_schema_to_public()
    try:
        yield media
    finally:
        connection.set_tenant(District.objects.get(slug=SLUG))
        PlanCycle.objects.filter(pk__in=[c.pk for c in cycles]).delete()
        announce_cycle_changed(sender=PlanCycle, district=yen_phong, commune_ids=[c.commune_id for c in cycles])
        Attachment.objects.filter(pk=attachment.pk).delete()
        VillageMeeting.objects.filter(pk__in=[m.pk for m in meetings]).update(minutes="")
        connection.set_schema_to_public()


def unit_ids_of_district():
    ids, frontier = set(), [AdministrativeUnit.objects.get(code="258").pk]
    while frontier:
        ids.update(frontier)
        frontier = list(AdministrativeUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
    return sorted(ids)


def damage(media):
    """Delete rows, drop a table, delete and alter files, change users and public rows, as an accident or an attack would."""
    from proposals.models import Proposal

    connection.set_tenant(District.objects.get(slug=SLUG))
    Proposal.objects.filter(pk__in=list(Proposal.objects.order_by("-id").values_list("pk", flat=True)[:5])).delete()
    connection.set_schema_to_public()
    sql(f'DELETE FROM "{SCHEMA}".plans_plancycle')  # behind the services' back: the province's copy of the cycles stays as it was
    sql(f'DROP TABLE "{SCHEMA}".proposals_attachment CASCADE')
    sql(f'UPDATE "{SCHEMA}".proposals_villagemeeting SET participants = 1')
    (media / "meetings/2026/bien-ban-thon-dong.pdf").unlink()
    (media / f"{SCHEMA}/exports/ke-hoach.docx").write_bytes(b"overwritten")
    (media / f"{SCHEMA}/stray.txt").write_bytes(b"made after the backup")
    User.objects.filter(username="huyen.yen-phong").update(first_name="Kẻ xấu", is_active=False, password=make_password("x"))
    User.objects.filter(username="xa.09193").update(unit=AdministrativeUnit.objects.get(code="09247"))  # moved to Quế Võ
    sql("DELETE FROM public.knox_authtoken WHERE user_id = (SELECT id FROM public.accounts_user WHERE username = %s)", ["thon.09193-02"])
    sql("DELETE FROM public.accounts_user WHERE username = %s", ["thon.09193-02"])
    InvestmentRollup.objects.filter(district_code="258").delete()
    CycleRollup.objects.filter(schema_name=SCHEMA).delete()
    DistrictDomain.objects.filter(domain=SLUG).delete()
    AdministrativeUnit.objects.filter(code="09193").update(name="Tên sai")


def test_backup_damage_restore_drill(district_with_files, capsys):
    media = district_with_files
    units = unit_ids_of_district()
    before = table_states(SCHEMA), public_state(units), file_states(media)
    assert before[0]["proposals_proposal"][0] >= 10 and before[0]["proposals_attachment"][0] >= 1
    assert before[1]["users"] and before[1]["cycles"] and before[1]["domains"] and before[1]["rollup"]
    assert len(before[2]) == 4
    archive = district_with_files.parent / "yen-phong.tar"

    started = time.perf_counter()
    call_command("district_backup", SLUG, "--output", str(archive))
    backup_seconds = time.perf_counter() - started
    out = capsys.readouterr().out
    assert "Backed up" in out and "4 files" in out

    damage(media)
    newcomer = User.objects.create(username="xa.09193.moi", role="commune", unit=AdministrativeUnit.objects.get(code="09193"))
    damaged = table_states(SCHEMA), public_state(units), file_states(media)
    assert damaged[0] != before[0] and damaged[1] != before[1] and damaged[2] != before[2]
    assert "proposals_attachment" not in damaged[0]
    assert Client().get(f"/d/{SLUG}/").status_code == 404  # its domain row is gone: the district is unreachable

    try:
        started = time.perf_counter()
        call_command("district_restore", SLUG, str(archive), interactive=False)
        restore_seconds = time.perf_counter() - started
        out = capsys.readouterr().out
        assert "Restored yen-phong" in out and "xa.09193.moi" in out  # the user made since the backup is kept, and named
        assert User.objects.filter(pk=newcomer.pk, unit__code="09193").exists()
    finally:
        sql("DELETE FROM public.accounts_user WHERE id = %s", [newcomer.pk])
    after = table_states(SCHEMA), public_state(units), file_states(media)
    assert after[0] == before[0]  # every table: row count, md5 of its ordered rows; every sequence
    assert after[1] == before[1]  # district, domain, units, users, group memberships, rollups, cycles
    assert after[2] == before[2]  # the files, by sha256; the stray file in d258/ is gone
    client = Client()
    client.force_login(User.objects.get(username="huyen.yen-phong"))
    response = client.get(f"/d/{SLUG}/api/district/")
    assert response.status_code == 200

    with tarfile.open(archive) as tar:
        sizes = {m.name: m.size for m in tar.getmembers()}
        public_rows = sum(t["rows"] for t in backup.read_manifest(tar)["public"].values())
    rows = sum(n for n, _ in (v for k, v in before[0].items() if k != "sequences"))
    print(f"\nDRILL {SLUG}: {len(before[0]) - 1} tables, {rows} rows, {public_rows} public rows ({len(before[1]['users'])} users), "
          f"{len(before[2])} files; "
          f"archive {archive.stat().st_size} bytes (schema.dump {sizes['schema.dump']}); "
          f"backup {backup_seconds:.2f} s, restore {restore_seconds:.2f} s")


def test_a_dropped_district_is_restored_whole(committed, capsys):
    """The schema dropped and the district's rows deleted: district_restore brings it back, reachable again."""
    units = unit_ids_of_district()
    before = table_states(SCHEMA), public_state(units)
    archive = committed / "yen-phong.tar"
    call_command("district_backup", SLUG, "--output", str(archive))
    sql(f'DROP SCHEMA "{SCHEMA}" CASCADE')
    sql("DELETE FROM public.tenants_districtdomain WHERE domain = %s", [SLUG])
    sql("DELETE FROM public.tenants_district WHERE slug = %s", [SLUG])
    sql("DELETE FROM public.province_cyclerollup WHERE schema_name = %s", [SCHEMA])
    assert not District.objects.filter(slug=SLUG).exists()

    call_command("district_restore", SLUG, str(archive), interactive=False)
    assert (table_states(SCHEMA), public_state(units)) == before
    client = Client()
    client.force_login(User.objects.get(username="xa.09193"))
    assert client.get(f"/d/{SLUG}/api/district/").status_code == 200


def test_a_missing_file_or_a_link_out_of_media_root_is_reported_not_archived(committed, capsys):
    from proposals.models import VillageMeeting

    media = committed / "media"
    (media / SCHEMA).mkdir(parents=True)
    (media / SCHEMA / "passwd").symlink_to("/etc/passwd")
    connection.set_tenant(District.objects.get(slug=SLUG))
    meeting = VillageMeeting.objects.order_by("id").first()
    VillageMeeting.objects.filter(pk=meeting.pk).update(minutes="meetings/2026/lost.pdf")
    connection.set_schema_to_public()
    archive = committed / "yen-phong.tar"
    try:
        call_command("district_backup", SLUG, "--output", str(archive))
    finally:
        connection.set_tenant(District.objects.get(slug=SLUG))
        VillageMeeting.objects.filter(pk=meeting.pk).update(minutes="")
        connection.set_schema_to_public()
    err = capsys.readouterr().err
    assert "meetings/2026/lost.pdf is named by the district's rows but is not a file inside MEDIA_ROOT" in err
    assert f"{SCHEMA}/passwd" in err
    with tarfile.open(archive) as tar:
        manifest = backup.read_manifest(tar)
        assert not [n for n in tar.getnames() if n.startswith("files/")]
    # Inclusion, not equality: browser tests earlier in the run commit uploads whose files live in their own MEDIA_ROOT.
    assert {"d258/passwd", "meetings/2026/lost.pdf"} <= set(manifest["missing_files"]) and manifest["files"] == {}


def rewrite_member(archive, name, change, *, sign=False, add=None):
    """A copy of the archive with one member's bytes changed (and the members `add` {name: bytes} added), carrying
    the archive's old signature, or with `sign` a new one made with this site's key, as a key holder could."""
    tampered = archive.with_name("tampered.tar")
    members = {}
    with tarfile.open(archive) as source:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            members[member.name] = change(data) if member.name == name else data
    members.update(add or {})
    if sign:
        members[backup.SIGNATURE] = backup.signature(
            {n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != backup.SIGNATURE}).encode()
    with tarfile.open(tampered, "w") as target:
        for member_name, data in members.items():
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return tampered


def edit_manifest(change):
    """A change of manifest.json's bytes: `change` edits the parsed manifest in place."""
    def edit(data):
        manifest = json.loads(data)
        change(manifest)
        return json.dumps(manifest).encode()
    return edit


@pytest.mark.parametrize("member, change, message", [
    ("schema.dump", lambda data: data[: len(data) // 2], "pg_restore failed"),
    ("public/accounts_user.copy", lambda data: data.replace(b"huyen.yen-phong", b"huyen.yen-phonx"), "checksum"),
    ("public/tenants_district.copy", lambda data: data + data, "duplicate key"),
])
def test_a_bad_archive_fails_loudly_and_changes_nothing(committed, member, change, message):
    """Changed, the archive is refused by its signature; re-signed with this site's key (as only a key holder could),
    the restore's own checks still refuse it."""
    units = unit_ids_of_district()
    archive = committed / "yen-phong.tar"
    call_command("district_backup", SLUG, "--output", str(archive))
    sql(f'UPDATE "{SCHEMA}".proposals_villagemeeting SET participants = 0 WHERE id = (SELECT min(id) FROM "{SCHEMA}".proposals_villagemeeting)')
    sql("UPDATE public.accounts_user SET first_name = 'Đã sửa' WHERE username = 'xa.09193'")
    damaged = table_states(SCHEMA), public_state(units)
    try:
        with pytest.raises(CommandError, match=NOT_SIGNED):
            call_command("district_restore", SLUG, str(rewrite_member(archive, member, change)), interactive=False)
        assert (table_states(SCHEMA), public_state(units)) == damaged
        with pytest.raises(CommandError, match=message):
            call_command("district_restore", SLUG, str(rewrite_member(archive, member, change, sign=True)), interactive=False)
        assert (table_states(SCHEMA), public_state(units)) == damaged  # the transaction rolled back: nothing changed
    finally:
        call_command("district_restore", SLUG, str(archive), interactive=False)


def test_restore_refuses_another_districts_archive(committed):
    archive = committed / "yen-phong.tar"
    call_command("district_backup", SLUG, "--output", str(archive))
    with pytest.raises(CommandError, match="archive is of district 'yen-phong', not 'que-vo'"):
        call_command("district_restore", "que-vo", str(archive), interactive=False)
    with pytest.raises(CommandError, match=NOT_SIGNED):
        call_command("district_restore", SLUG, str(_not_an_archive(committed)), interactive=False)
    (committed / "notes.txt").write_text("not a tar file")
    with pytest.raises(CommandError, match="is not a complete district archive"):
        call_command("district_restore", SLUG, str(committed / "notes.txt"), interactive=False)
    with pytest.raises(CommandError, match="no such archive"):
        call_command("district_restore", SLUG, str(committed / "missing.tar"), interactive=False)


def _not_an_archive(tmp_path):
    path = tmp_path / "notes.tar"
    with tarfile.open(path, "w") as tar:
        data = json.dumps({"kind": "notes"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.django_db
def test_every_public_model_is_a_district_table_or_province_wide():
    """A new public model that carries a district, a unit or a user is backed up with the district; any other must be
    listed as province-wide, so that nothing of a district is left out of its archive unnoticed."""
    tables, unclassified = backup.public_tables()
    assert unclassified == []
    names = {t.table for t in tables}
    assert {"tenants_district", "tenants_districtdomain", "geo_administrativeunit", "accounts_user", "accounts_user_groups",
            "knox_authtoken", "province_investmentrollup", "province_rolluprefresh", "province_projectpoint",
            "province_cyclerollup"} <= names
    assert not names & {"province_stepdeadline", "django_session", "auth_permission"}
    assert ("proposals_villagemeeting", "minutes") in backup.file_columns()
    assert ("monitoring_evidencephoto", "photo") in backup.file_columns()


def test_site_backup_restores_into_a_new_database_and_keeps_the_newest(committed, settings, capsys):
    """The nightly backup: pg_dump of the whole database restores with no error into an empty database
    (pg_restore --exit-on-error), with every table of a district and the users as they were; rotation keeps N."""
    (committed / "media" / SCHEMA).mkdir(parents=True)
    (committed / "media" / SCHEMA / "a.pdf").write_bytes(b"%PDF a")
    target = committed / "backups"
    for old in ("site-20260101T010000Z", "site-20260102T010000Z", "site-20260103T010000Z.partial"):
        (target / old).mkdir(parents=True)
    call_command("site_backup", "--dir", str(target), "--keep", "2")
    kept = sorted(p.name for p in target.iterdir())
    # the oldest complete backup is gone; an unfinished one is neither counted nor kept
    assert kept[0] == "site-20260102T010000Z" and len(kept) == 2 and kept[1].startswith("site-2") and "partial" not in kept[1]
    assert "Removed old backups: site-20260101T010000Z" in capsys.readouterr().out
    newest = target / kept[-1]
    manifest = json.loads((newest / "manifest.json").read_text())
    for name, info in manifest["files"].items():
        assert hashlib.sha256((newest / name).read_bytes()).hexdigest() == info["sha256"]
    with tarfile.open(newest / "media.tar") as tar:
        assert tar.extractfile(f"media/{SCHEMA}/a.pdf").read() == b"%PDF a"

    db = settings.DATABASES["default"]
    scratch = db["NAME"] + "_site_restore"
    env = {"PGPASSWORD": db["PASSWORD"]}
    args = ["--host", db["HOST"], "--port", str(db["PORT"]), "--username", db["USER"]]
    expected = table_states(SCHEMA), table_states("public")["accounts_user"]
    sql(f'DROP DATABASE IF EXISTS "{scratch}"')
    sql(f'CREATE DATABASE "{scratch}"')
    try:
        started = time.perf_counter()
        result = subprocess.run(["pg_restore", "--exit-on-error", "--no-owner", *args, "--dbname", scratch, str(newest / "database.dump")],
                                capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - started
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        check = ("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t")
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [SCHEMA])
            tables = [name for (name,) in cursor.fetchall()]
        import psycopg

        with psycopg.connect(dbname=scratch, user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as other:
            restored = {t: other.execute(check.format(f'"{SCHEMA}"."{t}"')).fetchone() for t in tables}
            users = other.execute(check.format("public.accounts_user")).fetchone()
        assert restored == {t: tuple(v) for t, v in expected[0].items() if t != "sequences"}
        assert users == tuple(expected[1])
        print(f"\nSITE BACKUP: database.dump {manifest['files']['database.dump']['bytes']} bytes, media.tar "
              f"{manifest['files']['media.tar']['bytes']} bytes, backup {manifest['seconds']:.2f} s, pg_restore {seconds:.2f} s")
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


# --- the reviewer's attacks (issue 11 part 6 review): an archive is authenticated, and checked besides ---------

def district_rows(slug):
    return list(District.objects.filter(slug=slug).values()), list(DistrictDomain.objects.filter(domain=slug).values())


def test_an_archive_of_another_site_runs_no_sql(committed, settings):
    """A crafted archive: its schema has a table whose CHECK calls a function that writes into public. Made with
    another SECRET_KEY, it is refused before pg_restore runs: the function never runs, nothing changes."""
    sql(f'CREATE FUNCTION "{SCHEMA}".evil(x int) RETURNS boolean LANGUAGE plpgsql AS '
        '$$ BEGIN CREATE TABLE IF NOT EXISTS public.pwned (x int); RETURN true; END $$')
    sql(f'CREATE TABLE "{SCHEMA}".evil_rows (x int CHECK ("{SCHEMA}".evil(x)))')
    sql(f'INSERT INTO "{SCHEMA}".evil_rows VALUES (1)')
    archive = committed / "crafted.tar"
    key = settings.SECRET_KEY
    try:
        settings.SECRET_KEY = "another site's key"
        call_command("district_backup", SLUG, "--output", str(archive))
    finally:
        settings.SECRET_KEY = key
        sql(f'DROP TABLE "{SCHEMA}".evil_rows')
        sql(f'DROP FUNCTION "{SCHEMA}".evil(int)')
        sql("DROP TABLE public.pwned")
    units = unit_ids_of_district()
    before = table_states(SCHEMA), public_state(units)
    with pytest.raises(CommandError, match=NOT_SIGNED):
        call_command("district_restore", SLUG, str(archive), interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.pwned')")
        assert cursor.fetchone()[0] is None
    assert (table_states(SCHEMA), public_state(units)) == before
    stripped = rewrite_member(archive, backup.SIGNATURE, lambda data: b"")  # an empty signature is no better
    with pytest.raises(CommandError, match=NOT_SIGNED):
        call_command("district_restore", SLUG, str(stripped), interactive=False)


def admin_row_in_archive(archive):
    """(accounts_user.copy with the admin's row added, its password replaced; the manifest edited to match, its
    count, md5 and user ids recomputed as an attacker would): the reviewer's tampered archive."""
    admin = User.objects.get(username="admin")
    with tarfile.open(archive) as tar:
        saved = backup.read_manifest(tar)["public"]["accounts_user"]
    columns = pgsql.SQL(", ").join(map(pgsql.Identifier, saved["columns"]))
    with backup._connect() as conn, conn.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE forged (LIKE public.accounts_user)")
        cursor.execute(pgsql.SQL("INSERT INTO forged ({c}) SELECT {c} FROM public.accounts_user WHERE id = %s").format(c=columns),
                       [admin.pk])
        cursor.execute("UPDATE forged SET password = %s", [make_password("chiem-quyen")])
        with cursor.copy(pgsql.SQL("COPY (SELECT {c} FROM forged) TO STDOUT").format(c=columns)) as copy:
            row = b"".join(bytes(data) for data in copy)
        with tarfile.open(archive) as tar:
            rows = tar.extractfile("public/accounts_user.copy").read() + row
        cursor.execute("TRUNCATE forged")
        with cursor.copy(pgsql.SQL("COPY forged ({c}) FROM STDIN").format(c=columns)) as copy:
            copy.write(rows)
        count, digest = backup._checksum(cursor, pgsql.Identifier("forged"))
        conn.rollback()

    def manifest(m):
        m["public"]["accounts_user"].update(rows=count, md5=digest)
        m["user_ids"] = sorted(m["user_ids"] + [admin.pk])
    return rows, edit_manifest(manifest), admin.password


def test_a_changed_archive_cannot_replace_a_row_of_public(committed):
    """The admin's row added to public/accounts_user.copy, its md5 recomputed in the manifest: refused by the
    signature; re-signed with this site's key, refused again because the row does not belong to the district."""
    archive = committed / "yen-phong.tar"
    call_command("district_backup", SLUG, "--output", str(archive))
    rows, manifest_edit, password = admin_row_in_archive(archive)
    units = unit_ids_of_district()
    before = table_states(SCHEMA), public_state(units)
    for sign, message in ((False, NOT_SIGNED), (True, "public.accounts_user: 1 row.* do not belong to district 258")):
        tampered = rewrite_member(archive, "manifest.json", manifest_edit, sign=sign, add={"public/accounts_user.copy": rows})
        with pytest.raises(CommandError, match=message):
            call_command("district_restore", SLUG, str(tampered), interactive=False)
        assert User.objects.get(username="admin").password == password
        assert (table_states(SCHEMA), public_state(units)) == before


@pytest.mark.parametrize("slug, message", [
    ("que-vo", r"the archive's district \(id \d+, schema d258, code 258\) is not the district 'que-vo'"),
    ("khong-co", "district 'yen-phong' holds the archive's id, schema or code"),
])
def test_an_edited_slug_does_not_restore_one_district_over_another(committed, slug, message):
    """manifest.json's slug edited: refused by the signature; re-signed, refused because the archive's district
    (id, schema, code) is not the one registered under the slug, or, with no district under it, is another's."""
    archive = committed / "yen-phong.tar"
    call_command("district_backup", SLUG, "--output", str(archive))
    before = table_states("d259"), table_states(SCHEMA), district_rows("que-vo"), district_rows(SLUG)

    def change(m):
        m["district"]["slug"] = slug
    for sign, expected in ((False, NOT_SIGNED), (True, message)):
        with pytest.raises(CommandError, match=expected):
            call_command("district_restore", slug, str(rewrite_member(archive, "manifest.json", edit_manifest(change), sign=sign)),
                         interactive=False)
        assert (table_states("d259"), table_states(SCHEMA), district_rows("que-vo"), district_rows(SLUG)) == before


@pytest.mark.parametrize("name, message", [
    ("d259/bien-ban.pdf", "names a file 'd259/bien-ban.pdf' that is neither under d258/ nor named by the district's rows"),
    ("meetings/2026/khong-ai-ghi.pdf", "neither under d258/ nor named by the district's rows"),
    ("../ngoai.pdf", "names a file outside MEDIA_ROOT"),
    ("/tmp/ngoai.pdf", "names a file outside MEDIA_ROOT"),
])
def test_a_file_not_of_the_district_is_refused(committed, name, message):
    """A file added to a (re-signed) archive that is neither under MEDIA_ROOT/d258/ nor named by d258's rows: refused,
    the database unchanged and no file written."""
    media = committed / "media"
    archive = committed / "yen-phong.tar"
    call_command("district_backup", SLUG, "--output", str(archive))
    data = b"%PDF-1.4 khong phai cua Yen Phong"

    def change(m):
        m["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    tampered = rewrite_member(archive, "manifest.json", edit_manifest(change), sign=True, add={f"files/{name}": data})
    units = unit_ids_of_district()
    before = table_states(SCHEMA), public_state(units)
    with pytest.raises(CommandError, match=message):
        call_command("district_restore", SLUG, str(tampered), interactive=False)
    assert (table_states(SCHEMA), public_state(units)) == before
    assert not (media / name.lstrip("/")).exists() and not (committed / "ngoai.pdf").exists()
    assert not os.path.exists("/tmp/ngoai.pdf")


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_backups_are_readable_by_their_owner_only(committed, settings):
    """Archives hold password hashes and API token keys: BACKUP_DIR is made 0700, every archive and site backup 0600
    (its folder 0700), whatever the umask."""
    settings.BACKUP_DIR = committed / "backups"
    old = os.umask(0o022)
    try:
        call_command("district_backup", SLUG)
        call_command("site_backup", "--keep", "1")
    finally:
        os.umask(old)
    folder = committed / "backups"
    assert mode(folder) == 0o700
    [archive] = folder.glob(f"{SLUG}-*.tar")
    [site] = folder.glob("site-*")
    assert mode(archive) == 0o600 and mode(site) == 0o700
    assert sorted((p.name, mode(p)) for p in site.iterdir()) == [
        ("database.dump", 0o600), ("manifest.json", 0o600), ("media.tar", 0o600)]


def test_a_truncated_archive_gives_one_line(committed):
    archive = committed / "yen-phong.tar"
    call_command("district_backup", SLUG, "--output", str(archive))
    with open(archive, "r+b") as handle:
        handle.truncate(archive.stat().st_size // 2)
    media = committed / "media"
    before = table_states(SCHEMA), file_states(media) if media.exists() else {}
    with pytest.raises(CommandError, match="is not a complete district archive") as raised:
        call_command("district_restore", SLUG, str(archive), interactive=False)
    assert "\n" not in str(raised.value)
    assert (table_states(SCHEMA), file_states(media) if media.exists() else {}) == before


def test_a_full_or_read_only_backup_folder_gives_one_line_and_no_partial_file(committed):
    """A 64 kB tmpfs (an archive is some 300 kB) stands for a full disk, then remounted read-only."""
    folder = committed / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"mounting a small tmpfs needs root: {mounted.stderr.strip()}")
    try:
        for command, args, reason in (
            ("district_backup", [SLUG, "--output", str(folder / "yen-phong.tar")], "No space left on device"),
            ("site_backup", ["--dir", str(folder)], "No space left on device"),
        ):
            with pytest.raises(CommandError, match=reason) as raised:
                call_command(command, *args)
            assert "\n" not in str(raised.value)
            assert list(folder.iterdir()) == []
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        for command, args, reason in (
            ("district_backup", [SLUG, "--output", str(folder / "yen-phong.tar")], "cannot write the archive.*Read-only file system"),
            ("district_backup", [SLUG, "--output", str(folder / "new" / "yen-phong.tar")], "cannot create the folder.*Read-only file system"),
            ("site_backup", ["--dir", str(folder)], "cannot write the backup.*Read-only file system"),
        ):
            with pytest.raises(CommandError, match=reason) as raised:
                call_command(command, *args)
            assert "\n" not in str(raised.value)
            assert list(folder.iterdir()) == []
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_deploy_backup_reads_the_units_environment_file(committed, settings):
    """deploy/backup (run by cron or the timer) reads the environment file the systemd unit names, so that a cron
    run gets the same settings: here the database and BACKUP_DIR (a quoted value with a space) come only from it."""
    root = Path(__file__).resolve().parents[2]
    target = committed / "nightly backups"
    env_file = committed / "env"
    env_file.write_text(f'# as /etc/sedp/env\nDB_NAME={settings.DATABASES["default"]["NAME"]}\n'
                        f'BACKUP_DIR="{target}"\nBACKUP_KEEP=1\nMEDIA_ROOT={committed / "media"}\n')
    env = {k: v for k, v in os.environ.items() if k not in {"BACKUP_DIR", "BACKUP_KEEP"}}
    result = subprocess.run([str(root / "deploy" / "backup")], env={**env, "SEDP_ENV_FILE": str(env_file), "DB_NAME": "sedp_none"},
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    [site] = target.glob("site-*")
    assert (site / "database.dump").stat().st_size > 0
