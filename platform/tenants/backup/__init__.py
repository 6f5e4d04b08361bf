"""Backing up and restoring one district, and backing up the whole site: `archive` (district backup), `restore`
(district restore), `site` (whole site), `common` (what they share). Callers import from `tenants.backup`.

A district archive is one tar file holding:

  manifest.json          what is inside: the district (id, slug, schema, GSO code), the ids of its
                         administrative units and users, for every table of its schema the row count
                         and checksum, for every sequence its value, for every public table the columns,
                         row count and checksum of the district's rows, for every file its sha256 and size
  schema.dump            `pg_dump --format=custom --schema=<schema>`: the district schema, structure and rows
  public/<table>.copy    the district's rows of one public table, in COPY text format
  files/<path>           every file named by a FileField of the district's rows, and MEDIA_ROOT/<schema>/ whole
  signature              HMAC-SHA256 (hex), keyed from SECRET_KEY with the salt "tenants.backup", over the name and
                         sha256 of every other member: only this site (the same SECRET_KEY) makes or restores an archive

All of it is read in one REPEATABLE READ snapshot (pg_dump joins it with --snapshot), so the schema,
the public rows and the file names agree with one another.

Restoring first unpacks every member into a private scratch folder and checks the signature: an archive
that another site made, or that anyone changed, is refused before anything else runs (the dump's SQL runs as
our database role, and the public rows replace rows of `public`). Then, as defence in depth, the manifest's
district must be the one registered under the slug (or, when its row is gone, no other district may hold its
id, schema or code), every public row of the archive must belong to the district by the rule the backup
selects them with, and every file name must lie under MEDIA_ROOT/<schema>/ or be named by the district's rows.

Restoring runs on one connection in one transaction: the schema is dropped and re-created from the
dump (pg_restore only turns the archive into SQL; the SQL runs on our connection, so a failure rolls
everything back), the district's public rows are replaced, and every table's count and checksum must
equal the manifest's before the transaction commits. The schema needs what `pg_dump --schema` leaves
out (PostGIS's types and functions in `public`); restoring into the database that holds the public
schema (this module's only case) finds them there. Files are written after the commit, each checked
against its sha256.

What is kept: the records the steps of the Decision produce in a district, from the village meetings
and proposals (Đ5) through the approved plan (Đ6) to the M&E reports (Đ9–Đ11) that the district's
Finance-Planning Office consolidates and checks (Đ11.4, Đ16). (The Decision itself says nothing of
backups.) The district's rows in `public`: rows of the district itself, of its administrative units (district, communes, villages), of its users (users
scoped to those units), and of every public model that refers to one of them (a foreign key to the
district, a unit or a user) or names the district by `district_code` or `schema_name`.
`PROVINCE_WIDE` lists the public models that hold nothing of one district; a test checks that every
public model is one or the other.
"""
from tenants.backup.archive import (  # noqa: F401
    district_backup,
    signature,
)
from tenants.backup.common import (  # noqa: F401
    FORMAT,
    LOCK_TIMEOUT,
    NOT_SIGNED,
    PROVINCE_WIDE,
    SIGNATURE,
    SIGNING_SALT,
    BackupError,
    PublicTable,
    Scope,
    _checksum,
    _connect,
    district_files,
    file_columns,
    public_models,
    public_tables,
    register_province_wide,
    schema_state,
)
from tenants.backup.restore import (  # noqa: F401
    district_restore,
    read_manifest,
    unpack_verified,
)
from tenants.backup.site import (  # noqa: F401
    SITE_PREFIX,
    site_backup,
)
