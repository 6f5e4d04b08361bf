from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from files.storage import province_upload_field


class InvestmentRollup(models.Model):
    """The province's copy of the districts' public-investment figures, kept current by the district's own writes.

    One row per district (commune_code "") or commune served, year (null: all years), sector and
    capital source ("" : every source). Money is VND. A project serving several communes has its
    money split evenly between them (the remainder đồng go to the lowest codes), so the commune rows
    add up to the district row; its project count is 1 in each commune it serves. The district row is
    summed from the commune rows, so a write touching one commune recomputes only that commune's
    projects and then the district's few rows in the public schema. Written only by
    `province.rollup.rollup_refresh`, in the same transaction as the district write that changed it.
    """

    district_code = models.CharField(max_length=20)
    commune_code = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sector = models.CharField(max_length=30)
    source = models.CharField(max_length=30, blank=True)
    # total_investment: projects of the unit (with a year: the projects whose start–end years include it).
    total_investment = models.BigIntegerField(default=0)
    # planned: allocations in any plan (draft, submitted, approved); allocated: in approved plans only.
    planned = models.BigIntegerField(default=0)
    allocated = models.BigIntegerField(default=0)
    # disbursed: paid out (with a year: paid in that year); by source, prorated by the project's source shares.
    disbursed = models.BigIntegerField(default=0)
    project_count = models.IntegerField(default=0)
    # A commune row's share of its projects (1/n for a project serving n communes): the district row is
    # the sum of its commune rows, its project count the rounded sum of these shares, exact to 1e-30.
    project_share = models.DecimalField(max_digits=40, decimal_places=30, default=0)
    # Σ total_investment × physical progress (%): divided by Σ total_investment it gives the weighted progress.
    progress_weight = models.DecimalField(max_digits=24, decimal_places=0, default=0)
    # Proposals of the unit that came from village meetings, and those a project answers (rows with source "").
    village_proposals = models.IntegerField(default=0)
    village_proposals_funded = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["year", "source", "commune_code"])]
        constraints = [
            # The key of a row: the refresh upserts on it (ON CONFLICT) and rewrites only the rows whose figures changed.
            # It also serves the refresh's reads of one district's rows (district_code, commune_code leading).
            models.UniqueConstraint(
                fields=["district_code", "commune_code", "year", "sector", "source"], nulls_distinct=False, name="one_rollup_row_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.district_code}/{self.commune_code or '*'} {self.year or '*'} {self.sector} {self.source or '*'}"


class RollupRefresh(models.Model):
    """When a district's rollup rows were last brought up to date (the page shows it)."""

    district_code = models.CharField(max_length=20, unique=True)
    refreshed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.district_code}: {self.refreshed_at:%Y-%m-%d %H:%M}"


class CycleRollup(models.Model):
    """The province's copy of each commune plan cycle's current step (Đ15), for the compliance views.

    Written only by `province.services.cycle_rollup_refresh`, from the district's `plans_plancycle`:
    the plan services announce the communes whose cycles changed (`core.signals.cycle_changed`) and
    the refresh runs in their transaction; writes that bypass the services (a restore, a fix in SQL)
    are caught up by `manage.py rollup_rebuild`. The trigger of migrations province 0005 and plans 0002
    was dropped by province 0007. The province reads one small table instead of a UNION over hundreds
    of schemas.
    """

    schema_name = models.CharField(max_length=63)
    commune = models.ForeignKey("geo.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    plan_year = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=30)
    # Steps completed after their due date (decision date > the due date kept with the step) and the most days late.
    late_steps = models.PositiveSmallIntegerField(default=0)
    days_late = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "plan_year"], name="one_cycle_rollup_per_commune_and_year")]
        indexes = [models.Index(fields=["plan_year", "schema_name"])]

    def __str__(self):
        return f"{self.schema_name} {self.commune_id} {self.plan_year}: {self.step}"


class ProjectPoint(gis_models.Model):
    """Every investment project of every district as one point in the public schema, for the province's all-projects map.

    Kept current by `province.services.rollup_refresh`, in the same statement and transaction as the
    rollup rows, so the province reads one table (clusters at province zoom, points closer in) and
    never a district schema. Money is VND: `total_investment` of the project, `planned` (allocations
    in any plan), `allocated` (approved plans), `disbursed` (paid out), all years together.
    """

    district_code = models.CharField(max_length=20)
    # The first commune served (lowest code), and all of them.
    commune_code = models.CharField(max_length=20)
    communes = ArrayField(models.CharField(max_length=20), default=list)
    project_id = models.IntegerField()
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=300)
    sector = models.CharField(max_length=30)
    sources = ArrayField(models.CharField(max_length=30), default=list)
    status = models.CharField(max_length=20)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    total_investment = models.BigIntegerField(default=0)
    planned = models.BigIntegerField(default=0)
    allocated = models.BigIntegerField(default=0)
    disbursed = models.BigIntegerField(default=0)
    physical_progress = models.PositiveSmallIntegerField(default=0)
    # A representative point of the project's location (a road's point on its line, a polygon's point inside it).
    geom = gis_models.PointField(srid=4326, spatial_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "project_id"], name="one_point_per_district_project")]


class PublicationFile(models.Model):
    """A file of a provincial department's publication (Đ5.2, Đ15.2: the orientation, programme or resource information
    itself, as a PDF, Word or spreadsheet document), checked by `files.uploads.checked_file` and served only through
    the access check of its kind (`department-publications`: readers of the publication, `accounts.access`). Added
    while the publication is a draft; frozen with it once published."""

    publication = models.ForeignKey("accounts.DepartmentPublication", on_delete=models.CASCADE, related_name="files",
                                    verbose_name=_("department publication"))
    file = province_upload_field("department-publications", _("file"))
    file_name = models.CharField(_("file name"), max_length=255)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.file_name
