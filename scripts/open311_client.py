#!/usr/bin/env python3
"""A GeoReport v2 client written from the spec (docs in ../shared/data/open311/), with
`requests` (Debian python3-requests), driving a running `ntm demo`:

    python3 scripts/open311_client.py http://127.0.0.1:PORT

It exercises, as the spec describes them: GET services (JSON and XML), GET a service
definition, POST requests (form-encoded; lat/long; attribute[...]), the same POST again with
the same idempotency token (same service_request_id), GET requests with filters
(service_request_id, service_code, status, start_date/end_date), GET a request by id (JSON
and XML), and the error cases (missing jurisdiction_id → 400, unknown service_code → 404, a
location outside the province → 400, no location → 400 as XML, an unknown request → 404, a
JSON body → 415, DELETE → 405: each the spec's error list). Exits non-zero on the first mismatch.
"""
import sys
import uuid
import xml.etree.ElementTree as ET

import requests

BASE = sys.argv[1].rstrip("/") + "/open311/v2"
J = {"jurisdiction_id": "86"}
ok = 0


def check(cond, what):
    global ok
    if not cond:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)
    ok += 1


s = requests.Session()

# GET Service List (JSON, XML).
r = s.get(f"{BASE}/services.json", params=J)
check(r.status_code == 200 and r.headers["content-type"].startswith("application/json"), "services.json 200 JSON")
services = r.json()
check(isinstance(services, list) and len(services) >= 1, "a list of services")
for svc in services:
    for k in ("service_code", "service_name", "description", "metadata", "type", "keywords", "group"):
        check(k in svc, f"service has {k}")
    check(svc["type"] in ("realtime", "batch", "blackbox"), "type is one of the spec's")
code = next(x["service_code"] for x in services if x["service_code"] == "giao-thong")
r = s.get(f"{BASE}/services.xml", params=J)
root = ET.fromstring(r.content)
check(root.tag == "services" and len(root.findall("service")) == len(services), "services.xml has the same services")

# GET Service Definition.
r = s.get(f"{BASE}/services/{code}.json", params=J)
d = r.json()
check(r.status_code == 200 and d["service_code"] == code, "definition names its code")
attrs = {a["code"]: a for a in d["attributes"]}
check("unit_code" in attrs and attrs["unit_code"]["datatype"] == "singlevaluelist", "unit_code is a singlevaluelist")
check(any(v["key"] == "29584" for v in attrs["unit_code"]["values"]), "An Bình among the values")

# Errors.
r = s.get(f"{BASE}/services.json")
check(r.status_code == 400 and r.json()[0]["code"] == 400, "missing jurisdiction_id → 400 with an error list")
r = s.post(f"{BASE}/requests.json", data={**J, "service_code": "khong-co", "lat": "10.286971", "long": "105.999124", "description": "x"})
check(r.status_code == 404, "unknown service_code → 404")
r = s.post(f"{BASE}/requests.json", data={**J, "service_code": code, "lat": "21.0285", "long": "105.8542", "description": "Hà Nội"})
check(r.status_code == 400 and "location" in r.json()[0]["description"], "a pin outside the province → 400")
r = s.post(f"{BASE}/requests.xml", data={**J, "service_code": code, "description": "no location"})
x = ET.fromstring(r.content)
check(r.status_code == 400 and x.tag == "errors" and x.find("error/code").text == "400"
      and "location" in x.find("error/description").text, "no location → 400 (XML errors)")
r = s.get(f"{BASE}/requests/KHONG-CO.xml", params=J)
x = ET.fromstring(r.content)
check(r.status_code == 404 and x.find("error/code").text == "404", "unknown request → 404 (XML errors)")
r = s.post(f"{BASE}/requests.json", json={**J, "service_code": code})
e = r.json()
check(r.status_code == 415 and isinstance(e[0]["code"], int) and e[0]["code"] == 415, "JSON body instead of a form → 415 error list")
r = s.delete(f"{BASE}/requests.xml")
check(r.status_code == 405 and ET.fromstring(r.content).find("error/code").text == "405", "DELETE → 405 (XML errors)")

# POST Service Request, then the same again (idempotency token).
token = str(uuid.uuid4())
form = {
    **J,
    "service_code": code,
    "lat": "10.286971",
    "long": "105.999124",
    "address_string": "Trước chợ An Bình",
    "email": "nguoidan@example.vn",
    "first_name": "Văn A",
    "last_name": "Nguyễn",
    "phone": "0901234567",
    "description": "Ổ gà lớn trước chợ, xe máy dễ ngã.",
    "attribute[client_token]": token,
}
r = s.post(f"{BASE}/requests.json", data=form)
check(r.status_code == 201, f"POST requests → 201 (got {r.status_code} {r.text})")
created = r.json()
check(isinstance(created, list) and "service_request_id" in created[0] and "token" not in created[0], "service_request_id, no token")
rid = created[0]["service_request_id"]
r = s.post(f"{BASE}/requests.json", data=form)
check(r.status_code == 200 and r.json()[0]["service_request_id"] == rid, "the same POST again returns the same request")

# GET Service Request (JSON and XML): open, our state in the extension, no contact.
r = s.get(f"{BASE}/requests/{rid}.json", params=J)
req = r.json()
check(r.status_code == 200 and len(req) == 1, "one request")
req = req[0]
for k in ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
          "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"):
    check(k in req, f"request has {k}")
check(req["status"] == "open" and req["ntm_status"] == "received", "open, ntm_status received")
check(abs(req["lat"] - 10.286971) < 1e-6 and req["address"] == "Xã An Bình", "lat/long and the commune")
check("nguoidan@example.vn" not in r.text and "0901234567" not in r.text, "the contact is never public")
r = s.get(f"{BASE}/requests/{rid}.xml", params=J)
x = ET.fromstring(r.content)
check(x.tag == "service_requests" and x.find("request/service_request_id").text == rid, "request XML")

# GET Service Requests with filters.
r = s.get(f"{BASE}/requests.json", params={**J, "service_request_id": rid})
check([q["service_request_id"] for q in r.json()] == [rid], "filter by service_request_id")
r = s.get(f"{BASE}/requests.json", params={**J, "service_code": code, "status": "open"})
check(rid in [q["service_request_id"] for q in r.json()], "filter by service_code and status=open")
r = s.get(f"{BASE}/requests.json", params={**J, "status": "closed"})
check(rid not in [q["service_request_id"] for q in r.json()], "not among closed")
r = s.get(f"{BASE}/requests.json", params={**J, "start_date": "2000-01-01T00:00:00Z", "end_date": "2000-01-02T00:00:00Z"})
check(r.status_code == 200 and r.json() == [], "an old date range is empty")
r = s.get(f"{BASE}/requests.json", params={**J, "start_date": "yesterday"})
check(r.status_code == 400, "a bad start_date → 400")

print(f"open311 client: {ok} checks passed (request {rid})")
