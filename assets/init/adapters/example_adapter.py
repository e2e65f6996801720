#!/usr/bin/env python3
"""Example system under test made by `qualify init`: an OEE calculator speaking the qualify
process-adapter protocol (docs/adapter-protocol.md): one JSON request per line on stdin, one JSON
answer per line on stdout. Replace it with the adapter of your own interface.
"""
import json
import sys


def oee(body):
    planned, run = body["planned_min"], body["run_min"]
    total, good = body["total"], body["good"]
    if good > total or good < 0 or total < 0:
        return None, ("invalid_counts", "good count must lie between 0 and the total count")
    if run > planned or run <= 0:
        return None, ("invalid_times", "run time must lie between 0 and the planned time")
    availability = run / planned
    performance = body["ideal_cycle_s"] * total / (run * 60)
    quality = good / total if total else 0.0
    return round(availability * performance * quality, 4), None


def answer(rid, kind, body):
    if kind == "hello":
        return {"result": {"name": "example-oee-calculator", "version": "1.0.0", "protocol": 1}}
    if kind == "oee":
        value, error = oee(body)
        if error:
            return {"error": {"code": error[0], "message": error[1]}}
        return {"result": {"oee": value}}
    if kind == "week":
        shift = {k: v for k, v in body.items() if k != "shifts"}
        values = [oee(shift)[0] for _ in range(body["shifts"])]
        return {"result": {"shifts": len(values), "oee_each": values[0],
                           "all_equal": len(set(values)) == 1}}
    return {"error": {"code": "unknown_kind", "message": kind}}


for line in sys.stdin:
    request = json.loads(line)
    rid, kind = request["id"], request["kind"]
    if kind == "shutdown":
        print(json.dumps({"id": rid, "result": {}}), flush=True)
        break
    out = answer(rid, kind, request.get("body", {}))
    out["id"] = rid
    print(json.dumps(out), flush=True)
