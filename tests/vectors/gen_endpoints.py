#!/usr/bin/env python3
"""IoT Wireless endpoint resolution cases, produced by botocore's own endpoint rule-set resolver.

Run (from the repository root; botocore only, no network, no credentials):

    python3 tests/vectors/gen_endpoints.py > tests/vectors/endpoints.json

`core/tests/endpoints_botocore.rs` checks that `fuota_core::endpoint::resolve` gives the same answer
for every case. Re-run this after upgrading botocore and commit the new file if it changed: a
difference is then a change in botocore's rule set or partitions that the console must follow.

What it does:
- loads botocore's `iotwireless` `endpoint-rule-set-1` and `partitions.json` through the session's
  loader and resolves each case with `botocore.endpoint_provider.EndpointProvider(...)
  .resolve_endpoint(Region=..., UseFIPS=..., UseDualStack=..., Endpoint=...)`;
- regions: every region of every partition in partitions.json (the `*-global` names included), regions
  that only match a partition's `regionRegex`, unknown regions (botocore falls back to `aws`), and
  region strings that are not lowercase host labels (botocore's rule set does not check the region;
  the console refuses them, see the Rust test for the documented differences); each with every
  {UseFIPS, UseDualStack} combination; plus a missing region and custom endpoints
  (`SDK::Endpoint`), with and without FIPS / dual-stack (botocore's errors);
- records botocore's partition for the region (`aws.partition`) and whether botocore's *client*
  would accept the region name (`botocore.utils.validate_region_name`);
- cross-checks every case that a real client could be created for against a real
  `session.create_client("iotwireless", ...)` call to GetFuotaTask, whose request URL is captured in
  `before-send` (nothing is sent), so the parameters passed to the provider are the ones a client uses.
  One known difference is recorded, not hidden: with `endpoint_url` set, botocore's client silently
  drops FIPS / dual-stack (it passes UseFIPS=UseDualStack=false to the rule set), whereas the rule set
  refuses the combination; such cases carry `client_url` (what the client would call) next to the rule
  set's `error`. The console follows the rule set and refuses.

The output is sorted and deterministic (no time, no paths).
"""
import json
import sys

import botocore
import botocore.session
from botocore.awsrequest import _urljoin
from botocore.config import Config
from botocore.endpoint_provider import EndpointProvider, RuleSetStandardLibrary
from botocore.exceptions import BotoCoreError, EndpointResolutionError, InvalidRegionError
from botocore.utils import validate_region_name

SERVICE = "iotwireless"

# Regions that no partition lists by name but that a partition's regionRegex matches.
PATTERN_REGIONS = [
    "us-east-9", "eu-central-3", "ap-southeast-99", "sa-west-1", "il-south-2", "mx-north-1",
    "ca-east-7", "me-west-1", "af-north-1",
    "cn-south-9",
    "us-gov-central-7",
    "eusc-de-west-2",
    "us-iso-north-3",
    "us-isob-south-2",
    "eu-isoe-north-2",
    "us-isof-west-4",
]
# Regions that match no partition: botocore uses the first partition (aws).
UNKNOWN_REGIONS = [
    "mars-east-1", "eusc-fr-east-1", "xx-yy-1", "us-east", "cn-north", "us-gov-west", "local",
    "123", "aws-iso-global-2", "us-iso-east", "e",
]
# Region strings that are not lowercase host labels; botocore's rule set resolves them anyway.
NOT_HOST_LABELS = [
    "",                      # set but empty: the rule set still builds a URL
    "US-EAST-1",             # upper case (botocore's client accepts it; the console does not)
    " eu-west-1 ",           # surrounding spaces
    "cn-north-1\n",          # Python's `$` matches before a final newline: botocore says aws-cn
    "eu-west-1.evil.example",
    "eu-west-1/",
    "us_east-1",
    "-us-east-1",
    "cn-n\u00f6rd-1",        # Python's \w is Unicode: botocore says aws-cn
    "a" * 64,
]
CUSTOM_ENDPOINTS = [
    "http://127.0.0.1:8081",
    "http://127.0.0.1:8081/",
    "http://localhost:8081/base/path",
    "https://api.iotwireless.us-east-1.amazonaws.com",
    "https://relay.example.com/iotwireless/",
    "HTTPS://Example.COM",
    "https://[::1]:8443",
    # Not http(s)://host[:port][/path]: botocore's rule set passes them through; the console refuses.
    "ftp://example.com",
    "https://user:pw@example.com",
    "https://example.com/?q=1",
    "example.com",
]
FLAGS = [(False, False), (False, True), (True, False), (True, True)]


class Captured(Exception):
    def __init__(self, url):
        super().__init__(url)
        self.url = url


