"""The province investment map drawn as a PNG on the server, so it is the same for everyone and testable.

It draws the distribution layer of `province.selectors.investment_distribution_page` as the page shows
it: each unit filled with the colour of its class (`CLASS_COLOURS[class]`, grey without a value), unit
borders, a title (measure, level, year, filters), the legend with the class bounds in millions of VND
(per resident or per km² as the measure says), the date and time the figures are as of
(dd/mm/yyyy HH:MM, the site's time zone) and the source. Words follow the active language.

Projection: plate carrée with longitudes shrunk by cos(middle latitude), so shapes keep their
proportions at Vietnam's latitudes; `MapProjection.fit` frames the features in the map box.
"""
import math
from datetime import datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from core.models import CapitalSource, Sector
from province.labels import MEASURE_LABELS, MEASURE_UNITS, millions
from province.selectors import CLASS_COLOURS, NO_DATA_COLOUR

SIZE = (1400, 1000)
MAP_BOX = (20, 110, 1030, 935)  # left, top, right, bottom of the map area; the legend sits to its right
LEGEND_LEFT = 1060
BACKGROUND = "#ffffff"
BORDER = "#555555"
TEXT = "#222222"
MUTED = "#555555"
# Debian's fonts-dejavu-core (deploy/common.sh installs it): TrueType with every Vietnamese diacritic.
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"


def _font(size, bold=False):
    try:
        return ImageFont.truetype(FONT_DIR + ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), size)
    except OSError:  # the font package missing: still a map, with Pillow's own font
        return ImageFont.load_default(size)


def _polygons(geometry):
    """The polygons (lists of rings of [lon, lat]) of a GeoJSON Polygon or MultiPolygon."""
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


class MapProjection:
    """lon/lat → pixel: plate carrée scaled by cos(middle latitude), fitted and centred in a box."""

    def __init__(self, *, west, south, east, north, box):
        left, top, right, bottom = box
        self.shrink = math.cos(math.radians((south + north) / 2))
        width = max((east - west) * self.shrink, 1e-9)
        height = max(north - south, 1e-9)
        self.scale = min((right - left) / width, (bottom - top) / height)
        self.x0 = left + ((right - left) - width * self.scale) / 2 - west * self.shrink * self.scale
        self.y0 = top + ((bottom - top) - height * self.scale) / 2 + north * self.scale

    @classmethod
    def fit(cls, features, box=MAP_BOX):
        """The projection framing every feature of the collection in `box` (None when there is none)."""
        lons, lats = [], []
        for feature in features:
            for polygon in _polygons(feature.get("geometry")):
                for lon, lat in polygon[0]:
                    lons.append(lon)
                    lats.append(lat)
        if not lons:
            return None
        return cls(west=min(lons), south=min(lats), east=max(lons), north=max(lats), box=box)

    def __call__(self, lon, lat):
        return self.x0 + lon * self.shrink * self.scale, self.y0 - lat * self.scale


def _fill_polygon(image, draw, rings, colour):
    """Fill one polygon; holes (an enclave of another unit) are cut through a mask the size of the polygon."""
    if len(rings) == 1:
        draw.polygon(rings[0], fill=colour)
        return
    xs = [x for x, _y in rings[0]]
    ys = [y for _x, y in rings[0]]
    left, top = int(math.floor(min(xs))), int(math.floor(min(ys)))
    width, height = int(math.ceil(max(xs))) - left + 1, int(math.ceil(max(ys))) - top + 1
    mask = Image.new("L", (width, height), 0)
    mask_draw = ImageDraw.Draw(mask)
    shift = lambda ring: [(x - left, y - top) for x, y in ring]  # noqa: E731
    mask_draw.polygon(shift(rings[0]), fill=255)
    for hole in rings[1:]:
        mask_draw.polygon(shift(hole), fill=0)
    image.paste(colour, (left, top), mask)


def _as_of(iso):
    if not iso:
        return _("no district has written any investment yet")
    moment = datetime.fromisoformat(iso)
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _title(collection):
    measure = MEASURE_LABELS.get(collection["measure"], collection["measure"])
    if collection["level"] == "commune":
        first = _("%(measure)s by commune") % {"measure": measure}
    else:
        first = _("%(measure)s by district") % {"measure": measure}
    year = collection.get("year")
    parts = [_("Year %(year)s") % {"year": year} if year else _("All years")]
    sectors, sources = dict(Sector.choices), dict(CapitalSource.choices)
    sector, source = collection.get("sector"), collection.get("source")
    parts.append(_("Sector: %(sector)s") % {"sector": sectors.get(sector, sector)} if sector else _("All sectors"))
    parts.append(_("Capital source: %(source)s") % {"source": sources.get(source, source)} if source else _("All capital sources"))
    return first, " · ".join(str(p) for p in parts)


def _range(cls):
    low, high = millions(cls["min"]), millions(cls["max"])
    return low if low == high else f"{low} – {high}"


def _legend(draw, collection, top):
    legend = collection["legend"]
    draw.text((LEGEND_LEFT, top), str(MEASURE_LABELS.get(collection["measure"], "")), font=_font(19, bold=True), fill=TEXT)
    draw.text((LEGEND_LEFT, top + 28), "(" + str(MEASURE_UNITS.get(collection["measure"], "")) + ")", font=_font(16), fill=MUTED)
    y = top + 64
    font = _font(17)
    # Empty classes (repeated breaks, e.g. many units at 0) are left out, as on the page.
    rows = [(c["colour"], _range(c), c["count"]) for c in legend["classes"] if c["count"]]
    rows.append((legend["no_data"]["colour"], _("no data"), legend["no_data"]["count"]))
    for colour, label, count in rows:
        draw.rectangle((LEGEND_LEFT, y, LEGEND_LEFT + 34, y + 22), fill=colour, outline=BORDER)
        draw.text((LEGEND_LEFT + 46, y + 1), f"{label}  ({count})", font=font, fill=TEXT)
        y += 34
    draw.text((LEGEND_LEFT, y + 8), _("(n): number of units"), font=_font(14), fill=MUTED)


def distribution_png(collection) -> bytes:
    """The distribution layer (a parsed FeatureCollection of `investment_distribution_page`) as PNG bytes."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    first, second = _title(collection)
    draw.text((20, 18), first, font=_font(28, bold=True), fill=TEXT)
    draw.text((20, 62), second, font=_font(19), fill=MUTED)

    features = collection["features"]
    project = MapProjection.fit(features)
    if project is None:
        draw.text((MAP_BOX[0] + 20, MAP_BOX[1] + 20), _("No unit to show."), font=_font(20), fill=MUTED)
    else:
        outlines = []
        for feature in features:
            cls = feature["properties"].get("class")
            colour = CLASS_COLOURS[cls] if cls is not None else NO_DATA_COLOUR
            for polygon in _polygons(feature["geometry"]):
                rings = [[project(lon, lat) for lon, lat in ring] for ring in polygon]
                _fill_polygon(image, draw, rings, colour)
                outlines.extend(rings)
        # Borders after every fill, so a neighbour never paints over a shared edge.
        for ring in outlines:
            draw.line(ring + ring[:1], fill=BORDER, width=1)

    _legend(draw, collection, MAP_BOX[1] + 10)
    small = _font(15)
    draw.text((20, SIZE[1] - 58), _("Figures as of") + ": " + _as_of(collection.get("refreshed_at")), font=small, fill=TEXT)
    draw.text((20, SIZE[1] - 34), _(
        "Source: the districts' public investment plans and projects, summed by the province; "
        "boundaries: 2013 administrative data, GSO unit codes."
    ), font=small, fill=MUTED)

    out = BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
