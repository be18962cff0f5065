"""Draw Beatbook's app icons into app/static/icons/ (a dev-time tool: pip install pillow first)."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

NAVY = (29, 63, 115)
YELLOW = (255, 221, 0)
OUT = Path(__file__).resolve().parent.parent / "app" / "static" / "icons"


def draw(size: int, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), NAVY if maskable else (255, 255, 255))
    d = ImageDraw.Draw(image)
    # A maskable icon keeps its mark inside the middle 80 per cent (the safe zone).
    inset = size * (0.2 if maskable else 0.04)
    if not maskable:
        d.rounded_rectangle(
            [inset, inset, size - inset, size - inset], radius=size * 0.18, fill=NAVY
        )
    font = ImageFont.load_default(size=int(size * (0.42 if maskable else 0.55)))
    d.text((size / 2, size * 0.47), "B", font=font, fill=(255, 255, 255), anchor="mm")
    bar = size * (0.09 if maskable else 0.11)
    d.rectangle([size * 0.3, size * 0.74, size * 0.7, size * 0.74 + bar * 0.5], fill=YELLOW)
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, False).save(OUT / "icon-192.png", optimize=True)
    draw(512, False).save(OUT / "icon-512.png", optimize=True)
    draw(512, True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, False).save(OUT / "apple-touch-icon.png", optimize=True)
