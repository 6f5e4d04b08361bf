"""The database backend of the `replica` alias: django-tenants' backend (search_path per tenant) on a hot standby.

A hot standby is read-only and receives every database of its primary by streaming replication, the test
database included: so this backend never creates, flushes or drops a database. Under tests it only points
the alias at the test database's name (its TEST NAME), which the primary created and the replica received.
"""
from django.conf import settings
from django.db.backends.base.creation import BaseDatabaseCreation

from geo.tenant_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class ReplicaCreation(BaseDatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = self._get_test_db_name()
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        return name

    def destroy_test_db(self, old_database_name=None, verbosity=1, keepdb=False, suffix=None):
        self.connection.close()
        if old_database_name is not None:
            settings.DATABASES[self.connection.alias]["NAME"] = old_database_name
            self.connection.settings_dict["NAME"] = old_database_name


class ReplicaOperations(TenantDatabaseWrapper.ops_class):
    def sql_flush(self, *args, **kwargs):
        """Nothing: a test's flush (TransactionTestCase) empties the primary, and the replica follows it by itself."""
        return []


class DatabaseWrapper(TenantDatabaseWrapper):
    creation_class = ReplicaCreation
    ops_class = ReplicaOperations
