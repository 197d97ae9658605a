#!/usr/bin/env python3
"""The console's operation table (JSON on stdin, from `cargo run -p fuota-core --example operations`)
against botocore's IoT Wireless model: each operation's method, path, success status, whether a
success carries a JSON body, query and body members, required members and idempotency token must be
the model's."""
import json
import sys

import botocore
import botocore.loaders

model = botocore.loaders.Loader().load_service_model("iotwireless", "service-2")
table = json.load(sys.stdin)
problems = []
for row in table:
    name = row["name"]
    op = model["operations"].get(name)
    if op is None:
        problems.append(f"{name}: not an operation of the model")
        continue
    http = op["http"]
    shape = model["shapes"][op["input"]["shape"]] if "input" in op else {"members": {}}
    members = shape["members"]
    body = sorted(k for k, v in members.items() if "location" not in v)
    query = sorted(v["locationName"] for v in members.values() if v.get("location") == "querystring")
    required_body = sorted(k for k in shape.get("required", []) if "location" not in members[k])
    token = any(v.get("idempotencyToken") for v in members.values())
    # A success has a JSON body when the output has members that are not headers or the status.
    output = model["shapes"][op["output"]["shape"]]["members"] if "output" in op else {}
    answers_json = any("location" not in v for v in output.values())
    expected = {
        "method": http["method"],
        "path": http["requestUri"],
        "success": http.get("responseCode", 200),
        "answers_json": answers_json,
        "body": body,
        "required": required_body,
        "idempotency_token": token,
        "iam_action": f"iotwireless:{name}",
    }
    for key, want in expected.items():
        got = sorted(row[key]) if isinstance(row[key], list) else row[key]
        if got != want:
            problems.append(f"{name}.{key}: table {got!r}, model {want!r}")
    # A list's query members the console sends are the model's (it may send fewer).
    if not set(row["query"]) <= set(query):
        problems.append(f"{name}.query: table {row['query']!r} not within the model's {query!r}")
for p in problems:
    print(p)
print(f"{len(table)} operations checked against botocore {botocore.__version__}'s model: {len(problems)} differences")
sys.exit(1 if problems else 0)
