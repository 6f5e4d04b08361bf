"""District tables refer to the province's users and units without database foreign keys.

A foreign key from a district table to a public one puts two triggers on the public table for every
district: at 705 districts `accounts_user` carried 43,782 triggers, every new connection loaded them,
and each new district's foreign keys took longer to add than the one before (provisioning grew from
0.3 s to 3 s). The references stay, and Django's on_delete still protects a user or a unit in use in
the district the connection is on; only the database constraint goes. Users are deactivated, not
deleted; units are marked not current.
"""
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import ProtectedError

pytestmark = pytest.mark.django_db

TENANT_ONLY = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS} - {app.rsplit(".", 1)[-1] for app in settings.SHARED_APPS}


def cross_references():
    for model in apps.get_models():
        if model._meta.app_label not in TENANT_ONLY:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model and field.related_model._meta.app_label not in TENANT_ONLY:
                yield model, field


def test_every_reference_from_a_district_table_to_a_public_one_has_no_database_constraint():
    found = list(cross_references())
    assert len(found) >= 40  # created_by, actor, commune, village… in every district app
    constrained = [f"{m.__name__}.{f.name}" for m, f in found
                   if (f.remote_field.db_constraint if f.many_to_many else f.db_constraint)]
    assert constrained == []


def test_no_district_schema_holds_a_foreign_key_into_public():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname || '.' || c.relname || ' → ' || confrelid::regclass::text
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class r ON r.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
            WHERE con.contype = 'f' AND n.nspname <> 'public' AND rn.nspname = 'public'
            """
        )
        assert cursor.fetchall() == []
        # So the public tables carry no trigger for any district (only for their own public references).
        cursor.execute(
            """
            SELECT count(*) FROM pg_trigger t JOIN pg_constraint con ON con.oid = t.tgconstraint
            JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE t.tgrelid IN ('public.accounts_user'::regclass, 'public.geo_administrativeunit'::regclass) AND n.nspname <> 'public'
            """
        )
        assert cursor.fetchone()[0] == 0


def test_a_user_with_records_in_a_district_is_still_protected_from_deletion(district):
    from accounts.models import User
    from geo.models import AdministrativeUnit
    from plans.models import PlanCycle

    actor = User.objects.create(username="nguoi-ghi", role="commune")
    connection.set_tenant(district("yen-phong"))
    PlanCycle.objects.create(commune=AdministrativeUnit.objects.get(code="09193"), plan_year=2038, created_by=actor)
    with pytest.raises(ProtectedError):
        actor.delete()
    connection.set_schema_to_public()
