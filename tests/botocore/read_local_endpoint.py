"""A real AWS client reads every answer of the local endpoint.

botocore (the AWS CLI's and boto3's engine) signs with its own SigV4, sends each of the console's
five campaign operations and GetFuotaTask to the local endpoint, follows NextToken itself (botocore
ships no paginator for them), and parses every answer with the service model. The checks compare
what it read with what the endpoint's seed data says. Usage: read_local_endpoint.py API_URL
"""
import datetime
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
    print(f"botocore {botocore.__version__} read {checked} answers of the local endpoint, "
          f"{sum(len(d) for d in by_task.values())} devices in {len(by_task)} tasks: all as the seed data says")


if __name__ == "__main__":
    main(sys.argv[1])
