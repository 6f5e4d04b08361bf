"""Draw the app icons of the web app manifest (issue 16): `python platform/frontend/icons.py` writes
`frontend/static/frontend/icons/icon-192.png` and `icon-512.png` (committed). Maskable: a full-bleed background,
the drawing inside the central 80 % safe zone, so a launcher may cut any shape out of it."""
from pathlib import Path

from PIL import Image, ImageDraw

BACKGROUND = (143, 29, 33)  # the theme colour, #8f1d21
PAPER = (255, 255, 255)
PIN = (240, 180, 41)


def icon(size: int) -> Image.Image:
    """A plan sheet with a map pin on the theme colour, `size`×`size` px RGB."""
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    u = size / 100  # drawing units: the safe zone is the circle of radius 40 around (50, 50)
    draw.rounded_rectangle([27 * u, 24 * u, 73 * u, 76 * u], radius=4 * u, fill=PAPER)
    for y in (36, 46, 56):
        draw.line([34 * u, y * u, 66 * u, y * u], fill=BACKGROUND, width=max(1, round(3 * u)))
    draw.ellipse([52 * u, 52 * u, 72 * u, 72 * u], fill=PIN)
    draw.polygon([(54 * u, 66 * u), (70 * u, 66 * u), (62 * u, 80 * u)], fill=PIN)
    draw.ellipse([58 * u, 58 * u, 66 * u, 66 * u], fill=BACKGROUND)
    return image


def main() -> None:
    folder = Path(__file__).resolve().parent / "static" / "frontend" / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(folder / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
