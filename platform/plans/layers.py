"""The works of commune plans (Đ5–Đ6), declared once in `geo.layers`: "plan-works" (every item of the plan versions the
caller may read, `accounts.access.plan_item_scope`) and "public-plan-works" (the located works of the plans the public
may see: announced approved plans and drafts under consultation). Answer the items route of a plan version and the
works.geojson files.
"""
from django.utils.translation import gettext_lazy as _

from accounts import access
from core.models import Sector
from geo.layers import UNIT_CODE, Filter, Layer, choice_label_sql
from plans.models import PlanItem
from plans.selectors import public_plans


class PlanWorkLayer(Layer):
    id = "plan-works"
    title = "Công trình, hoạt động của kế hoạch xã"
    label = _("Works and activities of the commune plans")  # the download menu's words, in the page's language; title stays the data's name
    description = _("Works and activities of the commune plans (Decision 07/2015 Đ5–Đ6), every version; EPSG:4326.")
    table = ("plans_planitem t JOIN plans_communeplan cp ON cp.id = t.plan_id JOIN plans_plancycle c ON c.id = cp.cycle_id "
             "JOIN public.geo_administrativeunit u ON u.id = c.commune_id")
    order = ("plan_id", "order", "id")
    bbox_lookup = "geom__intersects"
    amounts = ("estimated_cost",)

    @property
    def properties(self):
        """The keys of the plan-items route (and of works.geojson), with the sector's name in the active language."""
        return {
            "id": ("integer", "t.id"), "lineage": ("string", "t.lineage::text"), "kind": ("string", "t.kind"), "title": ("string", "t.title"),
            "sector": ("string", "t.sector"), "sector_name": ("string", choice_label_sql("t.sector", Sector.choices)),
            "proposals": ("array", "(SELECT coalesce(json_agg(pp.proposal_id ORDER BY pp.proposal_id), '[]'::json) "
                                   "FROM plans_planitem_proposals pp WHERE pp.planitem_id = t.id)"),
            "estimated_cost": ("integer", "t.estimated_cost"), "funding": ("object", "t.funding"),
            "responsible_unit": ("string", "t.responsible_unit"), "starts_on": ("date", "t.starts_on"), "ends_on": ("date", "t.ends_on"),
            "order": ("integer", 't."order"'), "plan": ("integer", "t.plan_id"), "commune": ("string", "u.code"),
            "plan_year": ("integer", "c.plan_year"),
        }

    filters = {
        "plan": Filter("plan_id", "integer", description=_("plan version ids")),
        "commune": Filter("plan__cycle__commune__code", description=_("GSO codes"), pattern=UNIT_CODE),
        "plan_year": Filter("plan__cycle__plan_year", "integer"),
        "kind": Filter("kind", choices=tuple(PlanItem.Kind.values)),
        "sector": Filter("sector", choices=tuple(Sector.values)),
    }

    def rows(self, user, district):
        if not user.is_authenticated:
            return None
        return access.plan_item_scope(user, district, PlanItem.objects.all())


class PublicPlanWorkLayer(PlanWorkLayer):
    id = "public-plan-works"
    title = "Công trình của kế hoạch xã đã công bố"
    label = _("Works of the announced commune plans")  # the download menu's words, in the page's language; title stays the data's name
    description = _("Located works of the plans published to everybody (announced approved plans, drafts under consultation); EPSG:4326.")

    def rows(self, user, district):
        return PlanItem.objects.filter(plan__in=public_plans(), geom__isnull=False)


plan_works = PlanWorkLayer()
public_plan_works = PublicPlanWorkLayer()