def client_url(session, region, fips, dual, endpoint):
    """The request URL of a real botocore client's GetFuotaTask(Id="x") (captured, never sent)."""
    kwargs = dict(
        region_name=region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-secret",
        config=Config(use_fips_endpoint=fips, use_dualstack_endpoint=dual, retries={"max_attempts": 0}),
    )
    if endpoint is not None:
        kwargs["endpoint_url"] = endpoint
    try:
        client = session.create_client(SERVICE, **kwargs)
    except (BotoCoreError, ValueError):
        # The client refuses this configuration at creation (an invalid region name, or the legacy
        # endpoints.json resolver it also runs has no dual-stack variant for the region).
        return None

    def capture(request, **_):
        raise Captured(request.url)

    client.meta.events.register("before-send", capture)
    try:
        client.get_fuota_task(Id="x")
    except Captured as c:
        return {"request_url": c.url}
    except (EndpointResolutionError, BotoCoreError) as e:
        return {"error": str(e)}
    raise AssertionError("the request was not captured")


def request_url(endpoint_url):
    """GetFuotaTask(Id="x") against an endpoint URL, joined as botocore joins it."""
    return _urljoin(endpoint_url, "/fuota-tasks/x", None)


def main():
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    ruleset = loader.load_service_model(SERVICE, "endpoint-rule-set-1")
    partitions = loader.load_data("partitions")
    provider = EndpointProvider(ruleset, partitions)
    stdlib = RuleSetStandardLibrary(partitions)

    regions = []  # (group, region)
    for p in partitions["partitions"]:
        for r in sorted(p["regions"]):
            regions.append(("listed", r))
    regions += [("pattern", r) for r in PATTERN_REGIONS]
    regions += [("unknown", r) for r in UNKNOWN_REGIONS]
    regions += [("not-a-host-label", r) for r in NOT_HOST_LABELS]

    inputs = []  # (group, region, endpoint)
    inputs += [(g, r, None) for g, r in regions]
    inputs.append(("missing-region", None, None))
    for e in CUSTOM_ENDPOINTS:
        inputs.append(("custom-endpoint", "us-east-1", e))
    inputs.append(("custom-endpoint", None, "http://127.0.0.1:8081"))
    inputs.append(("custom-endpoint", "cn-north-1", "https://relay.example.com/iotwireless/"))

    cases = []
    cross_checked = 0
    for group, region, endpoint in inputs:
        for fips, dual in FLAGS:
            params = {"UseFIPS": fips, "UseDualStack": dual}
            if region is not None:
                params["Region"] = region
            if endpoint is not None:
                params["Endpoint"] = endpoint
            case = {
                "group": group,
                "region": region,
                "use_fips": fips,
                "use_dual_stack": dual,
                "endpoint": endpoint,
            }
            try:
                case["url"] = provider.resolve_endpoint(**params).url
            except EndpointResolutionError as e:
                case["error"] = e.kwargs["msg"]
            if region is not None:
                case["partition"] = stdlib.aws_partition(region)["name"]
                try:
                    validate_region_name(region)
                    case["client_accepts_region"] = True
                except InvalidRegionError:
                    case["client_accepts_region"] = False

            # Cross-check with a real client where one can be made for this configuration.
            if region and case.get("client_accepts_region") and region == region.strip():
                via_client = client_url(session, region, fips, dual, endpoint)
                if via_client is not None:
                    if endpoint is not None and (fips or dual):
                        # botocore's client drops UseFIPS / UseDualStack when endpoint_url is given
                        # (args.py: "SDK_ENDPOINT cannot be combined with AWS_USE_FIPS"), where the
                        # rule set itself, like the other SDKs and the console, refuses the combination.
                        assert "error" in case, case
                        assert via_client == {"request_url": request_url(endpoint)}, (case, via_client)
                        case["client_url"] = endpoint
                    elif "error" in case:
                        assert case["error"] in via_client.get("error", ""), (case, via_client)
                    else:
                        assert via_client == {"request_url": request_url(case["url"])}, (case, via_client)
                    cross_checked += 1
            cases.append(case)

    cases.sort(key=lambda c: (c["group"], c["region"] is None, c["region"] or "", c["endpoint"] or "",
                              c["use_fips"], c["use_dual_stack"]))
    out = {
        "generator": "tests/vectors/gen_endpoints.py",
        "botocore_version": botocore.__version__,
        "service": SERVICE,
        "partitions_version": partitions.get("version"),
        "cases": cases,
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=True)
    sys.stdout.write("\n")
    print(f"{len(cases)} cases, {cross_checked} cross-checked against a real client", file=sys.stderr)


if __name__ == "__main__":
    main()
