"""Runs guessit on paths read from stdin and prints, as one JSON object, guessit's answers
mapped to mediascan's `parsed` shape and the best time of several passes.

Used by `cargo bench -p scanner-core --bench parse` (via `cargo xtask bench parser`).
Prints {"error": ...} when guessit is not installed (`pip install guessit`).
"""

import json
import sys
import time

PASSES = 3

try:
    import guessit as guessit_module
    from guessit import guessit
except ImportError:
    print(json.dumps({"error": "guessit is not installed (pip install guessit)"}))
    sys.exit(0)


def first(value):
    return value[0] if isinstance(value, list) else value


def as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def mapped(path):
    g = guessit(path)
    other = [o.lower() for o in as_list(g.get("other"))]
    kind = g.get("type", "unknown")
    title = first(g.get("title"))
    out = {
        "kind": kind if kind in ("episode", "movie") else "unknown",
        "show": None,
        "season": first(g.get("season")),
        "episodes": [e for e in as_list(g.get("episode")) if isinstance(e, int)],
        "year": first(g.get("year")),
        "title": None,
        "date": g["date"].isoformat() if g.get("date") else None,
        "resolution": g.get("screen_size"),
        "source": first(g.get("source")),
        "video_codec": first(g.get("video_codec")),
        "release_group": first(g.get("release_group")),
        "version": g.get("version"),
        "part": first(g.get("part") or g.get("cd")),
        "absolute_episode": first(g.get("absolute_episode")),
    }
    if kind == "episode":
        out["show"] = title
        out["title"] = first(g.get("episode_title"))
        if not out["show"]:
            out["kind"] = "unknown"
    else:
        out["title"] = title
    if out["season"] is None and out["episodes"] and out["absolute_episode"] is None:
        out["absolute_episode"] = out["episodes"][0]
    if out["source"] == "Web":
        out["source"] = "WEBRip" if "rip" in other else "WEB-DL"
    elif out["source"] == "Blu-ray":
        out["source"] = "BDRip" if "rip" in other else "BluRay"
    if "sample" in other:
        out["kind"] = "sample"
    elif "trailer" in other or "extras" in other:
        out["kind"] = "extra"
    return out


def main():
    paths = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    results = [mapped(p) for p in paths]
    best = float("inf")
    for _ in range(PASSES):
        started = time.perf_counter()
        for p in paths:
            guessit(p)
        best = min(best, time.perf_counter() - started)
    print(json.dumps({"version": guessit_module.__version__, "seconds_per_pass": best, "results": results}, default=str))


main()
