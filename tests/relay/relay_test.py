#!/usr/bin/env python3
"""Checks the CORS relay (relay/nginx.conf.template under a real nginx) in front of the local endpoint.

Started by tests/relay/run.sh, which passes, in the environment:
  RELAY_URL       the relay URL as the console is given it: http://127.0.0.1:PORT[/path-prefix]
  AWS_HOST        the host requests are signed for (api.iotwireless.us-east-1.amazonaws.com)
  AWS_REGION      the signing region
  ALLOWED_ORIGIN  the origin the relay allows
  SKEW_SECONDS    how far ahead the endpoint's clock runs (requests are signed at that time)
  ACCESS_LOG      nginx's access log

Every request is signed by botocore for https://AWS_HOST/... and sent, unchanged, to RELAY_URL/... with
urllib (no proxies: only 127.0.0.1 is contacted). Prints one line per check and "N passed, M failed".
"""
import datetime
import email.utils
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

RELAY_URL = os.environ["RELAY_URL"].rstrip("/")
AWS_HOST = os.environ["AWS_HOST"]
AWS_REGION = os.environ["AWS_REGION"]
ALLOWED_ORIGIN = os.environ["ALLOWED_ORIGIN"]
SKEW_SECONDS = int(os.environ["SKEW_SECONDS"])
ACCESS_LOG = os.environ["ACCESS_LOG"]

DEMO = ("ASIADEMOLOCALENDPOINT", "demo/local/endpoint/secret/key/not/a/real/one", "demo-local-session-token")
CONSOLE_HEADERS = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-user-agent"]
EXPOSED = ["x-amzn-requestid", "x-amzn-errortype", "date"]

assert urllib.parse.urlsplit(RELAY_URL).hostname == "127.0.0.1", RELAY_URL
RELAY_ORIGIN = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(RELAY_URL))
RELAY_PATH = urllib.parse.urlsplit(RELAY_URL).path
# No proxy from the environment: requests go to the relay on loopback and nowhere else.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(method, url, creds=DEMO, region=AWS_REGION, body=None):
    """botocore's SigV4 headers for `url` (and a JSON `body`), at the endpoint's (skewed) time; no
    Host (the relay sets it)."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = AWSRequest(method=method, url=url, data=body or b"", headers=headers)
    when = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(seconds=SKEW_SECONDS)
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        botocore.auth.SigV4Auth(Credentials(*creds), "iotwireless", region).add_auth(request)
    return {k: v for k, v in request.headers.items() if k.lower() != "host"}


def send(method, path, headers=None, base=RELAY_URL, body=None):
    """Sends to the relay URL + path; returns (status, headers, body). HTTP errors are answers."""
    assert path.startswith("/")
    req = urllib.request.Request(base + path, method=method, headers=headers or {}, data=body)
    try:
        with OPENER.open(req, timeout=20) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def signed(method, path, origin=ALLOWED_ORIGIN, sign_url=None, base=RELAY_URL, body=None, **kw):
    """Signs for https://AWS_HOST + path (or sign_url) and sends to the relay + path, as the console does."""
    headers = sign(method, sign_url or f"https://{AWS_HOST}{path}", body=body, **kw)
    headers["X-Amz-User-Agent"] = "fuota-console/relay-test"  # sent, not signed, as the console does
    if origin:
        headers["Origin"] = origin
    return send(method, path, headers, base=base, body=body)


def error_code(headers, body):
    code = headers.get("x-amzn-ErrorType", "").split(":")[0]
    if not code and body:
        code = json.loads(body).get("__type", "").split("#")[-1]
    return code


def csv(value):
    return [v.strip().lower() for v in (value or "").split(",") if v.strip()]


def assert_cors(headers, origin=ALLOWED_ORIGIN):
    assert headers.get_all("Access-Control-Allow-Origin") == [origin], headers.get_all("Access-Control-Allow-Origin")
    assert "origin" in csv(", ".join(headers.get_all("Vary") or [])), headers.get_all("Vary")


def assert_exposed(headers):
    exposed = csv(headers.get("Access-Control-Expose-Headers"))
    for name in EXPOSED:
        assert name in exposed, (name, exposed)


# ---------------------------------------------------------------------------------------------- checks

def test_signed_get_task_through_relay():
    status, headers, body = signed("GET", "/fuota-tasks/demo-in-session")
    assert status == 200, (status, body[:300])
    task = json.loads(body)
    assert task["Id"] == "demo-in-session", task
    assert headers.get("Content-Type", "").startswith("application/json"), headers.get("Content-Type")
    assert_cors(headers)


