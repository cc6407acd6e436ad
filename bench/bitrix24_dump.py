#!/usr/bin/env python3
"""Writes a Bitrix24 dump of DEALS deals in the layout `voronka import bitrix24 --dir` reads
(one file per page of 50, as the REST API answers), for measuring the import's time and
memory. Definitions come from tests/importers/fixtures/bitrix24; each deal has its creation
row and 2-3 moves in crm.stagehistory.list and 4 calls in crm.activity.list.

Usage: bench/bitrix24_dump.py OUT_DIR [DEALS]   (default 50 000)
"""
import json
import os
import random
import shutil
import sys

PAGE = 50


def write_pages(out, folder, items, prefix="", nested=None):
    os.makedirs(os.path.join(out, folder), exist_ok=True)
    total = len(items)
    for number, start in enumerate(range(0, max(total, 1), PAGE), 1):
        chunk = items[start:start + PAGE]
        body = {"result": {nested: chunk} if nested else chunk, "total": total,
                "time": {"start": 1711000000.1, "finish": 1711000000.2, "duration": 0.1,
                         "date_start": "2024-04-05T10:00:00+03:00"}}
        if start + PAGE < total:
            body["next"] = start + PAGE
        with open(os.path.join(out, folder, "%s%04d.json" % (prefix, number)), "w") as f:
            json.dump(body, f, ensure_ascii=False, separators=(",", ":"))


def moscow(seconds):
    """2024-01-01 00:00 Moscow time plus `seconds`, as Bitrix24 writes date-times."""
    day, rest = divmod(seconds, 86400)
    month_days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    month = 0
    while day >= month_days[month]:
        day -= month_days[month]
        month += 1
    return "2024-%02d-%02dT%02d:%02d:%02d+03:00" % (
        month + 1, day + 1, rest // 3600, rest // 60 % 60, rest % 60)


def main():
    out = sys.argv[1]
    deals = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    random.seed(1)
    fixtures = os.path.join(os.path.dirname(__file__), "..", "tests", "importers", "fixtures",
                            "bitrix24")
    shutil.rmtree(out, ignore_errors=True)
    for folder in ("department.get", "user.get", "crm.category.list", "crm.status.list",
                   "crm.deal.userfield.list", "crm.company.list", "crm.contact.list"):
        shutil.copytree(os.path.join(fixtures, folder), os.path.join(out, folder))
    stages = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING"]
    deal_items, history, calls = [], [], []
    history_id, call_id = 1, 1
    year = 300 * 86400
    for number in range(1, deals + 1):
        created = random.randrange(year)
        moves = random.choice([2, 3, 3])
        path = ["NEW"] + stages[1:1 + moves - 1] + [random.choice(["WON", "LOSE", "EXECUTING"])]
        at = created
        for step, stage in enumerate(path):
            history.append({"ID": str(history_id), "TYPE_ID": 1 if step == 0 else 2,
                            "OWNER_ID": number, "CREATED_TIME": moscow(at), "CATEGORY_ID": 0,
                            "STAGE_SEMANTIC_ID": "S" if stage == "WON" else "P",
                            "STAGE_ID": stage})
            history_id += 1
            at += random.randrange(3600, 5 * 86400)
        deal_items.append({
            "ID": str(number), "TITLE": "Поставка оборудования №%d" % number,
            "TYPE_ID": random.choice(["SALE", "COMPLEX"]), "CATEGORY_ID": "0",
            "STAGE_ID": path[-1], "STAGE_SEMANTIC_ID": "S" if path[-1] == "WON" else "P",
            "IS_NEW": "N", "PROBABILITY": None, "CURRENCY_ID": "RUB",
            "OPPORTUNITY": "%d.00" % random.randrange(5000, 2000000),
            "IS_MANUAL_OPPORTUNITY": "N", "TAX_VALUE": "0.00", "LEAD_ID": None,
            "COMPANY_ID": random.choice(["1", "2", "0"]), "CONTACT_ID": random.choice(["1", None]),
            "BEGINDATE": moscow(created), "CLOSEDATE": moscow(created + 30 * 86400),
            "ASSIGNED_BY_ID": random.choice(["1", "2", "3"]), "CREATED_BY_ID": "1",
            "MODIFY_BY_ID": "1", "DATE_CREATE": moscow(created), "DATE_MODIFY": moscow(at),
            "OPENED": "Y", "CLOSED": "Y" if path[-1] in ("WON", "LOSE") else "N",
            "COMMENTS": "Клиент из рассылки, просит КП до конца недели", "ADDITIONAL_INFO": None,
            "LOCATION_ID": None, "ORIGINATOR_ID": None, "ORIGIN_ID": None,
            "UTM_SOURCE": "yandex", "UTM_MEDIUM": "cpc", "UTM_CAMPAIGN": "spring",
            "UTM_CONTENT": None, "UTM_TERM": None, "SOURCE_ID": random.choice(["CALL", "WEB"]),
            "SOURCE_DESCRIPTION": None, "UF_CRM_1700000001": random.choice(["45", "46", None])})
        for _ in range(4):
            start = created + random.randrange(30 * 86400)
            calls.append({
                "ID": str(call_id), "OWNER_ID": str(number), "OWNER_TYPE_ID": "2",
                "TYPE_ID": "2", "PROVIDER_ID": "VOXIMPLANT_CALL", "PROVIDER_TYPE_ID": "CALL",
                "SUBJECT": "Исходящий звонок клиенту", "CREATED": moscow(start),
                "LAST_UPDATED": moscow(start + 240), "START_TIME": moscow(start),
                "END_TIME": moscow(start + 240), "DEADLINE": moscow(start + 240),
                "COMPLETED": "Y", "STATUS": "2", "RESPONSIBLE_ID": random.choice(["1", "2", "3"]),
                "PRIORITY": "2", "DIRECTION": random.choice(["1", "2"]), "AUTHOR_ID": "1",
                "EDITOR_ID": "1"})
            call_id += 1
    write_pages(out, "crm.deal.list", deal_items)
    write_pages(out, "crm.stagehistory.list", history, prefix="deal-", nested="items")
    write_pages(out, "crm.activity.list", calls)
    print("%d deals, %d history rows, %d calls" % (len(deal_items), len(history), len(calls)))


if __name__ == "__main__":
    main()
