#!/usr/bin/env python3
"""Encodes and decodes Sparkplug B NDATA payloads with pysparkplug (PyPI, installed by
scripts/install-test-deps), the second independent implementation the interop tests check
qualify against: it carries the array datatypes of Sparkplug 3.0, which Eclipse Tahu's
JavaScript codec does not.

Only the JSON form is converted here (metrics as {"name", "type": <datatype code>, "value"},
DateTime values as ms since the epoch); every byte on the wire is pysparkplug's.

  python3 pysparkplug_codec.py encode < payload.json   -> base64 protobuf on stdout
  python3 pysparkplug_codec.py decode < base64         -> payload JSON on stdout
"""
import base64
import datetime
import json
import sys

import pysparkplug as sp

DATETIME_TYPES = {sp.DataType.DATETIME, sp.DataType.DATETIME_ARRAY}


def to_python(dtype, value):
    if dtype == sp.DataType.DATETIME:
        return datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc)
    if dtype == sp.DataType.DATETIME_ARRAY:
        return tuple(datetime.datetime.fromtimestamp(v / 1000, datetime.timezone.utc) for v in value)
    if isinstance(value, list):
        return tuple(value)
    return value


def from_python(dtype, value):
    if dtype == sp.DataType.DATETIME:
        return round(value.timestamp() * 1000)
    if dtype == sp.DataType.DATETIME_ARRAY:
        return [round(v.timestamp() * 1000) for v in value]
    if isinstance(value, tuple):
        return list(value)
    return value


def encode(doc):
    metrics = tuple(
        sp.Metric(
            timestamp=m.get("timestamp"),
            name=m["name"],
            datatype=sp.DataType(m["type"]),
            value=to_python(sp.DataType(m["type"]), m["value"]),
        )
        for m in doc["metrics"]
    )
    payload = sp.NData(timestamp=doc["timestamp"], seq=doc["seq"], metrics=metrics)
    return base64.b64encode(payload.encode(include_dtypes=True)).decode()


def decode(text):
    payload = sp.NData.decode(base64.b64decode(text))
    return {
        "timestamp": payload.timestamp,
        "seq": payload.seq,
        "metrics": [
            {"name": m.name, "type": int(m.datatype), "value": from_python(m.datatype, m.value)}
            for m in payload.metrics
        ],
    }


def main():
    data = sys.stdin.read()
    if sys.argv[1:] == ["encode"]:
        sys.stdout.write(encode(json.loads(data)))
    elif sys.argv[1:] == ["decode"]:
        sys.stdout.write(json.dumps(decode(data.strip())))
    else:
        sys.exit("usage: pysparkplug_codec.py encode|decode")


if __name__ == "__main__":
    main()
