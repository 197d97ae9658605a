"""A real AWS client reads every answer of the local endpoint.

botocore (the AWS CLI's and boto3's engine) signs with its own SigV4, sends each of the console's
five campaign operations, GetFuotaTask and the pre-flight check's two reads
(GetWirelessDeviceStatistics, GetWirelessGateway) to the local endpoint, follows NextToken itself (botocore
ships no paginator for them), and parses every answer with the service model. It also reads what a
rollout starts from: the demo fleets by device profile, their multicast groups, and the (empty) tags
of every listed task. The checks compare what it read with what the endpoint's seed data says.
Usage: read_local_endpoint.py API_URL
"""
import datetime
import re
import sys

import botocore.config
import botocore.session

DEMO = dict(
    aws_access_key_id="ASIADEMOLOCALENDPOINT",
    aws_secret_access_key="demo/local/endpoint/secret/key/not/a/real/one",
    aws_session_token="demo-local-session-token",
)
DEVICE_STATUSES = {
    "Initial", "Package_Not_Supported", "FragAlgo_unsupported", "Not_enough_memory", "FragIndex_unsupported",
    "Wrong_descriptor", "SessionCnt_replay", "MissingFrag", "MemoryError", "MICError", "Successful",
    "Device_exist_in_conflict_fuota_task",
}


def walk(call, list_member, **params):
    """Every item of a list operation, following NextToken until it is absent or empty."""
    items, pages, token = [], 0, None
    while True:
        answer = call(**params, **({"NextToken": token} if token else {}), MaxResults=250)
        items += answer.get(list_member, [])
        pages += 1
        token = answer.get("NextToken")
        if not token:
            return items, pages
        assert pages < 200, f"{list_member}: the list never ends"


