"""A district schema copied from the template is the schema the migrations would have built, and provisioning is all or nothing."""
import pytest
from django.db import ProgrammingError, connection
from django.test import override_settings

from geo.models import AdministrativeUnit
from tenants import template
from tenants.models import District, DistrictDomain
from tenants.services import district_provision

pytestmark = pytest.mark.django_db


def structure(schema):
    """Everything the migrations decide about a schema, with the schema's own name taken out."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'column', c.relname || '.' || a.attname,
                   format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                   || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || ' identity ' || a.attidentity::text
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = %(s)s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT 'constraint', c.relname || '.' || con.conname, replace(pg_get_constraintdef(con.oid), %(s)s || '.', '')
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s
            UNION ALL
            SELECT 'index', indexname, replace(indexdef, %(s)s || '.', '')
            FROM pg_indexes WHERE schemaname = %(s)s
            UNION ALL
            SELECT 'trigger', c.relname || '.' || t.tgname, replace(pg_get_triggerdef(t.oid), %(s)s || '.', '')
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s AND NOT t.tgisinternal
            UNION ALL
            SELECT 'migration', app || '.' || name, '' FROM {schema}.django_migrations
            UNION ALL
            SELECT 'content type', app_label || '.' || model, id::text FROM {schema}.django_content_type
            """.replace("{schema}", f'"{schema}"'),
            {"s": schema},
        )
        return sorted(cursor.fetchall())


def new_district_unit(code="998"):
    province = AdministrativeUnit.objects.get(code="27")
    return AdministrativeUnit.objects.create(
        code=code, name=f"Huyện Mẫu {code}", name_short=f"Mẫu {code}", slug=f"mau-{code}", level="district", parent=province,
        geom=AdministrativeUnit.objects.get(code="264").geom,
    )


def test_a_copied_schema_equals_the_migrated_template():
    template.schema_copy("zz_copied")
    copied, migrated = structure("zz_copied"), structure(template.TEMPLATE_SCHEMA)
    assert len(copied) > 300  # tables, columns, constraints, indexes, migrations and content types
    assert copied == migrated
    assert any(kind == "index" and "gist" in text for kind, _, text in copied)
    # The province's copy of the cycles is refreshed on the plan services' announcement, no longer by a trigger.
    assert not any(kind == "trigger" and "province_cycle_rollup" in text for kind, _, text in copied)


def immediate_checks():
    """The units just inserted leave deferred checks pending; migrations may not ALTER a table with pending ones."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_provisioning_by_migrations_and_by_copy_build_the_same_schema():
    by_copy, _ = district_provision(code=new_district_unit("998").code)
    unit = new_district_unit("997")
    immediate_checks()
    with override_settings(DISTRICT_SCHEMA_FROM_TEMPLATE=False):
        by_migrations, _ = district_provision(code=unit.code)
    assert structure(by_copy.schema_name) == structure(by_migrations.schema_name)
    # The copy is a working district: its tables take rows, its sequences start after the template's.
    connection.set_tenant(by_copy)
    from proposals.models import Proposal

    assert Proposal.objects.count() == 0
    connection.set_schema_to_public()


def test_a_failed_copy_leaves_no_district_no_schema_no_domain(monkeypatch):
    unit = new_district_unit("996")
    real = template._template_ddl

    def broken(applied):
        ddl, rows = real(applied)
        return ddl + "\nCREATE TABLE {schema}.broken (id integer REFERENCES nowhere(id));", rows

    monkeypatch.setattr(template, "_template_ddl", broken)
    with pytest.raises(ProgrammingError, match='relation "nowhere" does not exist'):
        district_provision(code=unit.code)
    assert not District.objects.filter(unit=unit).exists()
    assert not DistrictDomain.objects.filter(domain="mau-996").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'd996'")
        assert cursor.fetchone() is None


def test_a_stale_template_is_migrated_before_it_is_copied():
    """Here the template is rebuilt inside the test's transaction, where pg_dump (its own connection)
    cannot read it: it gives up after its lock timeout and provisioning falls back to the migrations."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{template.TEMPLATE_SCHEMA}" CASCADE')
    template._cache.pop("ddl", None)
    unit = new_district_unit("995")
    immediate_checks()
    district, created = district_provision(code=unit.code)
    assert created
    assert structure(template.TEMPLATE_SCHEMA) == structure(district.schema_name)
    assert {tuple(row[1].split(".", 1)) for row in structure(district.schema_name) if row[0] == "migration"} == template.disk_migrations()


def test_the_template_is_not_a_district():
    assert not District.objects.filter(schema_name=template.TEMPLATE_SCHEMA).exists()
    with pytest.raises(ValueError):
        template.schema_copy(template.TEMPLATE_SCHEMA)
    with pytest.raises(ValueError):
        template.schema_copy("x; DROP SCHEMA public")