def test_request_id_is_present_and_exposed():
    status, headers, _ = signed("GET", "/fuota-tasks/demo-in-session")
    assert status == 200, status
    assert headers.get("x-amzn-RequestId"), dict(headers)
    assert_exposed(headers)


def test_date_is_the_services_clock_not_the_relays():
    status, headers, _ = signed("GET", "/fuota-tasks/demo-done")
    assert status == 200, status
    dates = headers.get_all("Date")
    assert dates and len(dates) == 1, dates
    served = email.utils.parsedate_to_datetime(dates[0]).timestamp()
    assert abs(served - (time.time() + SKEW_SECONDS)) < 120, (dates[0], SKEW_SECONDS)


def test_signature_for_another_host_is_refused():
    # What happens if the page signed the relay's URL instead of the AWS one: the Host differs.
    path = "/fuota-tasks/demo-in-session"
    status, headers, body = signed("GET", path, sign_url=RELAY_URL + path)
    assert status == 403, (status, body[:300])
    assert error_code(headers, body) == "InvalidSignatureException", (dict(headers), body[:300])
    assert_cors(headers)  # the console can read the error
    assert_exposed(headers)


def test_tampered_request_is_refused():
    status, headers, body = signed("GET", "/fuota-tasks/demo-done",
                                   sign_url=f"https://{AWS_HOST}/fuota-tasks/demo-in-session")
    assert status == 403, (status, body[:300])
    assert error_code(headers, body) == "InvalidSignatureException", body[:300]


def test_wrong_secret_is_refused():
    creds = (DEMO[0], "not/the/secret/key/of/the/demo/identity/xx", DEMO[2])
    status, headers, body = signed("GET", "/fuota-tasks/demo-in-session", creds=creds)
    assert status == 403, (status, body[:300])
    assert error_code(headers, body) == "InvalidSignatureException", body[:300]


def test_request_uri_is_forwarded_byte_for_byte():
    # %2F, %20 and %2B must reach the service as sent: the signature covers the encoded path, so a
    # relay that decoded or normalised it would turn this 404 into a 403 InvalidSignatureException.
    status, headers, body = signed("GET", "/fuota-tasks/a%2Fb%20c%2Bd")
    assert status == 404, (status, body[:300])
    answer = json.loads(body)
    assert error_code(headers, body) == "ResourceNotFoundException", answer
    assert answer.get("ResourceId") == "a/b c+d", answer


def test_list_with_query_string():
    status, _, body = signed("GET", "/fuota-tasks?maxResults=2")
    assert status == 200, (status, body[:300])
    answer = json.loads(body)
    assert len(answer["FuotaTaskList"]) == 2, answer
    # The token holds "+", "/" and "=": encoded in the query, it must reach the service as sent.
    token = urllib.parse.quote(answer["NextToken"], safe="")
    status, _, body = signed("GET", f"/fuota-tasks?maxResults=2&nextToken={token}")
    assert status == 200, (status, body[:300])
    assert len(json.loads(body)["FuotaTaskList"]) == 2


def test_every_campaign_read_is_relayed():
    for path in ("/wireless-devices?fuotaTaskId=demo-in-session&maxResults=250",
                 "/fuota-tasks/demo-in-session/multicast-groups?maxResults=250",
                 "/multicast-groups/mcg-sensors-eu868", "/multicast-groups/mcg-sensors-eu868/session",
                 "/wireless-devices/demo-in-session-dev-00000/statistics",
                 "/wireless-gateways/gw-eu868-1?identifierType=WirelessGatewayId"):
        status, headers, body = signed("GET", path)
        assert status == 200, (path, status, body[:300])
        assert headers.get("x-amzn-RequestId"), path


def test_preflight_gets_cors_headers():
    status, headers, body = send("OPTIONS", "/fuota-tasks/demo-in-session", {
        "Origin": ALLOWED_ORIGIN,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": ",".join(CONSOLE_HEADERS),
    })
    # 204 from the relay itself (the endpoint would answer 403 without CORS, 200 with).
    assert status == 204, (status, body[:300])
    assert_cors(headers)
    assert "get" in csv(headers.get("Access-Control-Allow-Methods")), headers.get("Access-Control-Allow-Methods")
    allowed = csv(headers.get("Access-Control-Allow-Headers"))
    for name in CONSOLE_HEADERS:
        assert name in allowed, (name, allowed)
    assert int(headers.get("Access-Control-Max-Age", "0")) > 0, headers.get("Access-Control-Max-Age")


