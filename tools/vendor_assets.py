"""Copy the front-end assets BIA serves locally (no CDN) from node_modules to static/vendor.

Run by ``make install`` after ``npm ci``. Only what the pages use is copied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
VENDOR = ROOT / "src" / "bia" / "web" / "static" / "vendor"

COPIES = {
    "@gouvfr/dsfr/dist/dsfr.min.css": "dsfr/dsfr.min.css",
    "@gouvfr/dsfr/dist/dsfr.module.min.js": "dsfr/dsfr.module.min.js",
    "@gouvfr/dsfr/dist/dsfr.nomodule.min.js": "dsfr/dsfr.nomodule.min.js",
    "@gouvfr/dsfr/dist/utility/utility.min.css": "dsfr/utility/utility.min.css",
    "@gouvfr/dsfr/dist/fonts": "dsfr/fonts",
    "@gouvfr/dsfr/dist/icons": "dsfr/icons",
    "@gouvfr/dsfr/dist/favicon": "dsfr/favicon",
    "@gouvfr/dsfr/LICENSE.md": "dsfr/LICENSE.md",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "leaflet/LICENSE": "leaflet/LICENSE",
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css": "swagger/swagger-ui.css",
    "swagger-ui-dist/LICENSE": "swagger/LICENSE",
}


def main() -> None:
    for source, target in COPIES.items():
        src, dst = NODE / source, VENDOR / target
        if not src.exists():
            raise SystemExit(f"missing {src}: run `npm ci --ignore-scripts` first")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    print(f"front-end assets copied to {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
