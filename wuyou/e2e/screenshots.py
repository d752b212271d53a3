"""Screenshots of the main pages, taken from a running demo server (``manage.py load_demo`` data).

    WUYOU_DEMO=1 .venv/bin/python -m wuyou.e2e.screenshots --base http://127.0.0.1:8000 --out docs/screenshots

Logs in through the login form as the demo users (password ``wuyou-demo``) and writes one PNG per page at
device scale 1. Phone pages are 390 px wide; each phone page's horizontal overflow is printed, because a
page wider than the phone is the commonest mobile defect. Uses Debian's Chromium (``/usr/bin/chromium`` or
``WUYOU_CHROMIUM``); nothing here imports Django, so it works against any server.
"""

import argparse
import os
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # the browser's own widgets (file picker, date fields) as a Chinese user sees them
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
DESKTOP = {"viewport": {"width": 1280, "height": 860}, "device_scale_factor": 1}
HEIGHTS = (2600, 1800, 1200)  # long pages are cut, shorter and shorter until the PNG fits MAX_BYTES
MAX_BYTES = 300_000


@dataclass
class Shot:
    name: str
    user: str
    path: str  # URL path, or "detail" for an appeal detail found from the list the user starts on
    phone: bool = False


SHOTS = [
    Shot("enterprise-submit-phone", "ent-1", "/appeals/new/", phone=True),
    Shot("enterprise-my-appeals-phone", "ent-1", "/appeals/mine/", phone=True),
    Shot("enterprise-detail-phone", "ent-1", "detail:/appeals/mine/?status=closed", phone=True),
    Shot("center-queue", "center", "/center/queue/"),
    Shot("appeal-detail-timeline", "center", "detail:/appeals/?status=closed"),
    Shot("dept-inbox", "dept-gdgs", "/dept/inbox/?tab=in_progress"),
    Shot("ranking", "leader", "/ranking/"),
    Shot("calendar", "center", f"/calendar/{date.today().year}/"),
]


def login(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    if "/login/" in page.url:
        raise SystemExit(f"login as {username} failed (is the demo data loaded? password {password!r})")


def open_detail(page: Page, base: str, list_path: str) -> None:
    """Open the appeal with the longest timeline among the first rows of a list."""
    page.goto(f"{base}{list_path}")
    hrefs = []
    for a in page.locator("table a[href]").all():
        href = a.get_attribute("href") or ""
        if re.fullmatch(r"/appeals/\d+/", href) and href not in hrefs:
            hrefs.append(href)
    if not hrefs:
        raise SystemExit(f"no appeal in {list_path}")
    best, best_steps = hrefs[0], -1
    for href in hrefs[:8]:
        page.goto(f"{base}{href}")
        steps = page.locator(".timeline li").count()
        if steps > best_steps:
            best, best_steps = href, steps
    page.goto(f"{base}{best}")


def take(page: Page, out: Path, shot: Shot) -> Path:
    target = out / f"{shot.name}.png"
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"]
    for limit in HEIGHTS:
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, limit)}
        page.screenshot(path=str(target), full_page=True, clip=clip)
        if target.stat().st_size <= MAX_BYTES:
            return target
    page.screenshot(path=str(target))  # the first screen
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="demo server URL")
    parser.add_argument("--out", default="docs/screenshots", help="directory for the PNGs")
    parser.add_argument("--password", default=os.environ.get("WUYOU_DEMO_PASSWORD", "wuyou-demo"))
    parser.add_argument("--only", nargs="*", help="names of shots to take (default: all)")
    args = parser.parse_args(argv)
    base = args.base.rstrip("/")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("WUYOU_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print(
            f"Chromium not found at {chromium} (apt-get install chromium fonts-wqy-microhei)", file=sys.stderr
        )
        return 2

    problems = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        contexts = {}
        for shot in SHOTS:
            if args.only and shot.name not in args.only:
                continue
            key = (shot.user, shot.phone)
            if key not in contexts:
                ctx = browser.new_context(locale="zh-CN", **(PHONE if shot.phone else DESKTOP))
                ctx.set_default_timeout(15_000)
                page = ctx.new_page()
                login(page, base, shot.user, args.password)
                contexts[key] = (ctx, page)
            page = contexts[key][1]
            if shot.path.startswith("detail:"):
                open_detail(page, base, shot.path.removeprefix("detail:"))
            else:
                response = page.goto(f"{base}{shot.path}")
                if response is None or response.status != 200:
                    print(f"! {shot.name}: HTTP {response.status if response else '?'} for {shot.path}")
                    problems += 1
            page.wait_for_load_state("networkidle")
            if not page.evaluate(
                "[...document.styleSheets].some(s => { try { return s.cssRules.length > 0 } catch (e) { return false } })"
            ):
                print(f"! {shot.name}: no stylesheet loaded (is /static/ served?)")
                problems += 1
            note = ""
            if shot.phone:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > PHONE["viewport"]["width"] + 1:
                    note = f"  ! horizontal overflow: scrollWidth {scroll_width}px > 390px"
                    problems += 1
            target = take(page, out, shot)
            print(f"{target}  {target.stat().st_size // 1024} KB  {page.url.removeprefix(base)}{note}")
        for ctx, _ in contexts.values():
            ctx.close()
        browser.close()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