def test_preflight_from_another_origin_is_not_allowed():
    status, headers, _ = send("OPTIONS", "/fuota-tasks/demo-in-session", {
        "Origin": "https://attacker.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": ",".join(CONSOLE_HEADERS),
    })
    assert headers.get("Access-Control-Allow-Origin") is None, dict(headers)


def test_answer_to_another_origin_has_no_allow_origin():
    status, headers, _ = signed("GET", "/fuota-tasks/demo-in-session", origin="https://attacker.example")
    assert status == 200, status  # forwarded (the signature is the authorisation), but unreadable to that page
    assert headers.get("Access-Control-Allow-Origin") is None, dict(headers)


def test_service_errors_pass_through_with_cors():
    status, headers, body = signed("GET", "/fuota-tasks/fault-throttle")
    assert status == 429, status
    assert error_code(headers, body) == "ThrottlingException", (dict(headers), body)
    assert_cors(headers)
    status, headers, body = signed("GET", "/fuota-tasks/fault-html")
    assert status == 502, status
    assert headers.get("Content-Type", "").startswith("text/html"), headers.get("Content-Type")
    assert b"502 Bad Gateway" in body, body[:200]
    assert_cors(headers)


def test_large_answer_streams_through():
    status, _, body = signed("GET", "/fuota-tasks/fault-huge")
    assert status == 200, status
    assert len(json.loads(body)["Description"]) == 1 << 20


CREATE = json.dumps({
    "ClientRequestToken": "relay-test-{}".format(RELAY_PATH.strip("/") or "root"),
    "FirmwareUpdateImage": "s3://fuota-demo-firmware/relay.bin",
    "FirmwareUpdateRole": "arn:aws:iam::123456789012:role/IoTWirelessFuotaRole",
    "Name": "relay-fw",
}).encode()


def test_writes_are_relayed_with_their_bodies_and_sent_once():
    status, headers, body = signed("POST", "/fuota-tasks", body=CREATE)
    assert status == 201, (status, body[:300])
    assert_cors(headers)
    task_id = json.loads(body)["Id"]
    patch = json.dumps({"FragmentSizeBytes": 40}).encode()
    status, headers, body = signed("PATCH", f"/fuota-tasks/{task_id}", body=patch)
    assert (status, body) == (204, b""), (status, body[:300])
    status, _, body = signed("PUT", f"/fuota-tasks/{task_id}/multicast-group", body=b'{"MulticastGroupId":"mcg-sensors-eu868"}')
    assert status == 204, (status, body[:300])
    status, _, body = signed("DELETE", f"/fuota-tasks/{task_id}/multicast-groups/mcg-sensors-eu868")
    assert status == 204, (status, body[:300])
    status, _, body = signed("DELETE", f"/fuota-tasks/{task_id}")
    assert status == 204, (status, body[:300])
    # nginx would try another address after an error for a PUT or DELETE (HTTP calls them
    # idempotent); the relay must never send a write twice.
    conf = open(os.environ["RELAY_CONF"]).read()
    write_location = conf[conf.index("location = /relay-write"):]
    assert "proxy_next_upstream off;" in write_location[:write_location.index("}")], "writes may be retried upstream"


def test_a_rollouts_operations_are_relayed():
    # A rollout's group, a device in it, and tags by ARN: the ARN percent-encoded and
    # UntagResource's tagKeys repeated reach the service as sent (the signature covers them).
    token = "relay-wave-{}".format(RELAY_PATH.strip("/") or "root")
    tags = [{"Key": "a/b", "Value": "1"}, {"Key": "a.b", "Value": "2"}, {"Key": "keep", "Value": "3"}]
    create = json.dumps({"ClientRequestToken": token, "LoRaWAN": {"RfRegion": "EU868", "DlClass": "ClassC"}, "Tags": tags}).encode()
    status, headers, body = signed("POST", "/multicast-groups", body=create)
    assert status == 201, (status, body[:300])
    assert_cors(headers)
    group = json.loads(body)
    arn = urllib.parse.quote(group["Arn"], safe="")
    device = "fleet-good-dev-00001"
    status, _, body = signed("PUT", f"/multicast-groups/{group['Id']}/wireless-device", body=json.dumps({"WirelessDeviceId": device}).encode())
    assert status == 204, (status, body[:300])
    status, _, body = signed("DELETE", f"/tags?resourceArn={arn}&tagKeys=a.b&tagKeys=a%2Fb")
    assert status == 204, (status, body[:300])
    status, headers, body = signed("GET", f"/tags?resourceArn={arn}")
    assert (status, json.loads(body)) == (200, {"Tags": [{"Key": "keep", "Value": "3"}]}), (status, body[:300])
    assert_cors(headers)
    status, _, body = signed("POST", f"/tags?resourceArn={arn}", body=b'{"Tags":[{"Key":"k","Value":"v"}]}')
    assert status == 204, (status, body[:300])
    status, _, body = signed("DELETE", f"/multicast-groups/{group['Id']}/wireless-devices/{device}")
    assert status == 204, (status, body[:300])
    status, _, body = signed("DELETE", f"/multicast-groups/{group['Id']}")
    assert status == 204, (status, body[:300])