def main(api):
    client = botocore.session.get_session().create_client(
        "iotwireless", region_name="us-east-1", endpoint_url=api,
        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 3}), **DEMO)
    checked = 0

    tasks, pages = walk(client.list_fuota_tasks, "FuotaTaskList")
    ids = {t["Id"] for t in tasks}
    assert pages >= 2, "the task list comes in several pages"
    assert {"demo-in-session", "demo-live", "demo-10k", "demo-minimal", "demo-busy"} <= ids, ids
    assert not any(i.startswith("fault-") for i in ids), ids
    for task in tasks:
        full = client.get_fuota_task(Id=task["Id"])
        assert full["Id"] == task["Id"] and full["Name"] == task["Name"], full
        assert "Status" in full
        if "CreatedAt" in full:
            assert isinstance(full["CreatedAt"], datetime.datetime), full["CreatedAt"]
        checked += 1

    by_task = {}
    for task_id in sorted(ids):
        devices, _ = walk(client.list_wireless_devices, "WirelessDeviceList", FuotaTaskId=task_id)
        by_task[task_id] = devices
        checked += 1
    assert len(by_task["demo-10k"]) == 10_000, len(by_task["demo-10k"])
    assert len({d["Id"] for d in by_task["demo-10k"]}) == 10_000
    statuses = {d.get("FuotaDeviceStatus") for d in by_task["demo-in-session"]}
    assert DEVICE_STATUSES <= statuses, DEVICE_STATUSES - statuses
    assert statuses - DEVICE_STATUSES - {None}, "one status the console does not know"
    assert by_task["demo-minimal"] == [], "a task with no devices"
    sample = by_task["demo-in-session"][0]
    assert len(sample["LoRaWAN"]["DevEui"]) == 16 and isinstance(sample["LastUplinkReceivedAt"], str), sample

    groups, _ = walk(client.list_multicast_groups_by_fuota_task, "MulticastGroupList", Id="demo-in-session")
    assert [g["Id"] for g in groups] == ["mcg-sensors-eu868"], groups
    group = client.get_multicast_group(Id="mcg-sensors-eu868")
    assert group["LoRaWAN"]["DlClass"] == "ClassC" and group["LoRaWAN"]["RfRegion"] == "EU868", group
    assert isinstance(group["CreatedAt"], datetime.datetime)
    session = client.get_multicast_group_session(Id="mcg-sensors-eu868")["LoRaWAN"]
    assert session["DlDr"] == 3 and session["DlFreq"] == 869_525_000, session
    assert isinstance(session["SessionStartTime"], datetime.datetime), session
    members, _ = walk(client.list_wireless_devices, "WirelessDeviceList", MulticastGroupId="mcg-sensors-eu868")
    assert all(m["McGroupId"] == 1 for m in members) and len(members) == 8, members
    class_b = client.get_multicast_group_session(Id="mcg-meters-us915")["LoRaWAN"]
    assert class_b["PingSlotPeriod"] == 128, class_b
    checked += 6

    # Without a filter: every device of the account, each once; the console maps DevEUIs to ids
    # with it. The first pages, small, then the whole list.
    first, token = [], None
    for _ in range(3):
        page = client.list_wireless_devices(MaxResults=4, **({"NextToken": token} if token else {}))
        first += page["WirelessDeviceList"]
        token = page["NextToken"]
    everyone, pages = walk(client.list_wireless_devices, "WirelessDeviceList")
    assert pages >= 2 and [d["Id"] for d in everyone[:len(first)]] == [d["Id"] for d in first], "a stable order"
    eui_of = {d["Id"]: d["LoRaWAN"]["DevEui"] for d in everyone}
    assert len(eui_of) == len(everyone), "each device once"
    assert all(d["Type"] == "LoRaWAN" and "FuotaDeviceStatus" not in d for d in everyone)
    for task_id in ("demo-in-session", "demo-10k"):
        assert all(eui_of.get(d["Id"]) == d["LoRaWAN"]["DevEui"] for d in by_task[task_id]), task_id
    assert all(m["Id"] in eui_of for m in members), "the group-only members too"
    assert sample["LoRaWAN"]["DevEui"] in eui_of.values()
    checked += pages + 3

    # The pre-flight check's reads: every device of demo-in-session and its group, a page of
    # demo-10k, and the gateways the Class C group names.
    now = datetime.datetime.now(datetime.timezone.utc)
    gateways = group["LoRaWAN"]["ParticipatingGateways"]
    assert 0 < len(gateways["GatewayList"]) <= 20 and 0 <= gateways["TransmissionInterval"] <= 60000, gateways
    hex16 = lambda eui: re.sub(r"[-: ]", "", eui).upper()
    eui_pattern = re.compile(r"^(([0-9A-Fa-f]{2}-){7}|([0-9A-Fa-f]{2}:){7}|([0-9A-Fa-f]{2}\s){7}|([0-9A-Fa-f]{2}){7})([0-9A-Fa-f]{2})$")
    named = set()
    for gateway_id in gateways["GatewayList"]:
        gateway = client.get_wireless_gateway(Identifier=gateway_id, IdentifierType="WirelessGatewayId")
        assert gateway["Id"] == gateway_id and gateway["LoRaWAN"]["RfRegion"] == "EU868" and gateway["Name"], gateway
        assert eui_pattern.match(gateway["LoRaWAN"]["GatewayEui"]), gateway
        named.add(hex16(gateway["LoRaWAN"]["GatewayEui"]))
        checked += 1
    cases = {"no statistics": 0, "silent": 0, "heard by none of the group's gateways": 0, "weak": 0}
    floor = {0: -20.0, 1: -17.5, 2: -15.0, 3: -12.5, 4: -10.0, 5: -7.5}  # EU868 DR0..5 = SF12..SF7
    for device in by_task["demo-in-session"] + members:
        stats = client.get_wireless_device_statistics(WirelessDeviceId=device["Id"])
        assert stats["WirelessDeviceId"] == device["Id"], stats
        checked += 1
        if "LoRaWAN" not in stats:
            assert set(stats) - {"ResponseMetadata"} == {"WirelessDeviceId"}, stats
            cases["no statistics"] += 1
            continue
        lorawan = stats["LoRaWAN"]
        assert lorawan["DevEui"] == eui_of[device["Id"]], (lorawan, device)
        assert 0 <= lorawan["DataRate"] <= 5 and 863_000_000 <= lorawan["Frequency"] <= 870_000_000, lorawan
        uplink = datetime.datetime.fromisoformat(stats["LastUplinkReceivedAt"].replace("Z", "+00:00"))
        assert uplink == datetime.datetime.fromisoformat(lorawan["Timestamp"].replace("Z", "+00:00")), stats
        age = now - uplink
        assert datetime.timedelta(0) <= age <= datetime.timedelta(days=10), stats
        cases["silent"] += age > datetime.timedelta(days=1)
        heard = lorawan["Gateways"]
        assert 1 <= len(heard) <= 3, heard
        for g in heard:
            assert eui_pattern.match(g["GatewayEui"]), g
            assert isinstance(g["Snr"], float) and -20 <= g["Snr"] <= 10 and isinstance(g["Rssi"], float) and -120 <= g["Rssi"] <= -60, g
        cases["heard by none of the group's gateways"] += not any(hex16(g["GatewayEui"]) in named for g in heard)
        cases["weak"] += max(g["Snr"] for g in heard) - floor[lorawan["DataRate"]] < 2
    assert all(cases.values()) and cases["weak"] >= 3, cases
    spellings = set()
    for device in by_task["demo-10k"][:200]:
        lorawan = client.get_wireless_device_statistics(WirelessDeviceId=device["Id"]).get("LoRaWAN")
        if lorawan:
            assert 0 <= lorawan["DataRate"] <= 3 and 902_000_000 <= lorawan["Frequency"] <= 928_000_000, lorawan
            spellings |= {"-" in g["GatewayEui"] or ":" in g["GatewayEui"] or g["GatewayEui"].islower() for g in lorawan["Gateways"]}
        checked += 1
    assert spellings == {True, False}, "EUIs written in more than one way"
    for call, params, resource_type in (
            (client.get_wireless_device_statistics, {"WirelessDeviceId": "no-such-device"}, "WirelessDevice"),
            (client.get_wireless_gateway, {"Identifier": "no-such-gateway", "IdentifierType": "WirelessGatewayId"}, "WirelessGateway")):
        try:
            call(**params)
            raise AssertionError(f"{params}: a missing resource must be an error")
        except client.exceptions.ResourceNotFoundException as e:
            assert e.response["ResourceType"] == resource_type, e.response
    by_eui = client.get_wireless_gateway(Identifier="72:76:ff:00:0b:03:1f:52", IdentifierType="GatewayEui")
    assert by_eui["Id"] == "gw-eu868-2", by_eui
    checked += 3

    try:
        client.get_multicast_group(Id="no-such-group")
        raise AssertionError("a missing group must be an error")
    except client.exceptions.ResourceNotFoundException as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"
    try:
        walk(client.list_wireless_devices, "WirelessDeviceList", FuotaTaskId="fault-devices-denied")
        raise AssertionError("the refused second page must be an error")
    except client.exceptions.AccessDeniedException as e:
        assert "iotwireless:ListWirelessDevices" in e.response["Error"]["Message"]
    # Throttled once on page 2: botocore's standard retries read through it.
    devices, _ = walk(client.list_wireless_devices, "WirelessDeviceList", FuotaTaskId="fault-devices-throttle-once")
    assert len(devices) == 600, len(devices)
    checked += 3

    # What a rollout starts from: each demo fleet by its device profile (a query member the
    # campaign does not use), its own group, every device with a link; the sample tasks' tags.
    fleets = {"good": ("dp-fleet-good-eu868", "mcg-fleet-good-eu868", 400), "bad": ("dp-fleet-bad-eu868", "mcg-fleet-bad-eu868", 60)}
    for name, (profile, group_id, size) in fleets.items():
        fleet, pages = walk(client.list_wireless_devices, "WirelessDeviceList", DeviceProfileId=profile)
        ids = [d["Id"] for d in fleet]
        assert ids == [f"fleet-{name}-dev-{n:05}" for n in range(size)], ids[:3]
        assert all(eui_of[d["Id"]] == d["LoRaWAN"]["DevEui"] and "FuotaDeviceStatus" not in d for d in fleet), "the account's devices"
        fleet_group = client.get_multicast_group(Id=group_id)
        lorawan = fleet_group["LoRaWAN"]
        assert (lorawan["RfRegion"], lorawan["DlClass"], lorawan["NumberOfDevicesInGroup"]) == ("EU868", "ClassC", size), fleet_group
        assert group_id in {g["Id"] for g in client.list_multicast_groups(MaxResults=250)["MulticastGroupList"]}
        in_group, _ = walk(client.list_wireless_devices, "WirelessDeviceList", MulticastGroupId=group_id)
        assert sorted(d["Id"] for d in in_group) == ids, group_id
        joined = 0
        for device_id in ids[:40]:
            stats = client.get_wireless_device_statistics(WirelessDeviceId=device_id)
            joined += "LoRaWAN" in stats
            if "LoRaWAN" in stats:
                assert 0 <= stats["LoRaWAN"]["DataRate"] <= 5 and 863_000_000 <= stats["LoRaWAN"]["Frequency"] <= 870_000_000, stats
        assert joined >= 30, joined
        checked += pages + 3 + 40
    assert client.list_wireless_devices(DeviceProfileId="dp-no-such-profile")["WirelessDeviceList"] == []
    # The sample tasks carry no tags; the demo rollouts' waves carry the rollout's record (its keys
    # all under the schema's prefix, each a string, as the model's Tag shape says).
    for task in tasks:
        tags = client.list_tags_for_resource(ResourceArn=task["Arn"])["Tags"]
        if task["Id"].startswith("demo-rollout-"):
            assert tags and all(isinstance(t["Key"], str) and isinstance(t["Value"], str) for t in tags), (task["Arn"], tags)
        else:
            assert tags == [], task["Arn"]
        checked += 1
    try:
        client.list_tags_for_resource(ResourceArn="arn:aws:iotwireless:us-east-1:123456789012:FuotaTask/no-such-task")
        raise AssertionError("a missing task's tags must be an error")
    except client.exceptions.ResourceNotFoundException as e:
        assert e.response["ResourceType"] == "FuotaTask", e.response
    checked += 2
    print(f"botocore {botocore.__version__} read {checked} answers of the local endpoint, "
          f"{sum(len(d) for d in by_task.values())} devices in {len(by_task)} tasks: all as the seed data says")


if __name__ == "__main__":
    main(sys.argv[1])
