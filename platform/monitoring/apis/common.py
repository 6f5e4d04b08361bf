"""What the monitoring APIs share: a user's name as shown, a reporting period's output, the reporting status rows and
the schema helpers of the answers.
"""
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

# --- output -----------------------------------------------------------------------------------------


def period_data(period):
    return {"id": period.pk, "kind": period.kind, "year": period.year, "number": period.number, "name": str(period),
            "starts_on": period.starts_on, "ends_on": period.ends_on, "village_due_on": period.village_due_on,
            "commune_due_on": period.commune_due_on}


# What the answers above look like, for the OpenAPI schema.
_Int, _Str, _Date = serializers.IntegerField, serializers.CharField, serializers.DateField
_Moment = serializers.DateTimeField


def _number(**kwargs):
    return serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=False, **kwargs)


PERIOD = inline_serializer("ReportingPeriodOutput", {
    "id": _Int(), "kind": _Str(), "year": _Int(), "number": _Int(), "name": _Str(), "starts_on": _Date(), "ends_on": _Date(),
    "village_due_on": _Date(), "commune_due_on": _Date(),
})
_STATUS = {"report": _Int(allow_null=True), "status": _Str(help_text="missing, no_plan or the report's status"),
           "submitted_at": _Moment(allow_null=True), "due_on": _Date(), "lateness": _Str()}
_STATUS_ROW = {
    "commune": _Str(), "commune_name": _Str(), "me_plan": _Int(allow_null=True), **_STATUS,
    "villages": inline_serializer("VillageReportingStatus", {"village": _Str(), "village_name": _Str(), **_STATUS}, many=True),
    "units": inline_serializer("UnitReportingStatus", {"commune_unit": _Int(), "unit_name": _Str(), **_STATUS}, many=True,
                               help_text="the commune units the district assigned to report (Đ11.1)"),
}
STATUS_ROW = inline_serializer("CommuneReportingStatus", {**_STATUS_ROW})