def test_a_body_over_16_kib_is_refused():
    status, headers, body = signed("POST", "/fuota-tasks", body=b'{"Description":"' + b"x" * (17 * 1024) + b'"}')
    assert status == 413, (status, body[:300])
    assert headers.get("x-amzn-RequestId") is None, "forwarded to the service"


def test_only_the_tables_methods_are_relayed():
    # A validly signed request with a method the console never uses on that path stops at the relay.
    for method, path in (("DELETE", "/wireless-devices"), ("POST", "/fuota-tasks/demo-in-session"),
                         ("PATCH", "/multicast-groups/mcg-sensors-eu868"), ("PUT", "/fuota-tasks")):
        status, headers, body = signed(method, path, body=b"{}" if method != "DELETE" else None)
        assert status == 404, (method, path, status, body[:300])
        assert headers.get("x-amzn-RequestId") is None, (method, path, "forwarded to the service")
        assert_cors(headers)


def test_only_the_consoles_reads_are_relayed():
    # GetWirelessDevice returns a device's keys: never relayed, nor any other operation.
    for path in ("/wireless-devices/some-device", "/destinations", "/multicast-groups/g1/other",
                 "/wireless-gateways", "/wireless-devices/some-device/statistics/x"):
        status, headers, body = signed("GET", path)
        assert status == 404, (path, status, body[:300])
        assert headers.get("x-amzn-RequestId") is None, (path, "forwarded to the service")
        assert b"This relay forwards the FUOTA console's operations" in body, body[:300]
        assert_cors(headers)


def test_dot_segments_cannot_leave_fuota_tasks():
    for path in ("/fuota-tasks/../wireless-devices", "/fuota-tasks/%2e%2e/wireless-devices",
                 "/fuota-tasks/./../../wireless-devices"):
        status, headers, body = signed("GET", path)
        assert status in (400, 404), (path, status, body[:300])
        assert headers.get("x-amzn-RequestId") is None, (path, "forwarded to the service")


def test_relay_path_prefix_is_required_when_configured():
    # With a relay URL that has a path, only requests under it are forwarded (and the prefix is
    # removed before forwarding: the other checks would get 403s otherwise).
    if not RELAY_PATH:
        status, _, _ = signed("GET", "/iotwireless/fuota-tasks/demo-in-session")
        assert status == 404, status
        return
    status, headers, body = signed("GET", "/fuota-tasks/demo-in-session", base=RELAY_ORIGIN)
    assert status == 404, (status, body[:300])
    assert headers.get("x-amzn-RequestId") is None, "forwarded to the service"


def test_access_log_holds_no_credentials():
    # The log is written when each request ends; all requests above have ended.
    with open(ACCESS_LOG, encoding="utf-8") as f:
        log = f.read()
    assert "/fuota-tasks/demo-in-session" in log, log[-500:]
    for secret in (DEMO[1], DEMO[2], "Signature=", "Credential="):
        assert secret not in log, f"{secret!r} in the access log"
    assert "rid=" in log
    # Requests the relay answered itself never reached the service.
    for line in log.splitlines():
        get_device = '"GET ' in line and "/wireless-devices/" in line and "/statistics\"" not in line
        refused = ('"DELETE /wireless-devices"' in line or get_device or '"GET /wireless-gateways"' in line
                   or "/destinations" in line or '"OPTIONS ' in line or '"PUT /fuota-tasks"' in line)
        if refused:
            assert "upstream=-" in line, line


def main():
    tests = [(name, fn) for name, fn in globals().items() if name.startswith("test_") and callable(fn)]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
        except Exception:  # noqa: BLE001 - report every failure, then the summary
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
